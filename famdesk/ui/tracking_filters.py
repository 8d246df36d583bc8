"""The filters above "Suivi des réservations": child, activity, outcome, period.

The bar only says what is chosen (`current_filter()`, `filters_text()`) and when it changed
(`filter_changed`); the panel asks the gateway, whose service applies them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from famdesk.i18n import _
from famdesk.models.enums import MovementOutcome
from famdesk.services.formatting import numeric_date
from famdesk.services.tracking import Choice, TrackingFilter, outcome_text

DATE_DEBOUNCE_MS = 400
"""Typing a date changes it several times: the change is announced once it settles."""


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class TrackingFilterBar(QWidget):
    """Emits `filter_changed()` when the user picks another child, activity, outcome or period."""

    filter_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trackingFilters")
        self.child_combo = self._combo("childFilter", _("Child"))
        self.activity_combo = self._combo("activityFilter", _("Activity"))
        self.outcome_combo = self._combo("outcomeFilter", _("Outcome"))
        self.whole_period_check = QCheckBox(_("Whole period"))
        self.whole_period_check.setObjectName("wholePeriod")
        self.first_edit = self._date_edit("firstDay", _("From"))
        self.last_edit = self._date_edit("lastDay", _("To"))
        self.period_error = QLabel()
        self.period_error.setProperty("role", "fieldError")
        self.period_error.hide()
        self._span: tuple[date, date] | None = None
        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(DATE_DEBOUNCE_MS)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(8)
        combos = (
            (_("Child:"), self.child_combo),
            (_("Activity:"), self.activity_combo),
            (_("Outcome:"), self.outcome_combo),
        )
        for column, (caption, combo) in enumerate(combos):
            grid.addWidget(self._caption(caption, combo), 0, 2 * column)
            grid.addWidget(combo, 0, 2 * column + 1)
        period = QHBoxLayout()
        period.setSpacing(8)
        period.addWidget(self.whole_period_check)
        period.addSpacing(12)
        period.addWidget(self._caption(_("From:"), self.first_edit))
        period.addWidget(self.first_edit)
        period.addWidget(self._caption(_("To:"), self.last_edit))
        period.addWidget(self.last_edit)
        period.addWidget(self.period_error)
        period.addStretch(1)
        grid.addLayout(period, 1, 0, 1, 7)
        grid.setColumnStretch(6, 1)

        self.clear()
        for combo in (self.child_combo, self.activity_combo, self.outcome_combo):
            combo.currentIndexChanged.connect(self._on_combo_current_index_changed)
        self.whole_period_check.toggled.connect(self._on_whole_period_check_toggled)
        self.first_edit.dateChanged.connect(self._on_period_edit_date_changed)
        self.last_edit.dateChanged.connect(self._on_period_edit_date_changed)
        self._date_timer.timeout.connect(self.filter_changed)

    @staticmethod
    def _combo(name: str, accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setMinimumContentsLength(12)
        return combo

    @staticmethod
    def _date_edit(name: str, accessible: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setMinimumDate(QDate(2000, 1, 1))
        # "whole period" leaves the dates at the minimum: show a dash, not 01/01/2000
        edit.setSpecialValueText("—")
        return edit

    @staticmethod
    def _caption(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    @staticmethod
    def _fill(combo: QComboBox, everything: str, choices: Iterable[tuple[object, str]]) -> None:
        """`everything` then `choices`; keeps the chosen one if it is still there."""
        wanted = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(everything, None)
        for value, label in choices:
            combo.addItem(label, value)
        found = combo.findData(wanted) if wanted is not None else -1
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)

    # -- state ------------------------------------------------------------------

    def set_choices(self, children: Iterable[Choice], activities: Iterable[Choice]) -> None:
        """The family's children and the structure's activities (the choice made is kept)."""
        self._fill(self.child_combo, _("All children"), ((c.id, c.label) for c in children))
        self._fill(self.activity_combo, _("All activities"), ((a.id, a.label) for a in activities))

    def set_span(self, first: date | None, last: date | None) -> None:
        """The days of the lines shown: where the period starts when "Whole period" is unchecked."""
        self._span = (first, last) if first is not None and last is not None else None

    def clear(self) -> None:
        """Every filter back to "all"; no child's name left in the lists."""
        self._date_timer.stop()
        self._span = None
        self.child_combo.setCurrentIndex(-1)
        self.activity_combo.setCurrentIndex(-1)
        self.set_choices((), ())
        # a StrEnum would come back from Qt as a plain str: keep the value, convert it back
        outcomes = ((outcome.value, outcome_text(outcome)) for outcome in MovementOutcome)
        self.outcome_combo.setCurrentIndex(-1)
        self._fill(self.outcome_combo, _("All outcomes"), outcomes)
        for widget in (self.whole_period_check, self.first_edit, self.last_edit):
            widget.blockSignals(True)
        self.whole_period_check.setChecked(True)
        self.first_edit.setDate(self.first_edit.minimumDate())
        self.last_edit.setDate(self.last_edit.minimumDate())
        for widget in (self.whole_period_check, self.first_edit, self.last_edit):
            widget.blockSignals(False)
        self._set_period_enabled(False)
        self.show_period_error("")

    def current_filter(self) -> TrackingFilter:
        whole = self.whole_period_check.isChecked()
        outcome = self.outcome_combo.currentData()
        return TrackingFilter(
            child_id=self.child_combo.currentData(),
            activity_id=self.activity_combo.currentData(),
            first=None if whole else _date(self.first_edit.date()),
            last=None if whole else _date(self.last_edit.date()),
            outcome=MovementOutcome(outcome) if outcome else None,
        )

    def is_default(self) -> bool:
        return self.current_filter() == TrackingFilter()

    def filters_text(self) -> str:
        """The filters in force, in words, for the printed page ("" when none)."""
        parts = []
        for combo, caption in (
            (self.child_combo, _("Child: {value}")),
            (self.activity_combo, _("Activity: {value}")),
            (self.outcome_combo, _("Outcome: {value}")),
        ):
            if combo.currentIndex() > 0:
                parts.append(caption.format(value=combo.currentText()))
        current = self.current_filter()
        if current.first is not None and current.last is not None:
            parts.append(
                _("Period: {first} to {last}").format(
                    first=numeric_date(current.first), last=numeric_date(current.last)
                )
            )
        return " · ".join(parts)

    def show_period_error(self, message: str) -> None:
        self.period_error.setText(message)
        self.period_error.setVisible(bool(message))

    def set_period(self, first: date, last: date) -> None:
        """Restrict to [first, last] (unchecks "Whole period"); announces the change once."""
        for edit, day in ((self.first_edit, first), (self.last_edit, last)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        if self.whole_period_check.isChecked():
            self.whole_period_check.setChecked(False)  # announces
        else:
            self._date_timer.stop()
            self.filter_changed.emit()

    def _set_period_enabled(self, enabled: bool) -> None:
        self.first_edit.setEnabled(enabled)
        self.last_edit.setEnabled(enabled)

    # -- slots ------------------------------------------------------------------

    def _on_combo_current_index_changed(self, _index: int) -> None:
        self.filter_changed.emit()

    def _on_whole_period_check_toggled(self, whole: bool) -> None:
        self._set_period_enabled(not whole)
        self._date_timer.stop()
        if not whole and self.first_edit.date() == self.first_edit.minimumDate():
            today = QDate.currentDate()
            first, last = (_qdate(d) for d in self._span) if self._span else (today, today)
            for edit, day in ((self.first_edit, first), (self.last_edit, last)):
                edit.blockSignals(True)
                edit.setDate(day)
                edit.blockSignals(False)
        self.filter_changed.emit()

    def _on_period_edit_date_changed(self, _value: QDate) -> None:
        if not self.whole_period_check.isChecked():
            self._date_timer.start()
