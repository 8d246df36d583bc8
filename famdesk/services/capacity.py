"""Back office: a day's places and waiting list, changed by the staff of its structure.

`change_capacity()` sets an open day's capacity (and, if asked, its waiting-list size).
Raising it gives the new places to the head of the waiting list, in (requested_at, id)
order, as long as families may still cancel that day (so a promoted family can still say
no); after that the places wait for the staff, who promote by hand with `promote()`.
Lowering it below the number booked is refused, or — if the staff choose so — moves the
last booked children to the head of the waiting list.

Like `booking.confirm`, both take the day's row under the write lock (``BEGIN IMMEDIATE``
on SQLite, ``SELECT ... FOR UPDATE`` on PostgreSQL), recount the day from its reservations
and commit themselves: the lock is released when they return.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum, StrEnum

from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import NotFoundError, ValidationError
from famdesk.i18n import _, ngettext
from famdesk.models import ActivityDay, AuditEntry, Child, LedgerEntry, Movement, Reservation
from famdesk.models.enums import (
    ACTIVE_STATUSES,
    LedgerKind,
    MovementKind,
    MovementOutcome,
    ReservationSource,
    ReservationStatus,
)
from famdesk.services.activity_rules import ActivityRules, load_rules
from famdesk.services.auth import SessionInfo
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

HEAD_STEP = timedelta(milliseconds=1)
"""How much earlier than the head of the list a child moved there is dated."""


class Overflow(StrEnum):
    """What lowering the capacity below the number booked does."""

    REFUSE = "refuse"
    """Refuse the change (the staff cancel some bookings first)."""
    WAITLIST = "waitlist"
    """Move the last booked children to the head of the waiting list."""


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP
"""`waitlist_size` left as it is."""
Keep = _Keep
"""The type of `KEEP`, for annotations."""


@dataclass(frozen=True)
class CapacityPlan:
    """What a change of a day's places would do, decided on counts alone."""

    excess: int
    """Booked children above the new capacity (refused, or moved to the waiting list)."""
    to_promote: int
    """Children of the waiting list who get a place."""
    still_waiting: int
    """Children left on the waiting list (before any moved there)."""
    waitlist_size: int | None
    """The new size of the waiting list."""
    waitlist_too_short: bool
    """The new waiting list is shorter than `still_waiting`: the change is refused."""


def plan_capacity(
    booked: int,
    waiting: int,
    capacity: int | None,
    waitlist_size: int | None,
    new_waitlist_size: int | None | _Keep,
    *,
    families_may_cancel: bool,
) -> CapacityPlan:
    """`change_capacity`'s decision for a day of `booked` and `waiting` children whose places
    become `capacity` and waiting list `new_waitlist_size` (from `waitlist_size`); pure."""
    new_size = waitlist_size if isinstance(new_waitlist_size, _Keep) else new_waitlist_size
    excess = max(booked - capacity, 0) if capacity is not None else 0
    to_promote = 0
    if not excess and families_may_cancel:
        free = waiting if capacity is None else capacity - booked
        to_promote = min(free, waiting)
    still_waiting = waiting - to_promote
    shortened = new_size is not None and (waitlist_size is None or new_size < waitlist_size)
    too_short = shortened and new_size is not None and still_waiting > new_size
    return CapacityPlan(excess, to_promote, still_waiting, new_size, too_short)


