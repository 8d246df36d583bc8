""" "Le retrouver": a forgotten password is replaced, never shown.

The dialog asks the login, then offers what the account allows (the service answers the
same for an unknown login as for an account with neither way): answering the security
question, or a 6-digit code sent to the account's e-mail ("m•••n@example.org"); with
neither, it says to contact the front desk. Each path sets the new password at once.
Refusals (a wrong answer or code, the account's lock, this computer's rate limit) go
through `present_error`; the fields typed are wiped when the dialog closes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from babel.dates import format_time
from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from famdesk.clock import PARIS
from famdesk.errors import ValidationError
from famdesk.i18n import _
from famdesk.services.recovery import CODE_DIGITS, CodeSent, RecoveryOptions
from famdesk.ui.forms import (
    CallGuard,
    Feedback,
    FormFields,
    check_same_password,
    fit_dialog_later,
    hint_label,
    line_edit,
    password_edit,
    password_rule_text,
    present_form_error,
)
from famdesk.ui.gateway_accounts import AccountsGateway
from famdesk.ui.runner import Runner

log = logging.getLogger(__name__)

T = TypeVar("T")
LINK = "#recover"


def recovery_link(parent: QWidget | None = None) -> QLabel:
    """ "Forgot your password? Find it again": the login window's way in (`linkActivated`)."""
    label = QLabel(
        _("Forgot your password? <a href=\"{link}\">Find it again</a>").format(link=LINK), parent
    )
    label.setObjectName("recoveryLink")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(
        Qt.TextInteractionFlag.LinksAccessibleByMouse
        | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
    )
    label.setAccessibleName(_("Find my password again"))
    return label


