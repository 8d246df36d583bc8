"""Building blocks of the account and family forms: a labelled field with its error under
it, a section's messages, the "new password twice" check, and the run-one-call-at-a-time
helper every form section uses.

A form section answers `present_error`'s `show_field_error(field, message)` and
`show_error(message)`: a refusal with a field (the service's name for it) goes under that
field, anything else in the section's own error line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterable
from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.errors import FamdeskError, ValidationError
from famdesk.i18n import _
from famdesk.services.passwords import LONG_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from famdesk.ui.errors import present_error
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)

T = TypeVar("T")


def password_edit(name: str) -> QLineEdit:
    """A field whose text is never shown, never copied, never remembered."""
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    edit.setInputMethodHints(
        Qt.InputMethodHint.ImhHiddenText
        | Qt.InputMethodHint.ImhSensitiveData
        | Qt.InputMethodHint.ImhNoPredictiveText
    )
    edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    return edit


def line_edit(name: str, max_length: int = 255) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMaxLength(max_length)
    return edit


def date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setMinimumDate(QDate(1900, 1, 1))
    return edit


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def check_same_password(new: QLineEdit, again: QLineEdit, field: str) -> None:
    """The new password typed twice, the same both times (else a refusal on `field`)."""
    if new.text() and new.text() != again.text():
        raise ValidationError(_("The two new passwords differ: type it again."), field=field)


class FormFields:
    """Rows of a `QFormLayout`: a label, its field and, right under the field, its error
    (hidden, taking no room, until there is one)."""

    def __init__(self, form: QFormLayout) -> None:
        self.form = form
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.labels: list[QLabel] = []
        self._fields: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}

    def add(self, key: str, text: str, field: QWidget, *, aliases: Iterable[str] = ()) -> QLabel:
        """A row `text: field`; errors on `key` (or any of `aliases`) show under it."""
        label = QLabel(text)
        label.setBuddy(field)
        # as tall as the field: the text stays level with it when an error shows below
        label.setFixedHeight(field.sizeHint().height())
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        field.setAccessibleName(text.rstrip(" :"))
        error = QLabel()
        error.setObjectName(f"{key}Error")
        error.setProperty("role", "fieldError")
        error.setWordWrap(True)
        error.hide()
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        column.addWidget(error)
        self.form.addRow(label, cell)
        self.labels.append(label)
        for name in (key, *aliases):
            self._fields[name] = field
            self._errors[name] = error
        return label

    def field(self, key: str) -> QWidget:
        return self._fields[key]

    def error_text(self, key: str) -> str:
        return self._errors[key].text()

    def show(self, key: str, message: str) -> bool:
        """The message under the field `key`; False when this form has no such field."""
        error = self._errors.get(key)
        if error is None:
            return False
        error.setText(message)
        error.setVisible(bool(message))
        if message:
            self._fields[key].setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def clear(self) -> None:
        for error in set(self._errors.values()):
            error.clear()
            error.hide()


def align_labels(forms: Iterable[FormFields]) -> None:
    """The same label width in several forms: their fields start at one line."""
    forms = list(forms)
    width = max((label.sizeHint().width() for f in forms for label in f.labels), default=0)
    for f in forms:
        for label in f.labels:
            label.setMinimumWidth(width)


class Feedback:
    """A section's own error line and its success line (one shows at a time)."""

    def __init__(self, name: str = "") -> None:
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.success_label = QLabel()
        self.success_label.setObjectName("successLabel")
        self.success_label.setWordWrap(True)
        self.success_label.hide()
        if name:
            self.error_label.setAccessibleName(name)

    def show_error(self, message: str) -> None:
        self.success_label.hide()
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_success(self, message: str) -> None:
        self.error_label.hide()
        self.success_label.setText(message)
        self.success_label.setVisible(bool(message))

    def clear(self) -> None:
        for label in (self.error_label, self.success_label):
            label.clear()
            label.hide()


def present_form_error(widget: QWidget, fields: FormFields | None, exc: BaseException) -> None:
    """A refusal naming one of `fields` goes under it (a wrong answer or code too, which the
    services raise as an `AuthenticationError` with a field); the rest to `present_error`."""
    if (
        isinstance(exc, FamdeskError)
        and exc.field is not None
        and fields is not None
        and fields.show(exc.field, exc.message)
    ):
        log.info("shown next to %s: %s", exc.field, type(exc).__name__)
        return
    present_error(widget, exc)


