"""The annual enrollment form ("Nouvelle inscription à l'année") and the small field helpers
of the enrollment tab.

The form shows one `EnrollableActivity` at a time: its open weekdays only, its times when it
takes them, its earliest start beside the start field, its school year's end for an empty
end, and the way to the calendar for nearer changes. It checks nothing itself: the service
refuses, and `show_field_error()` puts the message under the field at fault.
"""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QDate, QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _, ngettext
from famdesk.services.enrollments import EnrollableActivity, weekday_names
from famdesk.services.formatting import long_day
from famdesk.ui import theme
from famdesk.ui.forms import field_error_label, hint_label

FORM_WIDTH = 470


def enrollment_stylesheet(palette: theme.ThemePalette | None = None) -> str:
    c = (palette or theme.current()).colours
    return f"""
QWidget#enrollmentPanel, QWidget#enrollmentContent {{ background: {c["window"]}; }}
QFrame#enrollmentForm, QFrame#enrollmentActions {{
    background: {c["surface"]}; border: 1px solid {c["separator"]}; border-radius: 4px;
}}
QFrame#enrollmentForm QLabel, QFrame#enrollmentActions QLabel {{ border: none; }}
QLabel#sectionTitle {{ font-weight: 600; color: {c["text"]}; }}
QTableView#enrollmentTable {{
    background: {c["surface"]}; border: 1px solid {c["separator"]};
    gridline-color: {c["separator"]};
}}
QTableView#enrollmentTable::item {{ padding: 2px 6px; }}
QTableView#enrollmentTable QHeaderView::section {{ padding: 4px 6px; }}
QLabel#enrollmentNotice {{
    background: {c["surface"]}; color: {c["text"]}; border: 1px solid {c["accent"]};
    border-radius: 3px; padding: 5px 8px;
}}
QPushButton#enrollButton {{ border-radius: 3px; padding: 6px 18px; font-weight: 600; }}
QPushButton#enrollButton:enabled {{
    background: {c["accent"]}; color: {c["accent_text"]}; border: none;
}}
"""


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(edit: QDateEdit) -> date:
    chosen = edit.date()
    return date(chosen.year(), chosen.month(), chosen.day())


