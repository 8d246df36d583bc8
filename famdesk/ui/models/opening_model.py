"""The back office's opening calendar and what its actions would do: one month's days, the
days a generation skips, the reservations a closure cancels, and the tariff brackets the
activity editor edits (the only editable one).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from famdesk.errors import ValidationError
from famdesk.i18n import N_, _
from famdesk.models.enums import ReservationStatus
from famdesk.services.backoffice import AffectedReservation, CalendarDay, ClosurePreview
from famdesk.services.formatting import long_day, money, weekday_date
from famdesk.ui import theme
from famdesk.ui.models.admin_model import AdminTableModel
from famdesk.ui.models.balance_model import parse_amount
from famdesk.ui.models.column_model import Column

_Index = QModelIndex | QPersistentModelIndex


# -- the opening calendar --------------------------------------------------------------


def day_state_text(day: CalendarDay) -> str:
    if day.open:
        return _("Open (past)") if day.past else _("Open")
    if day.past:
        return _("Past")
    if day.public_holiday:
        return _("Closed (public holiday)")
    return _("Closed")


def places_text(day: CalendarDay) -> str:
    if not day.open:
        return ""
    return _("no limit") if day.capacity is None else str(day.capacity)


def waitlist_text(size: int | None) -> str:
    if size is None:
        return _("no limit")
    return _("no list") if size == 0 else str(size)


def day_remark(day: CalendarDay) -> str:
    parts = []
    if day.public_holiday:
        parts.append(_("public holiday: {name}").format(name=day.public_holiday))
    if day.school_holidays:
        parts.append(day.school_holidays)
    return " ; ".join(parts)


class OpeningDayTableModel(AdminTableModel):
    """One row per day of the month shown, open or not."""

    COLUMNS = (
        Column(N_("Date"), lambda d: weekday_date(d.day), lambda d: long_day(d.day)),
        Column(N_("State"), day_state_text),
        Column(N_("Places"), places_text),
        Column(N_("Booked"), lambda d: str(d.booked) if d.open else ""),
        Column(N_("Waiting"), lambda d: str(d.waitlisted) if d.open else ""),
        Column(N_("Waiting-list places"), lambda d: waitlist_text(d.waitlist_size) if d.open else ""),
        Column(N_("Remark"), day_remark),
    )
    NUMBERS = frozenset({2, 3, 4, 5})

    def role_data(self, row: Any, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and (row.past or not row.open):
            return theme.colour("muted_text")
        if role == Qt.ItemDataRole.FontRole and row.open and column is self.COLUMNS[1]:
            font = QFont()
            font.setBold(True)
            return font
        return super().role_data(row, column, role)

    def row_of_day(self, day: object) -> int:
        return next((i for i, row in enumerate(self._rows) if row.day == day), -1)


class SkippedDayTableModel(AdminTableModel):
    COLUMNS = (
        Column(N_("Date"), lambda s: weekday_date(s.day), lambda s: long_day(s.day)),
        Column(N_("Left closed because"), lambda s: s.text),
    )


def status_text(status: ReservationStatus) -> str:
    return _("booked") if status is ReservationStatus.BOOKED else _("on the waiting list")


@dataclass(frozen=True)
class AffectedLine:
    """A reservation a closure cancels, and whether its family is told by e-mail."""

    reservation: AffectedReservation
    emailed: bool

    @property
    def reservation_id(self) -> int:
        return self.reservation.reservation_id


def affected_lines(preview: ClosurePreview) -> tuple[AffectedLine, ...]:
    without = set(preview.families_without_email)
    return tuple(AffectedLine(r, r.family_name not in without) for r in preview.reservations)


class AffectedReservationTableModel(AdminTableModel):
    """Rows: `AffectedLine`."""

    COLUMNS = (
        Column(N_("Date"), lambda a: weekday_date(a.reservation.day),
               lambda a: long_day(a.reservation.day)),
        Column(N_("Child"), lambda a: a.reservation.child_name),
        Column(N_("Family"), lambda a: a.reservation.family_name),
        Column(N_("State"), lambda a: status_text(a.reservation.status)),
        Column(N_("Told"), lambda a: _("by e-mail") if a.emailed else _("no e-mail: to call")),
        Column(N_("Refund"), lambda a: money(a.reservation.refund) if a.reservation.refund
               else ""),
    )
    NUMBERS = frozenset({5})

    def role_data(self, row: Any, column: Column, role: int) -> Any:
        if (role == Qt.ItemDataRole.ForegroundRole and column is self.COLUMNS[4]
                and not row.emailed):
            return theme.colour("error_text")
        return super().role_data(row, column, role)


# -- the tariff brackets (editable) ----------------------------------------------------


@dataclass(frozen=True)
class BracketLine:
    """A tariff bracket as edited: its upper quotient (None: "and above") and its amount as
    typed. Its lower quotient follows from the line above: brackets never leave a gap."""

    qf_max: int | None
    amount: str


def _amount_text(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


class BracketTableModel(AdminTableModel):
    """Quotient familial brackets, from 0 up: "QF from" follows, "QF up to" and the amount
    are edited in place; the last bracket runs "and above"."""

    COLUMNS = (
        Column(N_("QF from"), lambda line: ""),
        Column(N_("QF up to"), lambda line: ""),
        Column(N_("Amount (€)"), lambda line: line.amount),
    )
    NUMBERS = frozenset({0, 1, 2})
    QF_MAX_COLUMN, AMOUNT_COLUMN = 1, 2

    def set_brackets(self, brackets: Any) -> None:
        """(qf_min, qf_max, Decimal amount) from 0 up, as the service keeps them."""
        lines = [BracketLine(high, _amount_text(amount)) for _low, high, amount in brackets]
        self.set_rows(lines or [BracketLine(None, "0,00")])

    def qf_min(self, row: int) -> int:
        if row == 0:
            return 0
        above = self._rows[row - 1].qf_max
        return 0 if above is None else above + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        line = self._rows[index.row()]
        column = index.column()
        text_roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                      Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole)
        if role in text_roles and column == 0:
            return str(self.qf_min(index.row()))
        if role in text_roles and column == self.QF_MAX_COLUMN:
            if line.qf_max is None:
                return _("and above") if role != Qt.ItemDataRole.EditRole else ""
            return str(line.qf_max)
        return super().data(index, role)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not index.isValid():
            return flags
        last = index.row() == len(self._rows) - 1
        if index.column() == self.AMOUNT_COLUMN or (index.column() == self.QF_MAX_COLUMN
                                                     and not last):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index)
                                                    & Qt.ItemFlag.ItemIsEditable):
            return False
        row = index.row()
        line = self._rows[row]
        if index.column() == self.AMOUNT_COLUMN:
            changed = replace(line, amount=str(value).strip())
        else:
            try:
                changed = replace(line, qf_max=int(str(value).strip()))
            except ValueError:
                return False
        self._replace(row, changed)
        return True

    def _replace(self, row: int, line: BracketLine) -> None:
        """Change one line; the line under it (whose "QF from" follows) is told too."""
        rows = list(self._rows)
        rows[row] = line
        self._rows = tuple(rows)
        last = min(row + 1, len(rows) - 1)
        self.dataChanged.emit(self.index(row, 0), self.index(last, len(self.COLUMNS) - 1))

    def add_bracket(self) -> int:
        """Split the last bracket ("and above") in two; returns the new last row."""
        last = len(self._rows) - 1
        line = self._rows[last]
        self._replace(last, replace(line, qf_max=self.qf_min(last) + 499))
        self.beginInsertRows(QModelIndex(), last + 1, last + 1)
        self._rows = (*self._rows, BracketLine(None, line.amount))
        self.endInsertRows()
        return last + 1

    def remove_bracket(self, row: int) -> None:
        """Remove a bracket: its quotients go to the bracket above (to the one below for the
        first); the one left always runs "and above"."""
        count = len(self._rows)
        if count <= 1 or not 0 <= row < count:
            return
        if row == 0:  # the first takes the second's place, then the second goes
            self._replace(0, self._rows[1])
            row = 1
        elif row == count - 1:
            self._replace(row - 1, replace(self._rows[row - 1], qf_max=None))
        else:
            self._replace(row - 1, replace(self._rows[row - 1], qf_max=self._rows[row].qf_max))
        self.beginRemoveRows(QModelIndex(), row, row)
        self._rows = self._rows[:row] + self._rows[row + 1:]
        self.endRemoveRows()

    def brackets(self) -> tuple[tuple[int, int | None, Decimal], ...]:
        """(qf_min, qf_max, amount) of each line; a ValidationError on "brackets" for an
        amount that is not a number (whether the brackets hold is the service's to say)."""
        result = []
        for row, line in enumerate(self._rows):
            amount = parse_amount(line.amount) if line.amount else None
            if amount is None:
                raise ValidationError(
                    _("“{amount}” is not an amount: write it like 2,50.").format(
                        amount=line.amount), field="brackets")
            result.append((self.qf_min(row), line.qf_max, amount))
        return tuple(result)
