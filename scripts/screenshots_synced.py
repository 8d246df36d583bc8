#!/usr/bin/env python3
"""Photograph the synced mode's screens on a fresh demo town (Friday 27 November 2026):

    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python scripts/screenshots_synced.py OUT

Writes into OUT: connection-lost.png (the banner over a family's calendar, its draft kept),
connection-lost-recap.png (the whole screen: the recap saying the server does not answer,
over the window and its banner), connection-restored.png, server-settings-*.png (the
"Serveur famdesk" dialog: empty, a bad address, saved) and login-server-link.png (the login
window with the dialog's link under it). The windows run on the local gateway: what the
screens show of a lost connection does not depend on where the data is.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from famdesk.bootstrap import open_context
from famdesk.clock import FixedClock
from famdesk.i18n import _
from famdesk.secrets import MemorySecretStore
from famdesk.server_address import store_server_url
from famdesk.services.demo import build_demo
from famdesk.ui.app import create_application, install_qt_translations
from famdesk.ui.calendar.recap_dialog import RecapDialog
from famdesk.ui.connection_banner import connection_restored
from famdesk.ui.errors import present_error
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.login_window import LoginWindow
from famdesk.ui.main_window import MainWindow
from famdesk.ui.runner import SyncRunner
from famdesk.ui.server_settings_dialog import ServerSettingsDialog, server_settings_link
from famdesk.ui.theme import apply_theme
from famdesk.wire.client import ServerUnreachableError

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its sibling script, run from anywhere
from screenshots_accounts import NOW, TODAY, Photographer, call, choose, log_in  # noqa: E402

UNREACHABLE = _("The famdesk server does not answer. Check the connection, then try again.")


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = create_application(["famdesk"])
    install_qt_translations(app, "fr")
    apply_theme(app)
    photo = Photographer(app, out)
    with tempfile.TemporaryDirectory() as folder:
        ctx = open_context(f"sqlite:///{folder}/demo.db", clock=FixedClock(NOW),
                           secrets=MemorySecretStore())
        build_demo(ctx, today=TODAY, reset=False)
        gateway = LocalGateway(ctx)
        runner = SyncRunner()
        try:
            banner_screens(photo, gateway, runner)
            settings_screens(photo, gateway, runner)
        finally:
            gateway.close()
            ctx.close()
            store_server_url(None)
    return 0


def banner_screens(photo: Photographer, gateway: LocalGateway, runner: SyncRunner) -> None:
    session = log_in(runner, gateway, "martin")
    window = MainWindow(gateway, runner, session)
    window.resize(1360, 860)
    window.show()
    panel = window.booking_panel
    window.tabs.setCurrentWidget(panel)
    choose(panel.child_combo, "MARTIN Léa")
    choose(panel.activity_combo, "RESTAURATION")
    panel.show_month(2026, 12)
    for day in (date(2026, 12, 8), date(2026, 12, 10)):
        rect = panel.calendar.visualRect(panel.model.index_of(day))
        QTest.mouseClick(panel.calendar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    if not panel.draft.lines:
        raise SystemExit("no day was added to the draft")
    present_error(panel, ServerUnreachableError(UNREACHABLE), retry=panel.reload)
    photo.shot(window, "connection-lost.png")

    recap = call(runner, gateway.preview(panel.draft))
    dialog = RecapDialog(recap, panel)
    dialog.open()
    present_error(dialog, ServerUnreachableError(UNREACHABLE))
    photo.screen("connection-lost-recap.png")
    dialog.settle()
    dialog.close()

    connection_restored()
    photo.shot(window, "connection-restored.png")
    window.clear()
    window.close()


def settings_screens(photo: Photographer, gateway: LocalGateway, runner: SyncRunner) -> None:
    dialog = ServerSettingsDialog(runner, current=None)
    dialog.show()
    photo.shot(dialog, "server-settings-empty.png")
    dialog.url_edit.setText("serveur:8765")
    dialog.save_button.click()
    photo.shot(dialog, "server-settings-bad-address.png")
    dialog.url_edit.setText("http://serveur-mairie:8765/")
    dialog.save_button.click()
    photo.shot(dialog, "server-settings-saved.png")
    dialog.close()

    login = LoginWindow(gateway, runner)
    # the hook proposed for login_window.py: under "Mot de passe oublié ?", in the card
    login.recovery_link.parentWidget().layout().addWidget(
        server_settings_link(login, runner, gateway))
    login.resize(1100, 800)
    login.show()
    photo.shot(login, "login-server-link.png")
    login.close()


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")))
