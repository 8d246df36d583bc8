"""Twenty desks confirm at the same instant for the last places of one day.

Each request runs on a thread of its own, with an engine of its own (no shared pool), and the
threads are released together by a barrier. The day has 3 places left and a waiting list of 5:
whatever the interleaving, 3 requests are booked, 5 wait and 12 are refused, and the day's
counters stay equal to its reservations.

To make the worst interleaving happen rather than hope for it, every request holds its
transaction open after its reads, until all twenty have read (a rendezvous placed on the
thread's own engine, just before its first write). With the write lock the rendezvous cannot
fill — the others wait for the lock instead of reading — so it gives up after a moment and the
requests pass one by one. Without the lock all twenty read the same "3 places left":

- PostgreSQL (READ COMMITTED, no ``FOR UPDATE``) lets every one of them commit: far more than
  3 booked and counters that lost updates;
- SQLite (plain deferred ``BEGIN`` in WAL) lets the first writer through and answers the others
  "database is locked" at once (SQLITE_BUSY / BUSY_SNAPSHOT: a reader cannot become a writer
  on a stale snapshot, and the busy timeout does not apply) — nothing is corrupted, but
  requests fail instead of getting an answer.

The locked race also runs as it comes, without the rendezvous. And twenty desks asking for
the same child: one booking, whatever the lock; without it, the index on active reservations
refuses the others, who get a sentence to read, not a raw database error.

With the lock, twenty writers on SQLite take 1.5 to 2.5 s from the barrier to the last answer
(about 35 ms of work each with a fresh engine; the rest is SQLite's busy handler, which sleeps
up to 100 ms between tries): far from the 5 s busy timeout, which each request must stay under.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from statistics import median

import pytest
from sqlalchemy import Engine, event, func, or_, select

from famdesk.errors import DatabaseUnavailableError, FamdeskError
from famdesk.models import ActivityDay, Movement, Reservation
from famdesk.models.enums import ACTIVE_STATUSES, ReservationStatus, TariffMode
from famdesk.models.values import DeadlineRule
from famdesk.services.auth import SYSTEM
from famdesk.services.booking import confirm
from famdesk.services.database import SQLITE_BUSY_MS, Database
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.planning import Outcome
from famdesk.services.setup import activities, people, structures
from famdesk.services.uow import UnitOfWork
from tests.integration.town import YEAR_END, YEAR_START, Town, build_town

RACE_DAY = date(2026, 10, 7)  # a Wednesday, three weeks after the clock's Monday
CAPACITY, WAITLIST, ALREADY_BOOKED = 5, 5, 2
RACERS = 20
RENDEZVOUS_SECONDS = 0.5
"""How long a request holding the lock waits for the others before giving up the rendezvous."""


def check_invariants(db: Database, *, lists_may_overflow: Collection[int] = ()) -> list[str]:
    """What is wrong with the open days and reservations of `db` (empty when all is well).

    `lists_may_overflow`: open days (ids) whose waiting list may hold more than its size —
    children moved there by a lowered capacity (`capacity.Overflow.WAITLIST`)."""
    problems: list[str] = []
    with UnitOfWork(db) as uow:
        s = uow.session
        counted: dict[int, Counter[ReservationStatus]] = defaultdict(Counter)
        for day_id, status, count in s.execute(
            select(Reservation.activity_day_id, Reservation.status, func.count())
            .group_by(Reservation.activity_day_id, Reservation.status)
        ):
            counted[day_id][ReservationStatus(status)] = count
        days = s.scalars(
            select(ActivityDay)
            .where(or_(ActivityDay.booked_count > 0, ActivityDay.waitlisted_count > 0,
                       ActivityDay.id.in_(sorted(counted))))
            .order_by(ActivityDay.id)
        )
        for row in days:
            booked = counted[row.id][ReservationStatus.BOOKED]
            waiting = counted[row.id][ReservationStatus.WAITLISTED]
            where = f"activity {row.activity_id} on {row.day}"
            if row.booked_count != booked:
                problems.append(f"{where}: booked_count {row.booked_count} but {booked} booked")
            if row.waitlisted_count != waiting:
                problems.append(
                    f"{where}: waitlisted_count {row.waitlisted_count} but {waiting} waiting"
                )
            if row.capacity is not None and booked > row.capacity:
                problems.append(f"{where}: {booked} booked for {row.capacity} places")
            if row.waitlist_size is not None and waiting > row.waitlist_size \
                    and row.id not in lists_may_overflow:
                problems.append(f"{where}: {waiting} waiting on a list of {row.waitlist_size}")
        for child_id, activity_id, day, count in s.execute(
            select(Reservation.child_id, Reservation.activity_id, Reservation.day, func.count())
            .where(Reservation.status.in_(ACTIVE_STATUSES))
            .group_by(Reservation.child_id, Reservation.activity_id, Reservation.day)
            .having(func.count() > 1)
        ):
            problems.append(
                f"child {child_id}: {count} active reservations for activity {activity_id} on {day}"
            )
    return problems


# -- the scene ---------------------------------------------------------------------------


@dataclass
class Scene:
    town: Town
    activity: int
    racers: list[int]


def set_scene(url: str, clock) -> Scene:  # type: ignore[no-untyped-def]
    """The town, plus an activity open on RACE_DAY with 3 places left and a list of 5, and
    twenty children (ten families of two) registered to it."""
    town = build_town(url, clock)
    with town.uow(write=True) as uow:
        wallet = structures.create_wallet(uow, SYSTEM, town.structure_id, "Sorties")
        activity = activities.create_activity(
            uow, SYSTEM, structure_id=town.structure_id, wallet_id=wallet, label="SORTIE",
            colour="#5B8C5A", display_order=3, period_start=YEAR_START, period_end=YEAR_END,
            tariff_mode=TariffMode.UNIT, slot_minutes=None, brackets=[(0, None, Decimal("8.00"))],
            booking_rule=DeadlineRule.none(),
        )
        activities.open_days(uow, SYSTEM, activity, [RACE_DAY], CAPACITY, WAITLIST)
        children = []
        for number in range((ALREADY_BOOKED + RACERS) // 2):
            family = people.create_family(uow, SYSTEM, town.structure_id, None, "Mme",
                                          f"Famille{number:02d}", "Alex")
            for first_name in ("Jules", "Inès"):
                child = people.add_child(uow, SYSTEM, family, first_name, f"Famille{number:02d}",
                                         date(2018, 5, 1))
                people.register_child(uow, SYSTEM, child, activity, YEAR_START, YEAR_END)
                children.append(child)
        uow.commit()
    early, racers = children[:ALREADY_BOOKED], children[ALREADY_BOOKED:]
    with town.uow(write=True) as uow:
        first = confirm(uow, clock, SYSTEM, Draft(tuple(book(child, activity) for child in early)),
                        uuid.uuid4().hex)
    assert [line.outcome for line in first.recap.lines] == [Outcome.BOOKED] * ALREADY_BOOKED
    return Scene(town, activity, racers)


def book(child: int, activity: int) -> DraftLine:
    return DraftLine(LineKind.BOOK, child, activity, RACE_DAY)


def hold_reads_open(engine: Engine, rendezvous: threading.Barrier) -> None:
    """Before this engine's first write, wait until every request has read (or give up)."""
    waited = False

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        nonlocal waited
        if not waited and statement.lstrip()[:6].upper() in ("INSERT", "UPDATE"):
            waited = True
            # broken: the others are queued behind the lock, there is nothing to wait for
            with contextlib.suppress(threading.BrokenBarrierError):
                rendezvous.wait()


