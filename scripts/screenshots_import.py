#!/usr/bin/env python3
"""Photograph the families import dialog on a demo database:

    .venv/bin/famdesk demo --database sqlite:////tmp/imp/demo.db --reset
    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python scripts/screenshots_import.py sqlite:////tmp/imp/demo.db OUT

Logged in as the demo's manager ("admin"). Checks tests/data/import/bad.csv (import-bad.png),
then checks and imports tests/data/import/good.csv (import-good.png, import-done.png): give
it a demo made for the purpose.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from famdesk.bootstrap import open_context
from famdesk.secrets import MemorySecretStore
from famdesk.services.demo import DEMO_PASSWORD
from famdesk.ui.app import create_application, install_qt_translations
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.import_dialog import FamilyImportDialog
from famdesk.ui.runner import SyncRunner
from famdesk.ui.theme import apply_theme

CLICK = Qt.MouseButton.LeftButton
DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "import"


def settle(app: QApplication) -> None:
    for _ in range(8):
        app.processEvents()
        QTest.qWait(30)


def main(url: str, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = create_application(["famdesk"])
    install_qt_translations(app, "fr")
    apply_theme(app)
    ctx = open_context(url, secrets=MemorySecretStore())
    gateway = LocalGateway(ctx)
    runner = SyncRunner()
    box: dict = {}
    runner.submit(gateway.login("admin", DEMO_PASSWORD), lambda s: box.setdefault("s", s), print)
    session = box["s"]
    structures = sorted(session.structures, key=lambda s: not s.name.startswith("Mairie"))
    chosen = {"path": str(DATA / "bad.csv")}

    def shot(widget: QWidget, name: str) -> None:
        settle(app)
        path = out / name
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(path)

    dialog = FamilyImportDialog(gateway, runner, structures,
                                choose_file=lambda parent, title: chosen["path"])
    dialog.show()
    shot(dialog, "import-empty.png")
    QTest.mouseClick(dialog.choose_button, CLICK)
    QTest.mouseClick(dialog.check_button, CLICK)
    shot(dialog, "import-bad.png")
    chosen["path"] = str(DATA / "good.csv")
    QTest.mouseClick(dialog.choose_button, CLICK)
    QTest.mouseClick(dialog.check_button, CLICK)
    shot(dialog, "import-good.png")
    QTest.mouseClick(dialog.import_button, CLICK)
    shot(dialog, "import-done.png")
    dialog.close()
    gateway.close()
    ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
