"""The booking tab's widgets and their layout (the behaviour is `BookingPanel`'s).

    [Child ▾] [Activity ▾]                              [Copy…] [See my bookings]
    [◀] [Today] [▶]  December 2026 [▦]
    [☐ Same times every day  arrival ▾  departure ▾]        (time-entry activity)
    notices / errors
    +----------------------------------------+  +-------------------+
    | the month (or the day's page)          |  | activity info     |
    |                                        |  | legend            |
    +----------------------------------------+  +-------------------+
    N changes waiting for confirmation                  [Cancel] [Confirm]
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _, ngettext
from famdesk.services.booking_info import ActivityInfo, ChildChoice
from famdesk.services.month import ActivityChoice
from famdesk.ui.calendar.day_page import DayPage
from famdesk.ui.calendar.info import ActivityInfoWidget
from famdesk.ui.calendar.legend import LegendWidget
from famdesk.ui.calendar.month_view import MonthCalendarView
from famdesk.ui.models.month_model import MonthCalendarModel
from famdesk.ui.theme import CalendarPalette

SIDE_WIDTH = 330


def month_icon(palette: CalendarPalette, size: int = 22) -> QIcon:
    """A small month grid with a tick: "the whole month"."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ink = palette.colour("text")
    painter.setPen(QPen(ink, 1.2))
    frame = QRectF(2, 3, size - 4, size - 5)
    painter.drawRect(frame)
    painter.fillRect(QRectF(frame.left(), frame.top(), frame.width(), 4), ink)
    step_x, step_y = frame.width() / 4, (frame.height() - 4) / 3
    for column in range(1, 4):
        x = frame.left() + column * step_x
        painter.drawLine(int(x), int(frame.top() + 4), int(x), int(frame.bottom()))
    for row in range(1, 3):
        y = frame.top() + 4 + row * step_y
        painter.drawLine(int(frame.left()), int(y), int(frame.right()), int(y))
    painter.setPen(QPen(palette.colour("pending_book"), 2.6))
    painter.drawLine(int(size * 0.35), int(size * 0.62), int(size * 0.5), int(size * 0.8))
    painter.drawLine(int(size * 0.5), int(size * 0.8), int(size * 0.85), int(size * 0.38))
    painter.end()
    return QIcon(pixmap)


