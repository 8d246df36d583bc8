"""The calendar's table view: 6 x 7 days drawn by `DayCellDelegate`.

A click or Space asks for a toggle, Enter (or Return) for the day's page; the arrows move
(Qt's own). The vertical header's ▶ toggles a week, the horizontal header's ▼ a weekday
column (activity mode only: the model's headers show the arrows then).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from famdesk.i18n import _
from famdesk.ui.calendar.delegate import DayCellDelegate
from famdesk.ui.models.month_model import MonthCalendarModel
from famdesk.ui.theme import CalendarPalette


class MonthCalendarView(QTableView):
    toggle_requested = Signal(QModelIndex)
    open_requested = Signal(QModelIndex)
    week_requested = Signal(int)
    column_requested = Signal(int)

    def __init__(self, palette: CalendarPalette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("monthCalendar")
        self.setAccessibleName(_("Calendar"))
        self.setItemDelegate(DayCellDelegate(palette, self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setTabKeyNavigation(False)
        self.setCornerButtonEnabled(False)
        self.setWordWrap(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumSize(7 * 64 + 30, 6 * 48 + 40)
        columns, rows = self.horizontalHeader(), self.verticalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rows.setMinimumWidth(30)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        columns.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        columns.setHighlightSections(False)
        rows.setHighlightSections(False)
        for header in (columns, rows):
            header.setSectionsClickable(True)
        columns.sectionClicked.connect(self._on_columns_section_clicked)
        rows.sectionClicked.connect(self._on_rows_section_clicked)
        self.clicked.connect(self._on_clicked)
        self._pressed_button = Qt.MouseButton.NoButton

    def calendar_model(self) -> MonthCalendarModel | None:
        model = self.model()
        return model if isinstance(model, MonthCalendarModel) else None

    def _quick(self) -> bool:
        model = self.calendar_model()
        return model is not None and model.activity_mode()

    # -- events -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            index = self.currentIndex()
            if index.isValid():
                self.toggle_requested.emit(index)
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            if index.isValid():
                self.open_requested.emit(index)
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pressed_button = event.button()
        super().mousePressEvent(event)

    def _on_clicked(self, index: QModelIndex) -> None:
        if self._pressed_button == Qt.MouseButton.LeftButton and index.isValid():
            self.toggle_requested.emit(index)

    def _on_columns_section_clicked(self, column: int) -> None:
        if self._quick():
            self.column_requested.emit(column)

    def _on_rows_section_clicked(self, row: int) -> None:
        if self._quick():
            self.week_requested.emit(row)
