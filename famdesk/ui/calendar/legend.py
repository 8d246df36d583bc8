"""The legend beside the calendar: every state of the current mode (one activity, or every
activity) and the pending requests, each drawn by `paint_day_cell` as a small sample day
with the glossary's French wording."""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from famdesk.i18n import _
from famdesk.services.draft import LineKind
from famdesk.services.month import ActivityCell, DayCell
from famdesk.services.states import CellState, ClosedReason, DayState
from famdesk.ui.calendar.day_cell import paint_day_cell
from famdesk.ui.calendar.texts import legend_text, pending_text
from famdesk.ui.theme import CalendarPalette

SAMPLE_DAY = date(2026, 12, 14)
SWATCH = QSize(50, 34)
_DEADLINE = datetime(2026, 12, 10, 11, 0, tzinfo=UTC)
_HELD = {CellState.BOOKED, CellState.WAITLISTED, CellState.BOOKED_LOCKED,
         CellState.WAITLISTED_LOCKED}


def sample_activity(state: CellState, pending: LineKind | None = None) -> ActivityCell:
    return ActivityCell(
        activity_id=1, label="APS", colour="#2e86ab", state=state,
        closed_reason=ClosedReason.NOT_OPEN if state is CellState.CLOSED else None,
        closed_text=None, places_left=3 if state is CellState.AVAILABLE else 0, capacity=12,
        booking_deadline=_DEADLINE, cancellation_deadline=_DEADLINE, price=None, arrival=None,
        departure=None, pending=pending, pending_arrival=None, pending_departure=None,
        allowed=None,
    )


def sample_cell(state: CellState | DayState, pending: LineKind | None = None,
                day: date = SAMPLE_DAY) -> DayCell:
    """A day in `state` (a cell state: activity mode; a day state: every activity)."""
    if isinstance(state, CellState):
        return DayCell(day, True, False, False, state, None, (sample_activity(state, pending),))
    activities: tuple[ActivityCell, ...] = ()
    if pending is not None:
        base = CellState.BOOKED if pending is not LineKind.BOOK else CellState.AVAILABLE
        activities = (sample_activity(base, pending),)
    return DayCell(day, True, False, False, None, state, activities)


def swatch_pixmap(cell: DayCell, palette: CalendarPalette, ratio: float = 1.0) -> QPixmap:
    pixmap = QPixmap(SWATCH * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint_day_cell(painter, QRect(0, 0, SWATCH.width(), SWATCH.height()), cell, palette)
    painter.end()
    return pixmap


def legend_entries(activity_mode: bool, times: bool = False) -> list[tuple[DayCell, str]]:
    """(sample day, wording) for every state of the mode, then the pending requests."""
    entries: list[tuple[DayCell, str]] = []
    states: list[CellState | DayState] = list(CellState) if activity_mode else list(DayState)
    for state in states:
        entries.append((sample_cell(state), legend_text(state)))
    book_on = CellState.AVAILABLE if activity_mode else DayState.OPEN
    cancel_on = CellState.BOOKED if activity_mode else DayState.BOOKED
    entries.append((sample_cell(book_on, LineKind.BOOK), pending_text(LineKind.BOOK)))
    entries.append((sample_cell(cancel_on, LineKind.CANCEL), pending_text(LineKind.CANCEL)))
    if times:
        entries.append((sample_cell(cancel_on, LineKind.CHANGE_TIMES),
                        pending_text(LineKind.CHANGE_TIMES)))
    return entries


class LegendWidget(QWidget):
    def __init__(self, palette: CalendarPalette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarLegend")
        self._palette = palette
        self._mode: tuple[bool, bool] | None = None
        self.title = QLabel(_("Legend"))
        self.title.setObjectName("sectionTitle")
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(3)
        self.grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addLayout(self.grid)
        self.labels: list[QLabel] = []
        self.set_mode(True)

    def set_mode(self, activity_mode: bool, times: bool = False) -> None:
        """The states of one activity (`activity_mode`) or of every activity."""
        if self._mode == (activity_mode, times):
            return
        self._mode = (activity_mode, times)
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        self.labels = []
        ratio = self.devicePixelRatioF() or 1.0
        for row, (cell, text) in enumerate(legend_entries(activity_mode, times)):
            swatch = QLabel()
            swatch.setPixmap(swatch_pixmap(cell, self._palette, ratio))
            swatch.setFixedSize(SWATCH)
            swatch.setAccessibleName(text)
            label = QLabel(text)
            label.setWordWrap(True)
            label.setObjectName("legendText")
            self.grid.addWidget(swatch, row, 0, Qt.AlignmentFlag.AlignVCenter)
            self.grid.addWidget(label, row, 1)
            self.labels.append(label)

    def texts(self) -> list[str]:
        return [label.text() for label in self.labels]