class PanelWidgets(QWidget):
    def __init__(self, palette: CalendarPalette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookingPanel")
        self.palette_ = palette

        self.child_combo = QComboBox()
        self.child_combo.setObjectName("childCombo")
        self.child_combo.setAccessibleName(_("Child"))
        self.child_combo.setMinimumContentsLength(16)
        self.activity_combo = QComboBox()
        self.activity_combo.setObjectName("activityCombo")
        self.activity_combo.setAccessibleName(_("Activity"))
        self.activity_combo.setMinimumContentsLength(18)
        self.copy_button = QPushButton(_("Copy bookings…"))
        self.copy_button.setObjectName("copyBookingsButton")
        self.copy_button.setToolTip(_("Copy a brother's or sister's days, or another activity's"))
        self.tracking_button = QPushButton(_("See my bookings"))
        self.tracking_button.setObjectName("seeBookingsButton")
        top = QHBoxLayout()
        for caption, combo in ((_("Child:"), self.child_combo),
                               (_("Activity:"), self.activity_combo)):
            label = QLabel(caption)
            label.setBuddy(combo)
            top.addWidget(label)
            top.addWidget(combo)
            top.addSpacing(12)
        top.addStretch(1)
        top.addWidget(self.copy_button)
        top.addWidget(self.tracking_button)

        self.previous_button = QToolButton()
        self.previous_button.setObjectName("previousMonth")
        self.previous_button.setText("\u25c0")
        self.previous_button.setToolTip(_("Previous month"))
        self.previous_button.setAccessibleName(_("Previous month"))
        self.today_button = QPushButton(_("Today"))
        self.today_button.setObjectName("todayButton")
        self.next_button = QToolButton()
        self.next_button.setObjectName("nextMonth")
        self.next_button.setText("\u25b6")
        self.next_button.setToolTip(_("Next month"))
        self.next_button.setAccessibleName(_("Next month"))
        self.month_label = QLabel()
        self.month_label.setObjectName("monthTitle")
        self.month_label.setMinimumWidth(170)
        self.month_button = QToolButton()
        self.month_button.setObjectName("wholeMonthButton")
        self.month_button.setIcon(month_icon(palette))
        self.month_button.setIconSize(QSize(22, 22))
        self.month_button.setToolTip(_("Book or cancel the whole month"))
        self.month_button.setAccessibleName(_("Book or cancel the whole month"))
        navigation = QHBoxLayout()
        navigation.addWidget(self.previous_button)
        navigation.addWidget(self.today_button)
        navigation.addWidget(self.next_button)
        navigation.addSpacing(12)
        navigation.addWidget(self.month_label)
        navigation.addWidget(self.month_button)
        navigation.addStretch(1)

        self.same_times_check = QCheckBox(_("Same times every day:"))
        self.same_times_check.setObjectName("sameTimesCheck")
        self.arrival_combo = QComboBox()
        self.arrival_combo.setObjectName("sameArrival")
        self.arrival_combo.setAccessibleName(_("Arrival"))
        self.departure_combo = QComboBox()
        self.departure_combo.setObjectName("sameDeparture")
        self.departure_combo.setAccessibleName(_("Departure"))
        self.times_bar = QFrame()
        self.times_bar.setObjectName("timesBar")
        times_layout = QHBoxLayout(self.times_bar)
        times_layout.setContentsMargins(0, 0, 0, 0)
        times_layout.addWidget(self.same_times_check)
        times_layout.addWidget(QLabel(_("arrival")))
        times_layout.addWidget(self.arrival_combo)
        times_layout.addWidget(QLabel(_("departure")))
        times_layout.addWidget(self.departure_combo)
        times_layout.addStretch(1)
        self.times_bar.hide()

        self.override_label = QLabel()
        self.override_label.setObjectName("overrideBanner")
        self.override_label.setWordWrap(True)
        self.override_label.hide()
        self.notice_label = QLabel()
        self.notice_label.setObjectName("calendarNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.empty_label = QLabel(_("No child to book for in this structure."))
        self.empty_label.setObjectName("emptyState")
        self.empty_label.hide()

        self.model = MonthCalendarModel(self)
        self.calendar = MonthCalendarView(palette)
        self.calendar.setModel(self.model)
        self.info_widget = ActivityInfoWidget()
        self.legend = LegendWidget(palette)
        side = QWidget()
        side.setObjectName("calendarSide")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 6, 0)
        side_layout.setSpacing(14)
        side_layout.addWidget(self.info_widget)
        side_layout.addWidget(self.legend)
        side_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("calendarSideScroll")
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedWidth(SIDE_WIDTH)
        self.month_page = QWidget()
        month_layout = QHBoxLayout(self.month_page)
        month_layout.setContentsMargins(0, 0, 0, 0)
        month_layout.setSpacing(14)
        month_layout.addWidget(self.calendar, 1)
        month_layout.addWidget(scroll)
        self.day_page = DayPage(palette)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.month_page)
        self.stack.addWidget(self.day_page)

        self.draft_label = QLabel()
        self.draft_label.setObjectName("draftSummary")
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancelDraftButton")
        self.cancel_button.setToolTip(_("Drop the changes not confirmed yet"))
        self.validate_button = QPushButton(_("Confirm"))
        self.validate_button.setObjectName("validateButton")
        self.validate_button.setToolTip(_("See the summary of the changes, then confirm them"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.draft_label, 1)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.validate_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(navigation)
        layout.addWidget(self.times_bar)
        layout.addWidget(self.override_label)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.stack, 1)
        layout.addLayout(bottom)

    # -- choices and the draft's state ------------------------------------------------------

    def fill_children(self, children: Sequence[ChildChoice], keep: int | None) -> int | None:
        """The children offered (`keep` stays chosen when there); returns the one chosen."""
        return _fill(self.child_combo, [(c.name, c.id) for c in children], keep)

    def fill_activities(self, activities: Sequence[ActivityChoice], keep: int | None) -> int | None:
        """ "All activities" (day mode), then the child's; returns the one chosen."""
        choices: list[tuple[str, int | None]] = [(_("All activities"), None)]
        choices += [(a.label, a.id) for a in activities]
        return _fill(self.activity_combo, choices, keep)

    def show_draft(self, count: int, override_reason: str | None) -> None:
        self.draft_label.setText(ngettext(
            "{count} change waiting for confirmation", "{count} changes waiting for confirmation",
            count).format(count=count) if count else _("No change waiting."))
        self.validate_button.setEnabled(bool(count))
        self.cancel_button.setEnabled(bool(count))
        self.override_label.setVisible(override_reason is not None)
        if override_reason is not None:
            self.override_label.setText(_("Past the deadline for the family — reason: {reason}")
                                        .format(reason=override_reason))

    # -- the times above the calendar --------------------------------------------------------

    def fill_times(self, info: ActivityInfo) -> None:
        """The arrival and departure choices of the activity (every weekday's)."""
        arrivals = sorted({t for _w, allowed in info.allowed for t in allowed.arrivals})
        departures = sorted({t for _w, allowed in info.allowed for t in allowed.departures})
        for combo, choices in ((self.arrival_combo, arrivals), (self.departure_combo, departures)):
            kept = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for choice in choices:
                combo.addItem(f"{choice:%H:%M}", choice)
            position = combo.findData(kept)
            combo.setCurrentIndex(position if position >= 0 else 0)
            combo.blockSignals(False)
        if self.departure_combo.currentIndex() == 0 and self.departure_combo.count() > 1:
            self.departure_combo.setCurrentIndex(self.departure_combo.count() - 1)

    def same_times(self) -> tuple[time, time] | None:
        """The times chosen above the calendar, when "same times every day" is ticked."""
        if not self.times_bar.isVisibleTo(self) or not self.same_times_check.isChecked():
            return None
        arrival, departure = self.arrival_combo.currentData(), self.departure_combo.currentData()
        if arrival is None or departure is None or not arrival < departure:
            return None
        return arrival, departure

    # -- messages (used by present_error) ----------------------------------------------------

    def show_notice(self, message: str) -> None:
        self.notice_label.setText(message)
        self.notice_label.setVisible(bool(message))

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_field_error(self, _field: str, message: str) -> None:
        self.show_error(message)


def _fill(combo: QComboBox, choices: Sequence[tuple[str, int | None]], keep: int | None) -> int | None:
    combo.blockSignals(True)
    combo.clear()
    for text, data in choices:
        combo.addItem(text, data)
    position = combo.findData(keep) if keep is not None else -1
    combo.setCurrentIndex(position if position >= 0 else 0)
    combo.blockSignals(False)
    return combo.currentData()
