"""Money at scale: the night's debit, a family's balances, an annual statement in PDF.

    .venv/bin/python benchmarks/money.py [--quick] [--runs N]

Builds a modest city on SQLite — 1,000 families (200 with ``--quick``), one or two children
each, school meals and evening care booked on most school days of 2027, with a few
cancellations and monthly payments — then prints ``METRIC <name> <value> <unit>`` lines:

- ``debit_s``: the transmission that debits the whole year at once (the first night after
  an import; a normal night debits a day);
- ``balances_ms``: median of `balances()` for a family (its own unit of work each, as the
  UI calls it), warm — target 20 ms;
- ``statement_pdf_ms``: median of `annual_statement()` and `statement_pdf()` of a family
  with 400 lines in the year, warm — target 150 ms.

The structure, wallets, activities, open days and desk account come from the set-up
services; the families, children and reservations are bulk inserts (a fixture, not a
workflow); the ledger is written by the transmission itself and by `record_payment`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as at
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select

from famdesk.bootstrap import open_context
from famdesk.clock import FixedClock
from famdesk.models import ActivityDay, Child, Family, LedgerEntry, Reservation
from famdesk.models.enums import ReservationSource, ReservationStatus, Role, TariffMode
from famdesk.models.values import DeadlineRule
from famdesk.secrets import MemorySecretStore
from famdesk.services.auth import SYSTEM, SessionInfo, StructureChoice
from famdesk.services.balances import balances
from famdesk.services.payments import record_payment
from famdesk.services.reports.statement_pdf import statement_pdf
from famdesk.services.setup import activities, people, structures
from famdesk.services.statements import annual_statement
from famdesk.services.transmission import transmit
from famdesk.services.uow import UnitOfWork

YEAR = 2027
START, END = date(YEAR, 1, 4), date(YEAR, 12, 17)
NIGHT = datetime(YEAR, 12, 31, 21, 0, tzinfo=UTC)
TOWN = "Mairie de Bancville"


def metric(name: str, value: float, unit: str) -> None:
    print(f"METRIC {name} {value:.3f} {unit}", flush=True)


def school_days(weekdays: set[int]) -> list[date]:
    days, day = [], START
    while day <= END:
        if day.weekday() in weekdays:
            days.append(day)
        day += timedelta(days=1)
    return days


def build(url: str, families: int):  # type: ignore[no-untyped-def]
    """The city; returns (context, staff session, structure id, wallet ids, the 400-line family)."""
    clock = FixedClock(datetime(YEAR, 1, 2, 9, 0, tzinfo=UTC))
    ctx = open_context(url, clock=clock, secrets=MemorySecretStore())
    rule = DeadlineRule.days_before(2, "working", at(10, 0))
    with UnitOfWork(ctx.db, write=True) as uow:
        town = structures.create_structure(uow, SYSTEM, TOWN, "B")
        meals_wallet = structures.create_wallet(uow, SYSTEM, town, "Restauration", 1)
        care_wallet = structures.create_wallet(uow, SYSTEM, town, "Périscolaire", 2)
        common = {"structure_id": town, "period_start": START, "period_end": END,
                  "tariff_mode": TariffMode.UNIT, "slot_minutes": None, "booking_rule": rule}
        meals = activities.create_activity(uow, SYSTEM, wallet_id=meals_wallet, label="RESTAURATION",
                                           colour="#E76F51", display_order=1, meals=True,
                                           brackets=[(0, None, Decimal("3.20"))], **common)
        care = activities.create_activity(uow, SYSTEM, wallet_id=care_wallet, label="APS SOIR",
                                          colour="#2A9D8F", display_order=2,
                                          brackets=[(0, None, Decimal("1.60"))], **common)
        days = school_days({0, 1, 3, 4})
        for activity in (meals, care):
            activities.open_days(uow, SYSTEM, activity, days, None, 0)
        desk = people.create_account(uow, SYSTEM, "accueil", "Bench-Secret-1", "Accueil",
                                     Role.STAFF, None, [town], clock=clock)
        uow.commit()
    with UnitOfWork(ctx.db) as uow:
        day_ids = {(a, d): i for i, a, d in uow.session.execute(
            select(ActivityDay.id, ActivityDay.activity_id, ActivityDay.day))}
    chance = random.Random(11)
    children: list[tuple[int, int]] = []  # (child, family)
    with ctx.db.write_engine.begin() as connection:
        connection.execute(insert(Family), [
            {"id": i, "structure_id": town, "civility": "Mme", "last_name": f"Famille{i}",
             "first_name": "Anne", "search_key": f"famille{i} anne"} for i in range(1, families + 1)])
        rows = []
        for family in range(1, families + 1):
            for n in range(1 if family % 3 else 2):
                child = len(children) + 1
                children.append((child, family))
                rows.append({"id": child, "family_id": family, "first_name": f"Enfant{n}",
                             "last_name": f"Famille{family}", "birth_date": date(2018, 1, 1)})
        connection.execute(insert(Child), rows)
        reservations = []
        for child, family in children:
            for activity, price, share in ((meals, 320, 0.9), (care, 160, 0.5 if family > 1 else 1.0)):
                for day in days:
                    if family != 1 and chance.random() > share:
                        continue
                    status = ReservationStatus.BOOKED
                    if family != 1 and chance.random() < 0.03:
                        status = ReservationStatus.CANCELLED
                    reservations.append({
                        "child_id": child, "activity_id": activity,
                        "activity_day_id": day_ids[(activity, day)], "day": day, "arrival": None,
                        "departure": None, "status": status, "requested_at": clock.now(),
                        "source": ReservationSource.PORTAL, "price_cents": price,
                        "enrollment_id": None})
        for chunk in range(0, len(reservations), 20_000):
            connection.execute(insert(Reservation), reservations[chunk:chunk + 20_000])
    staff = SessionInfo(desk, "accueil", "Accueil", Role.STAFF, (StructureChoice(town, TOWN, "Europe/Paris"),))
    return ctx, staff, town, (meals_wallet, care_wallet), len(reservations)


def pay_monthly(ctx, staff: SessionInfo, wallets: tuple[int, int], families: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Each of `families` pays at the desk early in each month (the ledger's payment lines)."""
    for month in range(2, 13):
        clock = FixedClock(datetime(YEAR, month, 5, 9, 0, tzinfo=UTC))
        for family in families:
            with UnitOfWork(ctx.db, write=True) as uow:
                record_payment(uow, clock, staff, family, "cash",
                               {wallets[0]: Decimal("40.00"), wallets[1]: Decimal("12.00")})


