"""The front desk's family files: find a family, read its record, create and edit it, its
quotients familiaux, its children and their registrations, and its account.

Only the staff of the family's structure (and managers) may; a family account is refused
(`NotAuthorizedError`) before anything is read. The checks are the set-up services' own
(`setup.people`: the same fields, quotient overlaps, registration periods), which stay the
managers' for building a town; here each change is also audited.

Each function that changes something is one front-desk action: it checks everything first
(a refusal changes nothing), writes, adds an `AuditEntry` (actor, on-behalf family,
terminal, what changed — never a password) and commits itself. Give it a write unit of work.

An account made or reset here gets a generated one-time password, returned once in a
`OneTimePassword` for the desk to hand over, stored only as its hash; the family must
change it at its first login (`profile.set_first_password`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from famdesk.clock import Clock, local_today
from famdesk.errors import NotFoundError, ValidationError
from famdesk.i18n import _, ngettext
from famdesk.models import (
    Account,
    Activity,
    Child,
    Family,
    Registration,
    Reservation,
    Structure,
)
from famdesk.models.enums import ACTIVE_STATUSES, Role
from famdesk.services.access import authorize_child, authorize_family
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.credentials import set_password
from famdesk.services.family_search import FamilyHit, search_families
from famdesk.services.formatting import numeric_date
from famdesk.services.passwords import generate_password, hash_secret
from famdesk.services.setup._fields import get_or_fail
from famdesk.services.setup.people import (
    checked_birth_date,
    child_fields,
    family_fields,
    free_login,
    new_quotient,
    new_registration,
)
from famdesk.services.uow import UnitOfWork

__all__ = [
    "AccountSummary",
    "ChildDetails",
    "ChildRecord",
    "FamilyDetails",
    "FamilyHit",
    "FamilyRecord",
    "OneTimePassword",
    "QuotientRow",
    "RegistrationRow",
    "create_family_account",
    "family_record",
    "register",
    "reset_family_password",
    "save_child",
    "save_family",
    "search_families",
    "set_quotient",
    "unregister",
]

log = logging.getLogger(__name__)


# -- what the desk types -------------------------------------------------------------


@dataclass(frozen=True)
class FamilyDetails:
    civility: str
    """M., Mme or Mx."""
    last_name: str
    first_name: str
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class ChildDetails:
    first_name: str
    last_name: str
    birth_date: date
    school: str | None = None
    class_name: str | None = None


# -- what the desk reads -------------------------------------------------------------


@dataclass(frozen=True)
class QuotientRow:
    id: int
    value: int
    valid_from: date
    valid_until: date | None
    """None: open-ended."""


@dataclass(frozen=True)
class RegistrationRow:
    id: int
    activity_id: int
    activity_label: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class ChildRecord:
    id: int
    first_name: str
    last_name: str
    birth_date: date
    school: str | None
    class_name: str | None
    registrations: tuple[RegistrationRow, ...]


@dataclass(frozen=True)
class AccountSummary:
    """The family's account as the desk sees it: no hash, no answer."""

    login: str
    email: str | None
    must_change_password: bool
    """Its one-time password was not replaced yet."""
    locked_until: datetime | None
    """Set while it is locked after failed attempts."""
    last_login_at: datetime | None
    has_security_question: bool


@dataclass(frozen=True)
class FamilyRecord:
    id: int
    structure_id: int
    civility: str
    last_name: str
    first_name: str
    email: str | None
    phone: str | None
    address: str | None
    quotients: tuple[QuotientRow, ...]
    """Oldest first."""
    children: tuple[ChildRecord, ...]
    account: AccountSummary | None

    @property
    def holder_name(self) -> str:
        return f"{self.civility} {self.last_name.upper()} {self.first_name}"


@dataclass(frozen=True)
class OneTimePassword:
    """Shown once to the desk, to hand over; never stored, logged or printed by its repr."""

    login: str
    password: str = field(repr=False)


# -- reading -------------------------------------------------------------------------


