"""Two tabs of the family file: its quotients familiaux, and its account.

Each emits `record_changed()` after a save; the dialog then reloads the whole file.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.services.account_facts import RecordFacts
from famdesk.services.families import FamilyRecord, OneTimePassword
from famdesk.services.folding import fold
from famdesk.services.formatting import date_time, numeric_date
from famdesk.services.setup.people import MAX_QUOTIENT
from famdesk.ui.forms import (
    FormFields,
    FormSection,
    button_row,
    date_edit,
    from_qdate,
    hint_label,
    line_edit,
    to_qdate,
)
from famdesk.ui.gateway_accounts import AccountsGateway
from famdesk.ui.one_time_password_dialog import OneTimePasswordDialog
from famdesk.ui.record_tables import fill_table, readonly_table
from famdesk.ui.runner import Runner

log = logging.getLogger(__name__)


def until_text(day: date | None) -> str:
    return numeric_date(day) if day is not None else _("no end date")


class QuotientsTab(FormSection):
    record_changed = Signal()

    def __init__(self, gateway: AccountsGateway, runner: Runner) -> None:
        super().__init__(gateway, runner)
        self.setObjectName("quotientsTab")
        self._family_id: int | None = None
        self.table = readonly_table(
            "quotientsTable", [_("Quotient"), _("From"), _("Until")], _("Quotients familiaux"))
        self.value_spin = QSpinBox()
        self.value_spin.setObjectName("quotientSpin")
        self.value_spin.setRange(0, MAX_QUOTIENT)
        self.value_spin.setGroupSeparatorShown(False)
        self.from_edit = date_edit("quotientFromEdit")
        self.open_check = QCheckBox(_("No end date"))
        self.open_check.setObjectName("openEndedCheck")
        self.open_check.setChecked(True)
        self.until_edit = date_edit("quotientUntilEdit")
        self.until_edit.setEnabled(False)
        until_box = QWidget()
        until_row = QHBoxLayout(until_box)
        until_row.setContentsMargins(0, 0, 0, 0)
        until_row.addWidget(self.until_edit)
        until_row.addWidget(self.open_check)
        until_row.addStretch(1)
        form = QFormLayout()
        self.fields = FormFields(form)
        self.fields.add("value", _("Quotient familial:"), self.value_spin)
        self.fields.add("valid_from", _("Valid from:"), self.from_edit)
        until_label = self.fields.add("valid_until", _("Valid until:"), until_box)
        until_label.setBuddy(self.until_edit)
        self.until_edit.setAccessibleName(_("Valid until"))
        self.add_button = QPushButton(_("Add the quotient"))
        self.add_button.setObjectName("addQuotientButton")
        self.buttons = [self.add_button]
        row = button_row(self.feedback.success_label, self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint_label(_(
            "A new quotient without end date closes the previous one the day before.")))
        layout.addLayout(form)
        layout.addWidget(self.feedback.error_label)
        layout.addLayout(row)
        self.open_check.toggled.connect(self._on_open_check_toggled)
        self.add_button.clicked.connect(self.submit)

    def set_facts(self, facts: RecordFacts) -> None:
        self.from_edit.setDate(to_qdate(facts.today))
        self.until_edit.setDate(to_qdate(facts.today))

    def show_record(self, record: FamilyRecord) -> None:
        self._family_id = record.id
        fill_table(self.table, (
            (q.id, (str(q.value), numeric_date(q.valid_from), until_text(q.valid_until)))
            for q in reversed(record.quotients)
        ))

    def submit(self) -> None:
        if self._family_id is None:
            return
        until = None if self.open_check.isChecked() else from_qdate(self.until_edit.date())
        self.run(self._gateway.set_quotient(
            self._family_id, self.value_spin.value(), from_qdate(self.from_edit.date()), until),
            self._on_added)

    def _on_added(self, _quotient_id: int) -> None:
        self.show_success(_("The quotient is added."))
        self.record_changed.emit()

    def _on_open_check_toggled(self, checked: bool) -> None:
        self.until_edit.setEnabled(not checked)

    def clear(self) -> None:
        self.forget()
        self._family_id = None
        self.table.clearContents()
        self.table.setRowCount(0)
        self.value_spin.setValue(0)


class AccountTab(FormSection):
    """Create the family's account, or give it a new one-time password."""

    record_changed = Signal()

    def __init__(self, gateway: AccountsGateway, runner: Runner) -> None:
        super().__init__(gateway, runner)
        self.setObjectName("accountTab")
        self._record: FamilyRecord | None = None
        self.secret_dialog: OneTimePasswordDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.state_label = QLabel()
        self.state_label.setObjectName("accountState")
        self.state_label.setWordWrap(True)
        self.login_edit = line_edit("newLoginEdit", 64)
        form = QFormLayout()
        self.fields = FormFields(form)
        self.login_label = self.fields.add("login", _("Login:"), self.login_edit)
        self.create_button = QPushButton(_("Create the account"))
        self.create_button.setObjectName("createAccountButton")
        self.reset_button = QPushButton(_("Give a new one-time password…"))
        self.reset_button.setObjectName("resetPasswordButton")
        self.buttons = [self.create_button, self.reset_button]
        row = button_row(self.feedback.success_label, self.create_button, self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.state_label)
        layout.addLayout(form)
        layout.addWidget(hint_label(_(
            "famdesk makes a one-time password, shown once for you to hand over; the family "
            "replaces it at its first login. No password is ever e-mailed.")))
        layout.addWidget(self.feedback.error_label)
        layout.addLayout(row)
        layout.addStretch(1)
        self.create_button.clicked.connect(self._on_create_button_clicked)
        self.login_edit.returnPressed.connect(self._on_create_button_clicked)
        self.reset_button.clicked.connect(self._on_reset_button_clicked)

    def show_record(self, record: FamilyRecord) -> None:
        self._record = record
        account = record.account
        has_account = account is not None
        for widget in (self.login_label, self.login_edit, self.create_button):
            widget.setVisible(not has_account)
        self.reset_button.setVisible(has_account)
        if account is None:
            self.state_label.setText(_("This family has no account yet: create one to let it "
                                       "log in on the portal."))
            if not self.login_edit.text():
                self.login_edit.setText(suggested_login(record.first_name, record.last_name))
            return
        lines = [_("Login: {login}").format(login=account.login),
                 _("E-mail: {email}").format(email=account.email or _("none"))]
        if account.must_change_password:
            lines.append(_("The family has not replaced its one-time password yet."))
        if account.locked_until is not None:
            lines.append(_("Locked after failed attempts until {when}.").format(
                when=date_time(account.locked_until)))
        lines.append(_("Last login: {when}").format(
            when=date_time(account.last_login_at) if account.last_login_at else _("never")))
        lines.append(_("Security question: set") if account.has_security_question
                     else _("Security question: not set"))
        self.state_label.setText("\n".join(lines))

    # -- slots ----------------------------------------------------------------------

    def _on_create_button_clicked(self) -> None:
        if self._record is None or self._record.account is not None:
            return
        self.run(self._gateway.create_family_account(self._record.id, self.login_edit.text()),
                 self._on_secret_made)

    def _on_reset_button_clicked(self) -> None:
        if self._record is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question, _("One-time password"),
            _("Give {family} a new one-time password? Its current password stops working "
              "at once.").format(family=self._record.holder_name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmResetBox")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.button(QMessageBox.StandardButton.Yes).setText(_("Give a new password"))
        box.buttonClicked.connect(self._on_confirm_box_button_clicked)
        self.confirm_box = box
        box.open()

    def _on_confirm_box_button_clicked(self, button: object) -> None:
        box, self.confirm_box = self.confirm_box, None
        if box is None:
            return
        confirmed = button is box.button(QMessageBox.StandardButton.Yes)
        box.deleteLater()
        if confirmed and self._record is not None:
            self.run(self._gateway.reset_family_password(self._record.id), self._on_secret_made)

    def _on_secret_made(self, secret: OneTimePassword) -> None:
        name = self._record.holder_name if self._record is not None else secret.login
        self.login_edit.clear()
        self.show_success(_("Hand the one-time password over to the family."))
        dialog = OneTimePasswordDialog(secret, name, self.window())
        dialog.destroyed.connect(self._on_secret_dialog_destroyed)
        self.secret_dialog = dialog
        dialog.open()
        log.info("a one-time password was shown for the family to take")
        self.record_changed.emit()

    def _on_secret_dialog_destroyed(self) -> None:
        self.secret_dialog = None

    def clear(self) -> None:
        self.forget()
        self._record = None
        self.state_label.clear()
        self.login_edit.clear()
        if self.confirm_box is not None:
            self.confirm_box.close()
            self.confirm_box.deleteLater()
            self.confirm_box = None
        if self.secret_dialog is not None:
            self.secret_dialog.close()


def suggested_login(first_name: str, last_name: str) -> str:
    """'Inès', 'Lefèvre' -> 'ines.lefevre' (the desk may change it)."""
    def part(name: str) -> str:
        return "-".join("".join(c for c in fold(name) if c.isalnum() or c == " ").split())

    return ".".join(p for p in (part(first_name), part(last_name)) if p)[:64]
