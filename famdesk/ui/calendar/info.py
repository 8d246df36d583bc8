"""'Activity information' beside the calendar: hours, places of the day in focus and until
when it can be changed (or from when it can be booked), allowed times by weekday, the rate,
and what the chosen times cost. On a kiosk, without a pointer to hover with, this panel is
where a family reads the deadline of the day it moved to."""

from __future__ import annotations

from datetime import time

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from famdesk.i18n import _, ngettext
from famdesk.services.booking_info import ActivityInfo
from famdesk.services.formatting import money
from famdesk.services.month import DayCell
from famdesk.services.states import CellState, ClosedReason
from famdesk.ui.calendar.texts import (
    allowed_times_lines,
    deadline_sentence,
    hours_text,
    short_day_title,
    times_text,
)
from famdesk.ui.calendar.time_dialog import times_cost_text


def rate_text(info: ActivityInfo) -> str:
    if info.per_slot and info.slot_minutes:
        return _("Rate: {price} per slot of {minutes} minutes").format(
            price=money(info.rate), minutes=info.slot_minutes)
    return _("Rate: {price} a day").format(price=money(info.rate))


def places_line(cell: DayCell | None) -> str:
    activity = cell.cell if cell is not None else None
    if cell is None or activity is None:
        return ""
    day = short_day_title(cell.day)
    if activity.state is CellState.CLOSED and activity.capacity is None and activity.places_left is None:
        return _("Places on {day}: closed").format(day=day)
    if activity.capacity is None:
        return _("Places on {day}: not limited").format(day=day)
    left = activity.places_left or 0
    return ngettext("Places on {day}: {count} left of {capacity}",
                    "Places on {day}: {count} left of {capacity}", left).format(
        day=day, count=left, capacity=activity.capacity)


WINDOW = frozenset({ClosedReason.NOT_OPEN_YET, ClosedReason.BEYOND_HORIZON})


def deadline_line(cell: DayCell | None) -> str:
    """Until when the day in focus can be changed ("Modifiable jusqu'au jeudi 3 décembre à
    12:00"), since when it no longer can ("Hors délai depuis le ..."), or, outside the booking
    window, from when it can be booked ("Réservations ouvertes à partir du ..."). Nothing for
    a day no deadline concerns: closed that day, past, not registered, or full with nothing
    booked (`texts._deadline`)."""
    activity = cell.cell if cell is not None else None
    if activity is None:
        return ""
    if activity.state is CellState.CLOSED and activity.closed_reason in WINDOW and activity.closed_text:
        return activity.closed_text[:1].upper() + activity.closed_text[1:]
    return deadline_sentence(activity)


class ActivityInfoWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activityInfo")
        self._info: ActivityInfo | None = None
        self._times: tuple[time, time] | None = None
        self.title_label = QLabel()
        self.title_label.setObjectName("sectionTitle")
        self.hours_label = QLabel()
        self.places_label = QLabel()
        self.deadline_label = QLabel()
        self.deadline_label.setObjectName("dayDeadline")
        self.allowed_title = QLabel(_("Allowed times:"))
        self.allowed_label = QLabel()
        self.rate_label = QLabel()
        self.cost_label = QLabel()
        self.cost_label.setObjectName("chosenTimesCost")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        for label in (self.title_label, self.hours_label, self.places_label, self.deadline_label,
                      self.allowed_title, self.allowed_label, self.rate_label, self.cost_label):
            label.setWordWrap(True)
            layout.addWidget(label)
        self.allowed_label.setIndent(10)
        self.set_info(None)

    def set_info(self, info: ActivityInfo | None) -> None:
        self._info = info
        self.title_label.setText(info.label if info else "")
        hours = hours_text(list(info.allowed)) if info else ""
        self.hours_label.setText(_("Hours: {hours}").format(hours=hours) if hours else "")
        lines = allowed_times_lines(info.allowed) if info else []
        self.allowed_label.setText("\n".join(lines))
        self.rate_label.setText(rate_text(info) if info else "")
        if info is None:
            self.set_day(None)
        self._refresh()

    def set_day(self, cell: DayCell | None) -> None:
        self.places_label.setText(places_line(cell))
        self.deadline_label.setText(deadline_line(cell))
        for label in (self.places_label, self.deadline_label):
            label.setVisible(bool(label.text()))

    def set_times(self, times: tuple[time, time] | None) -> None:
        self._times = times
        self._refresh()

    def _refresh(self) -> None:
        info = self._info
        cost = ""
        if info is not None and info.time_entry and self._times is not None:
            detail = times_cost_text(info, *self._times)
            if detail:
                cost = _("Chosen times {times}: {cost}").format(
                    times=times_text(*self._times), cost=detail)
        self.cost_label.setText(cost)
        for label in (self.hours_label, self.allowed_label, self.rate_label, self.cost_label,
                      self.title_label):
            label.setVisible(bool(label.text()))
        self.allowed_title.setVisible(bool(self.allowed_label.text()))
