"""The booking tab over the city of `benchmarks/engine.py`: a month change, service to
repaint, and the painting of the 42 days.

    .venv/bin/python benchmarks/ui.py [--quick] [--runs N]

Prints ``METRIC <name> <value> <unit>`` lines (medians):

- ``month_switch_ms``: a click on "next month" in day mode (every activity of a child
  registered to several): the gateway's month view on its worker thread, the model reset,
  the calendar repainted — target 50 ms;
- ``month_switch_activity_ms``: the same with one activity selected (the activity's
  information is asked too);
- ``paint_month_ms``: `paint_day_cell()` for the 42 days into an image the calendar's size —
  target 4 ms.

The city is the engine benchmark's cached SQLite city (``.benchmarks-cache/``, built there
first when missing, exactly as `benchmarks/engine.py` builds it); this script works on a
copy of its own (``ui-work.db``, removed at the end), so both benchmarks may run at once.
Qt runs offscreen.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import engine  # noqa: E402  (benchmarks/engine.py: the city)
from PySide6.QtCore import QRect, Qt  # noqa: E402
from PySide6.QtGui import QImage, QPainter  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from famdesk.bootstrap import AppContext  # noqa: E402
from famdesk.clock import FixedClock  # noqa: E402
from famdesk.config import resolve_database  # noqa: E402
from famdesk.models import Child, Registration  # noqa: E402
from famdesk.secrets import MemorySecretStore  # noqa: E402
from famdesk.services.auth import SessionInfo  # noqa: E402
from famdesk.services.database import Database  # noqa: E402
from famdesk.services.uow import UnitOfWork  # noqa: E402
from famdesk.ui.app import create_application  # noqa: E402
from famdesk.ui.calendar.day_cell import paint_day_cell  # noqa: E402
from famdesk.ui.calendar.panel import BookingPanel  # noqa: E402
from famdesk.ui.gateway import LocalGateway  # noqa: E402
from famdesk.ui.runner import SyncRunner  # noqa: E402
from famdesk.ui.theme import apply_theme, calendar_palette  # noqa: E402

MONTHS = [(2026, 9), (2026, 10), (2026, 11), (2026, 12), (2027, 1), (2027, 2), (2027, 3),
          (2027, 4), (2027, 5), (2027, 6)]


class CityGateway(LocalGateway):
    """The gateway of the city's desk account, opened without a login (no password here)."""

    def __init__(self, ctx: AppContext, session: SessionInfo) -> None:
        super().__init__(ctx)
        self._session = session


def city_copy(shape: engine.Shape) -> Path:
    """A private copy of the cached city (which is built first when missing)."""
    engine.CACHE.mkdir(exist_ok=True)
    cached = engine.CACHE / f"engine-city-{shape.families}-{shape.key}.db"
    if not cached.exists():
        print(f"# building the city of {shape.families:,} families (once)", flush=True)
        building = engine.CACHE / f"ui-city-{shape.families}-{shape.key}.building"
        for stale in engine.CACHE.glob(building.name + "*"):
            stale.unlink()
        db = Database(resolve_database(f"sqlite:///{building}"))
        engine.build_city(db, shape)
        db.dispose()
        if not cached.exists():  # engine.py may have built it meanwhile
            building.replace(cached)
    work = engine.CACHE / "ui-work.db"
    for stale in engine.CACHE.glob(work.name + "*"):
        stale.unlink()
    shutil.copyfile(cached, work)
    return work


def busiest_child(db: Database) -> tuple[int, int]:
    """(child, family) of a child registered to the most activities."""
    with UnitOfWork(db) as uow:
        child_id = uow.session.scalar(
            select(Registration.child_id).group_by(Registration.child_id)
            .order_by(func.count().desc(), Registration.child_id).limit(1))
        family_id = uow.session.scalar(select(Child.family_id).where(Child.id == child_id))
    assert child_id is not None and family_id is not None
    return child_id, family_id


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def month_switches(panel: BookingPanel, runs: int) -> float:
    samples = []
    for number in range(runs + 3):
        year, month = MONTHS[number % len(MONTHS)]
        started = time.perf_counter()
        panel.show_month(year, month)
        panel.calendar.viewport().repaint()
        panel.month_label.repaint()
        spent = time.perf_counter() - started
        view = panel.model.view()
        assert view is not None and (view.year, view.month) == (year, month), panel.error_label.text()
        if number >= 3:  # the first ones warm the caches
            samples.append(spent)
    return median_ms(samples)


def paint_month(panel: BookingPanel, runs: int) -> float:
    view = panel.calendar
    model = panel.model
    rects = []
    for row in range(6):
        for column in range(7):
            index = model.index(row, column)
            cell = model.cell_at(index)
            assert cell is not None
            rects.append((view.visualRect(index), cell))
    image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
    palette = calendar_palette()
    samples = []
    for number in range(runs + 10):
        image.fill(Qt.GlobalColor.white)
        started = time.perf_counter()
        painter = QPainter(image)
        for rect, cell in rects:
            paint_day_cell(painter, QRect(rect), cell, palette, False)
        painter.end()
        if number >= 10:
            samples.append(time.perf_counter() - started)
    return median_ms(samples)


def metric(name: str, value: float, unit: str) -> None:
    print(f"METRIC {name} {value:.3f} {unit}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{engine.QUICK_FAMILIES} families instead of {engine.FULL_FAMILIES}")
    parser.add_argument("--families", type=int, help="the city's number of families")
    parser.add_argument("--runs", type=int, default=30, help="measures per figure (default 30)")
    args = parser.parse_args(argv)
    shape = engine.Shape(args.families or (engine.QUICK_FAMILIES if args.quick else engine.FULL_FAMILIES))
    work = city_copy(shape)
    db = Database(resolve_database(f"sqlite:///{work}"))
    city = engine.open_city(db)
    print("# SQLite city: " + ", ".join(f"{v:,} {k}" for k, v in city.counts.items()), flush=True)
    ctx = AppContext(db=db, clock=FixedClock(engine.NOW), secrets=MemorySecretStore())
    gateway = CityGateway(ctx, city.staff)
    app = create_application(["famdesk-benchmark"])
    apply_theme(app)
    runner = SyncRunner()
    try:
        child_id, family_id = busiest_child(db)
        panel = BookingPanel(gateway, runner)
        panel.resize(1200, 800)
        panel.show()
        runner.submit(gateway.booking_family(city.structure_id, family_id), panel.set_family, _raise)
        panel.child_combo.setCurrentIndex(panel.child_combo.findData(child_id))
        app.processEvents()
        activities = panel.activity_combo.count() - 1
        print(f"# child {child_id}: {activities} activities", flush=True)
        metric("month_switch_ms", month_switches(panel, args.runs), "ms")
        metric("paint_month_ms", paint_month(panel, args.runs * 10), "ms")
        panel.activity_combo.setCurrentIndex(1)
        app.processEvents()
        metric("month_switch_activity_ms", month_switches(panel, args.runs), "ms")
        panel.clear()
    finally:
        gateway.close()
        db.dispose()
        for used in engine.CACHE.glob(work.name + "*"):
            used.unlink()
    return 0


def _raise(exc: BaseException) -> None:
    raise exc


if __name__ == "__main__":
    sys.exit(main())
