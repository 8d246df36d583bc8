#!/usr/bin/env python3
"""Photograph famdesk's screens on a fresh demo town (run under a display, e.g. xvfb-run):

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python scripts/screenshots.py OUTDIR

Writes login.png and main.png (Mme Dubois, whose account sees both structures) into OUTDIR.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from famdesk.bootstrap import open_context
from famdesk.secrets import MemorySecretStore
from famdesk.services.demo import DEMO_PASSWORD, build_demo
from famdesk.ui.app import create_application, install_qt_translations
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.runner import SyncRunner
from famdesk.ui.shell import AppShell
from famdesk.ui.theme import apply_theme


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = create_application(["famdesk"])
    install_qt_translations(app, "fr")
    apply_theme(app)
    with tempfile.TemporaryDirectory() as folder:
        ctx = open_context(f"sqlite:///{folder}/demo.db", secrets=MemorySecretStore())
        build_demo(ctx, today=date.today(), reset=False)
        shell = AppShell(LocalGateway(ctx), SyncRunner())
        shell.start()

        def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
            for _ in range(10):
                app.processEvents()
                QTest.qWait(50)
            widget.grab().save(str(out / name))
            print(out / name)

        login = shell.login_window
        login.resize(1000, 760)
        shot(login, "login.png")
        QTest.keyClicks(login.login_edit, "dubois")
        QTest.keyClicks(login.password_edit, DEMO_PASSWORD)
        QTest.keyClick(login.password_edit, Qt.Key.Key_Return)
        main_window = shell.main_window
        main_window.resize(1200, 800)
        shot(main_window, "main.png")
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "shots")))