def date_edit(name: str, accessible: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return edit


def stacked(*items: QWidget | QHBoxLayout) -> QWidget:
    """A form's field: its widgets (or row of widgets), then what is said about it, stacked."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(3)
    for item in items:
        if isinstance(item, QHBoxLayout):
            layout.addLayout(item)
        else:
            layout.addWidget(item)
    return box


def row(*widgets: QWidget, stretch: bool = True) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(8)
    for widget in widgets:
        row.addWidget(widget)
    if stretch:
        row.addStretch(1)
    return row


def _fit_height(label: QLabel) -> None:
    """A wrapped label asks for the height of its lines at its width: a layout short of room
    (a small window) would otherwise squeeze it under its neighbours."""
    if label.width() > 0:
        label.setMinimumHeight(label.heightForWidth(label.width()) if label.text() else 0)


class EnrollmentFormWidget(QFrame):
    """ "Nouvelle inscription à l'année": shows one `EnrollableActivity` at a time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enrollmentForm")
        self.setFixedWidth(FORM_WIDTH)
        self.activities: tuple[EnrollableActivity, ...] = ()

        title = QLabel(_("New annual enrollment"))
        title.setObjectName("sectionTitle")
        self.activity_combo = QComboBox()
        self.activity_combo.setObjectName("enrollActivity")
        self.activity_combo.setAccessibleName(_("Activity"))
        self.activity_combo.setMinimumContentsLength(18)
        self.start_edit = date_edit("enrollStart", _("Start"))
        self.start_hint = hint_label(name="earliestStart")
        self.end_edit = date_edit("enrollEnd", _("End"))
        self.year_end_check = QCheckBox(_("school year's end"))
        self.year_end_check.setObjectName("yearEndCheck")
        self.year_end_check.setChecked(True)
        self.every_other_check = QCheckBox(_("One week in two"))
        self.every_other_check.setObjectName("everyOtherWeek")
        every_other_hint = hint_label(name="everyOtherWeekHint")
        every_other_hint.setText(_("Weeks are counted from the start's week: the start must fall "
                                   "in the first week of attendance."))
        self.weekday_checks = []
        for day in range(7):
            check = QCheckBox(weekday_names([day]))
            check.setObjectName(f"weekday{day}")
            check.setAccessibleName(weekday_names([day], "wide"))
            self.weekday_checks.append(check)
        self.arrival_combo = QComboBox()
        self.arrival_combo.setObjectName("enrollArrival")
        self.arrival_combo.setAccessibleName(_("Arrival"))
        self.departure_combo = QComboBox()
        self.departure_combo.setObjectName("enrollDeparture")
        self.departure_combo.setAccessibleName(_("Departure"))
        self.enroll_button = QPushButton(_("Confirm the enrollment"))
        self.enroll_button.setObjectName("enrollButton")
        self.enroll_button.setToolTip(
            _("Save the enrollment: its reservations come with the next transmission"))
        self.calendar_label = hint_label(name="nearerChanges")
        self.calendar_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.errors = {
            "activity_id": field_error_label("activityError"),
            "starts_on": field_error_label("startError"),
            "ends_on": field_error_label("endError"),
            "weekdays": field_error_label("weekdaysError"),
            "times": field_error_label("timesError"),
        }

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(10)

        def add(caption: str, field: QWidget, buddy: QWidget) -> QLabel:
            label = QLabel(caption)
            label.setBuddy(buddy)
            form.addRow(label, field)
            return label

        add(_("Activity:"), stacked(row(self.activity_combo), self.errors["activity_id"]),
            self.activity_combo)
        add(_("Start:"), stacked(row(self.start_edit, self.start_hint, stretch=False),
                                  self.errors["starts_on"]), self.start_edit)
        add(_("End:"), stacked(row(self.end_edit, self.year_end_check), self.errors["ends_on"]),
            self.end_edit)
        form.addRow(stacked(self.every_other_check, every_other_hint))
        days = QHBoxLayout()
        days.setSpacing(12)
        for check in self.weekday_checks:
            days.addWidget(check)
        days.addStretch(1)
        days_box = QWidget()
        days_box.setLayout(days)
        days.setContentsMargins(0, 0, 0, 0)
        add(_("Days:"), stacked(days_box, self.errors["weekdays"]), self.weekday_checks[0])
        self.times_box = stacked(
            row(QLabel(_("arrival")), self.arrival_combo, QLabel(_("departure")),
                 self.departure_combo),
            self.errors["times"])
        self.times_label = add(_("Times:"), self.times_box, self.arrival_combo)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addLayout(row(self.enroll_button))
        layout.addWidget(self.calendar_label)
        layout.addStretch(1)
        for label in self.findChildren(QLabel):
            if label.wordWrap():
                label.installEventFilter(self)
        self.year_end_check.toggled.connect(self._on_year_end_check_toggled)
        self.activity_combo.currentIndexChanged.connect(self._on_activity_combo_changed)
        self.set_activities(())

    # -- the choices ---------------------------------------------------------------------------

    def set_activities(self, activities: tuple[EnrollableActivity, ...]) -> None:
        kept = self.activity_combo.currentData()
        self.activities = activities
        self.activity_combo.blockSignals(True)
        self.activity_combo.clear()
        for activity in activities:
            self.activity_combo.addItem(activity.label, activity.id)
        position = self.activity_combo.findData(kept)
        self.activity_combo.setCurrentIndex(position if position >= 0 else 0)
        self.activity_combo.blockSignals(False)
        self.setEnabled(bool(activities))
        self._show_activity(self.activity())

    def activity(self) -> EnrollableActivity | None:
        chosen = self.activity_combo.currentData()
        return next((a for a in self.activities if a.id == chosen), None)

    def _on_activity_combo_changed(self, _index: int) -> None:
        self.clear_errors()
        self._show_activity(self.activity())

    def _show_activity(self, activity: EnrollableActivity | None) -> None:
        open_days = activity.weekdays if activity else (0, 1, 2, 3, 4)
        for day, check in enumerate(self.weekday_checks):
            check.setVisible(day in open_days)
            if day not in open_days:
                check.setChecked(False)
        time_entry = bool(activity and activity.time_entry)
        self.times_box.setVisible(time_entry)
        self.times_label.setVisible(time_entry)
        if activity is None:
            self.start_hint.clear()
            self.calendar_label.clear()
            return
        if time_entry:
            self._fill_times(activity)
        earliest = activity.earliest_start
        self.start_edit.setDate(qdate(earliest))
        self.start_hint.setText(_("at the earliest {date}").format(date=long_day(earliest)))
        self.start_hint.setToolTip(ngettext(
            "Lead time of {count} day, counted like the bookings' deadline",
            "Lead time of {count} days, counted like the bookings' deadline",
            activity.lead_days).format(count=activity.lead_days))
        self.year_end_check.setToolTip(_("No end date: until {date}").format(
            date=long_day(activity.default_end)))
        self._on_year_end_check_toggled(self.year_end_check.isChecked())
        self.calendar_label.setText(_(
            'Before {date}, book or cancel in the <a href="#calendar">calendar</a>.').format(
            date=long_day(earliest)))
        self.fit_wrapped_labels()

    def _fill_times(self, activity: EnrollableActivity) -> None:
        arrivals = sorted({t for _w, allowed in activity.allowed for t in allowed.arrivals})
        departures = sorted({t for _w, allowed in activity.allowed for t in allowed.departures})
        for combo, choices in ((self.arrival_combo, arrivals), (self.departure_combo, departures)):
            kept = combo.currentData()
            combo.clear()
            for choice in choices:
                combo.addItem(f"{choice:%H:%M}", choice)
            position = combo.findData(kept)
            combo.setCurrentIndex(position if position >= 0 else 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QLabel) and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            _fit_height(watched)
        return super().eventFilter(watched, event)

    def fit_wrapped_labels(self) -> None:
        for label in self.findChildren(QLabel):
            if label.wordWrap():
                _fit_height(label)

    def _on_year_end_check_toggled(self, checked: bool) -> None:
        self.end_edit.setEnabled(not checked)
        activity = self.activity()
        if checked and activity is not None:
            self.end_edit.setDate(qdate(activity.default_end))

    # -- what was typed ----------------------------------------------------------------------

    def weekdays(self) -> tuple[int, ...]:
        return tuple(day for day, check in enumerate(self.weekday_checks)
                     if check.isChecked() and not check.isHidden())

    def ends_on(self) -> date | None:
        return None if self.year_end_check.isChecked() else pydate(self.end_edit)

    def times(self) -> tuple[time | None, time | None]:
        if self.times_box.isHidden():
            return None, None
        return self.arrival_combo.currentData(), self.departure_combo.currentData()

    def reset_days(self) -> None:
        for check in self.weekday_checks:
            check.setChecked(False)
        self.every_other_check.setChecked(False)

    # -- errors ------------------------------------------------------------------------------

    def show_field_error(self, field: str, message: str) -> bool:
        """Under its field; False when the form has no such field."""
        label = self.errors.get("times" if field in ("arrival", "departure") else field)
        if label is None:
            return False
        label.setText(message)
        label.show()
        self.fit_wrapped_labels()
        return True

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()
