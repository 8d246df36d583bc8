"""The front-desk and manager accounts of a structure ("Comptes et structures"): one row per
`StaffAccountRow`, read through `AdminRole.ROW`; instants in the structure's time zone."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from famdesk.i18n import N_, _
from famdesk.services.auth import role_label
from famdesk.services.backoffice import StaffAccountRow
from famdesk.services.formatting import date_time
from famdesk.ui.models.admin_model import AdminTableModel
from famdesk.ui.models.column_model import Column


def name_text(row: StaffAccountRow) -> str:
    """The name (and "you"), its e-mail on a second line."""
    name = _("{name} (you)").format(name=row.display_name) if row.is_self else row.display_name
    return f"{name}\n{row.email}" if row.email else name


class StaffAccountTableModel(AdminTableModel):
    """`rows`: `StaffAccountRow`s; `timezone`: the structure's, for the instants shown."""

    def __init__(self, rows: Any = (), parent: Any = None, timezone: str = "Europe/Paris") -> None:
        super().__init__(rows, parent)
        self.zone = ZoneInfo(timezone)
        self.COLUMNS = (
            Column(N_("Name and e-mail"), name_text),
            Column(N_("Login"), lambda row: row.login),
            Column(N_("Role"), lambda row: role_label(row.role)),
            Column(N_("Structures"), lambda row: "\n".join(s.name for s in row.structures),
                   tooltip=self._structures_tip),
            Column(N_("State"), self._state_text, tooltip=self._state_tip),
            Column(N_("Last login"), self._last_login_text),
        )

    def set_timezone(self, timezone: str) -> None:
        self.beginResetModel()
        self.zone = ZoneInfo(timezone)
        self.endResetModel()

    def _local(self, instant: datetime) -> str:
        return date_time(instant.astimezone(self.zone))

    def _state_text(self, row: StaffAccountRow) -> str:
        """Locked (until when) and/or on a one-time password, one a line; else "active"."""
        lines = []
        if row.locked_until is not None:
            lines.append(_("locked until {when}").format(when=self._local(row.locked_until)))
        if row.must_change_password:
            lines.append(_("one-time password"))
        return "\n".join(lines) or _("active")

    def _state_tip(self, row: StaffAccountRow) -> str:
        tips = []
        if row.locked_until is not None:
            tips.append(_("Locked after failed attempts: a new password lifts the lock."))
        if row.must_change_password:
            tips.append(_("A one-time password, which the person replaces at the next login."))
        return " ".join(tips) or _("The person logs in with their own password.")

    def _last_login_text(self, row: StaffAccountRow) -> str:
        return _("never") if row.last_login_at is None else self._local(row.last_login_at)

    @staticmethod
    def _structures_tip(row: StaffAccountRow) -> str:
        names = ", ".join(s.name for s in row.structures)
        if row.manageable:
            return names
        return _("{names} — it also sees a structure you do not manage: only a manager of all "
                 "its structures may change it.").format(names=names)
