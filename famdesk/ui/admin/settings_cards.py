"""The structure's settings, three cards saved each on its own: the structure (name,
school-holiday zone, kiosk idle time), the mail server (SMTP) and online payments.

The SMTP password field is never filled in: a hint says whether one is stored; left empty,
the stored one is kept ("Oublier" forgets it). It is wiped after every answer.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from famdesk.i18n import _
from famdesk.models.enums import HolidayZone, SmtpSecurity
from famdesk.models.online import OnlineProviderKind, PayfipMode
from famdesk.services.backoffice import OnlineSettings, SmtpForm, StructureSettings
from famdesk.services.backoffice.settings import KIOSK_IDLE_RANGE
from famdesk.ui.admin.widgets import card, title_label
from famdesk.ui.forms import (
    FormFields,
    FormSection,
    button_row,
    hint_label,
    line_edit,
    password_edit,
)
from famdesk.ui.runner import Runner


def combo(name: str, choices: list[tuple[str, object]]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    for text, value in choices:
        box.addItem(text, value)
    return box


def select(box: QComboBox, value: object) -> None:
    position = box.findData(value)
    box.setCurrentIndex(max(position, 0))


class SettingsCard(FormSection):
    """A card: a title, a hint, a form, its messages and "Enregistrer"."""

    saved = Signal(object)
    """The `StructureSettings` after the save."""
    fields: FormFields

    def __init__(self, gateway: object, runner: Runner, name: str, title: str,
                 hint: str) -> None:
        super().__init__(gateway, runner)
        self.setObjectName(name)
        self.structure_id: int | None = None
        frame, inner = card("formCard")
        self.form = QFormLayout()
        self.fields = FormFields(self.form)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("saveButton")
        self.buttons = [self.save_button]
        inner.addWidget(title_label(title))
        if hint:
            inner.addWidget(hint_label(hint))
        inner.addLayout(self.form)
        inner.addWidget(self.feedback.error_label)
        inner.addLayout(button_row(self.feedback.success_label, self.save_button))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.save_button.clicked.connect(self.submit)

    def submit(self) -> None:
        raise NotImplementedError

    def show_settings(self, settings: StructureSettings) -> None:
        raise NotImplementedError

    def blank(self) -> None:
        """Nothing shown any more (a logout, another structure)."""
        for edit in self.findChildren(QLineEdit):
            if not isinstance(edit.parent(), QAbstractSpinBox | QComboBox):
                edit.clear()

    def _on_saved(self, settings: StructureSettings) -> None:
        self.show_settings(settings)
        self.show_success(_("Saved."))
        self.saved.emit(settings)


class StructureCard(SettingsCard):
    def __init__(self, gateway: object, runner: Runner) -> None:
        super().__init__(gateway, runner, "structureCard", _("Structure"), "")
        self.name_edit = line_edit("structureNameEdit", 120)
        self.zone_combo = combo("holidayZoneCombo", [
            (_("Zone {zone}").format(zone=zone.value), zone.value) for zone in HolidayZone])
        self.idle_spin = QSpinBox()
        self.idle_spin.setObjectName("kioskIdleSpin")
        self.idle_spin.setRange(*KIOSK_IDLE_RANGE)
        self.idle_spin.setSuffix(" s")
        self.idle_spin.setMaximumWidth(120)
        self.fields.add("name", _("Name:"), self.name_edit)
        self.fields.add("holiday_zone", _("School-holiday zone:"), self.zone_combo)
        self.fields.add("kiosk_idle_seconds", _("Kiosk idle time:"), self.idle_spin)
        self.form.addRow("", hint_label(_(
            "The zone counts for the openings generated from now on. After the idle time, a "
            "kiosk shows a countdown, then logs out.")))

    def show_settings(self, settings: StructureSettings) -> None:
        self.name_edit.setText(settings.name)
        select(self.zone_combo, settings.holiday_zone.value)
        self.idle_spin.setValue(settings.kiosk_idle_seconds)

    def submit(self) -> None:
        if self.structure_id is None:
            return
        self.run(self._gateway.save_structure(self.structure_id, self.name_edit.text(),
                                              self.zone_combo.currentData(),
                                              self.idle_spin.value()), self._on_saved)


class SmtpCard(SettingsCard):
    def __init__(self, gateway: object, runner: Runner) -> None:
        super().__init__(gateway, runner, "smtpCard", _("Mail server (SMTP)"), _(
            "The server the reports and notices are sent through. Without one, the e-mails "
            "wait in the outbox."))
        self.host_edit = line_edit("smtpHostEdit")
        self.host_edit.setPlaceholderText(_("none: the e-mails wait"))
        self.port_spin = QSpinBox()
        self.port_spin.setObjectName("smtpPortSpin")
        self.port_spin.setRange(0, 65535)
        self.port_spin.setSpecialValueText(_("usual port"))
        self.port_spin.setMaximumWidth(140)
        self.security_combo = combo("smtpSecurityCombo", [
            (_("None"), SmtpSecurity.NONE), ("STARTTLS", SmtpSecurity.STARTTLS),
            ("SSL/TLS", SmtpSecurity.SSL)])
        self.login_edit = line_edit("smtpLoginEdit")
        self.sender_edit = line_edit("smtpSenderEdit")
        self.sender_edit.setPlaceholderText("enfance@mairie.example")
        self.password_edit = password_edit("smtpPasswordEdit")
        self.password_hint = hint_label()
        self.password_hint.setObjectName("smtpPasswordHint")
        self.forget_check = QCheckBox(_("Forget the stored password"))
        self.forget_check.setObjectName("forgetPasswordCheck")
        self.fields.add("host", _("Server:"), self.host_edit)
        self.fields.add("port", _("Port:"), self.port_spin)
        self.fields.add("security", _("Security:"), self.security_combo)
        self.fields.add("login", _("Login:"), self.login_edit)
        self.fields.add("sender", _("Sender address:"), self.sender_edit)
        self.fields.add("password", _("Password:"), self.password_edit)
        self.form.addRow("", self.password_hint)
        self.form.addRow("", self.forget_check)
        self.forget_check.toggled.connect(lambda on: self.password_edit.setEnabled(not on))

    def show_settings(self, settings: StructureSettings) -> None:
        self.host_edit.setText(settings.smtp_host or "")
        self.port_spin.setValue(settings.smtp_port or 0)
        select(self.security_combo, settings.smtp_security)
        self.login_edit.setText(settings.smtp_login or "")
        self.sender_edit.setText(settings.smtp_sender or "")
        self.wipe()
        stored = settings.smtp_password_stored
        self.password_hint.setText(
            _("Password stored (in the system keyring): leave the field empty to keep it.")
            if stored else _("No password stored."))
        self.forget_check.setVisible(stored)

    def submit(self) -> None:
        if self.structure_id is None:
            return
        typed = self.password_edit.text()
        password = "" if self.forget_check.isChecked() else (typed or None)
        form = SmtpForm(host=self.host_edit.text(), port=self.port_spin.value() or None,
                        security=SmtpSecurity(self.security_combo.currentData()),
                        login=self.login_edit.text(), sender=self.sender_edit.text(),
                        password=password)
        self.run(self._gateway.save_smtp(self.structure_id, form), self._on_saved)

    def on_failed(self, exc: BaseException) -> None:
        self.wipe()

    def wipe(self) -> None:
        self.password_edit.clear()
        self.forget_check.setChecked(False)


class OnlineCard(SettingsCard):
    def __init__(self, gateway: object, runner: Runner) -> None:
        super().__init__(gateway, runner, "onlineCard", _("Online payment"), _(
            "PayFiP is the public treasury's service: its client number and addresses come "
            "from the DGFiP. The local test page moves no money (demonstrations)."))
        self.provider_combo = combo("providerCombo", [
            (_("PayFiP (DGFiP)"), OnlineProviderKind.PAYFIP),
            (_("Local test page (no money moves)"), OnlineProviderKind.LOCALTEST)])
        self.numcli_edit = line_edit("numcliEdit", 6)
        self.numcli_edit.setMaximumWidth(120)
        self.mode_combo = combo("payfipModeCombo", [
            (_("T – test"), PayfipMode.TEST), (_("X – activation"), PayfipMode.ACTIVATION),
            (_("W – production"), PayfipMode.PRODUCTION)])
        self.notify_edit = line_edit("notifyUrlEdit")
        self.notify_edit.setPlaceholderText("https://")
        self.return_edit = line_edit("returnUrlEdit")
        self.return_edit.setPlaceholderText("https://")
        self.state_label = hint_label()
        self.state_label.setObjectName("onlineState")
        self.fields.add("provider", _("Provider:"), self.provider_combo)
        self.fields.add("payfip_numcli", _("Client number:"), self.numcli_edit)
        self.fields.add("payfip_mode", _("Mode:"), self.mode_combo)
        self.fields.add("notify_url", _("Notification address:"), self.notify_edit)
        self.fields.add("return_url", _("Return address:"), self.return_edit)
        self.form.addRow("", self.state_label)
        self.provider_combo.currentIndexChanged.connect(lambda _i: self._show_provider())

    def _show_provider(self) -> None:
        payfip = OnlineProviderKind(self.provider_combo.currentData()) is OnlineProviderKind.PAYFIP
        for key in ("payfip_numcli", "payfip_mode", "notify_url", "return_url"):
            self.fields.field(key).setEnabled(payfip)

    def show_settings(self, settings: StructureSettings) -> None:
        online = settings.online
        if online is None:
            self.state_label.setText(_("No online payment yet."))
            online = OnlineSettings(OnlineProviderKind.PAYFIP)
        else:
            self.state_label.clear()
        select(self.provider_combo, online.provider)
        self.numcli_edit.setText(online.payfip_numcli or "")
        select(self.mode_combo, online.payfip_mode)
        self.notify_edit.setText(online.notify_url or "")
        self.return_edit.setText(online.return_url or "")
        self._show_provider()

    def submit(self) -> None:
        if self.structure_id is None:
            return
        settings = OnlineSettings(
            OnlineProviderKind(self.provider_combo.currentData()), self.numcli_edit.text(),
            PayfipMode(self.mode_combo.currentData()), self.notify_edit.text(),
            self.return_edit.text())
        self.run(self._gateway.save_online_settings(self.structure_id, settings), self._on_saved)
