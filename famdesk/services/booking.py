"""Recap and confirm of a draft.

`preview()` reads and simulates; `confirm()` takes the write lock (``BEGIN IMMEDIATE`` on
SQLite, ``SELECT ... FOR UPDATE`` of the open days in id order on PostgreSQL), re-checks every
rule on what it holds, writes one Movement per line and stores the answer under the draft's
idempotency key: a second confirm with that key, even after a restart, returns the first
answer and changes nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Row, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError

from famdesk.clock import Clock, FixedClock
from famdesk.errors import FamdeskError, NotAuthorizedError, ValidationError
from famdesk.i18n import _
from famdesk.models import ActivityDay, Child, Family, IdempotencyKey, Movement, Reservation
from famdesk.models.enums import (
    ACTIVE_STATUSES,
    MovementKind,
    MovementOutcome,
    ReservationSource,
    ReservationStatus,
)
from famdesk.models.values import from_cents
from famdesk.services.access import check_family
from famdesk.services.activity_rules import load_quotients, load_registrations, load_rules
from famdesk.services.auth import SYSTEM, SessionInfo
from famdesk.services.draft import Draft, DraftLine, LineKey, LineKind
from famdesk.services.planning import ChildFacts, DayBook, Decision, Held, Outcome, World, plan
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_DRAFT_LINES = 500
ONE_STATEMENT = {"render_nulls": True}
"""Bulk INSERTs keep NULLs in: rows with and without times then go in the same statement."""
MOVEMENT_KIND = {
    LineKind.BOOK: MovementKind.BOOK,
    LineKind.CANCEL: MovementKind.CANCEL,
    LineKind.CHANGE_TIMES: MovementKind.CHANGE_TIMES,
}
MOVEMENT_OUTCOME = {
    Outcome.BOOKED: MovementOutcome.ACCEPTED,
    Outcome.WAITLISTED: MovementOutcome.WAITLISTED,
    Outcome.REFUSED: MovementOutcome.REFUSED,
    Outcome.CANCELLED: MovementOutcome.CANCELLED,
    Outcome.TIMES_CHANGED: MovementOutcome.ACCEPTED,
}


@dataclass(frozen=True)
class RecapLine:
    index: int
    kind: LineKind
    child_id: int
    child_name: str
    activity_id: int
    activity_label: str
    day: date
    arrival: time | None
    departure: time | None
    outcome: Outcome
    reason: str | None
    price: Decimal

    def to_json(self) -> dict:
        return {
            "index": self.index, "kind": self.kind.value, "child_id": self.child_id,
            "child_name": self.child_name, "activity_id": self.activity_id,
            "activity_label": self.activity_label, "day": self.day.isoformat(),
            "arrival": self.arrival.isoformat() if self.arrival else None,
            "departure": self.departure.isoformat() if self.departure else None,
            "outcome": self.outcome.value, "reason": self.reason, "price": str(self.price),
        }

    @classmethod
    def from_json(cls, data: dict) -> RecapLine:
        return cls(
            index=data["index"], kind=LineKind(data["kind"]), child_id=data["child_id"],
            child_name=data["child_name"], activity_id=data["activity_id"],
            activity_label=data["activity_label"], day=date.fromisoformat(data["day"]),
            arrival=time.fromisoformat(data["arrival"]) if data["arrival"] else None,
            departure=time.fromisoformat(data["departure"]) if data["departure"] else None,
            outcome=Outcome(data["outcome"]), reason=data["reason"], price=Decimal(data["price"]),
        )


@dataclass(frozen=True)
class Recap:
    """The recap's two tables (reservations, with changes of times; cancellations)."""

    bookings: tuple[RecapLine, ...]
    cancellations: tuple[RecapLine, ...]
    total: Decimal
    """What the draft changes in what the family pays (waiting lists cost nothing)."""

    @property
    def lines(self) -> tuple[RecapLine, ...]:
        return tuple(sorted(self.bookings + self.cancellations, key=lambda line: line.index))


@dataclass(frozen=True)
class ConfirmResult:
    key: str
    recap: Recap
    replayed: bool = False


# -- loading the facts ---------------------------------------------------------------


