"""The "famdesk server" settings, opened from the login window: the address of the server
this PC works through (the synced mode), or none (this computer's own database).

"Test" asks the server's health (`GET /health`); "Save" keeps the address in this user's
settings folder (`famdesk.server_address`) and it is used from the next start. A kiosk does
not offer it: a family must not point the kiosk elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from famdesk.i18n import _
from famdesk.server_address import check_server_url, store_server_url, stored_server_url
from famdesk.ui.forms import (
    CallGuard,
    Feedback,
    FormFields,
    button_row,
    fit_dialog_later,
    hint_label,
    line_edit,
    present_form_error,
)
from famdesk.ui.runner import Runner
from famdesk.wire import paths
from famdesk.wire.client import ApiClient
from famdesk.wire.messages import HealthAnswer

log = logging.getLogger(__name__)

LINK = "#server"
Probe = Callable[[str], Coroutine[Any, Any, HealthAnswer]]


async def probe_server(url: str) -> HealthAnswer:
    """The server's and its database's health (`ServerUnreachableError` when it is gone)."""
    client = ApiClient(url, timeout=5.0)
    try:
        return await client.call("GET", paths.HEALTH, HealthAnswer)  # type: ignore[no-any-return]
    finally:
        await client.aclose()


def server_settings_link(parent: QWidget, runner: Runner, gateway: object) -> QLabel:
    """ "famdesk server…" for the login window: opens the dialog (hidden on a kiosk)."""
    text = _("famdesk server…")
    label = QLabel(f'<a href="{LINK}">{text}</a>', parent)
    label.setObjectName("serverSettingsLink")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                  | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
    label.setAccessibleName(_("famdesk server settings"))
    label.setToolTip(_("The address of the famdesk server this computer works through"))
    label.setVisible(not getattr(gateway, "kiosk", False))

    def open_dialog(_link: str) -> None:
        dialog = ServerSettingsDialog(runner, current=getattr(gateway, "url", None),
                                      parent=parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    label.linkActivated.connect(open_dialog)
    return label


class ServerSettingsDialog(QDialog):
    """Emits `saved(address or None)` once the setting is kept."""

    saved = Signal(object)

    def __init__(self, runner: Runner, *, current: str | None = None, probe: Probe = probe_server,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverSettingsDialog")
        self.setWindowTitle(_("famdesk server"))
        self.setMinimumWidth(560)
        self._probe = probe
        self._guard = CallGuard(runner, self._on_probe_failed)

        intro = hint_label(_(
            "Desks and kiosks on several computers share the town's data through a famdesk "
            "server. Leave the address empty to use this computer's own database."))
        now = current or None
        self.current_label = QLabel(
            _("Now: the server {url}.").format(url=now) if now
            else _("Now: this computer's own database."))
        self.current_label.setObjectName("currentServer")
        self.current_label.setWordWrap(True)
        self.url_edit = line_edit("serverUrlEdit", 500)
        self.url_edit.setPlaceholderText("http://serveur:8765")
        self.url_edit.setText(stored_server_url() or "")
        form = QFormLayout()
        self.fields = FormFields(form)
        self.fields.add("server_url", _("Server address"), self.url_edit)
        note = hint_label(_("The change applies at the next start of famdesk."))
        self.feedback = Feedback(_("famdesk server"))
        self.test_button = QPushButton(_("Test the connection"))
        self.test_button.setObjectName("testServerButton")
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("primaryButton")
        self.save_button.setDefault(True)
        self.close_button = QPushButton(_("Close"))
        self._guard.buttons = [self.test_button, self.save_button]

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(self.current_label)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.feedback.error_label)
        layout.addWidget(self.feedback.success_label)
        layout.addLayout(button_row(None, self.test_button, self.close_button, self.save_button))

        self.test_button.clicked.connect(self._on_test_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.url_edit.textEdited.connect(self._on_url_edit_text_edited)

    # -- used by present_error ------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.feedback.show_error(message)
        fit_dialog_later(self)

    def show_field_error(self, field: str, message: str) -> None:
        if not self.fields.show(field, message):
            self.show_error(message)
        fit_dialog_later(self)

    # -- slots --------------------------------------------------------------------------------

    def _clear_messages(self) -> None:
        self.fields.clear()
        self.feedback.clear()

    def _on_url_edit_text_edited(self, _text: str) -> None:
        self._clear_messages()

    def _on_test_button_clicked(self) -> None:
        self._clear_messages()
        try:
            url = check_server_url(self.url_edit.text())
        except Exception as exc:
            present_form_error(self, self.fields, exc)
            return
        self.feedback.show_success(_("Asking {url}…").format(url=url))
        self._guard.run(self._probe(url), self._on_probe_answered)

    def _on_probe_answered(self, health: HealthAnswer) -> None:
        if health.status == "ok" and health.database == "ok":
            self.feedback.show_success(_("The server answers, and so does its database."))
        else:
            self.feedback.show_error(_("The server answers, but its database does not."))
        fit_dialog_later(self)

    def _on_probe_failed(self, exc: BaseException) -> None:
        present_form_error(self, self.fields, exc)

    def _on_save_button_clicked(self) -> None:
        self._clear_messages()
        text = self.url_edit.text()
        try:
            kept = store_server_url(text)
        except OSError as exc:
            log.warning("the server settings were not saved: %s", type(exc).__name__)
            self.show_error(_("The setting could not be saved on this computer."))
            return
        except Exception as exc:
            present_form_error(self, self.fields, exc)
            return
        self.url_edit.setText(kept or "")
        log.info("famdesk server setting saved (%s)", "a server" if kept else "none")
        self.feedback.show_success(
            _("Saved: famdesk opens on {url} at the next start.").format(url=kept) if kept
            else _("Saved: famdesk opens on this computer's database at the next start."))
        fit_dialog_later(self)
        self.saved.emit(kept)

    def done(self, result: int) -> None:
        self._guard.forget()
        super().done(result)
