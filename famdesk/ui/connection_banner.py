"""The synced mode's lost connection: "Connexion au serveur perdue" across the top of the
window, with "Réessayer".

`show_connection_banner(window, message, retry)` puts the banner in a fixed tool bar at the
top of any `QMainWindow` (no change to the window's own layout) and adds `retry` to what
"Réessayer" runs again; with nothing to run again, "Réessayer" reloads the window
(`window.reload()`, when it has one). What the screens hold (the booking draft too) is left
alone: the screens ask again, nothing is lost. `hide_connection_banner(window)` takes it away
once the server answers; `connection_restored()` tells every window the server answers
again: a banner with nothing to run again goes, one with loads to redo says the connection
is back and keeps "Réessayer".
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.ui import theme

log = logging.getLogger(__name__)

BAR_NAME = "connectionBar"
BANNER_NAME = "connectionBanner"
MAX_RETRIES = 8
"""What "Réessayer" runs again at most (the latest ones)."""


class ConnectionBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(BANNER_NAME)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._retries: list[Callable[[], object]] = []
        self._fallback: Callable[[], object] | None = None
        self.title = QLabel(_("Connection to the server lost"))
        self.title.setObjectName("connectionTitle")
        self.label = QLabel()
        self.label.setObjectName("connectionMessage")
        self.label.setWordWrap(True)
        self.retry_button = QPushButton(_("Retry"))
        self.retry_button.setObjectName("connectionRetry")
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.title)
        texts.addWidget(self.label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 10, 8)
        layout.addLayout(texts, 1)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.restyle()

    def restyle(self, restored: bool = False) -> None:
        """The theme's colours (a high-contrast theme too): the error's while the server
        does not answer, the accent's once it answers again."""
        c = theme.current().colours
        tone = c["accent"] if restored else c["error_text"]
        self.setStyleSheet(f"""
QFrame#{BANNER_NAME} {{
    background: {c["surface"]}; border: 2px solid {tone}; border-radius: 3px;
}}
QFrame#{BANNER_NAME} QLabel {{ border: none; color: {c["text"]}; }}
QLabel#connectionTitle {{ color: {tone}; font-weight: 600; font-size: 11pt; }}
""")

    def show_problem(self, message: str, retry: Callable[[], object] | None,
                     fallback: Callable[[], object] | None) -> None:
        self.title.setText(_("Connection to the server lost"))
        self.restyle()
        self.label.setText(message)
        self.setAccessibleName(f"{self.title.text()} {message}")
        self._fallback = fallback
        if retry is not None and retry not in self._retries:
            self._retries = [*self._retries, retry][-MAX_RETRIES:]

    def show_restored(self) -> None:
        self.title.setText(_("Connection to the server restored"))
        self.restyle(restored=True)
        self.label.setText(_("Click “Retry” to load again what could not be loaded."))
        self.setAccessibleName(f"{self.title.text()} {self.label.text()}")

    def pending_retries(self) -> int:
        return len(self._retries)

    def forget(self) -> None:
        self._retries, self._fallback = [], None
        self.label.clear()

    def _on_retry_button_clicked(self) -> None:
        retries = self._retries or ([self._fallback] if self._fallback else [])
        log.info("connection lost: retrying %d call(s)", len(retries))
        bar = self.parentWidget()
        self.forget()
        if isinstance(bar, QToolBar):
            bar.hide()  # back at once if the server still does not answer
        for retry in retries:
            retry()


def _bar(window: QMainWindow) -> QToolBar | None:
    return window.findChild(QToolBar, BAR_NAME)


def connection_banner(window: QMainWindow) -> ConnectionBanner | None:
    """The window's banner, if it was ever shown."""
    bar = _bar(window)
    return bar.findChild(ConnectionBanner, BANNER_NAME) if bar is not None else None


def show_connection_banner(window: QMainWindow, message: str,
                           retry: Callable[[], object] | None = None) -> ConnectionBanner:
    bar = _bar(window)
    if bar is None:
        bar = QToolBar(window)
        bar.setObjectName(BAR_NAME)
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        bar.toggleViewAction().setVisible(False)
        bar.setStyleSheet(f"QToolBar#{BAR_NAME} {{ border: none; padding: 6px 12px; }}")
        bar.addWidget(ConnectionBanner(bar))
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
    banner = bar.findChild(ConnectionBanner, BANNER_NAME)
    assert banner is not None
    reload = getattr(window, "reload", None)
    banner.show_problem(message, retry, reload if callable(reload) else None)
    bar.show()
    return banner


def hide_connection_banner(window: QMainWindow) -> None:
    bar = _bar(window)
    if bar is None or bar.isHidden():
        return
    banner = bar.findChild(ConnectionBanner, BANNER_NAME)
    if banner is not None:
        banner.forget()
    bar.hide()


def connection_restored() -> None:
    """The server answers again (see the module's docstring)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    for widget in app.topLevelWidgets():
        if not isinstance(widget, QMainWindow):
            continue
        banner = connection_banner(widget)
        if banner is None or not banner.isVisibleTo(widget):
            continue
        if banner.pending_retries():
            banner.show_restored()
        else:
            hide_connection_banner(widget)