def _text_label(name: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class RecoveryDialog(QDialog):
    """Emits `password_reset(login)` once a new password is set for `login`."""

    password_reset = Signal(str)

    LOGIN, CHOICE, ANSWER, CODE, FRONT_DESK, DONE = range(6)

    def __init__(
        self, gateway: AccountsGateway, runner: Runner, login: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryDialog")
        self.setWindowTitle(_("Find my password again"))
        self.setMinimumWidth(520)
        self._gateway = gateway
        self._options: RecoveryOptions | None = None
        self._calls = CallGuard(runner, self._on_call_failed)

        self.heading = QLabel(_("Choose a new password"))
        self.heading.setObjectName("dialogHeading")
        self.feedback = Feedback()
        self.stack = QStackedWidget()
        self.stack.setObjectName("recoveryPages")
        self._forms: dict[int, FormFields] = {}

        self.login_edit = line_edit("recoveryLogin", 64)
        self.login_edit.setText(login.strip())
        self._add_page(self.LOGIN, [hint_label(_(
            "Give your login: you will see how you can choose a new password."))],
            [("login", _("Login:"), self.login_edit)])

        self.answer_choice = self._choice_button("answerChoice")
        self.code_choice = self._choice_button("codeChoice")
        self._add_page(self.CHOICE, [hint_label(_("How do you want to prove it is you?")),
                                     self.answer_choice, self.code_choice], [])

        self.question_label = _text_label("securityQuestion")
        self.answer_edit = line_edit("answerEdit", 200)
        self.answer_edit.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.answer_new = password_edit("answerNewPassword")
        self.answer_again = password_edit("answerNewPasswordAgain")
        self._add_page(self.ANSWER, [self.question_label], [
            ("answer", _("Your answer:"), self.answer_edit),
            ("new_password", _("New password:"), self.answer_new),
            ("new_password_again", _("New password again:"), self.answer_again),
        ], [hint_label(password_rule_text())])

        self.sent_label = _text_label("codeSentLabel")
        self.code_edit = line_edit("codeEdit", CODE_DIGITS + 1)
        self.code_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9 ]*")))
        self.code_edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.code_edit.setPlaceholderText("123456")
        self.code_new = password_edit("codeNewPassword")
        self.code_again = password_edit("codeNewPasswordAgain")
        self.resend_button = QPushButton(_("Send a new code"))
        self.resend_button.setObjectName("resendCodeButton")
        self.resend_button.setAutoDefault(False)
        resend = QHBoxLayout()
        resend.addStretch(1)
        resend.addWidget(self.resend_button)
        self._add_page(self.CODE, [self.sent_label], [
            ("code", _("Code received:"), self.code_edit),
            ("new_password", _("New password:"), self.code_new),
            ("new_password_again", _("New password again:"), self.code_again),
        ], [hint_label(password_rule_text()), resend])

        self.front_desk_label = _text_label("frontDeskLabel", _(
            "No security question or e-mail address lets you choose a new password here. "
            "Contact the front desk of your town hall: they will give you a one-time "
            "password."))
        self._add_page(self.FRONT_DESK, [self.front_desk_label], [])
        self.done_label = _text_label(
            "doneLabel", _("Your new password is set. You can log in with it now."))
        self._add_page(self.DONE, [self.done_label], [])

        self.back_button = QPushButton(_("Back"))
        self.back_button.setObjectName("backButton")
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.next_button = QPushButton()
        self.next_button.setObjectName("primaryButton")
        self.next_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.stack)
        layout.addWidget(self.feedback.error_label)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.next_button.clicked.connect(self._on_next_button_clicked)
        self.answer_choice.clicked.connect(self._on_answer_choice_clicked)
        self.code_choice.clicked.connect(self._on_code_choice_clicked)
        self.resend_button.clicked.connect(self._on_resend_button_clicked)
        self.finished.connect(self._on_self_finished)
        self._calls.buttons = [self.next_button, self.back_button, self.answer_choice,
                               self.code_choice, self.resend_button]
        self._show_page(self.LOGIN)

    def _add_page(self, index: int, top: list[QWidget], rows: list[tuple[str, str, QWidget]],
                  bottom: list[QWidget | QHBoxLayout] | None = None) -> None:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        for widget in top:
            column.addWidget(widget)
        if rows:
            form = QFormLayout()
            fields = self._forms[index] = FormFields(form)
            for key, text, field in rows:
                fields.add(key, text, field)
                if isinstance(field, QLineEdit):
                    field.returnPressed.connect(self._on_next_button_clicked)
            column.addLayout(form)
        for item in bottom or ():
            if isinstance(item, QWidget):
                column.addWidget(item)
            else:
                column.addLayout(item)
        column.addStretch(1)
        assert self.stack.count() == index
        self.stack.addWidget(page)

    @staticmethod
    def _choice_button(name: str) -> QPushButton:
        button = QPushButton()
        button.setObjectName("choiceButton")
        button.setAccessibleName(name)
        button.setAutoDefault(False)
        button.setMinimumHeight(44)
        return button

    # -- present_error --------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.feedback.show_error(message)
        fit_dialog_later(self)

    def show_field_error(self, field: str, message: str) -> None:
        fields = self._forms.get(self.stack.currentIndex())
        if fields is None or not fields.show(field, message):
            self.show_error(message)
        fit_dialog_later(self)

    def current_page(self) -> int:
        return self.stack.currentIndex()

    def field_error(self, key: str) -> str:
        fields = self._forms.get(self.stack.currentIndex())
        return fields.error_text(key) if fields is not None else ""

    # -- pages ----------------------------------------------------------------------

    def _show_page(self, index: int) -> None:
        self.feedback.clear()
        for fields in self._forms.values():
            fields.clear()
        self.stack.setCurrentIndex(index)
        primary = {
            self.LOGIN: _("Continue"),
            self.ANSWER: _("Set the new password"),
            self.CODE: _("Set the new password"),
            self.FRONT_DESK: _("Close"),
            self.DONE: _("Log in"),
        }
        self.next_button.setVisible(index in primary)
        self.next_button.setText(primary.get(index, ""))
        self.back_button.setVisible(index not in (self.LOGIN, self.DONE))
        self.cancel_button.setVisible(index not in (self.FRONT_DESK, self.DONE))
        focus = {self.LOGIN: self.login_edit, self.ANSWER: self.answer_edit,
                 self.CODE: self.code_edit}.get(index, self.next_button)
        if index == self.CHOICE:
            focus = self.answer_choice
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_options(self, options: RecoveryOptions) -> None:
        self._options = options
        if options.front_desk_only:
            self._show_page(self.FRONT_DESK)
        elif options.question is None:
            self._ask_code()
        elif options.masked_email is None:
            self._show_answer_page()
        else:
            self.answer_choice.setText(_("Answer my security question"))
            self.code_choice.setText(
                _("Receive a code by e-mail at {address}").format(address=options.masked_email)
            )
            self._show_page(self.CHOICE)

    def _show_answer_page(self) -> None:
        assert self._options is not None and self._options.question is not None
        self.question_label.setText(self._options.question)
        self._show_page(self.ANSWER)

    def _show_code_sent(self, sent: CodeSent) -> None:
        until = format_time(sent.expires_at.astimezone(PARIS), "HH:mm", locale="fr_FR")
        text = _("A code was sent to {address}. It works once, until {time}.").format(
            address=sent.masked_email, time=until)
        if not sent.delivered:
            text += " " + _("The mail server is slow: the e-mail may take a few minutes.")
        self.sent_label.setText(text)
        if self.stack.currentIndex() != self.CODE:
            self._show_page(self.CODE)
        else:
            self.feedback.clear()
            self.code_edit.clear()
            self.code_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- calls ----------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._calls.busy

    def _run(self, coro: Coroutine[Any, Any, T], on_success: Callable[[T], object]) -> None:
        if not self._calls.busy:
            self.feedback.clear()
            for fields in self._forms.values():
                fields.clear()
        self._calls.run(coro, on_success)

    def _on_call_failed(self, exc: BaseException) -> None:
        for edit in (self.answer_new, self.answer_again, self.code_new, self.code_again):
            edit.clear()
        present_form_error(self, self._forms.get(self.stack.currentIndex()), exc)
        fit_dialog_later(self)

    def _login(self) -> str:
        return self.login_edit.text().strip()

    def _ask_code(self) -> None:
        self._run(self._gateway.send_code(self._login()), self._show_code_sent)

    def _on_password_set(self, _result: object = None) -> None:
        login = self._login()
        for edit in (self.answer_edit, self.answer_new, self.answer_again, self.code_edit,
                     self.code_new, self.code_again):
            edit.clear()
        self._show_page(self.DONE)
        log.info("a new password was set through recovery")
        self.password_reset.emit(login)

    # -- slots ----------------------------------------------------------------------

    def _on_next_button_clicked(self) -> None:
        page = self.stack.currentIndex()
        if page == self.LOGIN:
            if not self._login():
                self.show_field_error("login", _("Give your login."))
                return
            self._run(self._gateway.recovery_options(self._login()), self._show_options)
        elif page == self.ANSWER:
            if self._refused_pair(self.answer_new, self.answer_again):
                return
            self._run(self._gateway.reset_with_answer(
                self._login(), self.answer_edit.text(), self.answer_new.text()),
                self._on_password_set)
        elif page == self.CODE:
            if self._refused_pair(self.code_new, self.code_again):
                return
            self._run(self._gateway.reset_with_code(
                self._login(), self.code_edit.text(), self.code_new.text()),
                self._on_password_set)
        elif page == self.FRONT_DESK:
            self.reject()
        elif page == self.DONE:
            self.accept()

    def _refused_pair(self, new: QLineEdit, again: QLineEdit) -> bool:
        try:
            check_same_password(new, again, "new_password_again")
        except ValidationError as exc:
            again.clear()
            present_form_error(self, self._forms.get(self.stack.currentIndex()), exc)
            fit_dialog_later(self)
            return True
        return False

    def _on_back_button_clicked(self) -> None:
        if self._calls.busy:
            return
        page = self.stack.currentIndex()
        options = self._options
        two_ways = options is not None and options.question and options.masked_email
        if page in (self.ANSWER, self.CODE) and two_ways:
            self._show_page(self.CHOICE)
        else:
            self._options = None
            self._show_page(self.LOGIN)

    def _on_answer_choice_clicked(self) -> None:
        self._show_answer_page()

    def _on_code_choice_clicked(self) -> None:
        self._ask_code()

    def _on_resend_button_clicked(self) -> None:
        self._ask_code()

    def _on_self_finished(self, _result: int) -> None:
        self.clear()

    # -- forgetting -----------------------------------------------------------------

    def clear(self) -> None:
        """Forget everything typed and shown; a late answer is ignored."""
        self._calls.forget()
        self._options = None
        for edit in (self.login_edit, self.answer_edit, self.answer_new, self.answer_again,
                     self.code_edit, self.code_new, self.code_again):
            edit.clear()
        for label in (self.question_label, self.sent_label):
            label.clear()
        self.answer_choice.setText("")
        self.code_choice.setText("")
        self._show_page(self.LOGIN)