def _check_draft(draft: Draft) -> None:
    if not draft.lines:
        raise ValidationError(_("The draft is empty: choose days on the calendar first."))
    if len(draft.lines) > MAX_DRAFT_LINES:
        raise ValidationError(_("Too many days in one request: confirm them in several times."))


def _load_world(uow: UnitOfWork, clock: Clock, session: SessionInfo, draft: Draft, *,
                lock: bool, pass_deadlines: bool, skip_booking_deadline: bool = False) -> World:
    s = uow.session
    child_ids = sorted({line.child_id for line in draft})
    children: dict[int, ChildFacts] = {}
    for child, family in s.execute(
        select(Child, Family).join(Family, Child.family_id == Family.id).where(Child.id.in_(child_ids))
    ):
        check_family(session, family)
        children[child.id] = ChildFacts(child.id, family.id, family.structure_id, child.full_name)
    rules = load_rules(uow, {line.activity_id for line in draft})
    # read before the lock what it does not guard: the rest is read while holding it, and
    # every statement there keeps the confirms of the same days waiting
    registrations = load_registrations(uow, child_ids)
    quotients = load_quotients(uow, {c.family_id for c in children.values()})
    pairs = sorted({(line.activity_id, line.day) for line in draft})
    # plain columns, not ORM objects: the confirm writes by id (see `_write`)
    day_query = select(
        ActivityDay.id, ActivityDay.activity_id, ActivityDay.day, ActivityDay.capacity,
        ActivityDay.waitlist_size, ActivityDay.booked_count, ActivityDay.waitlisted_count,
    ).where(tuple_(ActivityDay.activity_id, ActivityDay.day).in_(pairs))
    if lock:
        # lock the open days involved, always in the same order, so two confirms cannot deadlock
        day_query = day_query.order_by(ActivityDay.id).with_for_update()
    days = {
        (activity_id, day): DayBook(day_id, capacity, waitlist_size, booked, waitlisted)
        for day_id, activity_id, day, capacity, waitlist_size, booked, waitlisted in s.execute(day_query)
    }
    # a day's waiting list matters only to a cancellation (the place it frees, the request it
    # takes off the list): a booking just joins the tail of it
    cancelled = {(line.activity_id, line.day) for line in draft if line.kind is LineKind.CANCEL}
    by_id = {book.id: book for pair, book in days.items() if pair in cancelled and book.waitlisted}
    for reservation_id, day_id in s.execute(
        select(Reservation.id, Reservation.activity_day_id)
        .where(Reservation.activity_day_id.in_(sorted(by_id)),
               Reservation.status == ReservationStatus.WAITLISTED)
        .order_by(Reservation.requested_at, Reservation.id)
    ) if by_id else ():
        by_id[day_id].queue.append(reservation_id)
    keys = {line.key for line in draft}
    held = {}
    for rid, child_id, activity_id, day, status, arrival, departure, price_cents in s.execute(
        select(Reservation.id, Reservation.child_id, Reservation.activity_id, Reservation.day,
               Reservation.status, Reservation.arrival, Reservation.departure,
               Reservation.price_cents)
        .where(
            Reservation.child_id.in_(child_ids),
            tuple_(Reservation.activity_id, Reservation.day).in_(pairs),
            Reservation.status.in_(ACTIVE_STATUSES),
        )
    ):
        key = (child_id, activity_id, day)
        if key in keys:
            held[key] = Held(rid, ReservationStatus(status), arrival, departure, price_cents)
    return World(
        now=clock.now(),
        children=children,
        rules=rules,
        registrations=registrations,
        quotients=quotients,
        days=days,
        held=held,
        pass_deadlines=pass_deadlines,
        skip_booking_deadline=skip_booking_deadline,
    )


def _source(session: SessionInfo, asked: ReservationSource | None) -> ReservationSource:
    """Where a confirmed request comes from: the portal for a family, the desk for staff. A
    caller may only add that it is a copy ("recopier"); the annual enrollments' requests are
    famdesk's own (`apply_standing_order`), and nobody passes for the desk."""
    if asked is ReservationSource.COPY:
        return asked
    if asked is not None:
        raise ValidationError(_("A request may only say that it is a copy."))
    return ReservationSource.DESK if session.is_staff else ReservationSource.PORTAL


