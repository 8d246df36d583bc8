"""The demo's reservations, made through the reservation engine as the families and the
front desk would have made them, month after month since the rentrée.

Each family books each month about ten days ahead (so its deadlines are met), with a weekly
pattern of its own; some days are cancelled later. Thirty households of the town without an
account (booked at the desk) fill ALSH MERCREDI on a few Wednesdays: one full, one with a
waiting list whose head was promoted when a place was freed, one where a place freed after
the deadline waits for staff while a child of the demo is still on the list.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from famdesk.clock import Clock, FixedClock
from famdesk.models import Account, Activity, ActivityDay, Child, Family, Registration, Structure
from famdesk.models.enums import Role
from famdesk.services import setup
from famdesk.services.auth import SYSTEM, SessionInfo, session_info
from famdesk.services.booking import confirm
from famdesk.services.calendars import school_year_of
from famdesk.services.database import Database
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
DEMOVILLE = "Mairie de Démoville"
ALSH_MERCREDI = "ALSH MERCREDI"
TOWN_HOUSEHOLDS = 30
TERMINAL = "DEMO"
LAST_NAMES = (
    "Bernard", "Thomas", "Robert", "Richard", "Durand", "Moreau", "Laurent", "Simon", "Michel",
    "Lefebvre", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard",
    "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Legrand",
    "Garnier", "Faure", "Rousseau", "Blanc",
)
CHILD_NAMES = (
    "Louise", "Gabriel", "Ambre", "Raphaël", "Rose", "Arthur", "Alice", "Louis", "Chloé", "Jules",
    "Anna", "Maël", "Mia", "Noah", "Julia", "Liam", "Lina", "Sacha", "Léonie", "Hugo", "Agathe",
    "Paul", "Iris", "Nolan", "Zoé", "Timéo", "Lou", "Ethan", "Nina", "Lucas",
)
PARENT_NAMES = ("Julie", "Nicolas", "Aurélie", "Sébastien", "Émilie", "Mathieu")


@dataclass(frozen=True)
class DemoBookings:
    confirms: int
    lines: int


class _Booker:
    def __init__(self, db: Database, today: date) -> None:
        self.db = db
        self.today = today
        self.confirms = 0
        self.lines = 0

    def confirm(self, clock: Clock, session: SessionInfo, lines: list[DraftLine],
                reason: str | None = None) -> None:
        if not lines:
            return
        with UnitOfWork(self.db, write=True) as uow:
            key = f"demo-{self.confirms}"
            confirm(uow, clock, session, Draft(tuple(lines)), key, terminal=TERMINAL, override_reason=reason)
        self.confirms += 1
        self.lines += len(lines)


def at(day: date, hour: int = 9) -> FixedClock:
    return FixedClock(datetime.combine(day, time(hour, 0), tzinfo=PARIS))


def book_demo(db: Database, clock: Clock, today: date) -> DemoBookings:
    booker = _Booker(db, today)
    start, _end = school_year_of(today)
    with UnitOfWork(db) as uow:
        families = _demo_families(uow)
        staff = session_info(uow.session.scalars(select(Account).where(Account.role == Role.STAFF)).first())
        alsh = uow.session.scalar(
            select(Activity).join(Structure).where(Structure.name == DEMOVILLE, Activity.label == ALSH_MERCREDI)
        )
        wednesdays = list(uow.session.scalars(
            select(ActivityDay.day).where(ActivityDay.activity_id == alsh.id, ActivityDay.day > today)
            .order_by(ActivityDay.day)
        ))
    _monthly_bookings(booker, families, start, today)
    if alsh is not None and len(wednesdays) >= 4:
        households = _town_households(db, clock, alsh.id, alsh.structure_id)
        _wednesdays(booker, clock, staff, families, households, alsh.id, wednesdays)
    log.info("demo bookings: %d confirms, %d lines", booker.confirms, booker.lines)
    return DemoBookings(booker.confirms, booker.lines)


@dataclass(frozen=True)
class _ChildPlan:
    child_id: int
    name: str
    activities: dict[int, tuple[Activity, tuple[int, ...], tuple[time, time] | None, frozenset[date]]]
    """activity id -> (activity, weekdays booked, times, the activity's open days)"""


@dataclass(frozen=True)
class _FamilyPlan:
    session: SessionInfo
    children: tuple[_ChildPlan, ...]


def _demo_families(uow: UnitOfWork) -> list[_FamilyPlan]:
    """Each demo family's children with a weekly pattern per registered activity."""
    plans = []
    open_days: dict[int, set[date]] = {}
    for activity_id, day in uow.session.execute(select(ActivityDay.activity_id, ActivityDay.day)):
        open_days.setdefault(activity_id, set()).add(day)
    accounts = uow.session.scalars(select(Account).where(Account.role == Role.FAMILY).order_by(Account.id))
    for account in accounts:
        session = session_info(account)
        children = []
        for child in uow.session.scalars(
            select(Child).join(Family).where(Family.account_id == account.id).order_by(Child.id)
        ):
            chance = random.Random(child.id * 7919)
            activities = {}
            for activity in uow.session.scalars(
                select(Activity).join(Registration, Registration.activity_id == Activity.id)
                .where(Registration.child_id == child.id).order_by(Activity.display_order)
            ):
                open_weekdays = sorted({o.weekday for o in activity.time_options}) or [0, 1, 2, 3, 4]
                count = max(1, min(len(open_weekdays), chance.choice((2, 3, 4))))
                weekdays = tuple(sorted(chance.sample(open_weekdays, count)))
                times = None
                if activity.time_entry:
                    options = [o for o in activity.time_options if o.weekday == weekdays[0]]
                    arrivals = sorted(o.at for o in options if o.kind.value == "arrival")
                    departures = sorted(o.at for o in options if o.kind.value == "departure")
                    times = (chance.choice(arrivals), chance.choice(departures))
                activities[activity.id] = (activity, weekdays, times,
                                           frozenset(open_days.get(activity.id, ())))
            children.append(_ChildPlan(child.id, child.first_name, activities))
        plans.append(_FamilyPlan(session, tuple(children)))
    return plans


def _month_days(first: date) -> list[date]:
    days, day = [], first
    while day.month == first.month:
        days.append(day)
        day += timedelta(days=1)
    return days


def _monthly_bookings(booker: _Booker, families: list[_FamilyPlan], start: date, today: date) -> None:
    """From the rentrée to next month: each family books each month ten days ahead."""
    first = start.replace(day=1)
    last_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    while first <= last_month:
        days = [d for d in _month_days(first) if d >= start]
        moment = at(max(first - timedelta(days=10), start - timedelta(days=10)))
        if moment.now().date() > today:
            break
        for family in families:
            lines = []
            for child in family.children:
                for activity_id, (activity, weekdays, times, opened) in child.activities.items():
                    open_days = [d for d in days if d in opened]
                    if activity.during_school_holidays_only:
                        wanted = open_days[:3]  # a few days of the holidays
                    elif activity.label == ALSH_MERCREDI:
                        # the Wednesdays to come are the front desk's scenes (see _wednesdays)
                        wanted = [d for d in open_days if d <= today][::2]
                    else:
                        wanted = [d for d in open_days if d.weekday() in weekdays]
                    arrival, departure = times if times else (None, None)
                    lines += [DraftLine(LineKind.BOOK, child.child_id, activity_id, d, arrival, departure)
                              for d in wanted]
            booker.confirm(moment, family.session, lines)
            # a week later, one day of the month is cancelled (a visit to the grandparents)
            booked = [line for line in lines if line.day - moment.now().date() > timedelta(days=14)]
            if booked:
                gone = booked[len(booked) // 2]
                booker.confirm(at(moment.now().date() + timedelta(days=3)), family.session,
                               [DraftLine(LineKind.CANCEL, gone.child_id, gone.activity_id, gone.day)])
        first = (first + timedelta(days=32)).replace(day=1)


def _town_households(db: Database, clock: Clock, activity_id: int, structure_id: int) -> list[int]:
    """Thirty households of the town without an account, one child each, for ALSH MERCREDI."""
    children = []
    with UnitOfWork(db, write=True) as uow:
        activity = uow.session.get_one(Activity, activity_id)
        for index, last_name in enumerate(LAST_NAMES[:TOWN_HOUSEHOLDS]):
            family_id = setup.create_family(
                uow, SYSTEM, structure_id, None, ("Mme", "M.")[index % 2], last_name,
                PARENT_NAMES[index % len(PARENT_NAMES)],
            )
            setup.set_quotient(uow, SYSTEM, family_id, 300 + 37 * index, activity.period_start)
            child_id = setup.add_child(uow, SYSTEM, family_id, CHILD_NAMES[index], last_name,
                                       date(activity.period_start.year - 7 - index % 4, 1 + index % 12, 1 + index))
            setup.register_child(uow, SYSTEM, child_id, activity_id, activity.period_start, activity.period_end)
            children.append(child_id)
        uow.commit()
    return children


def _wednesdays(booker: _Booker, clock: Clock, staff: SessionInfo, families: list[_FamilyPlan],
                households: list[int], activity_id: int, wednesdays: list[date]) -> None:
    """A full Wednesday, a waiting list with a promotion, a place freed too late."""
    now = clock.now()
    martin, others = families[0], families[1:]
    lea = martin.children[0].child_id

    def book(child_ids: list[int]) -> list[DraftLine]:
        return [DraftLine(LineKind.BOOK, c, activity_id, day) for c in child_ids]

    # next Wednesday: booked before its deadline, full, Léa waiting; a place freed since (too late)
    day = wednesdays[0]
    early = at(day - timedelta(days=14))
    if early.now() < now:
        booker.confirm(early, staff, [DraftLine(LineKind.BOOK, c, activity_id, day) for c in households[:24]])
        booker.confirm(early, martin.session, [DraftLine(LineKind.BOOK, lea, activity_id, day)])
        late = FixedClock(now - timedelta(hours=1))
        booker.confirm(late, staff, [DraftLine(LineKind.CANCEL, households[0], activity_id, day)],
                       reason="Enfant malade, prévenu par téléphone")
    # the one after: full with a waiting list; a cancellation promoted the head of the list
    day = wednesdays[2]
    booker.confirm(clock, staff, [DraftLine(LineKind.BOOK, c, activity_id, day) for c in households[:24]])
    booker.confirm(clock, martin.session, [DraftLine(LineKind.BOOK, lea, activity_id, day)])
    booker.confirm(clock, staff, [DraftLine(LineKind.BOOK, c, activity_id, day) for c in households[24:27]])
    booker.confirm(clock, staff, [DraftLine(LineKind.CANCEL, households[5], activity_id, day)])
    # and then: complete, waiting list included; a demo family's request is refused
    day = wednesdays[3]
    booker.confirm(clock, staff, [DraftLine(LineKind.BOOK, c, activity_id, day) for c in households[:30]])
    for family in others:
        wanted = [c.child_id for c in family.children if activity_id in c.activities]
        if wanted:
            booker.confirm(clock, family.session, [DraftLine(LineKind.BOOK, wanted[0], activity_id, day)])
            break
    del book