class CallGuard:
    """One gateway call at a time for a widget: `buttons` are disabled while it runs, an
    answer arriving after `forget()` is dropped; `on_failed(exc)` gets the refusals."""

    def __init__(
        self,
        runner: Runner,
        on_failed: Callable[[BaseException], object],
        on_busy: Callable[[bool], object] | None = None,
    ) -> None:
        self._runner = runner
        self._on_failed = on_failed
        self.on_busy = on_busy
        self._request = 0
        self._job: Job | None = None
        self.busy = False
        self.buttons: list[QPushButton] = []

    def run(self, coro: Coroutine[Any, Any, T], on_success: Callable[[T], object]) -> bool:
        """False (and the coroutine closed) while another call runs."""
        if self.busy:
            coro.close()
            return False
        self.set_busy(True)
        request = self._request
        self._job = self._runner.submit(
            coro,
            lambda result: self._answered(request, result, on_success),
            lambda exc: self._refused(request, exc),
        )
        return True

    def _answered(self, request: int, result: T, on_success: Callable[[T], object]) -> None:
        if request == self._request:
            self.set_busy(False)
            on_success(result)

    def _refused(self, request: int, exc: BaseException) -> None:
        if request == self._request:
            self.set_busy(False)
            self._on_failed(exc)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        for button in self.buttons:
            button.setEnabled(not busy)
        if self.on_busy is not None:
            self.on_busy(busy)

    def forget(self) -> None:
        """A late answer is ignored; nothing runs any more."""
        self._request += 1
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self.set_busy(False)


class FormSection(QWidget):
    """A part of a screen with its fields, its messages and one call at a time.

    `run(coro, on_success)` disables `buttons` while the call runs; a refusal shows next to
    its field or in the section's error line; `forget()` drops late answers.
    """

    def __init__(self, gateway: Any, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self.calls = CallGuard(runner, self._on_call_failed)
        self.fields: FormFields | None = None
        self.feedback = Feedback()

    @property
    def buttons(self) -> list[QPushButton]:
        return self.calls.buttons

    @buttons.setter
    def buttons(self, buttons: list[QPushButton]) -> None:
        self.calls.buttons = list(buttons)

    # -- present_error ------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.feedback.show_error(message)

    def show_field_error(self, field: str, message: str) -> None:
        if self.fields is None or not self.fields.show(field, message):
            self.show_error(message)

    def show_success(self, message: str) -> None:
        self.feedback.show_success(message)

    def clear_messages(self) -> None:
        self.feedback.clear()
        if self.fields is not None:
            self.fields.clear()

    # -- one call at a time -------------------------------------------------------

    def is_busy(self) -> bool:
        return self.calls.busy

    def run(self, coro: Coroutine[Any, Any, T], on_success: Callable[[T], object]) -> None:
        if not self.calls.busy:
            self.clear_messages()
        self.calls.run(coro, on_success)

    def _on_call_failed(self, exc: BaseException) -> None:
        self.on_failed(exc)
        present_form_error(self, self.fields, exc)

    def on_failed(self, exc: BaseException) -> None:
        """A section's own reaction to a refusal (clear the passwords typed)."""

    def forget(self) -> None:
        """Late answers are ignored; nothing runs any more (the fields are the caller's)."""
        self.calls.forget()
        self.clear_messages()


def password_rule_text() -> str:
    """The one password rule, as the services check it."""
    return _(
        "At least {count} characters with letters and digits, or {long} characters of any kind."
    ).format(count=MIN_PASSWORD_LENGTH, long=LONG_PASSWORD_LENGTH)


def hint_label(text: str = "", *, name: str = "") -> QLabel:
    """A wrapped, muted explanation (objectName `name`, when given)."""
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


def field_error_label(name: str = "") -> QLabel:
    """A field's error, hidden until a refusal names that field."""
    label = QLabel()
    if name:
        label.setObjectName(name)
    label.setProperty("role", "fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def button_row(message: QLabel | None, *buttons: QPushButton) -> QHBoxLayout:
    """A message on the left (it may be hidden), the buttons at their size on the right."""
    row = QHBoxLayout()
    if message is not None:
        row.addWidget(message, 1)
    row.addStretch(0 if message is not None else 1)
    for button in buttons:
        row.addWidget(button, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    return row


def fit_dialog_later(widget: QWidget) -> None:
    """Once the events settle, the small dialog holding `widget` takes the height its
    messages need (a wrapped error would be squeezed otherwise)."""
    window = widget.window()
    if isinstance(window, QDialog):
        QTimer.singleShot(0, window, window.adjustSize)
