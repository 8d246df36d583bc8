"""Waiting lists per activity and day, as the manager watches and handles them.

`waiting_days` lists the days to come where children wait; `waiting_list` gives one day's
list in its order (requested_at, then id) with the day's places. By hand, the manager gives
a free place to a child of the list (`promote_waiting`, through `capacity.promote`: a
"promotion" movement, in the family's next report) or removes a child from it with a
reason (`remove_waiting`: a cancellation movement, and an e-mail to the family through the
outbox). Both audited; both commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from famdesk.clock import Clock
from famdesk.errors import NotFoundError, ValidationError
from famdesk.i18n import _
from famdesk.models import Activity, ActivityDay, Child, Movement, Reservation
from famdesk.models.enums import (
    MovementKind,
    MovementOutcome,
    ReservationSource,
    ReservationStatus,
)
from famdesk.services.activity_rules import load_rules
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.backoffice._common import (
    lock_days,
    managed_activity,
    managed_structure,
    reason_text,
    recipients,
    structure_today,
    tell_family,
)
from famdesk.services.capacity import promote
from famdesk.services.formatting import date_time, long_day
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WaitingEntry:
    reservation_id: int
    position: int
    """1 for the head of the list."""
    child_id: int
    child_name: str
    family_id: int
    family_name: str
    requested_at: datetime
    """Aware, in the structure's time zone."""
    requested_at_text: str
    """"14/09/2026 10:03"."""
    arrival: time | None
    departure: time | None


@dataclass(frozen=True)
class WaitingList:
    activity_id: int
    activity_label: str
    day: date
    capacity: int | None
    """None: unlimited."""
    waitlist_size: int | None
    """None: unlimited; 0: no waiting list."""
    booked: int
    families_may_cancel: bool
    """Until the cancellation deadline, a freed place goes to the head of the list by itself."""
    cancellation_deadline: datetime
    entries: tuple[WaitingEntry, ...]

    @property
    def free_places(self) -> int | None:
        """Places nobody holds (None: unlimited)."""
        return None if self.capacity is None else max(self.capacity - self.booked, 0)

    @property
    def can_promote(self) -> bool:
        return bool(self.entries) and self.free_places != 0


@dataclass(frozen=True)
class WaitingDay:
    activity_id: int
    activity_label: str
    day: date
    waiting: int
    booked: int
    capacity: int | None

    @property
    def free_places(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.booked, 0)


def waiting_days(uow: UnitOfWork, clock: Clock, session: SessionInfo, structure_id: int,
                 activity_id: int | None = None) -> tuple[WaitingDay, ...]:
    """The days from today on where children wait, of the structure (or of one activity),
    by date then activity."""
    structure = managed_structure(uow, session, structure_id)
    query = (
        select(ActivityDay, Activity.label).join(Activity, Activity.id == ActivityDay.activity_id)
        .where(Activity.structure_id == structure.id, ActivityDay.waitlisted_count > 0,
               ActivityDay.day >= structure_today(clock, structure))
        .order_by(ActivityDay.day, Activity.display_order, Activity.label)
    )
    if activity_id is not None:
        query = query.where(Activity.id == activity_id)
    return tuple(
        WaitingDay(row.activity_id, label, row.day, row.waitlisted_count, row.booked_count,
                   row.capacity)
        for row, label in uow.session.execute(query)
    )


def waiting_list(uow: UnitOfWork, clock: Clock, session: SessionInfo, activity_id: int,
                 day: date) -> WaitingList:
    """The day's waiting list in its order, with the day's places."""
    activity = managed_activity(uow, session, activity_id)
    row = _open_day(uow, activity, day)
    tz = ZoneInfo(activity.structure.timezone)
    rows = uow.session.execute(
        select(Reservation, Child).join(Child, Child.id == Reservation.child_id)
        .where(Reservation.activity_day_id == row.id,
               Reservation.status == ReservationStatus.WAITLISTED)
        .order_by(Reservation.requested_at, Reservation.id)).all()
    families = recipients(uow, {child.family_id for _r, child in rows})
    entries = []
    for position, (reservation, child) in enumerate(rows, start=1):
        at = reservation.requested_at.astimezone(tz)
        entries.append(WaitingEntry(
            reservation.id, position, child.id, child.full_name, child.family_id,
            families[child.family_id][0].holder_name, at, date_time(at), reservation.arrival,
            reservation.departure))
    deadline = load_rules(uow, [activity.id])[activity.id].cancellation_deadline(day)
    return WaitingList(activity.id, activity.label, day, row.capacity, row.waitlist_size,
                       row.booked_count, clock.now() < deadline, deadline, tuple(entries))


