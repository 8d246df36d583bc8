"""Day mode's page: the child's activities on one day, each with its state's swatch, places
and price; a click or Space toggles one; "Back to the month" (or Escape) returns."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.services.month import DayCell
from famdesk.ui.calendar.delegate import DayActivityDelegate
from famdesk.ui.calendar.texts import day_title
from famdesk.ui.models.day_model import DayActivitiesModel
from famdesk.ui.theme import CalendarPalette


class _ActivityList(QListView):
    toggle_requested = Signal(int)
    back_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            if self.currentIndex().isValid():
                self.toggle_requested.emit(self.currentIndex().row())
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Backspace):
            self.back_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class DayPage(QWidget):
    back_requested = Signal()
    toggle_requested = Signal(int)
    """The row (activity) to toggle."""

    def __init__(self, palette: CalendarPalette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dayPage")
        self.cell: DayCell | None = None
        self.back_button = QPushButton(_("← Back to the month"))
        self.back_button.setObjectName("backToMonth")
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.model = DayActivitiesModel(parent=self)
        self.list = _ActivityList()
        self.list.setObjectName("dayActivities")
        self.list.setAccessibleName(_("Activities of the day"))
        self.delegate = DayActivityDelegate(palette, self.list)
        self.list.setItemDelegate(self.delegate)
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setUniformItemSizes(True)
        self.empty_label = QLabel(_("No activity for this child that day."))
        self.empty_label.setObjectName("emptyState")
        hint = QLabel(_("Click an activity (or press Space) to book it or cancel it."))
        hint.setProperty("role", "hint")
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.list, 1)
        self.back_button.clicked.connect(self.back_requested)
        self.list.back_requested.connect(self.back_requested)
        self.list.toggle_requested.connect(self.toggle_requested)
        self.list.clicked.connect(self._on_list_clicked)

    def set_day(self, cell: DayCell, child_name: str) -> None:
        changed = self.cell is None or self.cell.day != cell.day
        self.cell = cell
        self.delegate.day = cell
        title = day_title(cell.day)
        self.title_label.setText(f"{title[:1].upper()}{title[1:]} — {child_name}")
        self.model.set_rows(cell.activities)
        self.empty_label.setVisible(not cell.activities)
        self.list.viewport().update()
        if changed and cell.activities:
            self.list.setCurrentIndex(self.model.index(0))

    def _on_list_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.toggle_requested.emit(index.row())
