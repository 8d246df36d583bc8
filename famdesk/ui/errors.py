"""The one place where an exception becomes something the user sees.

- a `ValidationError` with a `field` goes next to that field, when the widget shows fields
  (`show_field_error(field, message)`);
- the synced mode's `ServerUnreachableError` puts "Connexion au serveur perdue" with
  "Réessayer" across the top of the main window (`connection_banner`); a dialog that shows
  errors shows the sentence too (the recap keeps its draft and its key: "Valider" again
  books once);
- the synced mode's `SessionEndedError` (expired, revoked) closes the main window the way
  "Log out" does and says why on the login window;
- an `InfrastructureError` (database locked, server gone) goes to the window's status bar
  with a "Retry" button, when there is a status bar and something to retry;
- any other `FamdeskError` shows its (French) message: in the widget's own error label when
  it has one (`show_error(message)`), else in a non-modal message box;
- anything else is logged with its traceback and shown as "An unexpected error occurred",
  with the log file's path.

`install_excepthook()` sends uncaught exceptions to the same place. Nothing here blocks:
message boxes are opened with `open()`, never `exec()`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QWidget,
)

from famdesk.errors import FamdeskError, InfrastructureError, ValidationError
from famdesk.i18n import _
from famdesk.logsetup import log_path
from famdesk.services.api_sessions import SessionEndedError
from famdesk.ui.connection_banner import hide_connection_banner, show_connection_banner
from famdesk.wire.client import ServerUnreachableError

log = logging.getLogger(__name__)

RETRY_NOTICE_NAME = "retryNotice"
LOGIN_WINDOW_NAME = "loginWindow"
_open_boxes: set[QMessageBox] = set()


def unexpected_error_text() -> str:
    path = log_path()
    if path is None:
        return _("An unexpected error occurred.")
    return _("An unexpected error occurred. Details are in {path}.").format(path=path)


def present_error(
    parent: QWidget | None,
    exc: BaseException,
    *,
    retry: Callable[[], object] | None = None,
) -> QWidget | None:
    """Show `exc` to the user, near `parent`; returns the widget that shows it, if new."""
    if isinstance(exc, FamdeskError):
        log.info("shown to the user: %s: %s", type(exc).__name__, exc.message)
        if isinstance(exc, ServerUnreachableError):
            shown = _connection_lost(parent, exc, retry)
            if shown is not None:
                return shown
        if isinstance(exc, SessionEndedError) and _session_ended(parent, exc):
            return None
        if (
            isinstance(exc, ValidationError)
            and exc.field is not None
            and hasattr(parent, "show_field_error")
        ):
            parent.show_field_error(exc.field, exc.message)  # type: ignore[union-attr]
            return None
        if isinstance(exc, InfrastructureError) and retry is not None:
            window = parent.window() if parent is not None else None
            if isinstance(window, QMainWindow):
                return _show_retry_notice(window, exc.message, retry)
        if hasattr(parent, "show_error"):
            parent.show_error(exc.message)  # type: ignore[union-attr]
            return None
        return _open_message_box(parent, exc.message, QMessageBox.Icon.Warning)
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    return _open_message_box(parent, unexpected_error_text(), QMessageBox.Icon.Critical)


def _main_window(widget: QWidget | None) -> QMainWindow | None:
    """The main window `widget` is part of (a dialog's, through its parents)."""
    while widget is not None:
        if isinstance(widget, QMainWindow):
            return widget
        widget = widget.parentWidget()
    return None


def _connection_lost(parent: QWidget | None, exc: ServerUnreachableError,
                     retry: Callable[[], object] | None) -> QWidget | None:
    window = _main_window(parent)
    if window is None:
        return None  # the login window: its own error label says it
    banner = show_connection_banner(window, exc.message, retry)
    if parent is not None and parent.isWindow() and parent is not window \
            and hasattr(parent, "show_error"):
        parent.show_error(exc.message)  # a dialog over the window (the recap)
    return banner


def _session_ended(parent: QWidget | None, exc: SessionEndedError) -> bool:
    """Back to the login window, as after "Log out", with the reason on it."""
    window = _main_window(parent)
    if window is None or not hasattr(window, "logged_out") or not hasattr(window, "clear"):
        return False
    log.info("the session ended on the server: back to the login window")
    window.clear()
    window.logged_out.emit()  # the shell shows the (cleared) login window
    app = QApplication.instance()
    for widget in app.topLevelWidgets() if isinstance(app, QApplication) else ():
        if widget.objectName() == LOGIN_WINDOW_NAME and widget.isVisible() \
                and hasattr(widget, "show_error"):
            widget.show_error(exc.message)
    return True


def _open_message_box(parent: QWidget | None, text: str, icon: QMessageBox.Icon) -> QMessageBox:
    box = QMessageBox(icon, _("Family portal"), text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    # a box without a parent would be collected at once: keep it until it is closed
    _open_boxes.add(box)
    box.finished.connect(lambda _result, box=box: _open_boxes.discard(box))
    box.open()
    return box


class RetryNotice(QWidget):
    """A message and a "Retry" button in a status bar; gone once clicked."""

    def __init__(self, message: str, retry: Callable[[], object], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(RETRY_NOTICE_NAME)
        self._retry = retry
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(message)
        self.button = QPushButton(_("Retry"))
        self.button.clicked.connect(self._on_button_clicked)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        layout.addStretch(1)

    def _on_button_clicked(self) -> None:
        retry = self._retry
        self.dismiss()
        retry()

    def dismiss(self) -> None:
        self.hide()
        self.deleteLater()


def clear_retry_notice(window: QMainWindow) -> None:
    """Remove the status bar's "Retry" notice and the lost connection's banner (the
    retried work went through)."""
    hide_connection_banner(window)
    status_bar = window.statusBar()
    for old in status_bar.findChildren(RetryNotice, RETRY_NOTICE_NAME):
        status_bar.removeWidget(old)
        old.dismiss()


def _show_retry_notice(window: QMainWindow, message: str, retry: Callable[[], object]) -> QWidget:
    status_bar = window.statusBar()
    status_bar.show()
    clear_retry_notice(window)
    status_bar.clearMessage()
    notice = RetryNotice(message, retry, status_bar)
    status_bar.addWidget(notice, 1)
    notice.show()
    return notice


def install_excepthook() -> Callable[..., object]:
    """Route uncaught exceptions to `present_error`; returns the previous hook."""
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt) or QApplication.instance() is None:
            previous(exc_type, exc, tb)
            return
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        try:
            present_error(QApplication.activeWindow(), exc)
        except Exception:  # never loop on a failure to show a failure
            log.exception("could not show an error")
            previous(exc_type, exc, tb)

    sys.excepthook = hook
    return previous