def median_ms(action, runs: int) -> float:  # type: ignore[no-untyped-def]
    for _ in range(3):  # warm: caches, statements, fonts
        action()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    families = 200 if args.quick else 1_000
    with tempfile.TemporaryDirectory(prefix="famdesk-money-") as folder:
        url = f"sqlite:///{Path(folder) / 'city.db'}"
        started = time.perf_counter()
        ctx, staff, town, wallets, count = build(url, families)
        print(f"# city: {families} families, {count} reservations, built in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        started = time.perf_counter()
        transmit(ctx.db, FixedClock(NIGHT), lambda _structure: None)
        metric("debit_s", time.perf_counter() - started, "s")
        pay_monthly(ctx, staff, wallets, [1, *range(2, families + 1, 50)])
        clock = FixedClock(NIGHT + timedelta(hours=12))
        with UnitOfWork(ctx.db) as uow:
            entries = uow.session.scalar(select(func.count()).select_from(LedgerEntry))
            lines = len(annual_statement(uow, clock, staff, town, 1, year=YEAR).lines)
        print(f"# ledger: {entries} entries; the statement's family has {lines} lines", flush=True)

        chance = random.Random(3)
        picked = [chance.randint(1, families) for _ in range(args.runs + 3)]

        def one_balance() -> None:
            with UnitOfWork(ctx.db) as uow:
                balances(uow, clock, staff, town, picked.pop(), until=date(YEAR, 12, 31))

        metric("balances_ms", median_ms(one_balance, args.runs), "ms")

        def one_statement() -> None:
            with UnitOfWork(ctx.db) as uow:
                statement = annual_statement(uow, clock, staff, town, 1, year=YEAR)
            statement_pdf(statement, clock.now())

        metric("statement_pdf_ms", median_ms(one_statement, max(5, args.runs // 3)), "ms")
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
