"""Copy ("Recopier les réservations"): a child's days of one activity over a period, tried on
another child (a brother or sister) or on another activity of the same child.

The source's booked and waitlisted days (transmitted or not) are judged on the target with
the calendar's own rules (`activity_rules.judge`): a bookable day becomes a draft line, a
full day whose waiting list has room a draft line that will wait, any other day is listed
as not copied, with why. Nothing is saved: the draft goes through `booking.preview` and
`booking.confirm` (with ``source=ReservationSource.COPY``), which check everything again.
A fixed number of queries, whatever the length of the period.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import NotFoundError, ValidationError
from famdesk.i18n import N_, _
from famdesk.models import ActivityDay, Reservation
from famdesk.models.enums import ACTIVE_STATUSES, ReservationStatus
from famdesk.services.access import authorize_child
from famdesk.services.activity_rules import ActivityRules, judge, load_registrations, load_rules
from famdesk.services.auth import SessionInfo
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.states import Capacity, CellState, ClosedReason
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_PERIOD = timedelta(days=366)


class NotCopiedReason(StrEnum):
    FULL = "full"
    INCOMPATIBLE_TIMES = "incompatible_times"
    CLOSED = "closed"
    NOT_REGISTERED = "not_registered"
    DEADLINE_PASSED = "deadline_passed"
    ALREADY_BOOKED = "already_booked"


_REASON_TEXT = {
    NotCopiedReason.FULL: N_("full"),
    NotCopiedReason.INCOMPATIBLE_TIMES: N_("incompatible times"),
    NotCopiedReason.CLOSED: N_("closed"),
    NotCopiedReason.NOT_REGISTERED: N_("not registered"),
    NotCopiedReason.DEADLINE_PASSED: N_("deadline passed"),
    NotCopiedReason.ALREADY_BOOKED: N_("already booked"),
}

_CLOSED_REASON = {
    ClosedReason.NOT_OPEN: NotCopiedReason.CLOSED,
    ClosedReason.NOT_REGISTERED: NotCopiedReason.NOT_REGISTERED,
    ClosedReason.PAST: NotCopiedReason.DEADLINE_PASSED,
    ClosedReason.NOT_OPEN_YET: NotCopiedReason.DEADLINE_PASSED,
    ClosedReason.BEYOND_HORIZON: NotCopiedReason.DEADLINE_PASSED,
    ClosedReason.DEADLINE_PASSED: NotCopiedReason.DEADLINE_PASSED,
}


def reason_text(reason: NotCopiedReason) -> str:
    """The reason as the copy's "Réservations non importées" list shows it."""
    return _(_REASON_TEXT[reason])


@dataclass(frozen=True)
class CopyLine:
    """A source day copied into the draft."""

    day: date
    arrival: time | None
    departure: time | None
    waits: bool
    """The target is full with room on its waiting list: the booking will wait."""


@dataclass(frozen=True)
class NotCopied:
    """A source day the copy could not take."""

    day: date
    arrival: time | None
    departure: time | None
    """The source's times."""
    reason: NotCopiedReason
    text: str


@dataclass(frozen=True)
class CopyPlan:
    draft: Draft
    """The draft given (if any) with one book line per copied day, in date order."""
    lines: tuple[CopyLine, ...]
    not_copied: tuple[NotCopied, ...]
    child_id: int
    activity_id: int
    """The target child and activity."""


