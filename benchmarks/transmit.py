"""The nightly transmission at scale, and a desk's confirm while it runs.

    .venv/bin/python benchmarks/transmit.py [--quick]

Prints ``METRIC <name> <value> <unit>`` lines:

- ``transmit_50k_s``: a transmission of 50,000 movements over 5,000 families (reports
  written into the outbox; SMTP excluded: no mail server is set up) — target 30 s on SQLite;
- ``reports_per_s``: family reports built and rendered (text and HTML) per second — target
  10,000;
- ``confirm_during_transmit_ms``: the slowest of the desk's confirms made while a
  transmission runs (median also printed) — target 1,000.

``--quick`` uses a tenth of the city.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as at
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert

from famdesk.bootstrap import open_context
from famdesk.clock import FixedClock
from famdesk.models import Child, Family, Movement, Registration
from famdesk.models.enums import MovementKind, MovementOutcome, ReservationSource, Role, TariffMode
from famdesk.models.values import DeadlineRule
from famdesk.secrets import MemorySecretStore
from famdesk.services.auth import SYSTEM, SessionInfo, StructureChoice
from famdesk.services.booking import confirm
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.reports.family_report import (
    ReportLine,
    build_report,
    report_html,
    report_text,
)
from famdesk.services.setup import activities, people, structures
from famdesk.services.transmission import transmit
from famdesk.services.uow import UnitOfWork

START = date(2026, 9, 1)
END = date(2027, 7, 3)
NOW = datetime(2026, 9, 14, 20, 0, tzinfo=UTC)


def metric(name: str, value: float, unit: str) -> None:
    print(f"METRIC {name} {value:.3f} {unit}", flush=True)


def school_days(weekdays: set[int]) -> list[date]:
    days, day = [], START
    while day <= END:
        if day.weekday() in weekdays:
            days.append(day)
        day += timedelta(days=1)
    return days


def build(url: str, families: int, per_family: int):  # type: ignore[no-untyped-def]
    clock = FixedClock(NOW - timedelta(days=1))
    ctx = open_context(url, clock=clock, secrets=MemorySecretStore())
    with UnitOfWork(ctx.db, write=True) as uow:
        town = structures.create_structure(uow, SYSTEM, "Mairie de Bancville", "B")
        wallet = structures.create_wallet(uow, SYSTEM, town, "Restauration")
        meals = activities.create_activity(
            uow, SYSTEM, structure_id=town, wallet_id=wallet, label="RESTAURATION", colour="#E76F51",
            display_order=1, period_start=START, period_end=END, tariff_mode=TariffMode.UNIT,
            slot_minutes=None, brackets=[(0, None, Decimal("3.20"))],
            booking_rule=DeadlineRule.days_before(2, "working", at(10, 0)),
        )
        activities.open_days(uow, SYSTEM, meals, school_days({0, 1, 3, 4}), None, 0)
        desk = people.create_account(uow, SYSTEM, "accueil", "Bench-Secret-1", "Accueil",
                                     Role.STAFF, None, [town], clock=clock)
        uow.commit()
    s = ctx.db.write_engine
    with s.begin() as connection:
        connection.execute(insert(Family), [
            {"id": i, "structure_id": town, "civility": "Mme", "last_name": f"Famille{i}",
             "first_name": "Anne", "email": f"famille{i}@example.org"} for i in range(1, families + 1)
        ])
        connection.execute(insert(Child), [
            {"id": i, "family_id": i, "first_name": "Alex", "last_name": f"Famille{i}",
             "birth_date": date(2018, 1, 1)} for i in range(1, families + 1)
        ])
        connection.execute(insert(Registration), [
            {"child_id": i, "activity_id": meals, "starts_on": START, "ends_on": END}
            for i in range(1, families + 1)
        ])
        chance = random.Random(7)
        days = school_days({0, 1, 3, 4})
        kinds = [(MovementKind.BOOK, MovementOutcome.ACCEPTED)] * 8 + [
            (MovementKind.BOOK, MovementOutcome.WAITLISTED), (MovementKind.CANCEL, MovementOutcome.CANCELLED)]
        rows = []
        for family in range(1, families + 1):
            for day in chance.sample(days, per_family):
                kind, outcome = chance.choice(kinds)
                rows.append({
                    "family_id": family, "child_id": family, "activity_id": meals, "day": day,
                    "kind": kind, "outcome": outcome, "source": ReservationSource.PORTAL,
                    "remark": "", "terminal": "", "created_at": NOW - timedelta(hours=3),
                })
        for chunk in range(0, len(rows), 10_000):
            connection.execute(insert(Movement), rows[chunk:chunk + 10_000])
    staff = SessionInfo(desk, "accueil", "Accueil", Role.STAFF, (StructureChoice(town, "Mairie de Bancville", "Europe/Paris"),))
    return ctx, meals, staff


def bench_reports(count: int) -> float:
    lines = [
        ReportLine(kind, outcome, "RESTAURATION", 1, "DUPONT Alex", START + timedelta(days=i))
        for i, (kind, outcome) in enumerate([(MovementKind.BOOK, MovementOutcome.ACCEPTED)] * 8 + [
            (MovementKind.BOOK, MovementOutcome.WAITLISTED), (MovementKind.CANCEL, MovementOutcome.CANCELLED)])
    ]
    started = time.perf_counter()
    for _ in range(count):
        report = build_report("Mme DUPONT Anne", "Mairie de Bancville", lines)
        report_text(report)
        report_html(report)
    return count / (time.perf_counter() - started)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    families = 500 if args.quick else 5_000
    with tempfile.TemporaryDirectory(prefix="famdesk-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'city.db'}"
        started = time.perf_counter()
        ctx, meals, staff = build(url, families, 10)
        print(f"# city: {families} families, {families * 10} movements, built in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        clock = FixedClock(NOW)
        started = time.perf_counter()
        summary = transmit(ctx.db, clock, lambda _structure: None)
        elapsed = time.perf_counter() - started
        assert summary.movements == families * 10 and summary.emails_queued == families
        metric("transmit_50k_s" if not args.quick else "transmit_5k_s", elapsed, "s")
        metric("reports_per_s", bench_reports(2000 if args.quick else 10_000), "reports/s")

        # a second city of pending movements, and the desk confirming while it is transmitted
        with ctx.db.write_engine.begin() as connection:
            connection.execute(Movement.__table__.update().values(transmitted_at=None, reported_at=None))
        latencies: list[float] = []
        running = threading.Event()
        done = threading.Event()

        def night() -> None:
            running.set()
            transmit(ctx.db, FixedClock(NOW + timedelta(days=1)), lambda _structure: None)
            done.set()

        worker = threading.Thread(target=night)
        worker.start()
        running.wait()
        desk_clock = FixedClock(NOW + timedelta(days=1))
        day = date(2026, 10, 1)
        child = 1
        while not done.is_set() and child <= families:
            line = DraftLine(LineKind.BOOK, child, meals, day)
            t0 = time.perf_counter()
            with UnitOfWork(ctx.db, write=True) as uow:
                confirm(uow, desk_clock, staff, Draft((line,)), uuid.uuid4().hex)
            latencies.append((time.perf_counter() - t0) * 1000)
            child += 1
            time.sleep(0.01)
        worker.join()
        ctx.close()
    if latencies:
        print(f"# {len(latencies)} confirms during the run, median {statistics.median(latencies):.1f} ms", flush=True)
        metric("confirm_during_transmit_ms", max(latencies), "ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
