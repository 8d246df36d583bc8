"""What a draft will do: the one algorithm behind the recap and the confirm.

`plan()` works on plain values (`World`): the recap simulates it on what it read; the confirm
runs it again on rows it holds under lock, then writes what it decided. Cancellations come
first — each freed place goes to the head of that day's waiting list while the day is still
cancellable by families — then bookings in draft order: a place left -> booked; else room on
the waiting list -> waitlisted; else refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from enum import StrEnum

from famdesk.i18n import _
from famdesk.models.enums import ReservationStatus
from famdesk.services.activity_rules import ActivityRules, Registrations, judge
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.pricing import QuotientPeriod, quotient_on
from famdesk.services.states import Capacity, CellState, ClosedReason


class Outcome(StrEnum):
    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    REFUSED = "refused"
    CANCELLED = "cancelled"
    TIMES_CHANGED = "times_changed"


@dataclass
class DayBook:
    """An open day being simulated: its counters and its waiting list (reservation ids)."""

    id: int
    capacity: int | None
    waitlist_size: int | None
    booked: int
    waitlisted: int
    queue: list[int] = field(default_factory=list)

    def snapshot(self) -> Capacity:
        return Capacity(self.capacity, self.waitlist_size, self.booked, self.waitlisted)


@dataclass(frozen=True)
class Held:
    reservation_id: int
    status: ReservationStatus
    arrival: time | None
    departure: time | None
    price_cents: int


@dataclass(frozen=True)
class ChildFacts:
    id: int
    family_id: int
    structure_id: int
    name: str


@dataclass
class World:
    now: datetime
    children: dict[int, ChildFacts]
    rules: dict[int, ActivityRules]
    registrations: Registrations
    quotients: dict[int, list[QuotientPeriod]]
    days: dict[tuple[int, date], DayBook]
    held: dict[tuple[int, int, date], Held]
    pass_deadlines: bool = False
    skip_booking_deadline: bool = False
    """An annual enrollment's days: booked through every rule but the booking deadline."""
    next_pseudo_id: int = -1

    def pseudo_id(self) -> int:
        """An id for a reservation that does not exist yet (negative, in creation order)."""
        value = self.next_pseudo_id
        self.next_pseudo_id -= 1
        return value


@dataclass
class Decision:
    index: int
    line: DraftLine
    outcome: Outcome
    reason: str | None = None
    price_cents: int = 0
    previous_price_cents: int = 0
    reservation_id: int | None = None
    """The reservation touched (a negative pseudo id for a new one)."""
    promoted: list[int] = field(default_factory=list)
    """Reservations moved from the waiting list to booked by this line's cancellation."""
    known: bool = True
    """False when the child or activity is unknown (no movement can be written)."""
    closed_reason: ClosedReason | None = None
    """Why a booking was refused when its day is closed (not open, past, outside the window,
    not registered, deadline passed); None otherwise."""
    arrival: time | None = None
    departure: time | None = None
    """The times the line is about: for a cancellation, those of the reservation it cancels
    (given by `_cancel_or_change`; a cancel line carries none); else the line's own (a
    booking, new times), filled in when not given."""

    def __post_init__(self) -> None:
        if self.line.kind is not LineKind.CANCEL and self.arrival is None and self.departure is None:
            self.arrival, self.departure = self.line.arrival, self.line.departure

    @property
    def cost_cents(self) -> int:
        """What the line changes in what the family will pay."""
        if self.outcome is Outcome.BOOKED:
            return self.price_cents
        if self.outcome is Outcome.CANCELLED:
            return -self.previous_price_cents
        if self.outcome is Outcome.TIMES_CHANGED:
            return self.price_cents - self.previous_price_cents
        return 0


def plan(world: World, draft: Draft) -> list[Decision]:
    decisions: dict[int, Decision] = {}
    seen: set[tuple[int, int, date]] = set()
    for index, line in enumerate(draft.lines):
        refusal = _precheck(world, line, seen)
        if refusal is not None:
            reason, known = refusal
            decisions[index] = Decision(index, line, Outcome.REFUSED, reason, known=known)
    # those leaving a waiting list leave it first: a place freed by the same draft never goes
    # to a reservation that the draft also cancels (it would no longer be in the queue)
    for index, line in enumerate(draft.lines):
        if index not in decisions and line.kind is LineKind.CANCEL and _waiting(world, line):
            decisions[index] = _cancel_or_change(world, index, line)
    for index, line in enumerate(draft.lines):
        if index not in decisions and line.kind is not LineKind.BOOK:
            decisions[index] = _cancel_or_change(world, index, line)
    for index, line in enumerate(draft.lines):
        if index not in decisions:
            decisions[index] = _book(world, index, line)
    return [decisions[i] for i in range(len(draft.lines))]


