"""Start the desktop app on an opened `AppContext`: Qt, translations, theme, qasync loop."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Sequence
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
    """Show the login window on the local database and run until the last window closes;
    returns the exit code.

    `kiosk`: a shared PC (`famdesk --kiosk`) — full screen, windows the family cannot
    close, idle logout after a countdown, no login remembered."""
    gateway = LocalGateway(ctx)
    gateway.start_payment_poll()  # the family who paid and left is credited all the same
    return run_desktop(gateway, argv=argv, kiosk=kiosk, where=ctx.db.target.display())


def run_desktop(
    gateway: Any,
    *,
    argv: Sequence[str],
    kiosk: bool = False,
    where: str,
    before_start: Callable[[asyncio.AbstractEventLoop], None] | None = None,
    before_close: Callable[[asyncio.AbstractEventLoop], None] | None = None,
) -> int:
    """Qt, translations, theme and the qasync loop around `gateway` (local or synced); the
    gateway is closed at the end. `before_start(loop)` runs once the loop exists, before any
    window (a `FamdeskError` there stops the start); `before_close(loop)` after the last
    window closed, while the loop can still run (logging out on a server)."""
    import qasync

    qInstallMessageHandler(_on_qt_message)
    app = create_application(argv)
    install_qt_translations(app, i18n.language())
    apply_theme(app)
    install_excepthook()

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    controller: KioskController | None = None
    ticker: QTimer | None = None
    collector = collect_on_gui_thread(app)
    try:
        if before_start is not None:
            before_start(loop)
        shell, controller = open_shell(gateway, QasyncRunner(loop), kiosk=kiosk, app=app)
        shell.start()
        ticker = _quit_on_interrupt(app, controller)
        log.info("famdesk window opened on %s%s", where, " (kiosk)" if kiosk else "")
        with loop:
            # Qt's loop runs asyncio's; it ends when the last window closes (or Qt quits)
            code = loop.run_forever()
            if controller is not None:
                controller.release()
            if before_close is not None:
                before_close(loop)
    finally:
        if ticker is not None:
            ticker.stop()
        collector.stop()
        gc.enable()
        if controller is not None:
            controller.release()
        gateway.close()
        asyncio.set_event_loop(None)
        qInstallMessageHandler(None)
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


def collect_on_gui_thread(app: QApplication) -> QTimer:
    """Python's cycle collector runs on whichever thread happens to allocate, and the
    gateways run work on worker threads: a Qt object freed there crashes Qt. So automatic
    collection is off while the app runs and a timer on the GUI thread collects instead,
    generation by generation, when the usual thresholds are passed."""
    gc.disable()

    def collect() -> None:
        counts, thresholds = gc.get_count(), gc.get_threshold()
        generation = next((g for g in (2, 1, 0) if counts[g] > thresholds[g]), None)
        if generation is not None:
            gc.collect(generation)

    timer = QTimer(app)
    timer.timeout.connect(collect)
    timer.start(500)
    return timer


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
