"""The times of a selection (time-entry activities), and the reason staff give to pass a
deadline. Both are opened with `open()` and answer through signals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _, ngettext
from famdesk.services.booking_info import ActivityInfo
from famdesk.services.draft import AllowedTimes
from famdesk.services.formatting import money
from famdesk.ui.calendar.texts import short_day_title


def times_cost_text(info: ActivityInfo | None, arrival: time | None, departure: time | None) -> str:
    """ "3 slots of 30 minutes: 2,40 € a day", or "" when it cannot be said."""
    if info is None or arrival is None or departure is None or departure <= arrival:
        return ""
    cost = info.cost(arrival, departure)
    if cost is None:
        return ""
    count = info.slot_count(arrival, departure)
    if count is None or info.slot_minutes is None:
        return _("Cost: {price} a day").format(price=money(cost))
    return ngettext(
        "{count} slot of {minutes} minutes: {price} a day",
        "{count} slots of {minutes} minutes: {price} a day",
        count,
    ).format(count=count, minutes=info.slot_minutes, price=money(cost))


class TimeDialog(QDialog):
    """Arrival and departure for a click, a week, a weekday column or the month.

    `booked`: the selection is booked already — "Cancel the booking" is offered, and new
    times make a change-of-times request.
    """

    times_chosen = Signal(object)
    """(arrival, departure)"""
    cancel_requested = Signal()

    def __init__(
        self,
        *,
        activity: str,
        selection: str,
        allowed: AllowedTimes,
        current: tuple[time, time] | None,
        booked: bool,
        differing: Sequence[date] = (),
        info: ActivityInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("timeDialog")
        self.setWindowTitle(_("Times — {activity}").format(activity=activity))
        self._info = info
        heading = QLabel(selection)
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        self.arrival_combo = QComboBox()
        self.arrival_combo.setObjectName("arrivalCombo")
        self.departure_combo = QComboBox()
        self.departure_combo.setObjectName("departureCombo")
        for combo, choices in ((self.arrival_combo, allowed.arrivals),
                               (self.departure_combo, allowed.departures)):
            for choice in choices:
                combo.addItem(f"{choice:%H:%M}", choice)
        if current is not None:
            self._select(self.arrival_combo, current[0])
            self._select(self.departure_combo, current[1])
        form = QFormLayout()
        form.addRow(_("Arrival:"), self.arrival_combo)
        form.addRow(_("Departure:"), self.departure_combo)
        self.cost_label = QLabel()
        self.cost_label.setObjectName("timesCost")
        self.problem_label = QLabel()
        self.problem_label.setObjectName("errorLabel")
        self.problem_label.setWordWrap(True)
        self.differing_label = QLabel()
        self.differing_label.setWordWrap(True)
        self.differing_label.setProperty("role", "hint")
        if differing:
            self.differing_label.setText(
                _("These days allow other times: {days}. They are booked only if the times "
                  "chosen are allowed there.").format(
                    days=", ".join(short_day_title(d) for d in differing)))
        self.differing_label.setVisible(bool(differing))

        self.validate_button = QPushButton(_("Confirm"))
        self.validate_button.setObjectName("timesValidate")
        self.validate_button.setDefault(True)
        self.close_button = QPushButton(_("Close"))
        self.close_button.setObjectName("timesClose")
        self.cancel_booking_button = QPushButton(_("Cancel the booking"))
        self.cancel_booking_button.setObjectName("cancelBooking")
        self.cancel_booking_button.setVisible(booked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_booking_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.validate_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.cost_label)
        layout.addWidget(self.differing_label)
        layout.addWidget(self.problem_label)
        layout.addLayout(buttons)
        self.setMinimumWidth(460)

        self.arrival_combo.currentIndexChanged.connect(self._refresh)
        self.departure_combo.currentIndexChanged.connect(self._refresh)
        self.validate_button.clicked.connect(self._on_validate_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.cancel_booking_button.clicked.connect(self._on_cancel_booking_button_clicked)
        self._refresh()

    @staticmethod
    def _select(combo: QComboBox, value: time) -> None:
        position = combo.findData(value)
        if position >= 0:
            combo.setCurrentIndex(position)

    def chosen(self) -> tuple[time | None, time | None]:
        return self.arrival_combo.currentData(), self.departure_combo.currentData()

    def _refresh(self) -> None:
        arrival, departure = self.chosen()
        valid = arrival is not None and departure is not None and arrival < departure
        self.validate_button.setEnabled(valid)
        self.problem_label.setText("" if valid else _("The departure must come after the arrival."))
        self.problem_label.setVisible(not valid)
        self.cost_label.setText(times_cost_text(self._info, arrival, departure))

    def _on_validate_button_clicked(self) -> None:
        arrival, departure = self.chosen()
        if arrival is None or departure is None or not arrival < departure:
            return
        self.accept()
        self.times_chosen.emit((arrival, departure))

    def _on_cancel_booking_button_clicked(self) -> None:
        self.accept()
        self.cancel_requested.emit()


class ReasonDialog(QDialog):
    """Staff pass a deadline for the family: the reason is required, and recorded."""

    reason_given = Signal(str)

    def __init__(self, day_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(_("Past the deadline"))
        intro = QLabel(_("{day} is past the deadline for families. To change it on the "
                         "family's behalf, give the reason (it is recorded).").format(day=day_text))
        intro.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setPlaceholderText(_("e.g. the family phoned the desk"))
        self.reason_edit.setAccessibleName(_("Reason"))
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.hide()
        self.validate_button = QPushButton(_("Confirm"))
        self.validate_button.setDefault(True)
        close = QPushButton(_("Close"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.validate_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.setMinimumWidth(420)
        close.clicked.connect(self.reject)
        self.validate_button.clicked.connect(self._on_validate_button_clicked)
        self.reason_edit.returnPressed.connect(self._on_validate_button_clicked)
        self.reason_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_validate_button_clicked(self) -> None:
        reason = self.reason_edit.text().strip()
        if not reason:
            self.error_label.setText(_("Give the reason for passing the deadline."))
            self.error_label.show()
            return
        self.accept()
        self.reason_given.emit(reason)
