#!/usr/bin/env python3
"""Photograph the managers' back office ("Paramétrage") on a fresh demo town, on a fixed day
(Friday 27 November 2026, with a clock that stays there), logged in as the demo's manager:

    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python scripts/screenshots_admin.py OUT

Writes into OUT: admin-structure.png, admin-news-dialog.png, admin-activities.png,
admin-editor-general.png, admin-editor-tariff.png, admin-editor-deadlines.png (the rule
tester), admin-editor-rule-error.png, admin-editor-times.png, admin-openings.png,
admin-generate.png, admin-closing.png, admin-places.png, admin-waiting.png,
admin-waiting-remove.png, admin-import.png. Nothing is saved but what the shots need.
"""

from __future__ import annotations

import gc
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from famdesk.bootstrap import open_context
from famdesk.clock import FixedClock
from famdesk.secrets import MemorySecretStore
from famdesk.services.demo import DEMO_PASSWORD, build_demo
from famdesk.ui.admin import AdminPanel
from famdesk.ui.app import create_application, install_qt_translations
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.runner import SyncRunner
from famdesk.ui.theme import apply_theme

TODAY = date(2026, 11, 27)
NOW = datetime.combine(TODAY, time(10, 0), tzinfo=ZoneInfo("Europe/Paris"))


def settle(app: QApplication) -> None:
    gc.collect()
    for _ in range(8):
        app.processEvents()
        QTest.qWait(30)


class Photographer:
    def __init__(self, app: QApplication, out: Path) -> None:
        self.app = app
        self.out = out

    def shot(self, widget: QWidget, name: str) -> None:
        settle(self.app)
        path = self.out / name
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(path)


def choose(combo, text: str) -> None:  # type: ignore[no-untyped-def]
    position = combo.findText(text)
    if position < 0:
        raise SystemExit(f"{text!r} not offered")
    combo.setCurrentIndex(position)


def photographer(out: Path) -> Photographer:
    """Qt in French with famdesk's theme, photographing into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    app = create_application(["famdesk"])
    install_qt_translations(app, "fr")
    apply_theme(app)
    return Photographer(app, out)


@contextmanager
def demo_admin_panel(folder: str) -> Iterator[AdminPanel]:
    """"Paramétrage" of the demo town (its database in `folder`) as its manager sees it,
    shown at 1320x820 on the town hall's structure; closed with its database after."""
    ctx = open_context(f"sqlite:///{folder}/demo.db", clock=FixedClock(NOW),
                       secrets=MemorySecretStore())
    build_demo(ctx, today=TODAY, reset=False)
    gateway = LocalGateway(ctx)
    runner = SyncRunner()
    box: dict = {}
    runner.submit(gateway.login("admin", DEMO_PASSWORD), lambda s: box.setdefault("s", s),
                  print)
    town = next(s.id for s in box["s"].structures if s.name.startswith("Mairie"))
    panel = AdminPanel(gateway, runner)
    panel.resize(1320, 820)
    panel.set_structure(town)
    panel.show()
    panel.ensure_loaded()
    try:
        yield panel
    finally:
        panel.clear()
        gateway.close()
        ctx.close()


def main(out: Path) -> int:
    photo = photographer(out)
    with tempfile.TemporaryDirectory() as folder, demo_admin_panel(folder) as panel:
        photograph(photo, panel)
    return 0


def photograph(photo: Photographer, panel: AdminPanel) -> None:
    # -- Structure ----------------------------------------------------------------------
    photo.shot(panel, "admin-structure.png")
    news = panel.structure_section.news_card
    news.table.selectRow(0)
    news.open_dialog(news.selected())
    assert news.dialog is not None
    photo.shot(news.dialog, "admin-news-dialog.png")
    news.dialog.reject()

    # -- Activités and the editor ---------------------------------------------------------
    panel.show_section(panel.activities_section)
    section = panel.activities_section
    section.activity_table.selectRow(section.activity_model.row_of(next(
        a.id for a in section.activity_model.rows() if a.label == "ALSH MERCREDI")))
    photo.shot(panel, "admin-activities.png")
    section.edit_activity()
    editor = section.editor
    assert editor is not None
    photo.shot(editor, "admin-editor-general.png")
    editor.tabs.setCurrentIndex(1)
    photo.shot(editor, "admin-editor-tariff.png")
    editor.tabs.setCurrentIndex(2)
    editor.tester.set_day(date(2026, 12, 16))
    editor.tester.test_now()
    photo.shot(editor, "admin-editor-deadlines.png")
    editor.booking_rule.weeks_spin.setValue(60)
    editor.tester.test_now()
    photo.shot(editor, "admin-editor-rule-error.png")
    editor.reject()
    section.activity_table.selectRow(section.activity_model.row_of(next(
        a.id for a in section.activity_model.rows() if a.label == "APS MATIN")))
    section.edit_activity()
    editor = section.editor
    assert editor is not None
    editor.tabs.setCurrentIndex(3)
    photo.shot(editor, "admin-editor-times.png")
    editor.reject()

    # -- Calendrier d'ouverture -------------------------------------------------------------
    panel.show_section(panel.openings_section)
    openings = panel.openings_section
    choose(openings.activity_combo, "ALSH MERCREDI")
    openings.show_month(2026, 12)
    openings.select_days(date(2026, 12, 16), date(2026, 12, 16))
    photo.shot(panel, "admin-openings.png")
    openings.generate()
    generate = openings.dialog
    assert generate is not None
    generate.first_edit.setDate(generate.first_edit.date().addDays(0))  # type: ignore[attr-defined]
    for day, check in enumerate(generate.weekday_checks):  # type: ignore[attr-defined]
        check.setChecked(day == 2)
    generate.preview()  # type: ignore[attr-defined]
    photo.shot(generate, "admin-generate.png")
    generate.reject()
    openings.close_selection()
    closing = openings.dialog
    assert closing is not None
    closing.reason_edit.setText("Formation des animateurs")  # type: ignore[attr-defined]
    photo.shot(closing, "admin-closing.png")
    closing.reject()
    openings.select_days(date(2026, 12, 2), date(2026, 12, 16))
    openings.change_places()
    places = openings.dialog
    assert places is not None
    places.capacity_edit.set_value(20)  # type: ignore[attr-defined]
    places.load_preview()  # type: ignore[attr-defined]
    photo.shot(places, "admin-places.png")
    places.reject()

    # -- Listes d'attente ---------------------------------------------------------------------
    panel.show_section(panel.waiting_section)
    waiting = panel.waiting_section
    waiting.day_table.selectRow(1)
    photo.shot(panel, "admin-waiting.png")
    waiting.entry_table.selectRow(1)
    waiting.remove_button.click()
    assert waiting.dialog is not None
    waiting.dialog.reason_edit.setText("Inscription faite par erreur")  # type: ignore[union-attr]
    photo.shot(waiting.dialog, "admin-waiting-remove.png")
    waiting.dialog.reject()

    # -- Importer des familles --------------------------------------------------------------
    panel.show_section(panel.import_section)
    photo.shot(panel, "admin-import.png")


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
