"""A deadline rule as the manager sets it (`RuleEditor`), and the rule tester
(`RuleTesterWidget`): for a day picked, the booking and cancellation deadlines the rules
being edited give — computed by the service, live, saved or not — or the service's French
reason when a rule cannot be computed.

    Délai : [un nombre de jours avant ▾]  [2] [jours ouvrés ▾] à [12:00]
            [un jour de la semaine précédente ▾]  [jeudi ▾] [1] semaine(s) avant, à [12:00]

The editor's bounds are wide on purpose: the service says what a rule may be.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

from PySide6.QtCore import QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from famdesk.errors import FamdeskError
from famdesk.i18n import _
from famdesk.models.values import Counting, RuleKind
from famdesk.services.backoffice import DeadlinesTest, RuleParts
from famdesk.services.enrollments import weekday_names
from famdesk.ui.errors import present_error
from famdesk.ui.forms import date_edit, from_qdate, hint_label, to_qdate
from famdesk.ui.runner import Job, Runner

LIVE_DELAY_MS = 250
"""The tester asks again this long after the last change (typing a number is several)."""

RuleSource = Callable[[], tuple[RuleParts, RuleParts | None]]


class RuleEditor(QWidget):
    """The parts of one deadline rule; only the parts its kind uses are shown."""

    changed = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName(f"{name}Kind")
        for text, kind in ((_("until the day starts"), RuleKind.NONE),
                           (_("a number of days before"), RuleKind.DAYS_BEFORE),
                           (_("a weekday of a week before"), RuleKind.WEEKDAY_BEFORE)):
            self.kind_combo.addItem(text, kind)
        self.days_spin = QSpinBox()
        self.days_spin.setObjectName(f"{name}Days")
        self.days_spin.setRange(0, 999)
        self.days_spin.setAccessibleName(_("Number of days"))
        self.counting_combo = QComboBox()
        self.counting_combo.setObjectName(f"{name}Counting")
        self.counting_combo.addItem(_("calendar days"), Counting.CALENDAR)
        self.counting_combo.addItem(_("working days (weekends and public holidays not counted)"),
                                    Counting.WORKING)
        self.weekday_combo = QComboBox()
        self.weekday_combo.setObjectName(f"{name}Weekday")
        for day in range(7):
            self.weekday_combo.addItem(weekday_names([day], "wide"), day)
        self.weeks_spin = QSpinBox()
        self.weeks_spin.setObjectName(f"{name}Weeks")
        self.weeks_spin.setRange(0, 99)
        self.weeks_spin.setAccessibleName(_("Number of weeks"))
        self.weeks_label = QLabel(_("week(s) before"))
        self.at_label = QLabel(_("at"))
        self.cutoff_edit = QTimeEdit()
        self.cutoff_edit.setObjectName(f"{name}Cutoff")
        self.cutoff_edit.setDisplayFormat("HH:mm")
        self.cutoff_edit.setAccessibleName(_("Time of the deadline"))

        parts = QHBoxLayout()
        parts.setContentsMargins(0, 0, 0, 0)
        parts.setSpacing(6)
        for widget in (self.days_spin, self.counting_combo, self.weekday_combo, self.weeks_spin,
                       self.weeks_label, self.at_label, self.cutoff_edit):
            parts.addWidget(widget)
        parts.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.kind_combo)
        layout.addLayout(parts)

        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        for spin in (self.days_spin, self.weeks_spin):
            spin.valueChanged.connect(lambda _value: self.changed.emit())
        for box in (self.counting_combo, self.weekday_combo):
            box.currentIndexChanged.connect(lambda _index: self.changed.emit())
        self.cutoff_edit.timeChanged.connect(lambda _time: self.changed.emit())
        self.set_rule(RuleParts())

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 (Qt's name)
        super().setAccessibleName(name)
        self.kind_combo.setAccessibleName(name)

    def rule(self) -> RuleParts:
        cutoff = self.cutoff_edit.time()
        return RuleParts(
            kind=RuleKind(self.kind_combo.currentData()), days=self.days_spin.value(),
            counting=Counting(self.counting_combo.currentData()),
            weekday=self.weekday_combo.currentData(),
            weeks=self.weeks_spin.value(), cutoff=time(cutoff.hour(), cutoff.minute()))

    def set_rule(self, rule: RuleParts) -> None:
        widgets = (self.kind_combo, self.days_spin, self.counting_combo, self.weekday_combo,
                   self.weeks_spin, self.cutoff_edit)
        for widget in widgets:
            widget.blockSignals(True)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(RuleKind(rule.kind)), 0))
        self.days_spin.setValue(rule.days)
        self.counting_combo.setCurrentIndex(
            max(self.counting_combo.findData(Counting(rule.counting)), 0))
        self.weekday_combo.setCurrentIndex(max(self.weekday_combo.findData(rule.weekday), 0))
        self.weeks_spin.setValue(rule.weeks)
        cutoff = rule.cutoff or time(0, 0)
        self.cutoff_edit.setTime(QTime(cutoff.hour, cutoff.minute))
        for widget in widgets:
            widget.blockSignals(False)
        self._show_parts()

    def _on_kind_changed(self, _index: int) -> None:
        self._show_parts()
        self.changed.emit()

    def _show_parts(self) -> None:
        kind = RuleKind(self.kind_combo.currentData())
        days, weekday = kind is RuleKind.DAYS_BEFORE, kind is RuleKind.WEEKDAY_BEFORE
        self.days_spin.setVisible(days)
        self.counting_combo.setVisible(days)
        weekday_parts: tuple[QWidget, ...] = (self.weekday_combo, self.weeks_spin,
                                              self.weeks_label)
        for widget in weekday_parts:
            widget.setVisible(weekday)
        self.at_label.setVisible(days or weekday)
        self.cutoff_edit.setVisible(days or weekday)


class RuleTesterWidget(QWidget):
    """ "Tester les délais": a day, and what the rules being edited give it."""

    tested = Signal(object)
    """The `DeadlinesTest` shown."""
    refused = Signal(object)
    """The `FamdeskError` the service gave for the rules (None once they compute again)."""

    def __init__(self, gateway: object, runner: Runner, structure_id: int, rules: RuleSource,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ruleTester")
        self._gateway = gateway
        self._runner = runner
        self._structure_id = structure_id
        self._rules = rules
        self._request = 0
        self._job: Job | None = None
        self.result: DeadlinesTest | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(LIVE_DELAY_MS)
        self.timer.timeout.connect(self.test_now)

        self.day_edit = date_edit("testerDayEdit")
        self.day_edit.setAccessibleName(_("Day to test"))
        caption = QLabel(_("For the day:"))
        caption.setBuddy(self.day_edit)
        self.day_label = QLabel()
        self.day_label.setObjectName("testerDay")
        self.booking_label = QLabel()
        self.booking_label.setObjectName("testerBooking")
        self.cancellation_label = QLabel()
        self.cancellation_label.setObjectName("testerCancellation")
        self.notes_label = hint_label()
        self.notes_label.setObjectName("testerNotes")
        self.error_label = QLabel()
        self.error_label.setObjectName("testerError")
        self.error_label.setProperty("role", "fieldError")
        for label in (self.day_label, self.booking_label, self.cancellation_label,
                      self.error_label):
            label.setWordWrap(True)
        self.booking_label.setProperty("role", "testerResult")
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(caption)
        row.addWidget(self.day_edit)
        row.addWidget(self.day_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(row)
        layout.addWidget(self.booking_label)
        layout.addWidget(self.cancellation_label)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.error_label)
        self.day_edit.dateChanged.connect(lambda _day: self.test_soon())
        self._show(None)

    def set_day(self, day: date) -> None:
        self.day_edit.setDate(to_qdate(day))

    def day(self) -> date:
        return from_qdate(self.day_edit.date())

    def test_soon(self) -> None:
        """A rule or the day changed: ask again once the typing settles."""
        self.timer.start()

    def test_now(self) -> None:
        self.timer.stop()
        self._request += 1
        request = self._request
        if self._job is not None:
            self._job.cancel()
        booking, cancellation = self._rules()
        self._job = self._runner.submit(
            self._gateway.deadlines_on(self._structure_id, self.day(), booking,  # type: ignore[attr-defined]
                                       cancellation),
            lambda result: self._show(result) if request == self._request else None,
            lambda exc: self._refuse(exc) if request == self._request else None)

    def _show(self, result: DeadlinesTest | None) -> None:
        self.result = result
        self.error_label.hide()
        if result is None:
            for label in (self.day_label, self.booking_label, self.cancellation_label,
                          self.notes_label):
                label.clear()
            return
        self.day_label.setText(result.day_text)
        self.booking_label.setText(_("Bookings until {deadline} ({rule})").format(
            deadline=result.booking_deadline_text, rule=result.booking_rule))
        self.cancellation_label.setText(_("Cancellations until {deadline} ({rule})").format(
            deadline=result.cancellation_deadline_text, rule=result.cancellation_rule))
        self.notes_label.setText("\n".join(result.notes))
        self.notes_label.setVisible(bool(result.notes))
        self.booking_label.show()
        self.cancellation_label.show()
        self.tested.emit(result)
        self.refused.emit(None)

    def _refuse(self, exc: BaseException) -> None:
        if not isinstance(exc, FamdeskError):
            present_error(self, exc)
            return
        self.result = None
        for label in (self.booking_label, self.cancellation_label, self.notes_label):
            label.clear()
            label.hide()
        self.error_label.setText(exc.message)
        self.error_label.show()
        self.refused.emit(exc)

    def forget(self) -> None:
        self.timer.stop()
        self._request += 1
        if self._job is not None:
            self._job.cancel()
            self._job = None