def family_record(uow: UnitOfWork, session: SessionInfo, family_id: int) -> FamilyRecord:
    """Everything the desk shows of a family (staff of its structure only)."""
    family = _desk_family(uow, session, family_id)
    child_ids = [child.id for child in family.children]
    registrations: dict[int, list[RegistrationRow]] = {}
    if child_ids:
        for registration, label in uow.session.execute(
            select(Registration, Activity.label)
            .join(Activity, Activity.id == Registration.activity_id)
            .where(Registration.child_id.in_(child_ids))
            .order_by(Registration.starts_on, Activity.display_order, Registration.id)
        ):
            registrations.setdefault(registration.child_id, []).append(RegistrationRow(
                registration.id, registration.activity_id, label, registration.starts_on,
                registration.ends_on,
            ))
    account = family.account
    return FamilyRecord(
        id=family.id, structure_id=family.structure_id, civility=family.civility,
        last_name=family.last_name, first_name=family.first_name, email=family.email,
        phone=family.phone, address=family.address,
        quotients=tuple(QuotientRow(q.id, q.value, q.valid_from, q.valid_until)
                        for q in family.quotients),
        children=tuple(
            ChildRecord(c.id, c.first_name, c.last_name, c.birth_date, c.school, c.class_name,
                        tuple(registrations.get(c.id, ())))
            for c in family.children
        ),
        account=None if account is None else AccountSummary(
            account.login, account.email, account.must_change_password, account.locked_until,
            account.last_login_at, account.security_answer_hash is not None,
        ),
    )


# -- the family ----------------------------------------------------------------------


def save_family(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    details: FamilyDetails,
    family_id: int | None = None,
    *,
    terminal: str = "",
) -> int:
    """Create a family of the structure (`family_id` None) or edit one; returns its id."""
    session.require_staff()
    fields = family_fields(details.civility, details.last_name, details.first_name,
                           details.email, details.phone, details.address)
    if family_id is None:
        session.require_structure(structure_id)
        get_or_fail(uow, Structure, structure_id)
        family = Family(structure_id=structure_id, account_id=None, **fields)
        uow.session.add(family)
        uow.session.flush()
        audit(uow, clock.now(), "family_created", actor_account_id=session.account_id,
              family_id=family.id, terminal=terminal, **fields)
        log.info("family %s created by account %s", family.id, session.account_id)
    else:
        family = _desk_family(uow, session, family_id)
        if family.structure_id != structure_id:
            raise ValidationError(_("This family belongs to another structure."))
        changes = _apply(family, fields)
        if changes:
            audit(uow, clock.now(), "family_changed", actor_account_id=session.account_id,
                  family_id=family.id, terminal=terminal, changes=changes)
            log.info("family %s changed by account %s", family.id, session.account_id)
    uow.commit()
    return family.id


def set_quotient(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    family_id: int,
    value: int,
    valid_from: date,
    valid_until: date | None = None,
    *,
    terminal: str = "",
) -> int:
    """A quotient familial from `valid_from` (to `valid_until`, or open-ended); an
    open-ended one starting earlier is closed the day before, any other overlap refused."""
    family = _desk_family(uow, session, family_id)
    quotient = new_quotient(uow, family, value, valid_from, valid_until)
    audit(uow, clock.now(), "quotient_set", actor_account_id=session.account_id,
          family_id=family.id, terminal=terminal, value=value, valid_from=valid_from,
          valid_until=valid_until)
    uow.commit()
    log.info("family %s: quotient %s set by account %s", family.id, quotient.id,
             session.account_id)
    return quotient.id


# -- children and registrations ------------------------------------------------------


def save_child(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    family_id: int,
    details: ChildDetails,
    child_id: int | None = None,
    *,
    terminal: str = "",
) -> int:
    """Add a child to the family (`child_id` None) or edit one of its children."""
    family = _desk_family(uow, session, family_id)
    fields = child_fields(details.first_name, details.last_name, details.birth_date,
                          details.school, details.class_name)
    checked_birth_date(details.birth_date, local_today(clock, ZoneInfo(family.structure.timezone)))
    if child_id is None:
        child = Child(family_id=family.id, **fields)
        uow.session.add(child)
        uow.session.flush()
        audit(uow, clock.now(), "child_added", actor_account_id=session.account_id,
              family_id=family.id, terminal=terminal, child_id=child.id, **fields)
    else:
        found = uow.session.get(Child, child_id)
        if found is None or found.family_id != family.id:
            raise NotFoundError(_("This child is not a child of this family."))
        child = found
        changes = _apply(child, fields)
        if changes:
            audit(uow, clock.now(), "child_changed", actor_account_id=session.account_id,
                  family_id=family.id, terminal=terminal, child_id=child.id, changes=changes)
    uow.commit()
    log.info("family %s: child %s saved by account %s", family.id, child.id, session.account_id)
    return child.id


def register(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    child_id: int,
    activity_id: int,
    starts_on: date,
    ends_on: date,
    *,
    terminal: str = "",
) -> int:
    """Register the child to an activity of its structure for [starts_on, ends_on]."""
    child = _desk_child(uow, session, child_id)
    registration = new_registration(uow, child, activity_id, starts_on, ends_on)
    audit(uow, clock.now(), "child_registered", actor_account_id=session.account_id,
          family_id=child.family_id, terminal=terminal, child_id=child.id,
          activity_id=activity_id, starts_on=starts_on, ends_on=ends_on)
    uow.commit()
    log.info("child %s registered to activity %s by account %s", child.id, activity_id,
             session.account_id)
    return registration.id


