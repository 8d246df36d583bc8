"""The month calendar: 6 weeks x 7 days of `DayCell` DTOs, with the draft laid over them.

A new month (or child, or activity) resets the model; a draft change or a fresher answer for
the same month emits `dataChanged` for the days that changed only. The headers carry the
quick-selection arrows (a week row, a weekday column) in activity mode.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt

from famdesk.i18n import _
from famdesk.services.draft import Draft
from famdesk.services.month import DayCell, MonthView
from famdesk.ui.calendar import texts
from famdesk.ui.calendar.toggling import overlay
from famdesk.ui.models.roles import CalendarRole

_Index = QModelIndex | QPersistentModelIndex
ROWS, COLUMNS = 6, 7
WEEK_ARROW, COLUMN_ARROW = "\u25b6", "\u25bc"  # ▶ ▼
CHANGED_ROLES = [
    int(Qt.ItemDataRole.DisplayRole),
    int(Qt.ItemDataRole.ToolTipRole),
    int(Qt.ItemDataRole.AccessibleTextRole),
    int(CalendarRole.CELL),
    int(CalendarRole.STATE),
]


class MonthCalendarModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._view: MonthView | None = None
        self._cells: tuple[DayCell, ...] = ()
        self._draft = Draft()

    # -- content --------------------------------------------------------------------------

    def set_view(self, view: MonthView, draft: Draft | None = None) -> None:
        """Show `view` under `draft`: a reset for another month, child or activity; for the
        same month, `dataChanged` on the days whose cell changed."""
        if draft is not None:
            self._draft = draft
        cells = tuple(overlay(cell, view.child_id, self._draft) for cell in view.cells)
        old = self._view
        same = old is not None and (old.child_id, old.activity_id, old.year, old.month) == (
            view.child_id, view.activity_id, view.year, view.month)
        if not same:
            self.beginResetModel()
            self._view, self._cells = view, cells
            self.endResetModel()
            return
        previous, self._view, self._cells = self._cells, view, cells
        self._announce(i for i, (a, b) in enumerate(zip(previous, cells, strict=True)) if a != b)

    def set_draft(self, draft: Draft) -> None:
        """Lay another draft over the same cells; only the days it changes are repainted."""
        self._draft = draft
        if self._view is None:
            return
        child_id = self._view.child_id
        previous = self._cells
        self._cells = tuple(overlay(cell, child_id, draft) for cell in self._cells)
        self._announce(i for i, (a, b) in enumerate(zip(previous, self._cells, strict=True))
                       if a is not b)

    def clear(self) -> None:
        self.beginResetModel()
        self._view, self._cells = None, ()
        self.endResetModel()

    def _announce(self, positions: Any) -> None:
        for position in positions:
            index = self.index(position // COLUMNS, position % COLUMNS)
            self.dataChanged.emit(index, index, CHANGED_ROLES)

    # -- reading --------------------------------------------------------------------------

    def view(self) -> MonthView | None:
        return self._view

    def draft(self) -> Draft:
        return self._draft

    def cells(self) -> tuple[DayCell, ...]:
        return self._cells

    def activity_mode(self) -> bool:
        return self._view is not None and self._view.activity_id is not None

    def cell_at(self, index: _Index) -> DayCell | None:
        if not index.isValid() or not self._cells:
            return None
        position = index.row() * COLUMNS + index.column()
        return self._cells[position] if 0 <= position < len(self._cells) else None

    def index_of(self, day: date) -> QModelIndex:
        for position, cell in enumerate(self._cells):
            if cell.day == day:
                return self.index(position // COLUMNS, position % COLUMNS)
        return QModelIndex()

    def week_days(self, row: int) -> list[date]:
        return [cell.day for cell in self._cells[row * COLUMNS : (row + 1) * COLUMNS]]

    def column_days(self, column: int) -> list[date]:
        return [cell.day for cell in self._cells[column::COLUMNS]]

    # -- Qt -------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._view is None else ROWS

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._view is None else COLUMNS

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self.cell_at(index)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(cell.day.day)
        if role == CalendarRole.CELL:
            return cell
        if role == CalendarRole.DAY:
            return cell.day
        if role == CalendarRole.STATE:
            return cell.activity_state if cell.activity_state is not None else cell.day_state
        if role == CalendarRole.IN_MONTH:
            return cell.in_month
        if role == Qt.ItemDataRole.ToolTipRole:
            return texts.tooltip(cell)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return texts.accessible_name(cell)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self._view is None:
            return None
        quick = self.activity_mode()
        if orientation == Qt.Orientation.Horizontal and 0 <= section < COLUMNS:
            name = texts.weekday_name(section, "abbreviated")
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{name}\n{COLUMN_ARROW}" if quick else name
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                weekday = texts.weekday_name(section)
                if quick:
                    return _("Book or cancel every {weekday} of the month").format(weekday=weekday)
                return weekday
        if orientation == Qt.Orientation.Vertical and 0 <= section < ROWS:
            if role == Qt.ItemDataRole.DisplayRole:
                return WEEK_ARROW if quick else ""
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole) and quick:
                first = self._cells[section * COLUMNS].day
                return _("Book or cancel the week of {day}").format(
                    day=texts.short_day_title(first))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        for role in CalendarRole:
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names
