"""The reservation engine driven at random on a real SQLite file (Hypothesis state machine).

Five children of three families, two small activities (1 place and a list of 2; 2 places and
a list of 1) over three open days whose deadlines fall at different moments of the run:
Monday 14 September 2026 is today (its deadline, Sunday noon, is gone: only the desk, passing
it with a reason, may act), Tuesday's deadline is two hours away and Wednesday's a day away.
Steps, as the desk:
- confirm a draft, passing the deadlines or not — any one to four lines (book, cancel, change
  of times, or a click that cancels what is held and books what is not), or several
  children's clicks on one day;
- replay the last confirm (same key: same answer, nothing written);
- change a day's places (`capacity.change_capacity`: capacity 0-4 or unlimited, list size,
  refusing or moving to the list the booked children in excess), or promote by hand;
- let time pass.

After every step, on what the database holds:
- each open day's counters equal its reservations by status; booked <= capacity, waiting <=
  the list's size (except children moved there by a lowered capacity); no child holds two
  active reservations for one activity and day;
- a day with someone waiting and a free place is past its cancellation deadline (before it,
  the head of the list would have been promoted).
Around every confirm: the recap (preview) announced what the confirm did; each place freed on
a day still cancellable went to the head of its list in (requested_at, id) order — the
PROMOTION movements, in the order written, are exactly the first waiting reservations that
did not leave in the same draft; no newcomer was booked while others still wait; no list grew
past its size. Around every change of places: the promoted and the moved are the ones expected,
in list order, and nothing changed when the service refused.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select, text

from famdesk.bootstrap import open_context
from famdesk.clock import FixedClock
from famdesk.config import resolve_database
from famdesk.errors import ValidationError
from famdesk.models import ActivityDay, Movement, Reservation
from famdesk.models.enums import ACTIVE_STATUSES, MovementKind, ReservationStatus, Role, TariffMode
from famdesk.models.values import DeadlineRule
from famdesk.secrets import MemorySecretStore
from famdesk.services.activity_rules import ActivityRules, load_rules
from famdesk.services.auth import SYSTEM, SessionInfo, StructureChoice
from famdesk.services.booking import Recap, confirm, preview
from famdesk.services.capacity import KEEP, Overflow, change_capacity, promote
from famdesk.services.database import Database
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.setup import activities, people, structures
from famdesk.services.uow import UnitOfWork
from tests.integration.test_races import check_invariants

START = datetime(2026, 9, 14, 8, 0, tzinfo=UTC)  # Monday 10:00 in Paris
DAYS = (date(2026, 9, 14), date(2026, 9, 15), date(2026, 9, 16))
J1_NOON = DeadlineRule.days_before(1, "calendar", time(12, 0))
ALSH_PLACES, APS_PLACES = (1, 2), (2, 1)  # (capacity, waiting-list size)
TOGGLE = "toggle"
"""A click: a cancel when the child holds the day, else a booking."""
APS_TIMES = {d: ([time(7, 0), time(7, 30)], [time(8, 20), time(8, 45)]) for d in range(5)}
TIME_CHOICES = (
    (time(7, 0), time(8, 20)),
    (time(7, 30), time(8, 45)),
    (time(7, 0), time(8, 45)),
    (time(6, 30), time(8, 20)),  # not allowed
    (None, None),  # missing
)


@dataclass(frozen=True)
class Template:
    """A database file with the little town in it, copied for every run of the machine."""

    path: Path
    alsh: int  # unit price, 1 place, list of 2
    aps: int  # time entry, 2 places, list of 1
    children: tuple[int, ...]
    staff: SessionInfo


def build_template(folder: Path) -> Template:
    path = folder / "template.db"
    ctx = open_context(f"sqlite:///{path}", clock=FixedClock(START), secrets=MemorySecretStore())
    s = SYSTEM
    with UnitOfWork(ctx.db, write=True) as uow:
        town = structures.create_structure(uow, s, "Mairie de Hasardville", "B")
        wallet = structures.create_wallet(uow, s, town, "Périscolaire")
        period = dict(period_start=date(2026, 9, 1), period_end=date(2027, 7, 3))
        alsh = activities.create_activity(
            uow, s, structure_id=town, wallet_id=wallet, label="ALSH", colour="#F18F01",
            display_order=1, tariff_mode=TariffMode.UNIT, slot_minutes=None,
            brackets=[(0, 600, Decimal("6.00")), (601, None, Decimal("10.00"))],
            booking_rule=J1_NOON, **period,
        )
        aps = activities.create_activity(
            uow, s, structure_id=town, wallet_id=wallet, label="APS", colour="#2E86AB",
            display_order=2, tariff_mode=TariffMode.SLOT, slot_minutes=30,
            brackets=[(0, None, Decimal("0.80"))], booking_rule=J1_NOON, time_options=APS_TIMES,
            **period,
        )
        activities.open_days(uow, s, alsh, DAYS, *ALSH_PLACES)
        activities.open_days(uow, s, aps, DAYS, *APS_PLACES)
        staff = people.create_account(uow, s, "accueil", "Secret-Desk-1", "Accueil", Role.STAFF,
                                      None, [town], clock=FixedClock(START))
        children = []
        for name, kids, qf in (("Martin", 2, 450), ("Dubois", 2, 900), ("Petit", 1, None)):
            family = people.create_family(uow, s, town, None, "Mme", name, "Camille")
            if qf is not None:
                people.set_quotient(uow, s, family, qf, date(2026, 9, 1))
            for number in range(kids):
                child = people.add_child(uow, s, family, f"Enfant{number}", name, date(2018, 1, 1))
                children.append(child)
                people.register_child(uow, s, child, alsh, date(2026, 9, 1), date(2027, 7, 3))
                if name != "Petit":  # the Petit child is not registered to the APS
                    people.register_child(uow, s, child, aps, date(2026, 9, 1), date(2027, 7, 3))
        uow.commit()
    ctx.close()  # the last connection closed folds the WAL back into the file
    assert not path.with_name(path.name + "-wal").exists()
    session = SessionInfo(staff, "accueil", "Accueil", Role.STAFF,
                          (StructureChoice(town, "Mairie de Hasardville", "Europe/Paris"),))
    return Template(path, alsh, aps, tuple(children), session)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Template:  # type: ignore[no-untyped-def]
    return build_template(tmp_path_factory.mktemp("engine-machine"))


# -- the machine -------------------------------------------------------------------------

KINDS = st.sampled_from([TOGGLE, TOGGLE, *LineKind])
CHILD = st.integers(0, 4)
DAY = st.integers(0, len(DAYS) - 1)
TIMES = st.sampled_from(TIME_CHOICES)
line_specs = st.tuples(KINDS, CHILD, st.booleans(), DAY, TIMES)
"""(kind, child, APS rather than ALSH, day, times): any line at all."""
one_day_moves = st.lists(st.tuples(KINDS, CHILD, TIMES), min_size=1, max_size=5,
                         unique_by=lambda move: move[1])
"""Several children on one day: where places run out and lists move."""


@dataclass(frozen=True)
class Snapshot:
    """The days' lists and bookings, in (requested_at, id) order, every reservation's status
    and the last movement, between two steps."""

    queues: dict[int, list[int]]
    booked: dict[int, list[int]]
    statuses: dict[int, ReservationStatus]
    capacities: dict[int, int | None]
    sizes: dict[int, int | None]
    last_movement: int


class EngineMachine(RuleBasedStateMachine):
    def __init__(self, template: Template) -> None:
        super().__init__()
        self.t = template
        self.folder = Path(tempfile.mkdtemp(prefix="famdesk-machine-"))
        path = self.folder / "famdesk.db"
        shutil.copyfile(template.path, path)
        self.db = Database(resolve_database(f"sqlite:///{path}"))
        self.clock = FixedClock(START)
        with UnitOfWork(self.db) as uow:
            self.rules: dict[int, ActivityRules] = load_rules(uow, [template.alsh, template.aps])
            self.day_of = {
                row.id: (row.activity_id, row.day) for row in uow.session.scalars(select(ActivityDay))
            }
        self.day_id = {key: day_id for day_id, key in self.day_of.items()}
        self.last: tuple[str, Draft, str | None, Recap] | None = None
        self.overflowing: set[int] = set()
        """Days whose list holds more than its size: children moved there by a lowered capacity."""

    def teardown(self) -> None:
        self.db.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- rules -------------------------------------------------------------------------

    @rule(specs=st.lists(line_specs, min_size=1, max_size=4), passing=st.booleans())
    def confirm_any_lines(self, specs, passing: bool) -> None:  # type: ignore[no-untyped-def]
        self.confirm_lines(specs, passing)

    @rule(aps=st.booleans(), day=DAY, moves=one_day_moves, passing=st.booleans())
    def confirm_one_day(self, aps: bool, day: int, moves, passing: bool) -> None:  # type: ignore[no-untyped-def]
        self.confirm_lines([(kind, child, aps, day, times) for kind, child, times in moves], passing)

    def confirm_lines(self, specs, passing: bool) -> None:  # type: ignore[no-untyped-def]
        held = self.held()
        draft = Draft(tuple(self.line(*spec, held=held) for spec in specs))
        reason = "accord du directeur" if passing else None
        with UnitOfWork(self.db) as uow:
            announced = preview(uow, self.clock, self.t.staff, draft, reason)
        before = self.snapshot()
        key = uuid.uuid4().hex
        with UnitOfWork(self.db, write=True) as uow:
            result = confirm(uow, self.clock, self.t.staff, draft, key, override_reason=reason)
        assert not result.replayed
        assert result.recap == announced, "the recap did not announce what the confirm did"
        self.check_confirm(before)
        self.last = (key, draft, reason, result.recap)

    @precondition(lambda self: self.last is not None)
    @rule()
    def replay_the_last_confirm(self) -> None:
        assert self.last is not None
        key, draft, reason, recap = self.last
        before = self.fingerprint()
        with UnitOfWork(self.db, write=True) as uow:
            result = confirm(uow, self.clock, self.t.staff, draft, key, override_reason=reason)
        assert result.replayed and result.recap == recap
        assert self.fingerprint() == before

    @rule(aps=st.booleans(), day=DAY, capacity=st.one_of(st.none(), st.integers(0, 4)),
          size=st.sampled_from([KEEP, KEEP, None, 0, 1, 2, 3]), overflow=st.sampled_from(Overflow))
    def change_the_places(self, aps: bool, day: int, capacity: int | None, size, overflow) -> None:  # type: ignore[no-untyped-def]
        activity = self.t.aps if aps else self.t.alsh
        day_id = self.day_id[(activity, DAYS[day])]
        before = self.snapshot()
        try:
            with UnitOfWork(self.db, write=True) as uow:
                result = change_capacity(uow, self.clock, self.t.staff, activity, DAYS[day],
                                         capacity, waitlist_size=size, overflow=overflow)
        except ValidationError:
            assert self.snapshot() == before, "a refused change changed something"
            return
        queue, booked = before.queues.get(day_id, []), before.booked.get(day_id, [])
        excess = max(len(booked) - capacity, 0) if capacity is not None else 0
        assert overflow is Overflow.WAITLIST or not excess
        # the last booked go to the head of the list, in their order
        assert result.moved_to_waitlist == tuple(booked[len(booked) - excess:])
        expected: list[int] = []
        if not excess and self.families_may_cancel(day_id):
            free = len(queue) if capacity is None else capacity - len(booked)
            expected = queue[:free]
        assert result.promoted == tuple(expected), f"promoted {result.promoted}, expected {expected}"
        assert self.promotions_since(before) == ({day_id: expected} if expected else {})
        if result.moved_to_waitlist:
            self.overflowing.add(day_id)

    @rule(aps=st.booleans(), day=DAY, pick=st.one_of(st.none(), st.integers(0, 3)))
    def promote_by_hand(self, aps: bool, day: int, pick: int | None) -> None:
        activity = self.t.aps if aps else self.t.alsh
        day_id = self.day_id[(activity, DAYS[day])]
        before = self.snapshot()
        queue = before.queues.get(day_id, [])
        chosen = queue[pick] if pick is not None and pick < len(queue) else None
        try:
            with UnitOfWork(self.db, write=True) as uow:
                result = promote(uow, self.clock, self.t.staff, activity, DAYS[day], chosen)
        except ValidationError:
            assert self.snapshot() == before, "a refused promotion changed something"
            return
        expected = chosen if chosen is not None else queue[0]
        assert result.promoted == (expected,)
        assert self.promotions_since(before) == {day_id: [expected]}

    @rule(hours=st.integers(1, 12))
    def time_passes(self, hours: int) -> None:
        self.clock.advance(timedelta(hours=hours))

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def counters_places_and_single_bookings(self) -> None:
        sizes = self.snapshot()
        for day_id in list(self.overflowing):
            size = sizes.sizes[day_id]
            if size is None or len(sizes.queues.get(day_id, [])) <= size:
                self.overflowing.discard(day_id)
        assert check_invariants(self.db, lists_may_overflow=self.overflowing) == []

    @invariant()
    def no_free_place_kept_from_those_waiting_before_the_deadline(self) -> None:
        with UnitOfWork(self.db) as uow:
            for row in uow.session.scalars(select(ActivityDay).where(ActivityDay.waitlisted_count > 0)):
                if row.capacity is None or row.booked_count < row.capacity:
                    assert not self.families_may_cancel(row.id), (
                        f"{row.day}: {row.booked_count}/{row.capacity} booked and "
                        f"{row.waitlisted_count} waiting before the cancellation deadline"
                    )

    # -- helpers -------------------------------------------------------------------------

    def families_may_cancel(self, day_id: int) -> bool:
        activity_id, day = self.day_of[day_id]
        return self.clock.now() < self.rules[activity_id].cancellation_deadline(day)

    def held(self) -> set[tuple[int, int, date]]:
        with UnitOfWork(self.db) as uow:
            return set(uow.session.execute(
                select(Reservation.child_id, Reservation.activity_id, Reservation.day)
                .where(Reservation.status.in_(ACTIVE_STATUSES))
            ).all())

    def line(self, kind, child: int, aps: bool, day: int, times, *, held) -> DraftLine:  # type: ignore[no-untyped-def]
        activity = self.t.aps if aps or kind is LineKind.CHANGE_TIMES else self.t.alsh
        if kind == TOGGLE:
            held_now = (self.t.children[child], activity, DAYS[day]) in held
            kind = LineKind.CANCEL if held_now else LineKind.BOOK
        arrival, departure = times if activity == self.t.aps and kind is not LineKind.CANCEL else (None, None)
        return DraftLine(kind, self.t.children[child], activity, DAYS[day], arrival, departure)

    def snapshot(self) -> Snapshot:
        queues: dict[int, list[int]] = defaultdict(list)
        booked: dict[int, list[int]] = defaultdict(list)
        statuses: dict[int, ReservationStatus] = {}
        with UnitOfWork(self.db) as uow:
            s = uow.session
            for rid, day_id, status in s.execute(
                select(Reservation.id, Reservation.activity_day_id, Reservation.status)
                .order_by(Reservation.requested_at, Reservation.id)
            ):
                statuses[rid] = status = ReservationStatus(status)
                if status is ReservationStatus.WAITLISTED:
                    queues[day_id].append(rid)
                elif status is ReservationStatus.BOOKED:
                    booked[day_id].append(rid)
            capacities, sizes = {}, {}
            for day_id, capacity, size in s.execute(
                select(ActivityDay.id, ActivityDay.capacity, ActivityDay.waitlist_size)
            ):
                capacities[day_id], sizes[day_id] = capacity, size
            last = s.scalar(select(func.coalesce(func.max(Movement.id), 0)))
        return Snapshot(dict(queues), dict(booked), statuses, capacities, sizes, last)

    def promotions_since(self, before: Snapshot) -> dict[int, list[int]]:
        """The reservations promoted since `before`, by day, in the order of their movements."""
        promoted: dict[int, list[int]] = defaultdict(list)
        with UnitOfWork(self.db) as uow:
            for rid, day_id in uow.session.execute(
                select(Movement.reservation_id, Reservation.activity_day_id)
                .join(Reservation, Reservation.id == Movement.reservation_id)
                .where(Movement.id > before.last_movement, Movement.kind == MovementKind.PROMOTION)
                .order_by(Movement.id)
            ):
                promoted[day_id].append(rid)
        return dict(promoted)

    def check_confirm(self, before: Snapshot) -> None:
        """Each place freed while the day is cancellable went to the next one waiting; no
        newcomer was booked ahead of those still waiting; no list grew past its size."""
        after = self.snapshot()
        promoted = self.promotions_since(before)
        with UnitOfWork(self.db) as uow:
            by_day = dict(uow.session.execute(select(Reservation.id, Reservation.activity_day_id)).all())
        freed: dict[int, int] = defaultdict(int)
        left: set[int] = set()
        for rid, status in before.statuses.items():
            if after.statuses[rid] is ReservationStatus.CANCELLED:
                if status is ReservationStatus.BOOKED:
                    freed[by_day[rid]] += 1
                elif status is ReservationStatus.WAITLISTED:
                    left.add(rid)
        newly_booked = {by_day[rid] for rid, status in after.statuses.items()
                        if rid not in before.statuses and status is ReservationStatus.BOOKED}
        for day_id in set(freed) | set(promoted) | newly_booked:
            day = self.day_of[day_id][1]
            staying = [rid for rid in before.queues.get(day_id, []) if rid not in left]
            count = min(freed[day_id], len(staying)) if self.families_may_cancel(day_id) else 0
            expected = staying[:count]
            assert promoted.get(day_id, []) == expected, (
                f"{day}: promoted {promoted.get(day_id)}, expected {expected} from {staying}"
            )
            assert all(after.statuses[rid] is ReservationStatus.BOOKED for rid in expected)
            if day_id in newly_booked:
                assert not staying[count:], f"{day}: a newcomer booked while {staying[count:]} wait"
        for day_id, size in after.sizes.items():
            waiting, waited = len(after.queues.get(day_id, [])), len(before.queues.get(day_id, []))
            assert size is None or waiting <= max(size, waited), f"day {day_id}: {waiting} waiting"

    def fingerprint(self) -> tuple[int, ...]:
        with UnitOfWork(self.db) as uow:
            return tuple(
                uow.session.scalar(text(f"SELECT count(*) FROM {table}"))
                for table in ("reservation", "movement", "idempotency_key")
            ) + tuple(
                uow.session.scalar(select(func.sum(column)))
                for column in (ActivityDay.booked_count, ActivityDay.waitlisted_count)
            )


def test_the_engine_keeps_its_invariants_whatever_is_asked(template):
    run_state_machine_as_test(
        lambda: EngineMachine(template),
        settings=settings(
            max_examples=30, stateful_step_count=20, deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
