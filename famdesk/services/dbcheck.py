"""`famdesk db check`: the database's consistency, one French line per problem.

Each check is a small function registered with `@check`; it reads through the unit of work
and yields one line per problem found. Later work adds its own checks the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeAlias

from sqlalchemy import and_, func, or_, select, text

from famdesk.i18n import _
from famdesk.models import Activity, ActivityDay, Child, Family, Registration, Reservation
from famdesk.models.enums import ACTIVE_STATUSES, ReservationStatus
from famdesk.services.formatting import numeric_date
from famdesk.services.uow import UnitOfWork

Check: TypeAlias = Callable[[UnitOfWork], Iterable[str]]

CHECKS: list[Check] = []


def check(function: Check) -> Check:
    """Register `function` as one of `famdesk db check`'s checks."""
    CHECKS.append(function)
    return function


def check_database(uow: UnitOfWork) -> list[str]:
    """Every problem found by every registered check, in registration order."""
    return [line for function in CHECKS for line in function(uow)]


@check
def foreign_keys_resolve(uow: UnitOfWork) -> Iterable[str]:
    """Every reference points at an existing row (PostgreSQL enforces it by itself)."""
    if uow.session.get_bind().dialect.name != "sqlite":
        return
    # The pragma works on the connection's cached schema, which may predate a migration run
    # on another connection; reading sqlite_master first makes SQLite reload it.
    uow.session.execute(text("SELECT count(*) FROM sqlite_master"))
    for table, rowid, parent, _fk in uow.session.execute(text("PRAGMA foreign_key_check")):
        yield _("Table {table}, row {row}: refers to a missing row of {parent}.").format(
            table=table, row=rowid, parent=parent
        )


@check
def activity_days_inside_period(uow: UnitOfWork) -> Iterable[str]:
    rows = uow.session.execute(
        select(Activity.label, Activity.period_start, Activity.period_end, ActivityDay.day)
        .join(ActivityDay, ActivityDay.activity_id == Activity.id)
        .where(or_(ActivityDay.day < Activity.period_start, ActivityDay.day > Activity.period_end))
        .order_by(Activity.label, ActivityDay.day)
    )
    for label, start, end, day in rows:
        yield _("{activity} is open on {day}, outside its period ({start} to {end}).").format(
            activity=label, day=numeric_date(day), start=numeric_date(start), end=numeric_date(end)
        )


@check
def registrations_in_family_structure(uow: UnitOfWork) -> Iterable[str]:
    rows = uow.session.execute(
        select(Child.last_name, Child.first_name, Activity.label)
        .select_from(Registration)
        .join(Child, Child.id == Registration.child_id)
        .join(Family, Family.id == Child.family_id)
        .join(Activity, Activity.id == Registration.activity_id)
        .where(Activity.structure_id != Family.structure_id)
        .order_by(Child.last_name, Child.first_name, Activity.label)
    )
    for last_name, first_name, label in rows:
        yield _("{child} is registered to {activity}, an activity of another structure than the family's.").format(
            child=f"{last_name.upper()} {first_name}", activity=label
        )


def _count_of(status: ReservationStatus):  # type: ignore[no-untyped-def]
    return (
        select(func.count(Reservation.id))
        .where(Reservation.activity_day_id == ActivityDay.id, Reservation.status == status)
        .correlate(ActivityDay)
        .scalar_subquery()
    )


@check
def counters_equal_counts(uow: UnitOfWork) -> Iterable[str]:
    """Each open day's counters equal its reservations, and stay within its capacity."""
    booked, waitlisted = _count_of(ReservationStatus.BOOKED), _count_of(ReservationStatus.WAITLISTED)
    rows = uow.session.execute(
        select(Activity.label, ActivityDay.day, ActivityDay.capacity, ActivityDay.waitlist_size,
               ActivityDay.booked_count, ActivityDay.waitlisted_count, booked, waitlisted)
        .join(Activity, Activity.id == ActivityDay.activity_id)
        .where(or_(
            ActivityDay.booked_count != booked,
            ActivityDay.waitlisted_count != waitlisted,
            and_(ActivityDay.capacity.is_not(None), ActivityDay.booked_count > ActivityDay.capacity),
            and_(ActivityDay.waitlist_size.is_not(None),
                 ActivityDay.waitlisted_count > ActivityDay.waitlist_size),
        ))
        .order_by(Activity.label, ActivityDay.day)
    )
    for label, day, capacity, size, booked_count, waitlisted_count, real_booked, real_waiting in rows:
        where = f"{label} {numeric_date(day)}"
        if booked_count != real_booked or waitlisted_count != real_waiting:
            yield _("{where}: counters say {booked} booked and {waiting} waiting, the reservations {real_booked} and {real_waiting}.").format(
                where=where, booked=booked_count, waiting=waitlisted_count,
                real_booked=real_booked, real_waiting=real_waiting)
        if capacity is not None and booked_count > capacity:
            yield _("{where}: {booked} booked for {capacity} places.").format(
                where=where, booked=booked_count, capacity=capacity)
        if size is not None and waitlisted_count > size:
            yield _("{where}: {waiting} waiting for a list of {size}.").format(
                where=where, waiting=waitlisted_count, size=size)


@check
def one_active_reservation_per_day(uow: UnitOfWork) -> Iterable[str]:
    """No child holds two active reservations of one activity on one day."""
    rows = uow.session.execute(
        select(Child.last_name, Child.first_name, Activity.label, Reservation.day, func.count())
        .select_from(Reservation)
        .join(Child, Child.id == Reservation.child_id)
        .join(Activity, Activity.id == Reservation.activity_id)
        .where(Reservation.status.in_(ACTIVE_STATUSES))
        .group_by(Child.last_name, Child.first_name, Activity.label, Reservation.day)
        .having(func.count() > 1)
    )
    for last_name, first_name, label, day, count in rows:
        yield _("{child} holds {count} reservations of {activity} on {day}.").format(
            child=f"{last_name.upper()} {first_name}", count=count, activity=label, day=numeric_date(day))


@check
def reservations_match_their_day(uow: UnitOfWork) -> Iterable[str]:
    """A reservation's activity and date are those of its open day."""
    rows = uow.session.execute(
        select(Reservation.id)
        .join(ActivityDay, ActivityDay.id == Reservation.activity_day_id)
        .where(or_(Reservation.activity_id != ActivityDay.activity_id, Reservation.day != ActivityDay.day))
    )
    for (reservation_id,) in rows:
        yield _("Reservation {id} does not match its open day.").format(id=reservation_id)
