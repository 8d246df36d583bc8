"""The activity editor ("Nouvelle activité" / "Modifier l'activité"): four tabs — General,
Tariff, Deadlines (with the rule tester, live), Times — and "Enregistrer".

It checks nothing itself but the shape of what is typed (a time, an amount): the service
refuses, and the refusal shows beside the field at fault, on its tab. Nothing is saved while
a refusal stands. Emits `activity_saved(definition)` and closes once saved.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from famdesk.errors import FamdeskError, ValidationError
from famdesk.i18n import _
from famdesk.models.enums import TariffMode
from famdesk.services.backoffice import ActivityDefinition, ActivityForm, RuleParts, WalletRow
from famdesk.ui.admin.activity_fields import BracketsEdit, ColourEdit, TimesEdit
from famdesk.ui.admin.rule_editor import RuleEditor, RuleTesterWidget
from famdesk.ui.admin.widgets import card, fixed_width, inline, label_on_top, title_label
from famdesk.ui.errors import present_error
from famdesk.ui.forms import (
    CallGuard,
    Feedback,
    FormFields,
    button_row,
    date_edit,
    from_qdate,
    hint_label,
    line_edit,
    to_qdate,
)
from famdesk.ui.runner import Runner

RULE_PARTS = ("kind", "days", "counting", "weekday", "weeks", "cutoff")


def _form_tab(tabs: QTabWidget, title: str, name: str) -> tuple[QVBoxLayout, FormFields]:
    page = QWidget()
    page.setObjectName(name)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(16, 12, 16, 12)
    layout.setSpacing(10)
    form = QFormLayout()
    form.setVerticalSpacing(8)
    layout.addLayout(form)
    tabs.addTab(page, title)
    return layout, FormFields(form)


class ActivityEditorDialog(QDialog):
    activity_saved = Signal(object)
    """The `ActivityDefinition` saved."""

    def __init__(self, gateway: object, runner: Runner, structure_id: int, timezone: str,
                 today: date, wallets: tuple[WalletRow, ...],
                 definition: ActivityDefinition | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activityEditor")
        self._gateway = gateway
        self._structure_id = structure_id
        self._zone = ZoneInfo(timezone)
        self.definition = definition
        self.setWindowTitle(_("New activity") if definition is None
                            else _("Activity {label}").format(label=definition.form.label))
        self.setModal(True)
        self.resize(820, 660)
        self.calls = CallGuard(runner, self._on_save_failed)
        self.feedback = Feedback(_("Activity error"))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("editorTabs")

        # -- General ----------------------------------------------------------------
        general, self.general_fields = _form_tab(self.tabs, _("General"), "generalTab")
        self.label_edit = line_edit("activityLabelEdit", 80)
        self.colour_edit = ColourEdit("colour")
        self.order_spin = QSpinBox()
        self.order_spin.setObjectName("displayOrderSpin")
        self.order_spin.setRange(0, 9999)
        self.order_spin.setMaximumWidth(100)
        self.wallet_combo = QComboBox()
        self.wallet_combo.setObjectName("walletCombo")
        for wallet in wallets:
            self.wallet_combo.addItem(wallet.label, wallet.id)
        self.start_edit = date_edit("periodStartEdit")
        self.end_edit = date_edit("periodEndEdit")
        self.holidays_only_check = QCheckBox(_("During school holidays only"))
        self.holidays_only_check.setObjectName("holidaysOnlyCheck")
        self.meals_check = QCheckBox(_("School meals (left out of the childcare certificate)"))
        self.meals_check.setObjectName("mealsCheck")
        self.annual_check = QCheckBox(_("Annual enrollment allowed"))
        self.annual_check.setObjectName("annualCheck")
        self.lead_spin = QSpinBox()
        self.lead_spin.setObjectName("leadDaysSpin")
        self.lead_spin.setRange(0, 999)
        self.lead_spin.setSuffix(_(" days"))
        self.lead_spin.setMaximumWidth(120)
        f = self.general_fields
        f.add("label", _("Label:"), self.label_edit)
        f.add("colour", _("Colour:"), self.colour_edit)
        f.add("display_order", _("Display order:"), self.order_spin)
        f.add("wallet_id", _("Wallet:"), self.wallet_combo)
        fixed_width(self.start_edit, self.end_edit)
        period = inline(self.start_edit, QLabel(_("to")), self.end_edit)
        f.add("period_start", _("Period:"), period, aliases=["period_end"])
        f.add("during_school_holidays_only", "", self.holidays_only_check)
        f.add("meals", "", self.meals_check)
        f.add("annual_allowed", "", self.annual_check)
        f.add("lead_days", _("Lead time:"), self.lead_spin)
        general.addWidget(hint_label(_(
            "Lead time (“délai de mise en place”): how far ahead an annual enrollment may start "
            "or stop, counted like the booking deadline.")))
        general.addStretch(1)

        # -- Tariff -----------------------------------------------------------------
        tariff, self.tariff_fields = _form_tab(self.tabs, _("Tariff"), "tariffTab")
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("tariffModeCombo")
        self.mode_combo.addItem(_("per day (unit)"), TariffMode.UNIT)
        self.mode_combo.addItem(_("per started slot of time (needs times)"), TariffMode.SLOT)
        self.slot_spin = QSpinBox()
        self.slot_spin.setObjectName("slotMinutesSpin")
        self.slot_spin.setRange(1, 9999)
        self.slot_spin.setSuffix(_(" min"))
        self.slot_spin.setMaximumWidth(120)
        self.brackets_edit = BracketsEdit()
        self.tariff_fields.add("tariff_mode", _("Tariff:"), self.mode_combo)
        self.tariff_fields.add("slot_minutes", _("Slot length:"), self.slot_spin)
        label_on_top(self.tariff_fields.add("brackets", _("Amounts:"), self.brackets_edit))
        tariff.addStretch(1)

        # -- Deadlines and the rule tester ------------------------------------------
        deadlines, self.deadline_fields = _form_tab(self.tabs, _("Deadlines"), "deadlinesTab")
        self.booking_rule = RuleEditor("bookingRule")
        self.same_rule_check = QCheckBox(_("Cancellations: the same deadline as bookings"))
        self.same_rule_check.setObjectName("sameRuleCheck")
        self.cancellation_rule = RuleEditor("cancellationRule")
        self.opens_check = QCheckBox(_("from"))
        self.opens_check.setObjectName("opensCheck")
        self.opens_edit = QDateTimeEdit()
        self.opens_edit.setObjectName("opensAtEdit")
        self.opens_edit.setCalendarPopup(True)
        self.opens_edit.setDisplayFormat("dd/MM/yyyy HH:mm")
        opens = inline(self.opens_check, self.opens_edit)
        self.horizon_check = QCheckBox(_("at most"))
        self.horizon_check.setObjectName("horizonCheck")
        self.horizon_spin = QSpinBox()
        self.horizon_spin.setObjectName("horizonSpin")
        self.horizon_spin.setRange(1, 9999)
        self.horizon_spin.setSuffix(_(" days ahead"))
        horizon = inline(self.horizon_check, self.horizon_spin)
        d = self.deadline_fields
        label_on_top(d.add("booking_rule", _("Booking deadline:"), self.booking_rule,
                           aliases=[f"booking_rule.{part}" for part in RULE_PARTS]))
        d.form.addRow("", self.same_rule_check)
        label_on_top(d.add("cancellation_rule", _("Cancellation deadline:"),
                           self.cancellation_rule,
                           aliases=[f"cancellation_rule.{part}" for part in RULE_PARTS]))
        d.add("booking_opens_at", _("Families may book:"), opens)
        d.add("booking_horizon_days", _("Booking horizon:"), horizon)
        tester_card, tester_layout = card("formCard")
        tester_layout.addWidget(title_label(_("Test the deadlines")))
        tester_layout.addWidget(hint_label(_(
            "Pick a day: the deadlines the rules above give it, as families will see them. "
            "Nothing is saved.")))
        self.tester = RuleTesterWidget(gateway, runner, structure_id, self._rules)
        tester_layout.addWidget(self.tester)
        deadlines.addWidget(tester_card)
        deadlines.addStretch(1)

        # -- Times ------------------------------------------------------------------
        times, self.times_fields = _form_tab(self.tabs, _("Times"), "timesTab")
        self.times_edit = TimesEdit()
        times.insertWidget(0, hint_label(_(
            "Tick the days families give an arrival and a departure time, and list the times "
            "they may choose. No day ticked: no times asked.")))
        label_on_top(self.times_fields.add("time_options", _("Allowed times:"), self.times_edit))
        times.addStretch(1)

        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(_("Close"))
        self.cancel_button.setObjectName("closeButton")
        self.calls.buttons = [self.save_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.feedback.error_label)
        layout.addLayout(button_row(None, self.save_button, self.cancel_button))

        self._fill(definition, wallets, today)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.same_rule_check.toggled.connect(self._on_same_rule_toggled)
        self.mode_combo.currentIndexChanged.connect(self._on_mode_changed)
        self.opens_check.toggled.connect(self.opens_edit.setEnabled)
        self.horizon_check.toggled.connect(self.horizon_spin.setEnabled)
        for editor in (self.booking_rule, self.cancellation_rule):
            editor.changed.connect(self._on_rule_changed)
        self.tester.refused.connect(self._on_tester_refused)
        self.finished.connect(lambda _result: self.forget())
        self.tester.test_now()

    # -- filling ----------------------------------------------------------------------

    def _fill(self, definition: ActivityDefinition | None, wallets: tuple[WalletRow, ...],
              today: date) -> None:
        if definition is None:
            self.colour_edit.set_colour("#1F4E8C")
            self.order_spin.setValue(10)
            self.start_edit.setDate(to_qdate(today))
            self.end_edit.setDate(to_qdate(today))
            self.brackets_edit.model.set_brackets(())
            self.same_rule_check.setChecked(True)
            self.opens_edit.setDateTime(QDateTime(to_qdate(today), QTime(0, 0)))
            self.horizon_spin.setValue(60)
        else:
            form = definition.form
            self.label_edit.setText(form.label)
            self.colour_edit.set_colour(form.colour)
            self.order_spin.setValue(form.display_order)
            self.wallet_combo.setCurrentIndex(max(self.wallet_combo.findData(form.wallet_id), 0))
            self.start_edit.setDate(to_qdate(form.period_start))
            self.end_edit.setDate(to_qdate(form.period_end))
            self.holidays_only_check.setChecked(form.during_school_holidays_only)
            self.meals_check.setChecked(form.meals)
            self.annual_check.setChecked(form.annual_allowed)
            self.lead_spin.setValue(form.lead_days)
            self.mode_combo.setCurrentIndex(max(self.mode_combo.findData(
                TariffMode(form.tariff_mode)), 0))
            self.slot_spin.setValue(form.slot_minutes or 30)
            self.brackets_edit.model.set_brackets(form.brackets)
            booking, cancellation = form.booking_rule, form.cancellation_rule
            assert isinstance(booking, RuleParts)
            self.booking_rule.set_rule(booking)
            if isinstance(cancellation, RuleParts):
                self.cancellation_rule.set_rule(cancellation)
            self.same_rule_check.setChecked(cancellation is None or cancellation == booking)
            opens = form.booking_opens_at
            self.opens_check.setChecked(opens is not None)
            local = (opens or datetime.combine(today, datetime.min.time(), self._zone)).astimezone(
                self._zone)
            self.opens_edit.setDateTime(QDateTime(to_qdate(local.date()),
                                                  QTime(local.hour, local.minute)))
            self.horizon_check.setChecked(form.booking_horizon_days is not None)
            self.horizon_spin.setValue(form.booking_horizon_days or 60)
            self.times_edit.set_times(form.time_options)
        self.tester.set_day(today)
        self.opens_edit.setEnabled(self.opens_check.isChecked())
        self.horizon_spin.setEnabled(self.horizon_check.isChecked())
        self._on_same_rule_toggled(self.same_rule_check.isChecked())
        self._on_mode_changed(0)

    # -- reading ----------------------------------------------------------------------

    def _rules(self) -> tuple[RuleParts, RuleParts | None]:
        booking = self.booking_rule.rule()
        if self.same_rule_check.isChecked():
            return booking, None
        return booking, self.cancellation_rule.rule()

    def form(self) -> ActivityForm:
        """What is typed, as the service takes it (ValidationError: not a time, an amount)."""
        booking, cancellation = self._rules()
        slot = TariffMode(self.mode_combo.currentData()) is TariffMode.SLOT
        opens = None
        if self.opens_check.isChecked():
            chosen = self.opens_edit.dateTime()
            moment = chosen.time()
            opens = datetime.combine(from_qdate(chosen.date()), datetime.min.time(),
                                     self._zone).replace(hour=moment.hour(),
                                                         minute=moment.minute())
        return ActivityForm(
            wallet_id=self.wallet_combo.currentData(), label=self.label_edit.text(),
            colour=self.colour_edit.colour(), display_order=self.order_spin.value(),
            period_start=from_qdate(self.start_edit.date()),
            period_end=from_qdate(self.end_edit.date()),
            tariff_mode=TariffMode(self.mode_combo.currentData()),
            slot_minutes=self.slot_spin.value() if slot else None,
            brackets=self.brackets_edit.model.brackets(), booking_rule=booking,
            cancellation_rule=cancellation, booking_opens_at=opens,
            booking_horizon_days=self.horizon_spin.value() if self.horizon_check.isChecked()
            else None,
            time_options=self.times_edit.time_options(),
            annual_allowed=self.annual_check.isChecked(), lead_days=self.lead_spin.value(),
            during_school_holidays_only=self.holidays_only_check.isChecked(),
            meals=self.meals_check.isChecked(),
        )

    # -- saving -----------------------------------------------------------------------

    def save(self) -> None:
        self.clear_errors()
        try:
            form = self.form()
        except ValidationError as exc:
            self.show_field_error(exc.field or "", exc.message)
            return
        if self.definition is None:
            coro = self._gateway.add_activity(self._structure_id, form)  # type: ignore[attr-defined]
        else:
            coro = self._gateway.update_activity(self.definition.id, form)  # type: ignore[attr-defined]
        self.calls.run(coro, self._on_saved)

    def _on_saved(self, definition: ActivityDefinition) -> None:
        self.definition = definition
        self.activity_saved.emit(definition)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        present_error(self, exc)

    # -- present_error ----------------------------------------------------------------

    def all_fields(self) -> tuple[FormFields, ...]:
        return (self.general_fields, self.tariff_fields, self.deadline_fields, self.times_fields)

    def show_field_error(self, field: str, message: str) -> None:
        for tab, fields in enumerate(self.all_fields()):
            if fields.show(field, message):
                self.tabs.setCurrentIndex(tab)
                return
        self.show_error(message)

    def show_error(self, message: str) -> None:
        self.feedback.show_error(message)

    def clear_errors(self) -> None:
        self.feedback.clear()
        for fields in self.all_fields():
            fields.clear()

    # -- live -------------------------------------------------------------------------

    def _on_rule_changed(self) -> None:
        if self.same_rule_check.isChecked():  # the cancellation rule shows the same
            self.cancellation_rule.set_rule(self.booking_rule.rule())
        self.tester.test_soon()

    def _on_same_rule_toggled(self, same: bool) -> None:
        self.cancellation_rule.setEnabled(not same)
        if same:
            self.cancellation_rule.set_rule(self.booking_rule.rule())
        self.tester.test_soon()

    def _on_mode_changed(self, _index: int) -> None:
        self.slot_spin.setEnabled(TariffMode(self.mode_combo.currentData()) is TariffMode.SLOT)

    def _on_tester_refused(self, exc: FamdeskError | None) -> None:
        """The tester's refusal of a rule shows beside it too, as it is typed (without
        taking the focus from the field being typed in)."""
        failed = exc.field.split(".")[0] if exc is not None and exc.field else None
        for key in ("booking_rule", "cancellation_rule"):
            label = self.findChild(QLabel, f"{key}Error")
            if label is not None:
                label.setText(exc.message if exc is not None and key == failed else "")
                label.setVisible(key == failed)

    def forget(self) -> None:
        self.tester.forget()
        self.calls.forget()
