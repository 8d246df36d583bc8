"""Which window is on screen: the login window, or the main window of the logged-in account.

A login with a one-time password (handed over by the front desk) first asks for the
user's own password (`FirstPasswordDialog`): the portal opens once it is set; declining
logs out.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from famdesk.services.auth import SessionInfo
from famdesk.ui.errors import present_error
from famdesk.ui.first_password_dialog import FirstPasswordDialog
from famdesk.ui.gateway import Gateway
from famdesk.ui.login_window import LoginWindow
from famdesk.ui.main_window import MainWindow
from famdesk.ui.runner import Runner

log = logging.getLogger(__name__)


class AppShell(QObject):
    """Login -> (first password) -> main window -> (logout) -> a cleared login window. One
    main window at a time."""

    main_window_shown = Signal(object)
    login_window_shown = Signal()

    def __init__(self, gateway: Gateway, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self._runner = runner
        self.login_window = LoginWindow(gateway, runner)
        self.login_window.logged_in.connect(self._on_login_window_logged_in)
        self.main_window: MainWindow | None = None
        self.first_password_dialog: FirstPasswordDialog | None = None

    def start(self) -> None:
        if not self.login_window.isFullScreen():  # a kiosk's covers the screen
            self.login_window.resize(900, 680)
        self.login_window.show()
        self.login_window_shown.emit()

    def _on_login_window_logged_in(self, session: SessionInfo) -> None:
        if session.must_change_password:
            self._ask_first_password(session)
        else:
            self._show_main_window(session)

    def _show_main_window(self, session: SessionInfo) -> None:
        self._drop_main_window()
        window = MainWindow(self._gateway, self._runner, session)
        window.logged_out.connect(self._on_main_window_logged_out)
        window.resize(1100, 720)  # a kiosk's is made full screen once shown
        self.main_window = window
        # show the new window before hiding the old, so the app never has no window
        window.show()
        self.login_window.hide()
        self.login_window.clear()
        self.main_window_shown.emit(window)

    def _on_main_window_logged_out(self) -> None:
        self._show_login_window()

    def _show_login_window(self) -> None:
        self.login_window.clear()
        self.login_window.show()
        self.login_window.activateWindow()
        self._drop_main_window()
        self.login_window_shown.emit()

    def _drop_main_window(self) -> None:
        window, self.main_window = self.main_window, None
        if window is None:
            return
        window.clear()
        window.hide()
        window.deleteLater()

    # -- the first password -----------------------------------------------------------

    def _ask_first_password(self, session: SessionInfo) -> None:
        self._drop_first_password_dialog()
        dialog = FirstPasswordDialog(self._gateway, self._runner, session.login,  # type: ignore[arg-type]
                                     self.login_window)
        dialog.password_set.connect(self._on_first_password_dialog_password_set)
        dialog.declined.connect(self._on_first_password_dialog_declined)
        self.first_password_dialog = dialog
        log.info("account %s must choose its own password", session.account_id)
        dialog.open()

    def _on_first_password_dialog_password_set(self, session: SessionInfo) -> None:
        self._drop_first_password_dialog()
        self._show_main_window(session)

    def _on_first_password_dialog_declined(self) -> None:
        self._drop_first_password_dialog()
        self._runner.submit(self._gateway.logout(), self._on_declined_logout_done,
                            self._on_declined_logout_failed)

    def _on_declined_logout_done(self, _result: object = None) -> None:
        self._show_login_window()

    def _on_declined_logout_failed(self, exc: BaseException) -> None:
        self._show_login_window()
        present_error(self.login_window, exc)

    def _drop_first_password_dialog(self) -> None:
        dialog, self.first_password_dialog = self.first_password_dialog, None
        if dialog is None:
            return
        dialog.password_set.disconnect(self._on_first_password_dialog_password_set)
        dialog.declined.disconnect(self._on_first_password_dialog_declined)
        dialog.clear()
        dialog.hide()
        dialog.deleteLater()
