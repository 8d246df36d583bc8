"""Driving the booking tab like a user: pick a child and an activity, click days and arrows."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QHeaderView

from famdesk.services.draft import LineKind
from famdesk.services.states import CellState
from famdesk.ui.calendar.panel import BookingPanel


def choose(combo: QComboBox, text: str) -> None:
    position = combo.findText(text)
    assert position >= 0, f"{text!r} not in {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(position)


def show(panel: BookingPanel, child: str, activity: str, year: int = 2026, month: int = 12) -> None:
    choose(panel.child_combo, child)
    choose(panel.activity_combo, activity)
    panel.show_month(year, month)


def cell(panel: BookingPanel, day: date):  # type: ignore[no-untyped-def]
    found = panel.model.cell_at(panel.model.index_of(day))
    assert found is not None, f"{day} is not on the calendar"
    return found


def state(panel: BookingPanel, day: date) -> tuple[CellState | None, LineKind | None]:
    """(state in the database, pending request) of the day, one activity shown."""
    activity = cell(panel, day).cell
    assert activity is not None
    return activity.state, activity.pending


def click_day(qtbot, panel: BookingPanel, day: date) -> None:  # type: ignore[no-untyped-def]
    view = panel.calendar
    index = panel.model.index_of(day)
    assert index.isValid(), f"{day} is not on the calendar"
    rect = view.visualRect(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_section(qtbot, header: QHeaderView, section: int) -> None:  # type: ignore[no-untyped-def]
    middle = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    if header.orientation() == Qt.Orientation.Vertical:
        pos = QPoint(header.width() // 2, middle)
    else:
        pos = QPoint(middle, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def week_row(panel: BookingPanel, day: date) -> int:
    return panel.model.index_of(day).row()


def open_dialogs(kind: type[QDialog]) -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
