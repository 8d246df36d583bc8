"""'Inscriptions à l'année': one row per `EnrollmentLine`, one column per thing a family reads.

The roles are defined here (`EnrollmentRole`); views read the rows through them only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from famdesk.i18n import N_, _
from famdesk.services.enrollments import EnrollmentLine, weekday_names
from famdesk.services.formatting import date_time, long_day
from famdesk.ui.models.column_model import ColumnTableModel

_Index = QModelIndex | QPersistentModelIndex
_USER = int(Qt.ItemDataRole.UserRole)


class EnrollmentRole(IntEnum):
    """Roles of `EnrollmentTableModel` (DisplayRole is the cell's text)."""

    LINE = _USER + 1
    """The row's `EnrollmentLine` DTO (any column)."""
    ENROLLMENT_ID = _USER + 2
    TRANSMITTED = _USER + 3
    """True once the transmission has applied it (and nothing changed since)."""
    STOPPED = _USER + 4
    CHANGEABLE = _USER + 5
    """Whether it may still get another end or be stopped (else: the calendar)."""


@dataclass(frozen=True)
class Column:
    title: str
    """The header's msgid (translated when shown)."""
    text: Callable[[EnrollmentLine], str]
    tooltip: Callable[[EnrollmentLine], str] | None = None


def _period_tooltip(line: EnrollmentLine) -> str:
    if line.last_day is None:
        return line.period_text
    text = _("From {start} to {end}").format(start=long_day(line.starts_on), end=long_day(line.last_day))
    if not line.end_given and not line.stopped:
        text += "\n" + _("No end given: the school year's end.")
    return text


def _state_tooltip(line: EnrollmentLine) -> str:
    made = _("Made on {when}").format(when=date_time(line.created_at))
    if line.transmitted_at is None:
        return made + "\n" + _("Its reservations come with the next transmission.")
    return made + "\n" + _("Its reservations are in the calendar.")


COLUMNS: tuple[Column, ...] = (
    Column(N_("Activity"), lambda line: line.activity_label),
    Column(N_("Period"), lambda line: line.period_text, _period_tooltip),
    Column(N_("Days"), lambda line: line.days_text,
           lambda line: weekday_names(line.weekdays, "wide")),
    Column(N_("Times"), lambda line: line.times_text),
    Column(N_("One week in two"), lambda line: _("Yes") if line.every_other_week else _("No")),
    Column(N_("State"), lambda line: line.state_text, _state_tooltip),
)
ACTIVITY_COLUMN, PERIOD_COLUMN, DAYS_COLUMN, TIMES_COLUMN, EVERY_OTHER_COLUMN, STATE_COLUMN = range(6)


class EnrollmentTableModel(ColumnTableModel):
    COLUMNS = COLUMNS
    ROLES = EnrollmentRole

    def row_of(self, enrollment_id: int) -> int:
        """The row of that enrollment, or -1."""
        return next((i for i, line in enumerate(self._rows) if line.id == enrollment_id), -1)

    def role_data(self, line: Any, column: Column, role: int) -> Any:  # type: ignore[override]
        if role == EnrollmentRole.LINE:
            return line
        if role == EnrollmentRole.ENROLLMENT_ID:
            return line.id
        if role == EnrollmentRole.TRANSMITTED:
            return line.transmitted_at is not None
        if role == EnrollmentRole.STOPPED:
            return line.stopped
        if role == EnrollmentRole.CHANGEABLE:
            return line.changeable
        return None
