"""A generated one-time password, shown ONCE for the desk to hand over to the family.

It is never stored, logged, copied or shown again: the dialog cannot be selected from,
offers no copy, and wipes its text and deletes itself when it closes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from famdesk.i18n import _
from famdesk.services.families import OneTimePassword
from famdesk.ui.forms import hint_label


class OneTimePasswordDialog(QDialog):
    def __init__(
        self, secret: OneTimePassword, family_name: str, parent: QWidget | None = None, *,
        hint: str | None = None,
    ) -> None:
        """`hint`: what to do with it (default: the words for a family's account)."""
        super().__init__(parent)
        self.setObjectName("oneTimePasswordDialog")
        self.setWindowTitle(_("One-time password"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(480)
        heading = QLabel(_("One-time password for {family}").format(family=family_name))
        heading.setObjectName("dialogHeading")
        heading.setWordWrap(True)
        self.login_label = QLabel(_("Login: {login}").format(login=secret.login))
        self.login_label.setObjectName("oneTimeLogin")
        self.password_label = QLabel(secret.password)
        self.password_label.setObjectName("oneTimePassword")
        self.password_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.password_label.setAccessibleName(_("One-time password"))
        self.done_button = QPushButton(_("It is handed over"))
        self.done_button.setObjectName("primaryButton")
        self.done_button.setDefault(True)
        self.done_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(self.login_label)
        layout.addWidget(self.password_label)
        layout.addWidget(hint_label(hint or _(
            "Hand it over to the family now (read it out or write it down): it will not be "
            "shown again. At its first login the family chooses its own password.")))
        layout.addLayout(buttons)
        self.finished.connect(self._on_self_finished)

    def _on_self_finished(self, _result: int) -> None:
        self.clear()

    def clear(self) -> None:
        self.password_label.clear()
        self.login_label.clear()
