"""The "Profil" tab: the account's password, e-mail and security question.

Each part is saved on its own and applies at once. The password and the security question
need the current password; a refusal shows under its field, a success under the part's
button. Passwords typed are wiped after every answer, right or wrong.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from famdesk.errors import ValidationError
from famdesk.i18n import N_, _
from famdesk.services.profile import Profile
from famdesk.ui.errors import present_error
from famdesk.ui.forms import (
    FormFields,
    FormSection,
    align_labels,
    button_row,
    check_same_password,
    hint_label,
    line_edit,
    password_edit,
    password_rule_text,
    present_form_error,
)
from famdesk.ui.gateway_accounts import AccountsGateway
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)

SUGGESTED_QUESTIONS = (
    N_("What was the name of your first pet?"),
    N_("In which town was your mother born?"),
    N_("What was the name of your first school?"),
    N_("What is the first name of your eldest cousin?"),
)


class _Section(FormSection):
    """A card: a title, a hint, a form, its messages and one button."""

    saved = Signal(str)
    fields: FormFields

    def __init__(self, gateway: AccountsGateway, runner: Runner, name: str, title: str,
                 hint: str, button_text: str) -> None:
        super().__init__(gateway, runner)
        self.setObjectName(name)
        card = QFrame()
        card.setObjectName("formCard")
        title_label = QLabel(title)
        title_label.setObjectName("sectionTitle")
        self.form = QFormLayout()
        self.fields = FormFields(self.form)
        self.button = QPushButton(button_text)
        self.button.setObjectName(f"{name}Button")
        self.buttons = [self.button]
        row = button_row(self.feedback.success_label, self.button)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(18, 14, 18, 14)
        inner.setSpacing(8)
        inner.addWidget(title_label)
        inner.addWidget(hint_label(hint))
        inner.addLayout(self.form)
        inner.addWidget(self.feedback.error_label)
        inner.addLayout(row)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(card)
        self.button.clicked.connect(self.submit)

    def submit(self) -> None:
        raise NotImplementedError

    def show_profile(self, profile: Profile) -> None:
        """Fill the fields from `profile` (passwords stay empty)."""

    def wipe(self) -> None:
        """Forget the fields."""

    def _submit_on_return(self, *edits: QLineEdit) -> None:
        for edit in edits:
            edit.returnPressed.connect(self.submit)


class PasswordSection(_Section):
    def __init__(self, gateway: AccountsGateway, runner: Runner) -> None:
        super().__init__(gateway, runner, "passwordSection", _("Password"),
                         password_rule_text(), _("Change the password"))
        self.current_edit = password_edit("currentPasswordEdit")
        self.new_edit = password_edit("newPasswordEdit")
        self.again_edit = password_edit("newPasswordAgainEdit")
        self.fields.add("current", _("Current password:"), self.current_edit)
        self.fields.add("new", _("New password:"), self.new_edit)
        self.fields.add("again", _("New password again:"), self.again_edit)
        self._submit_on_return(self.current_edit, self.new_edit, self.again_edit)

    def submit(self) -> None:
        try:
            check_same_password(self.new_edit, self.again_edit, "again")
        except ValidationError as exc:
            self.again_edit.clear()
            present_form_error(self, self.fields, exc)
            return
        self.run(self._gateway.change_password(self.current_edit.text(), self.new_edit.text()),
                 self._on_changed)

    def _on_changed(self, _result: object) -> None:
        self.wipe()
        self.show_success(_("Your password was changed."))
        self.saved.emit("password")

    def on_failed(self, exc: BaseException) -> None:
        self.wipe()

    def wipe(self) -> None:
        for edit in (self.current_edit, self.new_edit, self.again_edit):
            edit.clear()


class EmailSection(_Section):
    def __init__(self, gateway: AccountsGateway, runner: Runner) -> None:
        super().__init__(gateway, runner, "emailSection", _("E-mail address"),
                         _("Where a code goes when you forget your password. The previous "
                           "address is told of the change."), _("Save the e-mail"))
        self.email_edit = line_edit("emailEdit", 254)
        self.email_edit.setPlaceholderText(_("name@example.org"))
        self.fields.add("email", _("E-mail:"), self.email_edit)
        self._submit_on_return(self.email_edit)

    def show_profile(self, profile: Profile) -> None:
        self.email_edit.setText(profile.email or "")

    def submit(self) -> None:
        self.run(self._gateway.change_email(self.email_edit.text().strip() or None),
                 self._on_changed)

    def _on_changed(self, email: str | None) -> None:
        self.email_edit.setText(email or "")
        if email:
            self.show_success(_("Your e-mail address is saved: {email}.").format(email=email))
        else:
            self.show_success(_("Your e-mail address is removed: no code can be sent to you."))
        self.saved.emit("email")

    def wipe(self) -> None:
        self.email_edit.clear()


class SecurityQuestionSection(_Section):
    def __init__(self, gateway: AccountsGateway, runner: Runner) -> None:
        super().__init__(gateway, runner, "questionSection", _("Security question"),
                         _("If you forget your password, the right answer lets you choose a "
                           "new one at once. Case and accents do not count."),
                         _("Save the question"))
        self.question_combo = QComboBox()
        self.question_combo.setObjectName("questionCombo")
        self.question_combo.setEditable(True)
        self.question_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.question_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.question_combo.setMinimumContentsLength(24)
        self.answer_edit = line_edit("answerEdit", 200)
        self.answer_edit.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.current_edit = password_edit("questionPasswordEdit")
        self.fields.add("question", _("Question:"), self.question_combo)
        self.fields.add("answer", _("Answer:"), self.answer_edit)
        self.fields.add("current", _("Current password:"), self.current_edit)
        self._submit_on_return(self.answer_edit, self.current_edit)
        self.wipe()

    def show_profile(self, profile: Profile) -> None:
        self.wipe()
        if profile.security_question:
            self.question_combo.setEditText(profile.security_question)

    def submit(self) -> None:
        self.run(self._gateway.change_security_question(
            self.current_edit.text(), self.question_combo.currentText(),
            self.answer_edit.text()), self._on_changed)

    def _on_changed(self, _result: object) -> None:
        self.answer_edit.clear()
        self.current_edit.clear()
        self.show_success(_("Your security question is saved."))
        self.saved.emit("security_question")

    def on_failed(self, exc: BaseException) -> None:
        self.current_edit.clear()

    def wipe(self) -> None:
        self.question_combo.clear()
        self.question_combo.addItems([_(question) for question in SUGGESTED_QUESTIONS])
        self.question_combo.setEditText("")
        self.answer_edit.clear()
        self.current_edit.clear()


class ProfilePanel(QWidget):
    """The tab; `ensure_loaded()` when shown. Emits `profile_changed(what)` after a save:
    "password", "email" or "security_question"."""

    profile_changed = Signal(str)

    def __init__(self, gateway: AccountsGateway, runner: Runner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profilePanel")
        self._gateway = gateway
        self._runner = runner
        self._stale = True
        self._request = 0
        self._job: Job | None = None
        self.title_label = QLabel(_("Profile"))
        self.title_label.setObjectName("pageTitle")
        self.account_label = QLabel()
        self.account_label.setObjectName("accountLabel")
        self.account_label.setProperty("role", "hint")
        self.account_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.password_section = PasswordSection(gateway, runner)
        self.email_section = EmailSection(gateway, runner)
        self.question_section = SecurityQuestionSection(gateway, runner)
        self.sections: tuple[_Section, ...] = (
            self.password_section, self.email_section, self.question_section)

        column_widget = QWidget()
        column_widget.setMaximumWidth(720)
        column = QVBoxLayout(column_widget)
        column.setContentsMargins(24, 16, 24, 24)
        column.setSpacing(14)
        column.addWidget(self.title_label)
        column.addWidget(self.account_label)
        column.addWidget(self.error_label)
        for section in self.sections:
            column.addWidget(section)
            section.saved.connect(self._on_section_saved)
        align_labels(section.fields for section in self.sections)
        column.addStretch(1)
        holder = QWidget()
        centre = QHBoxLayout(holder)
        centre.setContentsMargins(0, 0, 0, 0)
        centre.addWidget(column_widget, 1)
        centre.addStretch(0)
        scroll = QScrollArea()
        scroll.setObjectName("profileScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    # -- loading --------------------------------------------------------------------

    def mark_stale(self) -> None:
        self._stale = True

    def ensure_loaded(self) -> None:
        if self._stale:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        self._request += 1
        request = self._request
        self._job = self._runner.submit(
            self._gateway.profile(),
            lambda profile: self._on_profile_loaded(request, profile),
            lambda exc: self._on_profile_failed(request, exc),
        )

    def _on_profile_loaded(self, request: int, profile: Profile) -> None:
        if request != self._request:
            return
        self.error_label.hide()
        self.account_label.setText(_("Login: {login} — {name}").format(
            login=profile.login, name=profile.display_name))
        for section in self.sections:
            section.show_profile(profile)

    def _on_profile_failed(self, request: int, exc: BaseException) -> None:
        if request == self._request:
            self._stale = True
            present_error(self, exc)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def _on_section_saved(self, what: str) -> None:
        log.info("profile: %s saved", what)
        self.profile_changed.emit(what)

    # -- forgetting -----------------------------------------------------------------

    def clear(self) -> None:
        """Drop every trace of the account (logout); late answers are ignored."""
        self._request += 1
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self._stale = True
        self.account_label.clear()
        self.error_label.clear()
        self.error_label.hide()
        for section in self.sections:
            section.forget()
            section.wipe()