def promote_waiting(uow: UnitOfWork, clock: Clock, session: SessionInfo, activity_id: int,
                    day: date, reservation_id: int | None = None, *,
                    terminal: str = "") -> WaitingList:
    """Give a free place to `reservation_id` of the day's list (None: its head); commits."""
    activity = managed_activity(uow, session, activity_id)
    change = promote(uow, clock, session, activity.id, day, reservation_id, terminal=terminal,
                     commit=False)
    audit(uow, clock.now(), "waitlist_promoted", actor_account_id=session.account_id,
          terminal=terminal, activity_id=activity.id, day=day,
          reservations=list(change.promoted))
    uow.commit()
    log.info("activity %s on %s: reservation %s promoted by hand by account %s", activity.id,
             day, change.promoted, session.account_id)
    return waiting_list(uow, clock, session, activity.id, day)


def remove_waiting(uow: UnitOfWork, clock: Clock, session: SessionInfo, activity_id: int,
                   day: date, reservation_id: int, reason: str, *,
                   terminal: str = "") -> WaitingList:
    """Take a child off the day's waiting list, with a reason told to the family by e-mail;
    commits."""
    activity = managed_activity(uow, session, activity_id)
    if day < structure_today(clock, activity.structure):
        raise ValidationError(_("This day is past: its waiting list can no longer change."),
                              field="day")
    why = reason_text(reason)
    rows = lock_days(uow, activity.id, day, day)
    if not rows:
        raise NotFoundError(_("This activity is not open that day."))
    row = rows[0]
    reservation = uow.session.get(Reservation, reservation_id)
    if (reservation is None or reservation.activity_day_id != row.id
            or reservation.status is not ReservationStatus.WAITLISTED):
        raise NotFoundError(_("This reservation is not on that day's waiting list."))
    child = uow.session.get_one(Child, reservation.child_id)
    now = clock.now()
    reservation.status = ReservationStatus.CANCELLED
    uow.session.add(Movement(
        reservation=reservation, family_id=child.family_id, child_id=child.id,
        activity_id=activity.id, day=day, arrival=reservation.arrival,
        departure=reservation.departure, kind=MovementKind.CANCEL,
        outcome=MovementOutcome.CANCELLED, source=ReservationSource.DESK,
        remark=_("removed from the waiting list: {reason}").format(reason=why),
        actor_account_id=session.account_id or None, on_behalf_family_id=child.family_id,
        terminal=terminal, created_at=now))
    uow.session.flush()
    row.waitlisted_count = uow.session.scalar(
        select(func.count()).select_from(Reservation)
        .where(Reservation.activity_day_id == row.id,
               Reservation.status == ReservationStatus.WAITLISTED)) or 0
    family, recipient = recipients(uow, [child.family_id])[child.family_id]
    told = tell_family(
        uow, clock, activity.structure_id, family, recipient,
        _("{activity}: waiting list").format(activity=activity.label),
        [_("{child} was removed from the waiting list of {activity} for {day}.").format(
            child=child.full_name, activity=activity.label, day=long_day(day)),
         _("Reason: {reason}").format(reason=why)])
    audit(uow, now, "waitlist_removed", actor_account_id=session.account_id, terminal=terminal,
          family_id=child.family_id, activity_id=activity.id, day=day,
          reservation_id=reservation.id, reason=why, emailed=told)
    uow.commit()
    log.info("activity %s on %s: reservation %s removed from the waiting list by account %s",
             activity.id, day, reservation.id, session.account_id)
    return waiting_list(uow, clock, session, activity.id, day)


def _open_day(uow: UnitOfWork, activity: Activity, day: date) -> ActivityDay:
    row = uow.session.scalar(select(ActivityDay).where(
        ActivityDay.activity_id == activity.id, ActivityDay.day == day))
    if row is None:
        raise NotFoundError(_("This activity is not open that day."))
    return row
