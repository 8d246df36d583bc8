"""The change forced after a login with a one-time password handed over by the front desk.

Shown before the portal (`SessionInfo.must_change_password`): the one-time password again,
then the family's own, twice. `password_set(SessionInfo)` once the service took it (the
gateway keeps the updated session); `declined()` when the user closes it or logs out
instead — the caller then logs out: the portal stays closed until the password changes.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.errors import ValidationError
from famdesk.i18n import _
from famdesk.services.auth import SessionInfo
from famdesk.ui.forms import (
    FormFields,
    FormSection,
    check_same_password,
    fit_dialog_later,
    hint_label,
    password_edit,
    password_rule_text,
    present_form_error,
)
from famdesk.ui.gateway_accounts import AccountsGateway
from famdesk.ui.runner import Runner

log = logging.getLogger(__name__)


class _FirstPasswordForm(FormSection):
    password_set = Signal(object)

    def __init__(self, gateway: AccountsGateway, runner: Runner, login: str) -> None:
        super().__init__(gateway, runner)
        self.one_time_edit = password_edit("oneTimePasswordEdit")
        self.new_edit = password_edit("newPasswordEdit")
        self.again_edit = password_edit("newPasswordAgainEdit")
        form = QFormLayout()
        self.fields = FormFields(form)
        self.fields.add("one_time_password", _("One-time password:"),
                        self.one_time_edit)
        self.fields.add("new", _("Your new password:"), self.new_edit)
        self.fields.add("again", _("New password again:"), self.again_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(hint_label(_(
            "You logged in as {login} with a one-time password. Choose your "
            "own now: only you will know it.").format(login=login)))
        layout.addLayout(form)
        layout.addWidget(hint_label(password_rule_text()))
        layout.addWidget(self.feedback.error_label)

    def submit(self) -> None:
        try:
            check_same_password(self.new_edit, self.again_edit, "again")
        except ValidationError as exc:
            self.again_edit.clear()
            present_form_error(self, self.fields, exc)
            fit_dialog_later(self)
            return
        self.run(
            self._gateway.set_first_password(self.one_time_edit.text(), self.new_edit.text()),
            self._on_set,
        )

    def _on_set(self, session: SessionInfo) -> None:
        self.wipe()
        self.password_set.emit(session)

    def on_failed(self, exc: BaseException) -> None:
        self.wipe()
        fit_dialog_later(self)

    def wipe(self) -> None:
        for edit in (self.one_time_edit, self.new_edit, self.again_edit):
            edit.clear()


class FirstPasswordDialog(QDialog):
    """Emits `password_set(SessionInfo)`, or `declined()` (closed, or "Log out")."""

    password_set = Signal(object)
    declined = Signal()

    def __init__(
        self, gateway: AccountsGateway, runner: Runner, login: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstPasswordDialog")
        self.setWindowTitle(_("Choose your password"))
        self.setMinimumWidth(520)
        self._done = False
        heading = QLabel(_("Choose your own password"))
        heading.setObjectName("dialogHeading")
        self.form = _FirstPasswordForm(gateway, runner, login)
        self.logout_button = QPushButton(_("Log out"))
        self.logout_button.setObjectName("declineButton")
        self.change_button = QPushButton(_("Change my password"))
        self.change_button.setObjectName("primaryButton")
        self.change_button.setDefault(True)
        self.form.buttons = [self.change_button, self.logout_button]
        buttons = QHBoxLayout()
        buttons.addWidget(self.logout_button)
        buttons.addStretch(1)
        buttons.addWidget(self.change_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.form)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self.change_button.clicked.connect(self.form.submit)
        for edit in (self.form.one_time_edit, self.form.new_edit, self.form.again_edit):
            edit.returnPressed.connect(self.form.submit)
        self.logout_button.clicked.connect(self.reject)
        self.form.password_set.connect(self._on_form_password_set)
        self.finished.connect(self._on_self_finished)
        self.form.one_time_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- present_error (the form answers) ------------------------------------------

    def show_error(self, message: str) -> None:
        self.form.show_error(message)

    def show_field_error(self, field: str, message: str) -> None:
        self.form.show_field_error(field, message)

    # -- slots ----------------------------------------------------------------------

    def _on_form_password_set(self, session: SessionInfo) -> None:
        self._done = True
        log.info("the one-time password was replaced")
        self.password_set.emit(session)
        self.accept()

    def _on_self_finished(self, _result: int) -> None:
        done, self._done = self._done, False
        self.clear()
        if not done:
            self.declined.emit()

    def clear(self) -> None:
        """Forget what was typed; a late answer is ignored."""
        self.form.forget()
        self.form.wipe()
