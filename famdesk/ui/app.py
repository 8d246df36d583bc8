"""Start the desktop app on an opened `AppContext`: Qt, translations, theme, qasync loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    QTimer,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

from famdesk import i18n
from famdesk.i18n import _
from famdesk.ui.errors import install_excepthook
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.kiosk import KioskController
from famdesk.ui.runner import QasyncRunner, Runner
from famdesk.ui.shell import AppShell
from famdesk.ui.theme import apply_theme

if TYPE_CHECKING:
    from famdesk.bootstrap import AppContext

log = logging.getLogger(__name__)
qt_log = logging.getLogger("famdesk.qt")

APP_NAME = "famdesk"
ORGANIZATION = "famdesk"

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _on_qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def install_qt_translations(app: QApplication, language: str) -> QTranslator | None:
    """Qt's own strings (standard buttons, context menus) in `language`, when Qt ships them."""
    if language == "en":
        return None
    QLocale.setDefault(QLocale(language))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{language}", folder):
        log.info("no Qt translation qtbase_%s in %s", language, folder)
        return None
    app.installTranslator(translator)
    return translator


def create_application(argv: Sequence[str]) -> QApplication:
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(argv))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationDisplayName(_("Family portal"))
    app.setQuitOnLastWindowClosed(True)
    return app


def run_app(ctx: AppContext, *, argv: Sequence[str], kiosk: bool = False) -> int:
    """Show the login window and run until the last window closes; returns the exit code.

    `kiosk`: a shared PC (`famdesk --kiosk`) — full screen, windows the family cannot
    close, idle logout after a countdown, no login remembered."""
    import qasync

    qInstallMessageHandler(_on_qt_message)
    app = create_application(argv)
    install_qt_translations(app, i18n.language())
    apply_theme(app)
    install_excepthook()

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    gateway = LocalGateway(ctx)
    shell, controller = open_shell(gateway, QasyncRunner(loop), kiosk=kiosk, app=app)
    shell.start()
    ticker = _quit_on_interrupt(app, controller)
    log.info("famdesk window opened on %s%s", ctx.db.target.display(), " (kiosk)" if kiosk else "")
    try:
        with loop:
            # Qt's loop runs asyncio's; it ends when the last window closes (or Qt quits)
            code = loop.run_forever()
    finally:
        if controller is not None:
            controller.release()
        gateway.close()
        asyncio.set_event_loop(None)
        qInstallMessageHandler(None)
    ticker.stop()
    log.info("famdesk window closed (exit code %s)", code)
    return int(code or 0)


def open_shell(
    gateway: LocalGateway, runner: Runner, *, kiosk: bool = False,
    app: QApplication | None = None, **kiosk_options: Any,
) -> tuple[AppShell, KioskController | None]:
    """The login window and what follows it (not shown yet); on a kiosk, the gateway
    remembers nothing and a `KioskController` (`kiosk_options`: its timings) keeps the
    windows full screen and logs an idle session out."""
    if not kiosk:
        return AppShell(gateway, runner), None
    gateway.enter_kiosk_mode()  # before the login window: it offers no "remember me"
    shell = AppShell(gateway, runner)
    controller = KioskController(app, **kiosk_options)
    controller.attach(shell, gateway, runner)
    return shell, controller


def _quit_on_interrupt(app: QApplication, kiosk: KioskController | None = None) -> QTimer:
    """Ctrl+C in the terminal closes the windows (every confirmed change is already saved);
    a kiosk lets its windows close first.

    Python only sees the signal when it runs: a timer lets it run a few times a second.
    """
    import signal

    def close_all(*_args: object) -> None:
        if kiosk is not None:
            kiosk.release()
        app.closeAllWindows()

    signal.signal(signal.SIGINT, close_all)
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)
    ticker.start(250)
    return ticker
