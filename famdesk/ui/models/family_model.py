"""The front desk's family search results: one row per `FamilyHit` (roles: `FamilyRole`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
)

from famdesk.i18n import N_, _
from famdesk.services.family_search import FamilyHit
from famdesk.ui.models.column_model import ColumnTableModel
from famdesk.ui.models.roles import FamilyRole

_Index = QModelIndex | QPersistentModelIndex


def family_name(holder_name: str) -> str:
    """'M. MARTIN Hugo' -> 'MARTIN'; 'Mme DE LA FONTAINE Inès' -> 'DE LA FONTAINE'.

    The family name is the run of upper-case words after the civility (as
    `Family.holder_name` writes it); the whole holder name when there is none."""
    words = holder_name.split()
    names = [w for w in words[1:] if w.upper() == w and sum(c.isalpha() for c in w) > 1]
    return " ".join(names) or holder_name


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[FamilyHit], str]
    tooltip: Callable[[FamilyHit], str] | None = None


def _children(hit: FamilyHit) -> str:
    return ", ".join(hit.children)


def _login(hit: FamilyHit) -> str:
    return hit.login or "—"


def _login_tip(hit: FamilyHit) -> str:
    if hit.login is None:
        return _("No account yet: create one in the family file.")
    return _("Logs in as {login}").format(login=hit.login)


COLUMNS: tuple[Column, ...] = (
    Column(N_("Family"), lambda hit: hit.holder_name),
    Column(N_("Children"), _children),
    Column(N_("Login"), _login, _login_tip),
    Column(N_("E-mail"), lambda hit: hit.email or ""),
    Column(N_("Phone"), lambda hit: hit.phone or ""),
)
NAME_COLUMN, CHILDREN_COLUMN, LOGIN_COLUMN, EMAIL_COLUMN, PHONE_COLUMN = range(len(COLUMNS))


class FamilySearchModel(ColumnTableModel):
    COLUMNS = COLUMNS
    ROLES = FamilyRole

    def hit(self, row: int) -> FamilyHit | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def role_data(self, hit: Any, column: Column, role: int) -> Any:  # type: ignore[override]
        if role == FamilyRole.HIT:
            return hit
        if role == FamilyRole.FAMILY_ID:
            return hit.family_id
        if role == FamilyRole.HAS_ACCOUNT:
            return hit.login is not None
        return None