def copy_reservations(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    *,
    source_child_id: int,
    source_activity_id: int,
    first: date,
    last: date,
    target_child_id: int | None = None,
    target_activity_id: int | None = None,
    times: tuple[time, time] | None = None,
    draft: Draft | None = None,
) -> CopyPlan:
    """Try the source's days of [first, last] on the target: exactly one of `target_child_id`
    and `target_activity_id` is given, the other stays the source's.

    `times` (arrival, departure) serve every day of a time-entry target; without them each
    day keeps the source's times. `draft`, the calendar's current draft, is extended (a day it
    already has is not copied). Saves nothing.
    """
    if (target_child_id is None) == (target_activity_id is None):
        raise ValidationError(_("Copy either to another child or to another activity."))
    child_id = target_child_id if target_child_id is not None else source_child_id
    activity_id = target_activity_id if target_activity_id is not None else source_activity_id
    source_child = authorize_child(uow, session, source_child_id)
    target_child = authorize_child(uow, session, child_id)
    if (child_id, activity_id) == (source_child_id, source_activity_id):
        raise ValidationError(_("Choose another child or another activity to copy to."))
    if last < first:
        raise ValidationError(_("The end date is before the start date."), field="last")
    if last - first > MAX_PERIOD:
        raise ValidationError(_("Copy at most one year at a time."), field="last")
    rules = load_rules(uow, {source_activity_id, activity_id})
    for wanted, child, field in (
        (source_activity_id, source_child, "source_activity_id"),
        (activity_id, target_child, "target_activity_id"),
    ):
        if wanted not in rules:
            raise NotFoundError(_("This activity does not exist."))
        if rules[wanted].structure_id != child.family.structure_id:
            raise ValidationError(
                _("This activity belongs to another structure than the child's family."), field=field
            )
    target = rules[activity_id]
    if times is not None and not target.time_entry:
        raise ValidationError(_("This activity takes no times."), field="times")

    sources = list(uow.session.scalars(
        select(Reservation)
        .where(
            Reservation.child_id == source_child_id,
            Reservation.activity_id == source_activity_id,
            Reservation.day.between(first, last),
            Reservation.status.in_(ACTIVE_STATUSES),
        )
        .order_by(Reservation.day)
    ))
    open_days = {
        row.day: Capacity(row.capacity, row.waitlist_size, row.booked_count, row.waitlisted_count)
        for row in uow.session.scalars(
            select(ActivityDay).where(ActivityDay.activity_id == activity_id,
                                      ActivityDay.day.between(first, last))
        )
    }
    held = {
        row.day: ReservationStatus(row.status)
        for row in uow.session.scalars(
            select(Reservation).where(
                Reservation.child_id == child_id,
                Reservation.activity_id == activity_id,
                Reservation.day.between(first, last),
                Reservation.status.in_(ACTIVE_STATUSES),
            )
        )
    }
    registrations = load_registrations(uow, [child_id])
    now = clock.now()

    draft = draft or Draft()
    lines: list[CopyLine] = []
    not_copied: list[NotCopied] = []
    for source in sources:
        arrival, departure = (times if times is not None else (source.arrival, source.departure))
        if not target.time_entry:
            arrival = departure = None
        key = (child_id, activity_id, source.day)
        verdict = _try(target, source.day, now, arrival, departure,
                       registered=registrations.covers(child_id, activity_id, source.day),
                       capacity=open_days.get(source.day),
                       already=source.day in held or draft.line(key) is not None)
        if isinstance(verdict, NotCopiedReason):
            not_copied.append(NotCopied(source.day, source.arrival, source.departure, verdict,
                                        reason_text(verdict)))
            continue
        draft = draft.put(DraftLine(LineKind.BOOK, child_id, activity_id, source.day, arrival, departure))
        lines.append(CopyLine(source.day, arrival, departure, waits=verdict is CellState.WAITLIST_OPEN))
    log.info("copy of child %s activity %s (%s to %s) to child %s activity %s: %d copied, %d not",
             source_child_id, source_activity_id, first, last, child_id, activity_id,
             len(lines), len(not_copied))
    return CopyPlan(draft, tuple(lines), tuple(not_copied), child_id, activity_id)


def _try(
    rules: ActivityRules,
    day: date,
    now: datetime,
    arrival: time | None,
    departure: time | None,
    *,
    registered: bool,
    capacity: Capacity | None,
    already: bool,
) -> NotCopiedReason | CellState:
    """Why the target cannot take `day`, or its state when it can (AVAILABLE: booked at
    once; WAITLIST_OPEN: on the waiting list)."""
    if already:
        return NotCopiedReason.ALREADY_BOOKED
    verdict = judge(rules, day, now, registered=registered, capacity=capacity, held=None)
    if verdict.state is CellState.CLOSED:
        assert verdict.closed_reason is not None
        return _CLOSED_REASON[verdict.closed_reason]
    if rules.times_problem(day, arrival, departure) is not None:
        return NotCopiedReason.INCOMPATIBLE_TIMES
    if verdict.state is CellState.FULL:
        return NotCopiedReason.FULL
    assert verdict.state in (CellState.AVAILABLE, CellState.WAITLIST_OPEN)
    return verdict.state
