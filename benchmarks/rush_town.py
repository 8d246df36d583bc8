"""The town of the opening-day rush: N family accounts whose children want the same few days.

The structure, its two activities, the opening days and the manager come from the set-up
services; the families, their accounts (one argon2 hash made once, by famdesk's own hasher,
shared by every account: the same password), quotients, children and registrations are bulk
inserts (a fixture, not a workflow).

Contended days: the first `RESTAURATION_DAYS` school days and `ALSH_DAYS` Wednesdays at least
`LEAD_DAYS` ahead of today (the server runs on the real clock, so the deadlines are open).
Their capacity is a part of the places the families will ask for: the canteen has no waiting
list (the rest are refused), the Wednesday centre a short one (then refused).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as at
from decimal import Decimal

from sqlalchemy import func, insert, select

from famdesk.clock import FixedClock
from famdesk.models import Account, Child, Family, QuotientFamilial, Registration
from famdesk.models.accounts import account_structure
from famdesk.models.enums import HolidayZone, Role, TariffMode
from famdesk.models.values import DeadlineRule
from famdesk.services.auth import SYSTEM
from famdesk.services.calendars import opening_days
from famdesk.services.database import Database
from famdesk.services.folding import fold
from famdesk.services.passwords import hash_secret
from famdesk.services.setup import activities, people, structures
from famdesk.services.uow import UnitOfWork

PASSWORD = "Rentree-Rush-2026"
ADMIN_LOGIN = "gestion"
ZONE = HolidayZone.B
LEAD_DAYS = 10
RESTAURATION_DAYS, ALSH_DAYS = 6, 3
ASKED = {"RESTAURATION": 2, "ALSH MERCREDI": 1}
"""Days each child asks for, per activity, among the contended ones."""
FILL = {"RESTAURATION": 0.35, "ALSH MERCREDI": 0.5}
"""Places of a contended day, as a part of the children asking for it."""
WAITLIST = {"RESTAURATION": 0.0, "ALSH MERCREDI": 0.2}
QF = [(0, 450, Decimal("3.10")), (451, 800, Decimal("4.20")), (801, None, Decimal("5.30"))]
BATCH = 5000


@dataclass(frozen=True)
class RushFamily:
    login: str
    children: tuple[int, ...]


@dataclass(frozen=True)
class RushTown:
    structure_id: int
    activity_ids: dict[str, int]
    contended: dict[str, tuple[date, ...]]
    """Per activity label, its contended days."""
    families: tuple[RushFamily, ...]
    password: str = PASSWORD


def contended_days(today: date) -> dict[str, tuple[date, ...]]:
    first, last = today + timedelta(days=LEAD_DAYS), today + timedelta(days=LEAD_DAYS + 120)
    school = opening_days(first, last, (0, 1, 3, 4), ZONE)
    wednesdays = opening_days(first, last, (2,), ZONE)
    return {"RESTAURATION": tuple(school[:RESTAURATION_DAYS]),
            "ALSH MERCREDI": tuple(wednesdays[:ALSH_DAYS])}


def build_town(db: Database, families: int, today: date, seed: int = 2026) -> RushTown:
    """Schema, set-up services, then the bulk rows; `db` must be empty."""
    db.upgrade()
    now = datetime.combine(today, at(7, 0), tzinfo=UTC)
    clock = FixedClock(now)
    period = (today - timedelta(days=60), today + timedelta(days=240))
    days = contended_days(today)
    children_count = sum(1 if n % 2 else 2 for n in range(1, families + 1))
    with UnitOfWork(db, write=True) as uow:
        town = structures.create_structure(uow, SYSTEM, "Mairie de Grandeville", ZONE)
        wallet = structures.create_wallet(uow, SYSTEM, town, "Périscolaire")
        rules = {"RESTAURATION": DeadlineRule.days_before(2, "working", at(12, 0)),
                 "ALSH MERCREDI": DeadlineRule.weekday_before(3, 1, at(12, 0))}
        weekdays = {"RESTAURATION": (0, 1, 3, 4), "ALSH MERCREDI": (2,)}
        ids = {}
        for order, label in enumerate(("RESTAURATION", "ALSH MERCREDI"), start=1):
            ids[label] = activities.create_activity(
                uow, SYSTEM, structure_id=town, wallet_id=wallet, label=label,
                colour=("#E4572E", "#F18F01")[order - 1], display_order=order,
                period_start=period[0], period_end=period[1], tariff_mode=TariffMode.UNIT,
                slot_minutes=None, brackets=QF, booking_rule=rules[label])
            asking = children_count * ASKED[label] / len(days[label])
            capacity = max(1, math.ceil(asking * FILL[label]))
            waitlist = math.ceil(asking * WAITLIST[label])
            activities.open_days(uow, SYSTEM, ids[label], days[label], capacity, waitlist)
            # the other days of the period: plenty of room
            others = set(opening_days(*period, weekdays[label], ZONE)) - set(days[label])
            activities.open_days(uow, SYSTEM, ids[label], others, children_count, 0)
        people.create_account(uow, SYSTEM, ADMIN_LOGIN, PASSWORD, "Gestion", Role.ADMIN,
                              "gestion@example.org", [town], clock=clock)
        uow.commit()
    made = _bulk_families(db, families, town, ids, period, now, seed)
    return RushTown(town, ids, days, made)


def _bulk_families(db: Database, count: int, town: int, ids: dict[str, int],
                   period: tuple[date, date], now: datetime, seed: int) -> tuple[RushFamily, ...]:
    rnd = random.Random(seed)
    password_hash = hash_secret(PASSWORD)  # once: every account has the same password
    accounts, links, families, quotients, children, registrations = [], [], [], [], [], []
    made = []
    child_id = 0
    with UnitOfWork(db) as uow:  # ids after the set-up's own rows
        first_account = 1 + (uow.session.scalar(select(func.max(Account.id))) or 0)
    for number in range(1, count + 1):
        account_id = first_account + number - 1
        login = f"famille{number:05d}"
        last_name = f"Famille{number:05d}"
        accounts.append(dict(id=account_id, login=login, password_hash=password_hash,
                             display_name=f"Dominique {last_name}", email=None, role=Role.FAMILY,
                             failed_logins=0, must_change_password=False, created_at=now))
        links.append(dict(account_id=account_id, structure_id=town))
        kids = []
        names = []
        for rank in range(1 if number % 2 else 2):
            child_id += 1
            first_name = ("Léa", "Tom", "Zoé", "Noah")[rank + number % 3]
            kids.append(child_id)
            names += [last_name, first_name]
            children.append(dict(id=child_id, family_id=number, first_name=first_name,
                                 last_name=last_name, birth_date=date(2016 + child_id % 5, 1, 1),
                                 school=None, class_name=None))
            for activity_id in ids.values():
                registrations.append(dict(child_id=child_id, activity_id=activity_id,
                                          starts_on=period[0], ends_on=period[1]))
        key = fold(" ".join([last_name, "Dominique", *names, login]))
        families.append(dict(id=number, structure_id=town, account_id=account_id,
                             civility=rnd.choice(("M.", "Mme")), last_name=last_name,
                             first_name="Dominique", email=None, phone=None, address=None,
                             search_key=key))
        quotients.append(dict(family_id=number, value=rnd.randint(150, 2200),
                              valid_from=period[0], valid_until=None))
        made.append(RushFamily(login, tuple(kids)))
    with db.write_engine.begin() as connection:
        for table, rows in ((Account.__table__, accounts), (account_structure, links),
                            (Family.__table__, families), (QuotientFamilial.__table__, quotients),
                            (Child.__table__, children), (Registration.__table__, registrations)):
            for start in range(0, len(rows), BATCH):
                connection.execute(insert(table), rows[start:start + BATCH])
        for table in ("account", "family", "child"):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        connection.exec_driver_sql("ANALYZE")
    return tuple(made)
