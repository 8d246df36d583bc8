"""What the back-office services share: the manager's checks, the open days under the write
lock, the structure's today, family e-mails and French instants."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import ValidationError
from famdesk.i18n import N_, _
from famdesk.models import Account, Activity, ActivityDay, Family, Structure
from famdesk.services.auth import SessionInfo
from famdesk.services.formatting import LOCALE
from famdesk.services.outbox import queue
from famdesk.services.setup._fields import get_or_fail
from famdesk.services.uow import UnitOfWork

MAX_RANGE_DAYS = 731
"""The longest period one action may cover (two school years)."""
PORTAL_LINE = N_("You can check the state of your bookings on the family portal.")


def managed_structure(uow: UnitOfWork, session: SessionInfo, structure_id: int) -> Structure:
    """The structure, once the session is checked a manager of it (else NotAuthorizedError)."""
    session.require_admin()
    session.require_structure(structure_id)
    return get_or_fail(uow, Structure, structure_id)


def managed_activity(uow: UnitOfWork, session: SessionInfo, activity_id: int) -> Activity:
    """The activity, once the session is checked a manager of its structure."""
    session.require_admin()
    activity = get_or_fail(uow, Activity, activity_id)
    session.require_structure(activity.structure_id)
    return activity


def structure_today(clock: Clock, structure: Structure) -> date:
    return clock.now().astimezone(ZoneInfo(structure.timezone)).date()


def check_range(first: date, last: date, field: str = "last") -> None:
    if last < first:
        raise ValidationError(_("The end date is before the start date."), field=field)
    if (last - first).days >= MAX_RANGE_DAYS:
        raise ValidationError(
            _("Choose a period of at most {count} days.").format(count=MAX_RANGE_DAYS),
            field=field)


def lock_days(uow: UnitOfWork, activity_id: int, first: date, last: date) -> list[ActivityDay]:
    """The activity's open days of [first, last] under the write lock, in date order.

    Locked in id order (``SELECT ... FOR UPDATE`` on PostgreSQL), like a confirm, so that the
    two cannot deadlock; the write unit of work's ``BEGIN IMMEDIATE`` does it on SQLite.
    """
    if not uow.write:
        raise RuntimeError("the back office changes open days in a write unit of work")
    query = (
        select(ActivityDay)
        .where(ActivityDay.activity_id == activity_id, ActivityDay.day.between(first, last))
        .order_by(ActivityDay.id)
    )
    if uow.db.write_lock:
        query = query.with_for_update()
    return sorted(uow.session.scalars(query), key=lambda row: row.day)


def recipients(uow: UnitOfWork, family_ids: Iterable[int]) -> dict[int, tuple[Family, str | None]]:
    """family id -> (family, the address its mail goes to: its own, else its account's)."""
    ids = sorted(set(family_ids))
    if not ids:
        return {}
    rows = uow.session.execute(
        select(Family, Account.email).outerjoin(Account, Account.id == Family.account_id)
        .where(Family.id.in_(ids))
    )
    return {family.id: (family, family.email or email) for family, email in rows}


def tell_family(uow: UnitOfWork, clock: Clock, structure_id: int, family: Family,
                recipient: str | None, subject: str, paragraphs: Iterable[str]) -> bool:
    """Queue a plain e-mail to the family (False when it has no address: nothing queued)."""
    if not recipient:
        return False
    body = "\n\n".join([family.holder_name, *paragraphs, _(PORTAL_LINE)]) + "\n"
    queue(uow, clock, structure_id=structure_id, recipient=recipient, subject=subject,
          body_text=body, family_id=family.id)
    return True


def long_instant(instant: datetime) -> str:
    """'jeudi 24 septembre 2026 à 12:00', in the instant's own time zone."""
    return str(format_datetime(instant, "EEEE d MMMM y 'à' HH:mm", tzinfo=instant.tzinfo,
                               locale=LOCALE))


def reason_text(reason: str | None, field: str = "reason", *, required: bool = True,
                max_length: int = 200) -> str:
    """A reason given by the manager, tidied; told to families, kept in the audit."""
    cleaned = " ".join((reason or "").split())
    if required and not cleaned:
        raise ValidationError(_("Give the reason: it is told to the families."), field=field)
    if len(cleaned) > max_length:
        raise ValidationError(
            _("The reason is too long ({count} characters at most).").format(count=max_length),
            field=field)
    return cleaned