def _waiting(world: World, line: DraftLine) -> bool:
    held = world.held.get(line.key)
    return held is not None and held.status is ReservationStatus.WAITLISTED


def _precheck(
    world: World, line: DraftLine, seen: set[tuple[int, int, date]]
) -> tuple[str, bool] | None:
    """A refusal before any rule (with whether the child and activity are known), or None."""
    child = world.children.get(line.child_id)
    if child is None:
        return _("unknown child"), False
    rules = world.rules.get(line.activity_id)
    if rules is None or rules.structure_id != child.structure_id:
        return _("unknown activity"), False
    if line.key in seen:
        return _("the draft asks twice for this day"), True
    seen.add(line.key)
    return None


def _verdict(world: World, line: DraftLine, held: Held | None):  # type: ignore[no-untyped-def]
    rules = world.rules[line.activity_id]
    book = world.days.get((line.activity_id, line.day))
    return judge(
        rules,
        line.day,
        world.now,
        registered=world.registrations.covers(line.child_id, line.activity_id, line.day),
        capacity=book.snapshot() if book is not None else None,
        held=held.status if held is not None else None,
        pass_deadlines=world.pass_deadlines,
        skip_booking_deadline=world.skip_booking_deadline,
    )


def _price(world: World, line: DraftLine) -> int:
    child = world.children[line.child_id]
    qf = quotient_on(world.quotients.get(child.family_id, ()), line.day)
    return world.rules[line.activity_id].price_cents(qf, line.arrival, line.departure)


def _cancel_or_change(world: World, index: int, line: DraftLine) -> Decision:
    held = world.held.get(line.key)
    if held is None:
        return Decision(index, line, Outcome.REFUSED, _("nothing booked that day"))
    verdict = _verdict(world, line, held)
    # a cancellation tells the times it cancels (the recap's line, the movement)
    cancelling = line.kind is LineKind.CANCEL
    arrival, departure = (held.arrival, held.departure) if cancelling else (None, None)
    if not verdict.cancellable:
        return Decision(index, line, Outcome.REFUSED, _("cancellation deadline passed"),
                        reservation_id=held.reservation_id, arrival=arrival, departure=departure)
    if line.kind is LineKind.CHANGE_TIMES:
        problem = world.rules[line.activity_id].times_problem(line.day, line.arrival, line.departure)
        if problem is not None:
            return Decision(index, line, Outcome.REFUSED, problem, reservation_id=held.reservation_id)
        return Decision(index, line, Outcome.TIMES_CHANGED, None, _price(world, line),
                        held.price_cents, held.reservation_id)
    book = world.days[(line.activity_id, line.day)]
    decision = Decision(index, line, Outcome.CANCELLED, None, held.price_cents, held.price_cents,
                        held.reservation_id, arrival=arrival, departure=departure)
    del world.held[line.key]
    if held.status is ReservationStatus.WAITLISTED:
        book.waitlisted -= 1
        book.queue.remove(held.reservation_id)
        return decision
    book.booked -= 1
    rules = world.rules[line.activity_id]
    # the freed place goes to the head of the list while families may still cancel that day
    if book.queue and world.now < rules.cancellation_deadline(line.day):
        head = book.queue.pop(0)
        book.waitlisted -= 1
        book.booked += 1
        decision.promoted.append(head)
        # if the draft also touches the promoted child's day, it now finds it booked
        for key, other in world.held.items():
            if other.reservation_id == head:
                world.held[key] = replace(other, status=ReservationStatus.BOOKED)
                break
    return decision


def _book(world: World, index: int, line: DraftLine) -> Decision:
    if line.key in world.held:
        return Decision(index, line, Outcome.REFUSED, _("already booked"))
    verdict = _verdict(world, line, None)
    if verdict.state is CellState.CLOSED:
        assert verdict.closed_reason is not None
        return Decision(index, line, Outcome.REFUSED, verdict.closed_text,
                        closed_reason=verdict.closed_reason)
    problem = world.rules[line.activity_id].times_problem(line.day, line.arrival, line.departure)
    if problem is not None:
        return Decision(index, line, Outcome.REFUSED, problem)
    if verdict.state is CellState.FULL:
        return Decision(index, line, Outcome.REFUSED, _("no place left"))
    book = world.days[(line.activity_id, line.day)]
    price = _price(world, line)
    pseudo = world.pseudo_id()
    if verdict.state is CellState.AVAILABLE:
        book.booked += 1
        status, outcome = ReservationStatus.BOOKED, Outcome.BOOKED
    else:
        book.waitlisted += 1
        book.queue.append(pseudo)
        status, outcome = ReservationStatus.WAITLISTED, Outcome.WAITLISTED
    world.held[line.key] = Held(pseudo, status, line.arrival, line.departure, price)
    return Decision(index, line, outcome, None, price, 0, pseudo)
