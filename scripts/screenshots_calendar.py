#!/usr/bin/env python3
"""Photograph the booking screens on a fresh demo town, on a fixed day (Friday 27 November
2026, as `famdesk demo --today 2026-11-27` builds it, with a clock that stays there):

    make screenshots [OUT=folder]                       # offscreen, into docs/screenshots/
    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python scripts/screenshots_calendar.py OUT

Writes, as M. MARTIN Hugo: calendar-activity.png (Léa's APS MATIN with a few pending
requests), calendar-day-mode.png (every activity), time-dialog.png, recap.png, results.png
(with a day on the waiting list), legend.png, copy-result.png.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from famdesk.bootstrap import open_context
from famdesk.clock import FixedClock
from famdesk.secrets import MemorySecretStore
from famdesk.services.demo import DEMO_PASSWORD, build_demo
from famdesk.ui.app import create_application, install_qt_translations
from famdesk.ui.calendar.panel import BookingPanel
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.main_window import MainWindow
from famdesk.ui.runner import SyncRunner
from famdesk.ui.theme import apply_theme

TODAY = date(2026, 11, 27)
NOW = datetime.combine(TODAY, time(10, 0), tzinfo=ZoneInfo("Europe/Paris"))
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def settle(app: QApplication) -> None:
    for _ in range(8):
        app.processEvents()
        QTest.qWait(30)


def choose(combo, text: str) -> None:  # type: ignore[no-untyped-def]
    position = combo.findText(text)
    if position < 0:
        raise SystemExit(f"{text!r} is not offered: {[combo.itemText(i) for i in range(combo.count())]}")
    combo.setCurrentIndex(position)


def in_state(cell, name: str) -> bool:  # type: ignore[no-untyped-def]
    return cell.in_month and cell.cell is not None and cell.cell.state.name == name


def click_day(panel: BookingPanel, day: date) -> None:
    index = panel.model.index_of(day)
    rect = panel.calendar.visualRect(index)
    QTest.mouseClick(panel.calendar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_week(panel: BookingPanel, day: date) -> None:
    header = panel.calendar.verticalHeader()
    row = panel.model.index_of(day).row()
    middle = header.sectionViewportPosition(row) + header.sectionSize(row) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(header.width() // 2, middle))


def _fail(exc: BaseException) -> None:
    raise exc


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = create_application(["famdesk"])
    install_qt_translations(app, "fr")
    apply_theme(app)
    written: list[Path] = []

    def shot(widget: QWidget, name: str) -> None:
        settle(app)
        path = out / name
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        written.append(path)
        print(path)

    with tempfile.TemporaryDirectory() as folder:
        ctx = open_context(f"sqlite:///{folder}/demo.db", clock=FixedClock(NOW),
                           secrets=MemorySecretStore())
        build_demo(ctx, today=TODAY, reset=False)
        gateway = LocalGateway(ctx)
        runner = SyncRunner()
        holder: dict = {}
        runner.submit(gateway.login("martin", DEMO_PASSWORD),
                      lambda session: holder.update(session=session), _fail)
        window = MainWindow(gateway, runner, holder["session"])
        window.resize(1360, 860)
        window.show()
        panel = window.booking_panel
        assert panel is not None
        window.tabs.setCurrentWidget(panel)
        settle(app)

        # every activity of Léa's month
        choose(panel.child_combo, "MARTIN Léa")
        choose(panel.activity_combo, "Toutes les activités")
        panel.show_month(2026, 12)
        shot(window, "calendar-day-mode.png")

        # one activity with times: a week asked at once, a booked day to cancel
        choose(panel.activity_combo, "APS SOIR")
        panel.show_month(2026, 12)
        free = [c.day for c in panel.model.cells() if in_state(c, "AVAILABLE")]
        # a week that starts with a free day: the arrow books it (after asking the times)
        week = next(day for day in free if all(
            not in_state(c, "BOOKED") or c.day > day for c in panel.model.cells()
            if c.day.isocalendar()[1] == day.isocalendar()[1]))
        click_week(panel, week)
        times = panel.times.dialog
        if times is None:
            raise SystemExit("the week did not ask for times")
        times.departure_combo.setCurrentIndex(times.departure_combo.findText("18:00"))
        shot(times, "time-dialog.png")
        QTest.mouseClick(times.validate_button, Qt.MouseButton.LeftButton)
        booked = [c.day for c in panel.model.cells() if in_state(c, "BOOKED")]
        click_day(panel, booked[-1])
        settle(app)
        cancel = panel.times.dialog
        assert cancel is not None
        QTest.mouseClick(cancel.cancel_booking_button, Qt.MouseButton.LeftButton)
        panel.calendar.setCurrentIndex(panel.model.index_of(week))
        panel.calendar.setFocus()
        shot(window, "calendar-activity.png")
        shot(panel.legend, "legend.png")

        # a Wednesday of the leisure centre that is full: Tom's request will wait
        choose(panel.child_combo, "MARTIN Tom")
        choose(panel.activity_combo, "ALSH MERCREDI")
        panel.show_month(2026, 12)
        waiting = [c.day for c in panel.model.cells() if in_state(c, "WAITLIST_OPEN")]
        click_day(panel, waiting[0])
        QTest.mouseClick(panel.validate_button, Qt.MouseButton.LeftButton)
        settle(app)
        recap = panel.recap_flow.recap_dialog
        assert recap is not None
        shot(recap, "recap.png")
        QTest.mouseClick(recap.confirm_button, Qt.MouseButton.LeftButton)
        results = panel.recap_flow.results_dialog
        assert results is not None
        shot(results, "results.png")
        results.close()

        # Inès's mornings copied from her sister Léa's
        choose(panel.child_combo, "MARTIN Inès")
        choose(panel.activity_combo, "APS MATIN")
        panel.show_month(2026, 12)
        QTest.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
        dialog = panel.copy_flow.dialog
        assert dialog is not None
        choose(dialog.child_combo, "MARTIN Léa")
        QTest.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        shot(dialog, "copy-result.png")
        dialog.close()

        window.clear()
        window.close()
        gateway.close()
        ctx.close()
    print(f"{len(written)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT))