@dataclass
class Race:
    answers: dict[int, Outcome] = field(default_factory=dict)
    errors: dict[int, BaseException] = field(default_factory=dict)
    seconds: dict[int, float] = field(default_factory=dict)
    wall: float = 0.0

    @property
    def tally(self) -> Counter[Outcome]:
        return Counter(self.answers.values())

    def describe(self) -> str:
        latencies = sorted(self.seconds.values())
        errors = Counter(f"{type(e).__name__}: {e}" for e in self.errors.values())
        return (
            f"{dict(self.tally)} errors={dict(errors)} wall={self.wall * 1000:.0f} ms "
            f"latency median={median(latencies) * 1000:.0f} ms max={latencies[-1] * 1000:.0f} ms"
        )


def run_race(scene: Scene, *, write_lock: bool, hold: bool = True,
             children: list[int] | None = None) -> Race:
    """One request per child of `children` (default: the twenty racers), all at once; the
    answers, errors and latencies are kept by request number."""
    target, clock = scene.town.ctx.db.target, scene.town.clock
    children = children or scene.racers
    start = threading.Barrier(len(children), timeout=30)
    rendezvous = threading.Barrier(len(children), timeout=RENDEZVOUS_SECONDS)
    race = Race()
    lock = threading.Lock()

    def request(number: int, child: int) -> None:
        db = Database(target, write_lock=write_lock, pooled=False)
        if hold:
            hold_reads_open(db.write_engine, rendezvous)
        try:
            start.wait()
            began = time.perf_counter()
            try:
                with UnitOfWork(db, write=True) as uow:
                    result = confirm(uow, clock, SYSTEM, Draft((book(child, scene.activity),)),
                                     uuid.uuid4().hex)
                with lock:
                    race.answers[number] = result.recap.lines[0].outcome
            except BaseException as exc:  # every request must get an answer: keep what escaped
                with lock:
                    race.errors[number] = exc
            finally:
                with lock:
                    race.seconds[number] = time.perf_counter() - began
        finally:
            db.dispose()

    threads = [threading.Thread(target=request, args=pair) for pair in enumerate(children)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    race.wall = time.perf_counter() - began
    assert not any(thread.is_alive() for thread in threads), "a request never came back"
    print(f"\nwrite_lock={write_lock} {scene.town.ctx.db.target.url.get_backend_name()}: "
          f"{race.describe()}")
    return race


def sqlite_error(error: BaseException) -> str | None:
    """SQLite's name for the error behind a DatabaseUnavailableError ("SQLITE_BUSY"...)."""
    original = getattr(error.__cause__, "orig", None)
    return getattr(original, "sqlite_errorname", None)


def day_counts(scene: Scene) -> tuple[int, int, int]:
    """(booked reservations, waiting reservations, movements) of the race day."""
    with scene.town.uow() as uow:
        statuses = Counter(
            ReservationStatus(status) for status in uow.session.scalars(
                select(Reservation.status).where(Reservation.activity_id == scene.activity)
            )
        )
        movements = uow.session.scalar(
            select(func.count()).select_from(Movement).where(Movement.activity_id == scene.activity)
        )
    return statuses[ReservationStatus.BOOKED], statuses[ReservationStatus.WAITLISTED], movements


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def scene(database_url, clock):  # type: ignore[no-untyped-def]
    scene = set_scene(database_url, clock)
    yield scene
    scene.town.ctx.close()


@pytest.mark.parametrize("hold", [True, False], ids=["reads-held-open", "as-it-comes"])
def test_twenty_desks_for_three_places_and_a_list_of_five(scene, hold):
    race = run_race(scene, write_lock=True, hold=hold)
    # a lock timeout would be a DatabaseUnavailableError here: a failure like any other
    assert race.errors == {}, race.describe()
    assert max(race.seconds.values()) < SQLITE_BUSY_MS / 1000
    assert len(race.answers) == RACERS
    assert race.tally == {Outcome.BOOKED: 3, Outcome.WAITLISTED: 5, Outcome.REFUSED: 12}
    assert check_invariants(scene.town.ctx.db) == []
    # one movement per request, plus the two bookings made beforehand
    assert day_counts(scene) == (CAPACITY, WAITLIST, ALREADY_BOOKED + RACERS)


def test_without_the_write_lock_the_same_race_goes_wrong(scene):
    race = run_race(scene, write_lock=False)
    problems = check_invariants(scene.town.ctx.db)
    expected = {Outcome.BOOKED: 3, Outcome.WAITLISTED: 5, Outcome.REFUSED: 12}
    assert race.errors or problems or race.tally != expected, race.describe()
    if scene.town.ctx.db.target.is_postgresql:
        # every request read "3 places left" and committed: lost updates of the counters
        assert not race.errors, race.describe()
        assert race.tally[Outcome.BOOKED] > 3
        booked, _waiting, _movements = day_counts(scene)
        assert booked > CAPACITY
        assert any("booked_count" in p for p in problems), problems
        assert any("places" in p for p in problems), problems
    else:
        # SQLite keeps a single writer: the stale readers fail at their first write, at once
        assert race.errors, race.describe()
        assert all(isinstance(e, DatabaseUnavailableError) for e in race.errors.values())
        assert {sqlite_error(e) for e in race.errors.values()} <= {"SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT"}
        # not after the busy timeout: a reader cannot wait to become a writer
        assert max(race.seconds.values()) < SQLITE_BUSY_MS / 1000
        assert len(race.answers) < RACERS
        assert problems == []


@pytest.mark.parametrize("write_lock", [True, False], ids=["locked", "unlocked"])
def test_one_child_asked_from_twenty_desks_is_booked_once(scene, write_lock):
    race = run_race(scene, write_lock=write_lock, children=[scene.racers[0]] * RACERS)
    assert race.tally[Outcome.BOOKED] == 1, race.describe()
    assert check_invariants(scene.town.ctx.db) == []
    if write_lock:
        assert race.errors == {}, race.describe()
        assert race.tally[Outcome.REFUSED] == RACERS - 1
    else:
        # the index on active reservations refuses the others: each gets a sentence to read
        # (PostgreSQL: "someone changed these days"; SQLite: "the database is busy")
        assert all(isinstance(e, FamdeskError) for e in race.errors.values()), race.describe()
        assert len(race.errors) + race.tally[Outcome.REFUSED] == RACERS - 1
