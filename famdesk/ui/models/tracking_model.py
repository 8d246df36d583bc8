"""'Suivi des réservations': one row per `TrackingLine`, one column per thing a family reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
)

from famdesk.i18n import N_, _
from famdesk.services.formatting import date_time, long_day, weekday_date
from famdesk.services.tracking import TrackingLine
from famdesk.ui.models.column_model import ColumnTableModel
from famdesk.ui.models.roles import TrackingRole

_Index = QModelIndex | QPersistentModelIndex


def times_text(line: TrackingLine) -> str:
    """ "07:00–08:20", "07:00" (arrival only), or "" for an activity without times."""
    if line.arrival is None:
        return ""
    if line.departure is None:
        return f"{line.arrival:%H:%M}"
    return f"{line.arrival:%H:%M}–{line.departure:%H:%M}"


@dataclass(frozen=True)
class Column:
    title: str
    """The header's msgid (translated when shown)."""
    text: Callable[[TrackingLine], str]
    sort_key: Callable[[TrackingLine], str] | None = None
    """Sorts by the shown text (locale-aware, in the proxy) when None."""
    tooltip: Callable[[TrackingLine], str | None] | None = None
    """The shown text (which a narrow column may cut) when None."""


def _transmission_tooltip(line: TrackingLine) -> str | None:
    if line.transmitted_at is None:
        return _("Confirmed here; the transmission has not run over it yet.")
    return _("Transmitted on {when}").format(when=date_time(line.transmitted_at))


def _requested(line: TrackingLine) -> str:
    return _("Requested on {when}").format(when=date_time(line.requested_at))


COLUMNS: tuple[Column, ...] = (
    Column(
        N_("Date"),
        lambda line: weekday_date(line.day),
        lambda line: line.day.isoformat(),
        lambda line: long_day(line.day),
    ),
    Column(N_("Activity"), lambda line: line.activity_label),
    Column(N_("Child"), lambda line: line.child_name),
    Column(N_("Times"), times_text),
    Column(
        N_("Request"),
        lambda line: line.request_text,
        tooltip=lambda line: f"{line.request_text}\n{_requested(line)}",
    ),
    Column(N_("Outcome"), lambda line: line.outcome_text),
    Column(
        N_("Transmission"),
        lambda line: line.transmission_text,
        # not transmitted first, then by the instant of the transmission
        lambda line: line.transmitted_at.isoformat() if line.transmitted_at else "",
        _transmission_tooltip,
    ),
    Column(
        N_("Made by"),
        lambda line: line.made_by,
        tooltip=lambda line: f"{line.made_by}\n{_requested(line)}",
    ),
    Column(N_("Remark"), lambda line: line.remark),
)
DATE_COLUMN = 0
CHILD_COLUMN = 2
REQUEST_COLUMN = 4
TRANSMISSION_COLUMN = 6
MADE_BY_COLUMN = 7
REMARK_COLUMN = 8


class TrackingTableModel(ColumnTableModel):
    COLUMNS = COLUMNS
    ROLES = TrackingRole

    def role_data(self, line: Any, column: Column, role: int) -> Any:  # type: ignore[override]
        if role == TrackingRole.SORT_KEY:
            return column.sort_key(line) if column.sort_key is not None else column.text(line)
        if role == TrackingRole.LINE:
            return line
        if role == TrackingRole.DAY:
            return line.day
        if role == TrackingRole.OUTCOME:
            return line.outcome
        if role == TrackingRole.TRANSMITTED:
            return line.transmitted_at is not None
        return None