@dataclass(frozen=True)
class CapacityChange:
    """A day after a change of its places or a promotion by hand."""

    activity_id: int
    day: date
    capacity: int | None
    """None: unlimited."""
    waitlist_size: int | None
    """None: unlimited; 0: no waiting list."""
    booked: int
    waitlisted: int
    promoted: tuple[int, ...]
    """Reservations moved from the waiting list to booked, in list order."""
    moved_to_waitlist: tuple[int, ...]
    """Booked reservations moved to the head of the waiting list, in list order."""

    @property
    def free_places(self) -> int | None:
        """Places nobody holds (None when unlimited): while children wait, they are the
        places left for the staff to give by hand."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.booked, 0)


@dataclass
class _HeldDay:
    """An open day under the write lock, with its active reservations in list order."""

    row: ActivityDay
    rules: ActivityRules
    now: datetime
    booked: list[Reservation]
    queue: list[Reservation]

    @property
    def families_may_cancel(self) -> bool:
        return self.now < self.rules.cancellation_deadline(self.row.day)


def change_capacity(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    activity_id: int,
    day: date,
    capacity: int | None,
    *,
    waitlist_size: int | None | _Keep = KEEP,
    overflow: Overflow | str = Overflow.REFUSE,
    terminal: str = "",
    commit: bool = True,
) -> CapacityChange:
    """Set the places of an open day (`capacity` None = unlimited) and, unless `KEEP`, the
    size of its waiting list (None = unlimited, 0 = none); commits (unless `commit` is
    False: the caller then commits, e.g. after changing several days, or rolls back).

    A waiting list cannot be made shorter than the number of children already waiting on it;
    children moved there by `Overflow.WAITLIST` may exceed it (they held a place), the list is
    then closed to newcomers until it shrinks.
    """
    session.require_staff()
    overflow = Overflow(overflow)
    if capacity is not None and capacity < 0:
        raise ValidationError(_("The capacity cannot be negative."), field="capacity")
    if not isinstance(waitlist_size, _Keep) and waitlist_size is not None and waitlist_size < 0:
        raise ValidationError(_("The waiting-list size cannot be negative."), field="waitlist_size")
    held = _hold_day(uow, clock, session, activity_id, day)
    row = held.row
    old_capacity, old_size = row.capacity, row.waitlist_size

    # decide first, on counts: nothing is touched when the change is refused
    plan = plan_capacity(len(held.booked), len(held.queue), capacity, old_size, waitlist_size,
                         families_may_cancel=held.families_may_cancel)
    excess, to_promote, new_size = plan.excess, plan.to_promote, plan.waitlist_size
    if excess and overflow is Overflow.REFUSE:
        raise ValidationError(
            ngettext(
                "{count} child is booked that day: the capacity cannot be lower than that.",
                "{count} children are booked that day: the capacity cannot be lower than that.",
                len(held.booked),
            ).format(count=len(held.booked)),
            field="capacity",
        )
    if plan.waitlist_too_short:
        raise ValidationError(
            ngettext(
                "{count} child is waiting that day: the waiting list cannot be shorter than that.",
                "{count} children are waiting that day: the waiting list cannot be shorter than that.",
                plan.still_waiting,
            ).format(count=plan.still_waiting),
            field="waitlist_size",
        )

    families = _families_of(uow, held.booked + held.queue)
    moved: list[Reservation] = []
    if excess:
        moved = held.booked[-excess:]
        _refuse_if_charged(uow, moved)
        _date_before_head(moved, held.queue)
        held.booked = held.booked[:-excess]
        held.queue = moved + held.queue
        for reservation in moved:
            reservation.status = ReservationStatus.WAITLISTED
            uow.session.add(_movement(
                reservation, families, MovementKind.MOVED_TO_WAITLIST, MovementOutcome.WAITLISTED,
                _("capacity lowered: moved to the head of the waiting list"), held.now, terminal,
                session=session,
            ))
    promoted = _promote_heads(uow, held, families, to_promote, terminal,
                              remark=_("places were added"))
    row.capacity, row.waitlist_size = capacity, new_size
    uow.session.add(AuditEntry(
        at=held.now, actor_account_id=session.account_id or None, terminal=terminal,
        action="capacity_changed",
        detail=json.dumps({
            "activity_id": activity_id, "day": day.isoformat(),
            "capacity": [old_capacity, capacity], "waitlist_size": [old_size, new_size],
            "promoted": [r.id for r in promoted], "moved_to_waitlist": [r.id for r in moved],
        }),
    ))
    result = _finish(uow, held, promoted, moved, commit=commit)
    log.info("activity %s on %s: capacity %s -> %s, waiting list %s -> %s, %d promoted, %d moved "
             "to the waiting list, by account %s", activity_id, day, old_capacity, capacity,
             old_size, new_size, len(promoted), len(moved), session.account_id)
    return result


def promote(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    activity_id: int,
    day: date,
    reservation_id: int | None = None,
    *,
    terminal: str = "",
    commit: bool = True,
) -> CapacityChange:
    """Give a free place to the head of the day's waiting list (or to `reservation_id` on
    it), also after the families' cancellation deadline; commits (unless `commit` is False)."""
    session.require_staff()
    held = _hold_day(uow, clock, session, activity_id, day)
    if not held.queue:
        raise ValidationError(_("Nobody is waiting that day."))
    capacity = held.row.capacity
    if capacity is not None and len(held.booked) >= capacity:
        raise ValidationError(_("No place is free that day: raise the capacity first."))
    if reservation_id is None:
        chosen = held.queue[0]
    else:
        found = [r for r in held.queue if r.id == reservation_id]
        if not found:
            raise NotFoundError(_("This reservation is not on that day's waiting list."))
        chosen = found[0]
    families = _families_of(uow, [chosen])
    held.queue.remove(chosen)
    held.booked.append(chosen)
    chosen.status = ReservationStatus.BOOKED
    uow.session.add(_movement(
        chosen, families, MovementKind.PROMOTION, MovementOutcome.ACCEPTED,
        _("a place was given by the front desk"), held.now, terminal, session=session,
    ))
    result = _finish(uow, held, [chosen], [], commit=commit)
    log.info("activity %s on %s: reservation %s promoted by account %s", activity_id, day,
             chosen.id, session.account_id)
    return result


# -- the day under lock ------------------------------------------------------------------