def _deadline_pass(session: SessionInfo, reason: str | None) -> bool:
    if reason is None:
        return False
    if not (session.is_staff or session.is_system):
        raise NotAuthorizedError(_("Only the front-desk staff may pass a deadline."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for passing the deadline."), field="reason")
    return True


def _recap(world: World, decisions: Iterable[Decision]) -> Recap:
    bookings, cancellations, total = [], [], 0
    for d in decisions:
        child = world.children.get(d.line.child_id)
        rules = world.rules.get(d.line.activity_id)
        line = RecapLine(
            index=d.index, kind=d.line.kind, child_id=d.line.child_id,
            child_name=child.name if child else "?", activity_id=d.line.activity_id,
            activity_label=rules.label if rules else "?", day=d.line.day,
            arrival=d.arrival, departure=d.departure, outcome=d.outcome,
            reason=d.reason, price=from_cents(d.price_cents),
        )
        (cancellations if d.line.kind is LineKind.CANCEL else bookings).append(line)
        total += d.cost_cents
    return Recap(tuple(bookings), tuple(cancellations), from_cents(total))


# -- recap -------------------------------------------------------------------------------


def preview(uow: UnitOfWork, clock: Clock, session: SessionInfo, draft: Draft,
            override_reason: str | None = None) -> Recap:
    """What confirming `draft` now would do, line by line, in draft order. Saves nothing."""
    _check_draft(draft)
    world = _load_world(uow, clock, session, draft, lock=False,
                        pass_deadlines=_deadline_pass(session, override_reason))
    return _recap(world, plan(world, draft))


# -- confirm -----------------------------------------------------------------------------


def confirm(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    draft: Draft,
    key: str,
    *,
    terminal: str = "",
    source: ReservationSource | None = None,
    override_reason: str | None = None,
) -> ConfirmResult:
    """Apply `draft` in one transaction on the write connection; `uow` must be a write one."""
    if not key or len(key) > 64:
        raise ValidationError(_("This request has no valid key."))
    source = _source(session, source)
    previous = _stored_answer(uow, key)
    if previous is not None:
        return ConfirmResult(key, previous, replayed=True)
    _check_draft(draft)
    passing = _deadline_pass(session, override_reason)
    world = _load_world(uow, clock, session, draft, lock=uow.db.write_lock, pass_deadlines=passing)
    previous = _stored_answer(uow, key)  # a twin request may have committed while we waited
    if previous is not None:
        return ConfirmResult(key, previous, replayed=True)
    read = {book.id: (book.booked, book.waitlisted) for book in world.days.values()}
    decisions = plan(world, draft)
    recap = _recap(world, decisions)
    try:
        # the writes too: without the lock, the index on active reservations may refuse them
        _write(uow, world, session, decisions, read, source=source, terminal=terminal,
               override_reason=override_reason if passing else None)
        uow.session.add(IdempotencyKey(
            key=key, account_id=session.account_id or None, created_at=world.now,
            answer=json.dumps({"lines": [line.to_json() for line in recap.lines], "total": str(recap.total)}),
        ))
        uow.commit()
    except IntegrityError as exc:
        uow.session.rollback()
        replay = _stored_answer(uow, key)
        if replay is not None:
            return ConfirmResult(key, replay, replayed=True)
        log.warning("confirm %s refused by a constraint: %s", key, exc.orig)
        raise FamdeskError(_("Someone changed these days at the same time: check the calendar and try again.")) from exc
    counts = {o: sum(1 for d in decisions if d.outcome is o) for o in Outcome}
    log.info("confirm %s by account %s: %s", key, session.account_id,
             ", ".join(f"{o.value}={n}" for o, n in counts.items() if n))
    return ConfirmResult(key, recap)


# -- standing orders ------------------------------------------------------------------


def apply_standing_order(
    uow: UnitOfWork,
    now: datetime,
    draft: Draft,
    *,
    enrollment_ids: Mapping[LineKey, int],
    remark: str = "",
    cancellations: bool = False,
) -> list[Decision]:
    """Write `draft`, made by famdesk itself from annual enrollments (source "annual"), as at
    `now`, on the write connection; does not commit.

    Bookings go through every rule of the engine — opening, window, registration, times,
    capacity and waiting list — but the booking deadline: the family asked ahead of time.
    A line whose day someone already holds (booking) or no longer holds (cancellation) is left
    out, and so is a booking whose day is closed now (not open, past, outside the window, not
    registered): it writes nothing and may be tried again later. Every other line gets its
    movement, refusals included. A draft of `cancellations` only (an enrollment shortened or
    stopped, no earlier than its lead time) passes the cancellation deadline; a place it frees
    still goes to the waiting list only while families may cancel that day.
    Returns the decisions written, in draft order.
    """
    if cancellations and any(line.kind is not LineKind.CANCEL for line in draft):
        raise ValueError("a draft of cancellations holds cancellations only")
    if not cancellations and any(line.kind is not LineKind.BOOK for line in draft):
        raise ValueError("a standing order books or cancels, never both at once")
    world = _load_world(uow, FixedClock(now), SYSTEM, draft, lock=uow.db.write_lock,
                        pass_deadlines=cancellations, skip_booking_deadline=not cancellations)

    def still_to_do(line: DraftLine) -> bool:
        return (line.key in world.held) == (line.kind is LineKind.CANCEL)

    draft = Draft(tuple(line for line in draft if still_to_do(line)))
    read = {book.id: (book.booked, book.waitlisted) for book in world.days.values()}
    decisions = [d for d in plan(world, draft) if d.known and d.closed_reason is None]
    _write(uow, world, SYSTEM, decisions, read, source=ReservationSource.ANNUAL, terminal="",
           override_reason=None, enrollment_ids=enrollment_ids, remark=remark)
    return decisions


def _stored_answer(uow: UnitOfWork, key: str) -> Recap | None:
    answer = uow.session.scalar(select(IdempotencyKey.answer).where(IdempotencyKey.key == key))
    if answer is None:
        return None
    data = json.loads(answer)
    lines = [RecapLine.from_json(item) for item in data["lines"]]
    bookings = tuple(line for line in lines if line.kind is not LineKind.CANCEL)
    cancellations = tuple(line for line in lines if line.kind is LineKind.CANCEL)
    return Recap(bookings, cancellations, Decimal(data["total"]))


def _write(uow: UnitOfWork, world: World, session: SessionInfo, decisions: list[Decision],
           read: dict[int, tuple[int, int]], *, source: ReservationSource, terminal: str,
           override_reason: str | None, enrollment_ids: Mapping[LineKey, int] | None = None,
           remark: str = "") -> None:
    """Write what `plan()` decided in a few statements whatever the number of lines: the
    changed reservations and day counters (`read`: as they were before planning) as UPDATEs
    by id, the new reservations and the movements as multi-row INSERTs (no ORM object is built
    or flushed line by line). `enrollment_ids`: the annual enrollment each new reservation
    comes from; `remark`: the movements' remark when the engine gives none."""
    s = uow.session
    now = world.now
    changes: dict[int, dict] = {}  # reservation id -> new values (the last change wins)
    new_rows: list[dict] = []
    pseudo_ids: dict[tuple[int, int, date], int] = {}
    movements: list[dict] = []
    actor_id = session.account_id or None
    staff_acts = session.is_staff or session.is_system
    # cancellations are planned before any booking: only reservations already saved wait
    promoted = _promoted(uow, [rid for d in decisions for rid in d.promoted])

    for d in decisions:
        if not d.known:
            continue
        reservation_id = d.reservation_id if d.reservation_id is not None and d.reservation_id > 0 else None
        if d.outcome in (Outcome.BOOKED, Outcome.WAITLISTED):
            book = world.days[(d.line.activity_id, d.line.day)]
            new_rows.append({
                "child_id": d.line.child_id, "activity_id": d.line.activity_id,
                "activity_day_id": book.id, "day": d.line.day, "arrival": d.line.arrival,
                "departure": d.line.departure,
                "status": ReservationStatus.BOOKED if d.outcome is Outcome.BOOKED else ReservationStatus.WAITLISTED,
                "requested_at": now, "source": source, "price_cents": d.price_cents,
                "enrollment_id": enrollment_ids.get(d.line.key) if enrollment_ids else None,
            })
            assert d.reservation_id is not None
            pseudo_ids[d.line.key] = reservation_id = d.reservation_id
        elif reservation_id is not None and d.outcome is Outcome.CANCELLED:
            changes.setdefault(reservation_id, {})["status"] = ReservationStatus.CANCELLED
        elif reservation_id is not None and d.outcome is Outcome.TIMES_CHANGED:
            changes.setdefault(reservation_id, {}).update(
                arrival=d.line.arrival, departure=d.line.departure, price_cents=d.price_cents)
        child = world.children[d.line.child_id]
        movements.append(_movement_row(
            reservation_id=reservation_id, family_id=child.family_id, child_id=child.id,
            activity_id=d.line.activity_id, day=d.line.day, arrival=d.arrival,
            departure=d.departure, kind=MOVEMENT_KIND[d.line.kind],
            outcome=MOVEMENT_OUTCOME[d.outcome], source=source, remark=d.reason or remark,
            deadline_override_reason=override_reason, actor_account_id=actor_id,
            on_behalf_family_id=child.family_id if staff_acts else None, terminal=terminal,
            created_at=now,
        ))
        for promoted_id in d.promoted:
            changes.setdefault(promoted_id, {})["status"] = ReservationStatus.BOOKED
            row = promoted[promoted_id]
            movements.append(_movement_row(
                reservation_id=promoted_id, family_id=row.family_id, child_id=row.child_id,
                activity_id=row.activity_id, day=row.day, arrival=row.arrival,
                departure=row.departure, kind=MovementKind.PROMOTION,
                outcome=MovementOutcome.ACCEPTED, source=row.source,
                remark=_("a place was freed"), deadline_override_reason=None,
                actor_account_id=None, on_behalf_family_id=None, terminal=terminal,
                created_at=now,
            ))
    # changes first: the index on active reservations sees the cancellations before new rows
    by_columns: dict[tuple[str, ...], list[dict]] = {}
    for rid, values in changes.items():
        by_columns.setdefault(tuple(sorted(values)), []).append({"id": rid, **values})
    for rows in by_columns.values():
        s.execute(update(Reservation), rows)
    counters = [
        {"id": book.id, "booked_count": book.booked, "waitlisted_count": book.waitlisted}
        for book in world.days.values() if read[book.id] != (book.booked, book.waitlisted)
    ]
    if counters:
        s.execute(update(ActivityDay), counters)
    saved: dict[int, int] = {}
    if new_rows:
        # matched on (child, activity, day), unique among active reservations: RETURNING's
        # order does not matter, so the rows go in one statement
        for rid, child_id, activity_id, day in s.execute(
            insert(Reservation).returning(Reservation.id, Reservation.child_id,
                                          Reservation.activity_id, Reservation.day),
            new_rows,
            execution_options=ONE_STATEMENT,
        ):
            saved[pseudo_ids[(child_id, activity_id, day)]] = rid
    for movement in movements:
        if movement["reservation_id"] is not None and movement["reservation_id"] < 0:
            movement["reservation_id"] = saved[movement["reservation_id"]]
    if movements:
        s.execute(insert(Movement), movements, execution_options=ONE_STATEMENT)


def _promoted(uow: UnitOfWork, ids: list[int]) -> dict[int, Row]:
    """What a promotion's movement tells of the reservations promoted, in one query."""
    if not ids:
        return {}
    rows = uow.session.execute(
        select(Reservation.id, Reservation.child_id, Reservation.activity_id, Reservation.day,
               Reservation.arrival, Reservation.departure, Reservation.source, Child.family_id)
        .join(Child, Child.id == Reservation.child_id)
        .where(Reservation.id.in_(sorted(set(ids))))
    )
    return {row.id: row for row in rows}


def _movement_row(**values: object) -> dict:
    """A movement as inserted (every row of one INSERT has the same columns)."""
    return {**values, "transmitted_at": None, "reported_at": None}
