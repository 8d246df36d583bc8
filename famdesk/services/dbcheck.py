"""`famdesk db check`: the database's consistency, one French line per problem.

Each check is a small function registered with `@check`; it reads through the unit of work
and yields one line per problem found. Later work adds its own checks the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeAlias

from sqlalchemy import or_, select, text

from famdesk.i18n import _
from famdesk.models import Activity, ActivityDay, Child, Family, Registration
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
