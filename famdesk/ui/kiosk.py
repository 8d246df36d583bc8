"""Kiosk mode (`famdesk --kiosk`): a shared PC in the town hall that families walk away from.

`KioskController` shows the given windows full screen without chrome and refuses their
closing; it watches the whole application for user activity. After `idle_seconds` without
any during a session, a countdown ("Vous allez être déconnecté dans 15 s…  Continuer")
runs; at its end `logout_requested` is emitted. When the session ends
(`end_session()`), every other window and dialog is closed, the clipboard emptied and
nothing of the family stays on screen. Idle without a session, the screens are wiped the
same way (`idle_cleared`). `attach(shell)` wires all this to an `AppShell`.

A kiosk never holds credentials of a shared database (`check_kiosk_database`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from famdesk.config import DatabaseTarget
from famdesk.errors import FamdeskError
from famdesk.i18n import _
from famdesk.services.account_facts import DEFAULT_KIOSK_IDLE_SECONDS

log = logging.getLogger(__name__)

COUNTDOWN_SECONDS = 15
_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate, QEvent.Type.TabletPress, QEvent.Type.InputMethod,
})


def check_kiosk_database(target: DatabaseTarget) -> None:
    """A kiosk refuses a shared (PostgreSQL) database: its credentials would sit on a PC
    anyone may use."""
    if not target.is_sqlite:
        raise FamdeskError(_(
            "A kiosk does not connect to a shared database: give it a SQLite file on this "
            "computer, or use the synced mode (famdesk serve)."))


class KioskCountdownDialog(QDialog):
    """ "You will be logged out in N s…" with "Continue"; `continued()` when clicked."""

    continued = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskCountdown")
        self.setWindowTitle(_("Are you still there?"))
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.setMinimumWidth(620)
        self.label = QLabel()
        self.label.setObjectName("countdownLabel")
        self.label.setWordWrap(True)
        self.hint = QLabel(_("Touch “Continue” to keep working. Bookings not confirmed "
                             "are dropped at logout."))
        self.hint.setProperty("role", "hint")
        self.hint.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setObjectName("countdownBar")
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(_("Time left"))
        self.continue_button = QPushButton(_("Continue"))
        self.continue_button.setObjectName("primaryButton")
        self.continue_button.setDefault(True)
        self.continue_button.setMinimumHeight(44)
        self.continue_button.clicked.connect(self._on_continue_button_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.continue_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)

    def show_remaining(self, seconds: int, total: int) -> None:
        text = _("You will be logged out in {seconds} s…").format(seconds=seconds)
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.bar.setRange(0, total)
        self.bar.setValue(seconds)

    def reject(self) -> None:  # Escape: the same as "Continue" (someone is there)
        self._on_continue_button_clicked()

    def _on_continue_button_clicked(self) -> None:
        self.hide()
        self.continued.emit()


class KioskController(QObject):
    logout_requested = Signal()
    """The countdown ran out: log the session out."""
    idle_cleared = Signal()
    """Idle without a session: the screens were wiped (clear the login window too)."""

    def __init__(
        self, app: QApplication | None = None, *, idle_seconds: float = DEFAULT_KIOSK_IDLE_SECONDS,
        countdown_seconds: int = COUNTDOWN_SECONDS, tick_ms: int = 1000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        instance = app or QApplication.instance()
        assert isinstance(instance, QApplication), "a kiosk needs the QApplication"
        self._app = instance
        self._windows: dict[int, QWidget] = {}
        self._released = False
        self._in_session = False
        self._countdown_total = countdown_seconds
        self._remaining = 0
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._on_idle_timeout)
        self._tick = QTimer(self)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick_timeout)
        self.countdown = KioskCountdownDialog()
        self.countdown.continued.connect(self._on_countdown_continued)
        self.set_idle_seconds(idle_seconds)
        self._app.installEventFilter(self)
        log.info("kiosk mode: idle logout after %s s", idle_seconds)

    # -- windows --------------------------------------------------------------------

    def manage(self, window: QWidget) -> None:
        """Full screen without a title bar; the family cannot close it."""
        key = id(window)
        if key in self._windows:
            return
        self._windows[key] = window
        window.destroyed.connect(lambda *_args, key=key: self._windows.pop(key, None))
        visible = window.isVisible()
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)  # hides it
        self.cover(window, show=visible)

    @staticmethod
    def cover(window: QWidget, *, show: bool | None = None) -> None:
        """Full screen — by its state and by its geometry too: a kiosk's X session may have
        no window manager to honour the state. Shown if `show` (default: if visible)."""
        show = window.isVisible() if show is None else show
        window.setWindowState(window.windowState() | Qt.WindowState.WindowFullScreen)
        screen = window.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            window.setGeometry(screen.geometry())
        if show:
            window.showFullScreen()

    def unmanage(self, window: QWidget) -> None:
        self._windows.pop(id(window), None)

    def managed(self) -> tuple[QWidget, ...]:
        return tuple(self._windows.values())

    def release(self) -> None:
        """Let the windows close (the app is quitting); stop watching."""
        self._released = True
        self._idle.stop()
        self._tick.stop()
        self.countdown.hide()
        self._app.removeEventFilter(self)

    # -- session --------------------------------------------------------------------

    def set_idle_seconds(self, seconds: float) -> None:
        self._idle.setInterval(max(1, int(seconds * 1000)))
        if not self._released and not self.countdown_running():
            self._idle.start()

    def idle_seconds(self) -> float:
        return self._idle.interval() / 1000

    def in_session(self) -> bool:
        return self._in_session

    def countdown_running(self) -> bool:
        return self._tick.isActive()

    def start_session(self) -> None:
        self._in_session = True
        self._stop_countdown()
        self._idle.start()

    def end_session(self) -> None:
        """The session is over: no window, dialog, tooltip or clipboard of it remains."""
        self._in_session = False
        self._stop_countdown()
        closed = self.close_session_windows()
        self.clear_clipboard()
        log.info("kiosk: session ended, %d window(s) closed", closed)
        if not self._released:
            self._idle.start()

    def close_session_windows(self, keep: Iterable[QWidget] = ()) -> int:
        """Close every top-level window and dialog but the managed ones (and `keep`);
        famdesk's dialogs and windows, hidden ones too, forget what they showed (`clear()`). Returns how many closed."""
        kept = {id(w) for w in (*self._windows.values(), *keep, self.countdown)}
        QToolTip.hideText()
        closed = 0
        for widget in QApplication.topLevelWidgets():
            if id(widget) in kept:
                continue
            if widget.isVisible():
                if isinstance(widget, QDialog):
                    widget.reject()
                widget.close()
                closed += 1
            clear = getattr(widget, "clear", None)
            if callable(clear) and isinstance(widget, QDialog | QMainWindow):
                clear()  # famdesk's windows and dialogs forget what they showed
        return closed

    @staticmethod
    def clear_clipboard() -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.clear(QClipboard.Mode.Clipboard)
        if clipboard.supportsSelection():
            clipboard.clear(QClipboard.Mode.Selection)

    # -- the shell ------------------------------------------------------------------

    def attach(self, shell: Any, gateway: Any = None, runner: Any = None) -> None:
        """Wire to an `AppShell`: its windows are managed, a login starts the session, the
        countdown's end clicks the main window's "Log out", the login window's return ends
        the session. With `gateway` and `runner`, the structure's idle time is asked."""
        self._shell = shell
        self._gateway, self._runner = gateway, runner
        self.manage(shell.login_window)
        shell.main_window_shown.connect(self._on_shell_main_window_shown)
        shell.login_window_shown.connect(self._on_shell_login_window_shown)
        self.logout_requested.connect(self._on_self_logout_requested)
        self.idle_cleared.connect(shell.login_window.clear)

    def _on_shell_main_window_shown(self, window: QWidget) -> None:
        self.manage(window)
        self.start_session()
        structure_id = getattr(window, "current_structure_id", lambda: None)()
        if self._gateway is not None and self._runner is not None and structure_id:
            self._runner.submit(self._gateway.kiosk_idle_seconds(structure_id),
                                self.set_idle_seconds, self._on_idle_seconds_failed)

    def _on_idle_seconds_failed(self, exc: BaseException) -> None:
        log.warning("kiosk: the structure's idle time is unknown (%s)", type(exc).__name__)

    def _on_shell_login_window_shown(self) -> None:
        login_window = self._shell.login_window
        self.cover(login_window)
        for window in self.managed():
            if window is not login_window:
                self.unmanage(window)
        self.end_session()

    def _on_self_logout_requested(self) -> None:
        window = self._shell.main_window
        if window is not None:
            window.logout_button.click()

    # -- timers and events ----------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind in _ACTIVITY:
            if not self._tick.isActive():
                self._idle.start()
        elif (kind == QEvent.Type.Close and not self._released
              and id(watched) in self._windows):
            event.ignore()
            return True
        return False

    def _on_idle_timeout(self) -> None:
        if not self._in_session:
            self.close_session_windows()
            self.clear_clipboard()
            self.idle_cleared.emit()
            self._idle.start()
            return
        self._remaining = self._countdown_total
        self.countdown.show_remaining(self._remaining, self._countdown_total)
        self.countdown.show()
        self.countdown.raise_()
        self.countdown.activateWindow()
        self._tick.start()
        log.info("kiosk: idle, logout in %d s unless someone continues", self._remaining)

    def _on_tick_timeout(self) -> None:
        self._remaining -= 1
        if self._remaining > 0:
            self.countdown.show_remaining(self._remaining, self._countdown_total)
            return
        self._stop_countdown()
        log.info("kiosk: idle logout")
        self.logout_requested.emit()

    def _on_countdown_continued(self) -> None:
        self._tick.stop()
        self._idle.start()

    def _stop_countdown(self) -> None:
        self._tick.stop()
        self.countdown.hide()
