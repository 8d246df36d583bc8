"""Where the payment page of "Paiement CB" opens.

- In famdesk's own browser window (`PaymentBrowserWindow`) when Qt WebEngine is installed
  (PySide6-Addons, an optional extra): a private profile (no cookie, no history kept), one
  window at a time, closed when the payment ends or the session does.
- Else, on a staff PC or at home, in the computer's browser.
- On a kiosk without Qt WebEngine, nowhere: a shared PC never opens a browser the family
  could leave logged in; the tab says to pay at the front desk.

The page is the provider's: whatever it shows, the outcome is asked of the provider.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from famdesk.i18n import _

log = logging.getLogger(__name__)


def web_engine_available() -> bool:
    """Qt WebEngine (PySide6-Addons) can be imported."""
    try:
        from PySide6 import QtWebEngineWidgets  # noqa: F401
    except ImportError:
        return False
    return True


class PageMode(Enum):
    IN_APP = "in_app"
    SYSTEM_BROWSER = "system_browser"
    UNAVAILABLE = "unavailable"


class PaymentBrowserWindow(QDialog):
    """The provider's page in a window of famdesk (needs Qt WebEngine). `closed()` when it
    closes, by its button, by the session's end or by the payment's."""

    closed = Signal()

    def __init__(self, url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
        from PySide6.QtWebEngineWidgets import QWebEngineView

        self.setObjectName("paymentBrowserWindow")
        self.setWindowTitle(_("Secure card payment"))
        self.setModal(False)
        self.resize(900, 720)
        # an off-the-record profile: nothing of the payer stays on the computer. It becomes
        # the window's child after the view, so that the page goes before it.
        self._profile = QWebEngineProfile()
        self.view = QWebEngineView(self)
        self.view.setPage(QWebEnginePage(self._profile, self.view))
        self._profile.setParent(self)
        self.address_label = QLabel()
        self.address_label.setObjectName("paymentAddress")
        self.address_label.setProperty("role", "hint")
        self.close_button = QPushButton(_("Close the payment window"))
        self.close_button.setObjectName("closePaymentButton")
        self.close_button.clicked.connect(self.close)
        self.view.urlChanged.connect(self._on_view_url_changed)
        top = QHBoxLayout()
        top.addWidget(self.address_label, 1)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.view.setUrl(QUrl(url))

    def _on_view_url_changed(self, url: QUrl) -> None:
        self.address_label.setText(url.host() or url.toString())

    def clear(self) -> None:
        """The session ends (kiosk): close, forgetting the page."""
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.view.setUrl(QUrl("about:blank"))
        super().closeEvent(event)
        self.closed.emit()

    def reject(self) -> None:
        self.close()


class PaymentPageOpener:
    """Opens the payment page as this computer allows (see the module's docstring);
    `on_closed` is called when famdesk's own window is closed."""

    def __init__(self, kiosk: bool, *, web_engine: bool | None = None,
                 open_url: Callable[[QUrl], object] = QDesktopServices.openUrl) -> None:
        self.kiosk = kiosk
        self.web_engine = web_engine_available() if web_engine is None else web_engine
        self._open_url = open_url
        self.window: PaymentBrowserWindow | None = None
        self.on_closed: Callable[[], object] | None = None

    @property
    def mode(self) -> PageMode:
        if self.web_engine:
            return PageMode.IN_APP
        return PageMode.UNAVAILABLE if self.kiosk else PageMode.SYSTEM_BROWSER

    def open(self, url: str, parent: QWidget | None = None) -> bool:
        """Show the page; False when this computer cannot."""
        mode = self.mode
        if mode is PageMode.UNAVAILABLE:
            return False
        if mode is PageMode.SYSTEM_BROWSER:
            log.info("payment page opened in the computer's browser")
            self._open_url(QUrl(url))
            return True
        self.close()
        window = PaymentBrowserWindow(url, parent)
        window.closed.connect(self._on_window_closed)
        self.window = window
        window.show()
        window.raise_()
        window.activateWindow()
        log.info("payment page opened in famdesk's window")
        return True

    def close(self) -> None:
        """Close famdesk's payment window, if open (not the computer's browser)."""
        window, self.window = self.window, None
        if window is not None:
            window.closed.disconnect(self._on_window_closed)
            window.close()
            window.deleteLater()

    def _on_window_closed(self) -> None:
        self.window = None
        if self.on_closed is not None:
            self.on_closed()
