"""Opening days: "Générer les ouvertures" for a period (weekdays; school days, school holidays
or both; places and waiting list), previewed — the days that would open and those left
closed with why — before "Ouvrir ces jours"; and `OpenDayDialog` for one day by hand (a
public holiday too).

Both emit `applied(message)` once done, and close.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _, ngettext
from famdesk.services.backoffice import (
    ActivityRow,
    CalendarDay,
    OpeningPlan,
    OpeningRequest,
    SchoolTime,
)
from famdesk.services.enrollments import weekday_names
from famdesk.services.formatting import long_day, short_day, weekday_date
from famdesk.ui.admin.widgets import LimitEdit, admin_table, hbox, inline
from famdesk.ui.forms import (
    FormFields,
    FormSection,
    button_row,
    date_edit,
    from_qdate,
    hint_label,
    to_qdate,
)
from famdesk.ui.models.opening_model import SkippedDayTableModel
from famdesk.ui.runner import Runner

LISTED_DAYS = 40
"""The days to open listed one by one in the preview (then "and N more")."""


def places_edits() -> tuple[LimitEdit, LimitEdit]:
    capacity = LimitEdit("capacityEdit", _("no limit"))
    waitlist = LimitEdit("waitlistEdit", _("no limit"), zero_text=_("no list"))
    capacity.set_value(20)
    waitlist.set_value(0)
    return capacity, waitlist


class OpeningsDialog(QDialog):
    """Generate the openings of an activity for a period: preview, then apply."""

    applied = Signal(str)

    def __init__(self, gateway: object, runner: Runner, activity: ActivityRow, first: date,
                 last: date, parent: QWidget | None = None, *, every_day: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("openingsDialog")
        self.setWindowTitle(_("Generate openings – {activity}").format(activity=activity.label))
        self.setModal(True)
        self.resize(760, 640)
        self._gateway = gateway
        self._activity_id = activity.id
        self.plan: OpeningPlan | None = None
        self.section = FormSection(gateway, runner, self)
        form = QFormLayout()
        self.section.fields = fields = FormFields(form)
        self.first_edit = date_edit("firstEdit")
        self.last_edit = date_edit("lastEdit")
        self.first_edit.setDate(to_qdate(first))
        self.last_edit.setDate(to_qdate(last))
        period = inline(self.first_edit, QLabel(_("to")), self.last_edit)
        self.weekday_checks = []
        for day in range(7):
            check = QCheckBox(weekday_names([day]))
            check.setObjectName(f"openWeekday{day}")
            check.setAccessibleName(weekday_names([day], "wide"))
            check.setChecked(every_day or day < 5)
            self.weekday_checks.append(check)
        weekdays = inline(*self.weekday_checks)
        self.school_buttons = QButtonGroup(self)
        school = QWidget()
        school_row = hbox()
        for text, value in ((_("school days"), SchoolTime.SCHOOL_DAYS),
                            (_("school holidays"), SchoolTime.HOLIDAYS),
                            (_("both"), SchoolTime.BOTH)):
            button = QRadioButton(text)
            button.setObjectName(f"school_{value.value}")
            button.setProperty("value", value.value)
            self.school_buttons.addButton(button)
            school_row.insertWidget(school_row.count() - 1, button)
        school.setLayout(school_row)
        school_row.setContentsMargins(0, 0, 0, 0)
        wanted = SchoolTime.BOTH if every_day else SchoolTime.SCHOOL_DAYS
        next(b for b in self.school_buttons.buttons()
             if b.property("value") == wanted.value).setChecked(True)
        self.capacity_edit, self.waitlist_edit = places_edits()
        fields.add("first", _("Period:"), period, aliases=["last"])
        fields.add("weekdays", _("Days:"), weekdays)
        fields.add("school_time", _("Open on:"), school)
        fields.add("capacity", _("Places:"), self.capacity_edit)
        fields.add("waitlist_size", _("Waiting list:"), self.waitlist_edit)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("previewSummary")
        self.summary_label.setWordWrap(True)
        self.days_label = QLabel()
        self.days_label.setObjectName("daysToOpen")
        self.days_label.setWordWrap(True)
        self.warning_label = hint_label()
        self.warning_label.setObjectName("planWarning")
        self.skipped_model = SkippedDayTableModel(parent=self)
        self.skipped_table = admin_table("skippedTable", self.skipped_model,
                                         _("Days left closed"))
        self.preview_button = QPushButton(_("Preview"))
        self.preview_button.setObjectName("previewButton")
        self.preview_button.setDefault(True)
        self.apply_button = QPushButton(_("Open these days"))
        self.apply_button.setObjectName("applyButton")
        self.cancel_button = QPushButton(_("Close"))
        self.cancel_button.setObjectName("cancelButton")
        self.section.buttons = [self.preview_button]

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(hint_label(_(
            "Public holidays stay closed; days already open are left as they are (change their "
            "places with “Places…”).")))
        layout.addLayout(form)
        layout.addWidget(self.section.feedback.error_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.days_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.skipped_table, 1)
        layout.addLayout(button_row(None, self.preview_button, self.apply_button,
                                    self.cancel_button))

        self.preview_button.clicked.connect(self.preview)
        self.apply_button.clicked.connect(self.apply)
        self.cancel_button.clicked.connect(self.reject)
        for widget in (self.first_edit, self.last_edit):
            widget.dateChanged.connect(lambda _day: self._forget_plan())
        for check in self.weekday_checks:
            check.toggled.connect(lambda _on: self._forget_plan())
        self.school_buttons.buttonToggled.connect(lambda _button, _on: self._forget_plan())
        for edit in (self.capacity_edit, self.waitlist_edit):
            edit.changed.connect(self._forget_plan)
        self.finished.connect(lambda _result: self.section.forget())
        self._forget_plan()

    def request(self) -> OpeningRequest:
        chosen = self.school_buttons.checkedButton()
        assert chosen is not None  # one is checked from the start
        return OpeningRequest(
            first=from_qdate(self.first_edit.date()), last=from_qdate(self.last_edit.date()),
            weekdays=frozenset(d for d, c in enumerate(self.weekday_checks) if c.isChecked()),
            school_time=SchoolTime(chosen.property("value")),
            capacity=self.capacity_edit.value(), waitlist_size=self.waitlist_edit.value())

    def preview(self) -> None:
        request = self.request()
        self.section.run(
            self._gateway.preview_openings(self._activity_id, request),  # type: ignore[attr-defined]
            lambda plan: self._show_plan(request, plan))

    def apply(self) -> None:
        if self.plan is None:
            return
        self.section.run(
            self._gateway.apply_openings(self._activity_id, self.request()),  # type: ignore[attr-defined]
            self._on_applied)

    def _show_plan(self, request: OpeningRequest, plan: OpeningPlan) -> None:
        if request != self.request():
            return  # changed meanwhile
        self.plan = plan
        opened = len(plan.to_open)
        self.summary_label.setText(
            ngettext("{count} day to open", "{count} days to open", opened).format(count=opened)
            + " ; " + ngettext("{count} day left closed (below)",
                               "{count} days left closed (below)",
                               len(plan.skipped)).format(count=len(plan.skipped)))
        listed = ", ".join(short_day(day) for day in plan.to_open[:LISTED_DAYS])
        if opened > LISTED_DAYS:
            listed += " " + _("and {count} more").format(count=opened - LISTED_DAYS)
        self.days_label.setText(listed)
        self.days_label.setVisible(bool(listed))
        self.warning_label.setText(plan.warning or "")
        self.skipped_model.set_rows(plan.skipped)
        self.summary_label.show()
        self.skipped_table.setVisible(bool(plan.skipped))
        self.warning_label.setVisible(bool(plan.warning))
        self.apply_button.setEnabled(opened > 0)

    def _forget_plan(self) -> None:
        self.plan = None
        self.apply_button.setEnabled(False)
        self.skipped_model.set_rows(())
        for widget in (self.summary_label, self.days_label, self.warning_label,
                       self.skipped_table):
            widget.hide()

    def _on_applied(self, plan: OpeningPlan) -> None:
        self.accept()
        self.applied.emit(ngettext("{count} day opened.", "{count} days opened.",
                                   len(plan.to_open)).format(count=len(plan.to_open)))


class OpenDayDialog(QDialog):
    """Open one day by hand, with its places."""

    applied = Signal(str)

    def __init__(self, gateway: object, runner: Runner, activity_id: int, activity_label: str,
                 day: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("openDayDialog")
        self.setWindowTitle(_("Open a day – {activity}").format(activity=activity_label))
        self.setModal(True)
        self._gateway = gateway
        self._activity_id = activity_id
        self._day = day
        self.section = FormSection(gateway, runner, self)
        form = QFormLayout()
        self.section.fields = fields = FormFields(form)
        self.capacity_edit, self.waitlist_edit = places_edits()
        fields.add("capacity", _("Places:"), self.capacity_edit)
        fields.add("waitlist_size", _("Waiting list:"), self.waitlist_edit)
        self.open_button = QPushButton(_("Open the day"))
        self.open_button.setObjectName("applyButton")
        self.open_button.setDefault(True)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.section.buttons = [self.open_button]
        heading = QLabel(_("Open {activity} on {day}.").format(activity=activity_label,
                                                               day=long_day(day)))
        heading.setObjectName("sectionTitle")
        heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.section.feedback.error_label)
        layout.addLayout(button_row(None, self.open_button, self.cancel_button))
        self.open_button.clicked.connect(self.apply)
        self.cancel_button.clicked.connect(self.reject)
        self.finished.connect(lambda _result: self.section.forget())

    def apply(self) -> None:
        self.section.run(
            self._gateway.open_day(self._activity_id, self._day,  # type: ignore[attr-defined]
                                   self.capacity_edit.value(), self.waitlist_edit.value()),
            self._on_opened)

    def _on_opened(self, day: CalendarDay) -> None:
        self.accept()
        self.applied.emit(_("{day} is open.").format(day=weekday_date(day.day)))
