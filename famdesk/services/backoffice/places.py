"""Places and waiting-list sizes of open days, one day or a range, through the engine's
capacity service (`capacity.change_capacity`).

`preview_places` says first what the change would do to each open day of the range: how many
booked children are above the new capacity (and of how many families), how many waiting
children would get a place, and which days cannot change at all (a waiting list made shorter
than those waiting; the last booked already charged). When some are above, the manager
chooses (`Overflow`): refuse, or move the last booked to the head of the waiting list.
`set_places` then changes every day of the range in one transaction: a refusal on any day
changes nothing. Past days are left out. Each day's change is audited by the capacity service.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import ValidationError
from famdesk.i18n import _, ngettext
from famdesk.models import ActivityDay, Child, LedgerEntry, Reservation
from famdesk.models.enums import LedgerKind, ReservationStatus
from famdesk.services.activity_rules import load_rules
from famdesk.services.auth import SessionInfo
from famdesk.services.backoffice._common import (
    check_range,
    lock_days,
    managed_activity,
    structure_today,
)
from famdesk.services.capacity import (
    KEEP,
    CapacityChange,
    Keep,
    Overflow,
    change_capacity,
    plan_capacity,
)
from famdesk.services.formatting import weekday_date
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DayPlaces:
    """One open day under the change."""

    day: date
    capacity: int | None
    """Now (None: unlimited)."""
    waitlist_size: int | None
    """Now (None: unlimited, 0: none)."""
    booked: int
    waitlisted: int
    over_capacity: int
    """Booked children above the new capacity."""
    promoted: int
    """Waiting children who would get a place."""
    blocked: str | None
    """Why this day cannot change whatever the choice (None: it can)."""


@dataclass(frozen=True)
class PlacesPreview:
    days: tuple[DayPlaces, ...]
    """The open days of the range from today on, in date order."""
    over_capacity: int
    """Booked children above the new capacity, over the range."""
    families_over: int
    """The families of those children."""
    promoted: int
    blocked: tuple[str, ...]
    """"lun. 05/10/2026 : ..." for each day that cannot change."""
    summary: str
    """What the change does, in a French sentence or two."""

    @property
    def needs_choice(self) -> bool:
        """Some booked children are above the new capacity: refuse or move them?"""
        return self.over_capacity > 0


@dataclass(frozen=True)
class PlacesResult:
    changes: tuple[CapacityChange, ...]
    """One per day changed, in date order."""
    moved_to_waitlist: int
    promoted: int


def preview_places(uow: UnitOfWork, clock: Clock, session: SessionInfo, activity_id: int,
                   first: date, last: date, capacity: int | None,
                   waitlist_size: int | None | Keep = KEEP) -> PlacesPreview:
    """What `set_places` would do to the open days of [first, last]. Saves nothing."""
    activity = managed_activity(uow, session, activity_id)
    _check(first, last, capacity, waitlist_size)
    today = max(first, structure_today(clock, activity.structure))
    rows = list(uow.session.scalars(select(ActivityDay).where(
        ActivityDay.activity_id == activity.id, ActivityDay.day.between(today, last))
        .order_by(ActivityDay.day)))
    rules = load_rules(uow, [activity.id])[activity.id]
    now = clock.now()
    booked_lists = _booked_in_order(uow, [row.id for row in rows])
    days: list[DayPlaces] = []
    families: set[int] = set()
    blocked: list[str] = []
    for row in rows:
        booked = booked_lists.get(row.id, [])
        waiting = row.waitlisted_count
        plan = plan_capacity(len(booked), waiting, capacity, row.waitlist_size, waitlist_size,
                             families_may_cancel=now < rules.cancellation_deadline(row.day))
        over = booked[len(booked) - plan.excess:] if plan.excess else []
        families.update(family_id for _id, family_id, _charged in over)
        reason = None
        if plan.waitlist_too_short:
            reason = ngettext(
                "{count} child is waiting that day: the waiting list cannot be shorter than that.",
                "{count} children are waiting that day: the waiting list cannot be shorter than that.",
                plan.still_waiting).format(count=plan.still_waiting)
        elif any(charged for _id, _family, charged in over):
            reason = _("The last bookings of that day were already charged: cancel them at the desk instead.")
        if reason:
            blocked.append(f"{weekday_date(row.day)} : {reason}")
        days.append(DayPlaces(row.day, row.capacity, row.waitlist_size, len(booked), waiting,
                              plan.excess, plan.to_promote, reason))
    over_total = sum(d.over_capacity for d in days)
    promoted = sum(d.promoted for d in days)
    return PlacesPreview(tuple(days), over_total, len(families), promoted, tuple(blocked),
                         _summary(len(days), over_total, len(families), promoted))


def set_places(uow: UnitOfWork, clock: Clock, session: SessionInfo, activity_id: int,
               first: date, last: date, capacity: int | None,
               waitlist_size: int | None | Keep = KEEP, *,
               overflow: Overflow | str = Overflow.REFUSE, terminal: str = "") -> PlacesResult:
    """Give the open days of [first, last] from today on `capacity` places (None: unlimited)
    and, unless `KEEP`, a waiting list of `waitlist_size`; all or nothing; commits."""
    activity = managed_activity(uow, session, activity_id)
    _check(first, last, capacity, waitlist_size)
    today = max(first, structure_today(clock, activity.structure))
    rows = lock_days(uow, activity.id, today, last) if today <= last else []
    if not rows:
        raise ValidationError(_("No open day to change in this period."), field="first")
    changes = []
    for row in sorted(rows, key=lambda r: r.id):
        same_size = isinstance(waitlist_size, Keep) or waitlist_size == row.waitlist_size
        if capacity == row.capacity and same_size:
            continue
        try:
            changes.append(change_capacity(
                uow, clock, session, activity.id, row.day, capacity, waitlist_size=waitlist_size,
                overflow=overflow, terminal=terminal, commit=False))
        except ValidationError as exc:
            uow.session.rollback()
            raise ValidationError(f"{weekday_date(row.day)} : {exc.message}",
                                  field=exc.field) from None
    uow.commit()
    changes.sort(key=lambda change: change.day)
    moved = sum(len(c.moved_to_waitlist) for c in changes)
    promoted = sum(len(c.promoted) for c in changes)
    log.info("activity %s: places of %d days changed to %s (waiting list %s), %d moved to the "
             "waiting list, %d promoted, by account %s", activity.id, len(changes), capacity,
             "kept" if isinstance(waitlist_size, Keep) else waitlist_size, moved, promoted,
             session.account_id)
    return PlacesResult(tuple(changes), moved, promoted)


def _check(first: date, last: date, capacity: int | None,
           waitlist_size: int | None | Keep) -> None:
    check_range(first, last)
    if capacity is not None and capacity < 0:
        raise ValidationError(_("The capacity cannot be negative."), field="capacity")
    if not isinstance(waitlist_size, Keep) and waitlist_size is not None and waitlist_size < 0:
        raise ValidationError(_("The waiting-list size cannot be negative."), field="waitlist_size")


def _booked_in_order(uow: UnitOfWork, day_ids: list[int]) -> dict[int, list[tuple[int, int, bool]]]:
    """open day id -> its booked reservations in list order: (id, family id, charged)."""
    if not day_ids:
        return {}
    charged = set(uow.session.scalars(
        select(LedgerEntry.reservation_id)
        .join(Reservation, Reservation.id == LedgerEntry.reservation_id)
        .where(Reservation.activity_day_id.in_(day_ids),
               LedgerEntry.kind == LedgerKind.CONSUMPTION)))
    result: dict[int, list[tuple[int, int, bool]]] = {}
    for reservation_id, day_id, family_id in uow.session.execute(
        select(Reservation.id, Reservation.activity_day_id, Child.family_id)
        .join(Child, Child.id == Reservation.child_id)
        .where(Reservation.activity_day_id.in_(day_ids),
               Reservation.status == ReservationStatus.BOOKED)
        .order_by(Reservation.requested_at, Reservation.id)
    ):
        assert day_id is not None
        result.setdefault(day_id, []).append((reservation_id, family_id, reservation_id in charged))
    return result


def _summary(days: int, over: int, families: int, promoted: int) -> str:
    parts = [ngettext("{count} open day changes.", "{count} open days change.", days)
             .format(count=days)]
    if over:
        families_text = ngettext("{count} family", "{count} families", families).format(
            count=families)
        parts.append(ngettext(
            "{count} booked child is above the new capacity ({families}): refuse the change, "
            "or move it to the head of the waiting list?",
            "{count} booked children are above the new capacity ({families}): refuse the "
            "change, or move them to the head of the waiting list?",
            over).format(count=over, families=families_text))
    if promoted:
        parts.append(ngettext("{count} waiting child gets a place.",
                              "{count} waiting children get a place.", promoted).format(count=promoted))
    return " ".join(parts)