def _hold_day(uow: UnitOfWork, clock: Clock, session: SessionInfo, activity_id: int,
              day: date) -> _HeldDay:
    """The open day locked for writing, after checking the session works for its structure."""
    if not uow.write:
        raise RuntimeError("the capacity services need a write unit of work")
    rules = load_rules(uow, [activity_id]).get(activity_id)
    if rules is None:
        raise NotFoundError(_("This activity does not exist."))
    session.require_structure(rules.structure_id)
    now = clock.now()
    if day < now.astimezone(rules.tz).date():
        raise ValidationError(_("This day is past: its places can no longer change."), field="day")
    query = select(ActivityDay).where(ActivityDay.activity_id == activity_id, ActivityDay.day == day)
    if uow.db.write_lock:
        query = query.with_for_update()
    row = uow.session.scalar(query)
    if row is None:
        raise NotFoundError(_("This activity is not open that day."))
    reservations = list(uow.session.scalars(
        select(Reservation)
        .where(Reservation.activity_day_id == row.id, Reservation.status.in_(ACTIVE_STATUSES))
        .order_by(Reservation.requested_at, Reservation.id)
    ))
    return _HeldDay(
        row, rules, now,
        booked=[r for r in reservations if r.status is ReservationStatus.BOOKED],
        queue=[r for r in reservations if r.status is ReservationStatus.WAITLISTED],
    )


def _promote_heads(uow: UnitOfWork, held: _HeldDay, families: dict[int, int], count: int,
                   terminal: str, *, remark: str) -> list[Reservation]:
    """Book the first `count` of the waiting list, as the confirm's promotions do."""
    promoted = held.queue[:count]
    held.queue = held.queue[count:]
    held.booked += promoted
    for reservation in promoted:
        reservation.status = ReservationStatus.BOOKED
        uow.session.add(_movement(reservation, families, MovementKind.PROMOTION,
                                  MovementOutcome.ACCEPTED, remark, held.now, terminal))
    return promoted


def _date_before_head(moved: list[Reservation], queue: list[Reservation]) -> None:
    """Give `moved` (in their order) requested_at instants that put them before `queue`."""
    if not queue:
        return
    head = queue[0]
    if all((r.requested_at, r.id) < (head.requested_at, head.id) for r in moved):
        return
    start = min(head.requested_at, moved[0].requested_at)
    for index, reservation in enumerate(moved):
        reservation.requested_at = start - (len(moved) - index) * HEAD_STEP


def _refuse_if_charged(uow: UnitOfWork, reservations: Iterable[Reservation]) -> None:
    charged = uow.session.scalar(
        select(LedgerEntry.id).where(
            LedgerEntry.reservation_id.in_([r.id for r in reservations]),
            LedgerEntry.kind == LedgerKind.CONSUMPTION,
        ).limit(1)
    )
    if charged is not None:
        raise ValidationError(
            _("The last bookings of that day were already charged: cancel them at the desk instead."),
            field="capacity",
        )


def _families_of(uow: UnitOfWork, reservations: Iterable[Reservation]) -> dict[int, int]:
    """child id -> family id, in one query."""
    child_ids = sorted({r.child_id for r in reservations})
    if not child_ids:
        return {}
    rows = uow.session.execute(select(Child.id, Child.family_id).where(Child.id.in_(child_ids)))
    return {child_id: family_id for child_id, family_id in rows}


def _movement(reservation: Reservation, families: dict[int, int], kind: MovementKind,
              outcome: MovementOutcome, remark: str, now: datetime, terminal: str, *,
              session: SessionInfo | None = None) -> Movement:
    """A movement of `reservation`; with `session`, the staff's own act (else famdesk's)."""
    family_id = families[reservation.child_id]
    return Movement(
        reservation=reservation, family_id=family_id, child_id=reservation.child_id,
        activity_id=reservation.activity_id, day=reservation.day, arrival=reservation.arrival,
        departure=reservation.departure, kind=kind, outcome=outcome,
        source=ReservationSource.DESK if session is not None else reservation.source,
        remark=remark,
        actor_account_id=(session.account_id or None) if session is not None else None,
        on_behalf_family_id=family_id if session is not None else None,
        terminal=terminal, created_at=now,
    )


def _finish(uow: UnitOfWork, held: _HeldDay, promoted: list[Reservation],
            moved: list[Reservation], *, commit: bool) -> CapacityChange:
    """Counters from the reservations themselves, then commit (which releases the lock)."""
    row = held.row
    row.booked_count, row.waitlisted_count = len(held.booked), len(held.queue)
    if commit:
        uow.commit()
    else:
        uow.session.flush()
    return CapacityChange(
        activity_id=row.activity_id, day=row.day, capacity=row.capacity,
        waitlist_size=row.waitlist_size, booked=row.booked_count,
        waitlisted=row.waitlisted_count, promoted=tuple(r.id for r in promoted),
        moved_to_waitlist=tuple(r.id for r in moved),
    )
