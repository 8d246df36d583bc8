"""Which window is on screen: the login window, or the main window of the logged-in account."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from famdesk.services.auth import SessionInfo
from famdesk.ui.gateway import Gateway
from famdesk.ui.login_window import LoginWindow
from famdesk.ui.main_window import MainWindow
from famdesk.ui.runner import Runner

log = logging.getLogger(__name__)


class AppShell(QObject):
    """Login -> main window -> (logout) -> a cleared login window. One main window at a time."""

    main_window_shown = Signal(object)
    login_window_shown = Signal()

    def __init__(self, gateway: Gateway, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self._runner = runner
        self.login_window = LoginWindow(gateway, runner)
        self.login_window.logged_in.connect(self._on_login_window_logged_in)
        self.main_window: MainWindow | None = None

    def start(self) -> None:
        self.login_window.resize(900, 680)
        self.login_window.show()
        self.login_window_shown.emit()

    def _on_login_window_logged_in(self, session: SessionInfo) -> None:
        self._drop_main_window()
        window = MainWindow(self._gateway, self._runner, session)
        window.logged_out.connect(self._on_main_window_logged_out)
        window.resize(1100, 720)
        self.main_window = window
        # show the new window before hiding the old, so the app never has no window
        window.show()
        self.login_window.hide()
        self.login_window.clear()
        self.main_window_shown.emit(window)

    def _on_main_window_logged_out(self) -> None:
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