def unregister(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, registration_id: int, *,
    terminal: str = "",
) -> None:
    """End a registration: removed if it has not started, else ended yesterday (its past
    stays). Refused while the child holds active reservations in it from today on."""
    session.require_staff()
    registration = uow.session.get(Registration, registration_id)
    if registration is None:
        raise NotFoundError(_("This registration does not exist."))
    child = _desk_child(uow, session, registration.child_id)
    today = local_today(clock, ZoneInfo(child.family.structure.timezone))
    if registration.ends_on < today:
        raise ValidationError(_("This registration is already over."))
    first = max(registration.starts_on, today)
    active = uow.session.scalar(
        select(func.count()).select_from(Reservation).where(
            Reservation.child_id == child.id,
            Reservation.activity_id == registration.activity_id,
            Reservation.day.between(first, registration.ends_on),
            Reservation.status.in_(ACTIVE_STATUSES),
        )
    ) or 0
    if active:
        raise ValidationError(ngettext(
            "{child} still has {count} reservation in this activity from {day}: cancel it first.",
            "{child} still has {count} reservations in this activity from {day}: cancel them first.",
            active,
        ).format(child=child.first_name, count=active, day=numeric_date(first)))
    detail = {"child_id": child.id, "activity_id": registration.activity_id,
              "starts_on": registration.starts_on, "ends_on": registration.ends_on}
    if registration.starts_on < today:
        registration.ends_on = today - timedelta(days=1)
        detail["ended_on"] = registration.ends_on
    else:
        uow.session.delete(registration)
    audit(uow, clock.now(), "child_unregistered", actor_account_id=session.account_id,
          family_id=child.family_id, terminal=terminal, **detail)
    uow.commit()
    log.info("registration %s ended by account %s", registration_id, session.account_id)


# -- the family's account ------------------------------------------------------------


def create_family_account(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, family_id: int, login: str, *,
    terminal: str = "",
) -> OneTimePassword:
    """An account for the family under `login`, with a one-time password returned once."""
    family = _desk_family(uow, session, family_id)
    if family.account_id is not None:
        raise ValidationError(_("This family already has an account."), field="login")
    login = free_login(uow, login)
    password = generate_password(login)
    account = Account(
        login=login, password_hash=hash_secret(password),
        display_name=f"{family.first_name} {family.last_name}", email=family.email,
        role=Role.FAMILY, failed_logins=0, must_change_password=True, created_at=clock.now(),
        structures=[family.structure],
    )
    uow.session.add(account)
    try:
        uow.session.flush()
        family.account_id = account.id
        audit(uow, clock.now(), "family_account_created", actor_account_id=session.account_id,
              family_id=family.id, terminal=terminal, login=login)
        uow.commit()
    except IntegrityError:  # the same login taken by another desk a moment ago
        uow.session.rollback()
        raise ValidationError(_("This login is already taken."), field="login") from None
    log.info("account %s created for family %s by account %s", account.id, family.id,
             session.account_id)
    return OneTimePassword(login, password)


def reset_family_password(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, family_id: int, *, terminal: str = "",
) -> OneTimePassword:
    """A new one-time password for the family's account (returned once); the account's lock
    and recovery codes are cleared, and it must change the password at its next login."""
    family = _desk_family(uow, session, family_id)
    account = family.account
    if account is None:
        raise ValidationError(_("This family has no account yet."))
    password = generate_password(account.login)
    set_password(uow, clock, account, password, one_time=True)
    audit(uow, clock.now(), "family_password_reset", actor_account_id=session.account_id,
          family_id=family.id, terminal=terminal, login=account.login)
    uow.commit()
    log.info("account %s of family %s given a one-time password by account %s", account.id,
             family.id, session.account_id)
    return OneTimePassword(account.login, password)


# -- helpers -------------------------------------------------------------------------


def _desk_family(uow: UnitOfWork, session: SessionInfo, family_id: int) -> Family:
    """The family, for the staff of its structure; a family account is refused first."""
    session.require_staff()
    return authorize_family(uow, session, family_id)


def _desk_child(uow: UnitOfWork, session: SessionInfo, child_id: int) -> Child:
    session.require_staff()
    return authorize_child(uow, session, child_id)


def _apply(row: object, fields: dict) -> dict[str, list[object]]:
    """Set `fields` on `row`; the changed ones as {name: [old, new]}."""
    changes: dict[str, list[object]] = {}
    for name, value in fields.items():
        old = getattr(row, name)
        if old != value:
            changes[name] = [old, value]
            setattr(row, name, value)
    return changes
