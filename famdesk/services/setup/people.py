"""Accounts, families, their quotients familiaux, children and registrations to activities."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import NotFoundError, ValidationError
from famdesk.i18n import _
from famdesk.models import (
    Account,
    Activity,
    Child,
    Family,
    QuotientFamilial,
    Registration,
    Structure,
)
from famdesk.models.enums import Role
from famdesk.services.auth import SessionInfo
from famdesk.services.formatting import numeric_date
from famdesk.services.passwords import check_password, hash_secret, normalize_login
from famdesk.services.setup._fields import checked_email, get_or_fail, optional_text, period, text
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_QUOTIENT = 100_000
CIVILITIES = ("M.", "Mme", "Mx")
_LOGIN = re.compile(r"[\w.@-]{2,64}")


def create_account(
    uow: UnitOfWork,
    session: SessionInfo,
    login: str,
    password: str,
    display_name: str,
    role: Role | str,
    email: str | None,
    structure_ids: Iterable[int],
    must_change_password: bool = False,
    *,
    clock: Clock,
) -> int:
    """A new account seeing `structure_ids`; the password is kept as an argon2 hash only."""
    session.require_admin()
    login = free_login(uow, login)
    check_password(password, login)
    display_name = text(display_name, "display_name", 120)
    email = checked_email(email)
    wanted = sorted(set(structure_ids))
    if not wanted:
        raise ValidationError(_("Choose at least one structure."), field="structure_ids")
    for structure_id in wanted:
        session.require_structure(structure_id)
    structures = list(uow.session.scalars(select(Structure).where(Structure.id.in_(wanted))))
    if len(structures) != len(wanted):
        raise NotFoundError(_("This structure does not exist."))
    account = Account(
        login=login,
        password_hash=hash_secret(password),
        display_name=display_name,
        email=email,
        role=Role(role),
        failed_logins=0,
        must_change_password=must_change_password,
        created_at=clock.now(),
        structures=structures,
    )
    uow.session.add(account)
    uow.session.flush()
    log.info("account %s (%s) created", account.id, account.role.value)
    return account.id


def create_family(
    uow: UnitOfWork,
    session: SessionInfo,
    structure_id: int,
    account_id: int | None,
    civility: str,
    last_name: str,
    first_name: str,
    email: str | None = None,
    phone: str | None = None,
    address: str | None = None,
) -> int:
    """A household of the structure, held by a family account (which then sees the structure)."""
    session.require_admin()
    session.require_structure(structure_id)
    structure = get_or_fail(uow, Structure, structure_id)
    fields = family_fields(civility, last_name, first_name, email, phone, address)
    if account_id is not None:
        account = get_or_fail(uow, Account, account_id)
        if account.role is not Role.FAMILY:
            raise ValidationError(_("Only a family account can hold a family."), field="account_id")
        holds = uow.session.scalar(
            select(Family.id).where(Family.account_id == account_id, Family.structure_id == structure_id)
        )
        if holds is not None:
            raise ValidationError(
                _("This account already holds a family in this structure."), field="account_id"
            )
        if structure not in account.structures:
            account.structures.append(structure)
    family = Family(structure_id=structure_id, account_id=account_id, **fields)
    uow.session.add(family)
    uow.session.flush()
    log.info("family %s created in structure %s", family.id, structure_id)
    return family.id


def _family(uow: UnitOfWork, session: SessionInfo, family_id: int) -> Family:
    session.require_admin()
    family = get_or_fail(uow, Family, family_id)
    session.require_structure(family.structure_id)
    return family


def set_quotient(
    uow: UnitOfWork,
    session: SessionInfo,
    family_id: int,
    value: int,
    valid_from: date,
    valid_until: date | None = None,
) -> int:
    """A quotient familial of the family from `valid_from` (to `valid_until`, or open-ended).

    An open-ended quotient starting earlier is closed the day before; any other overlap is
    refused.
    """
    family = _family(uow, session, family_id)
    return new_quotient(uow, family, value, valid_from, valid_until).id


def checked_quotient(value: int) -> int:
    """A quotient familial's value: a whole number from 0 to MAX_QUOTIENT."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QUOTIENT:
        raise ValidationError(
            _("A quotient familial is a whole number from 0 to {count}.").format(count=MAX_QUOTIENT),
            field="value",
        )
    return value


def checked_birth_date(birth_date: date, today: date) -> date:
    """A child's birth date: not after `today` (the structure's local date)."""
    if birth_date > today:
        raise ValidationError(_("The birth date cannot be in the future."), field="birth_date")
    return birth_date


def new_quotient(
    uow: UnitOfWork, family: Family, value: int, valid_from: date, valid_until: date | None
) -> QuotientFamilial:
    """Checks and adds a quotient familial (see `set_quotient`); the caller has authorized."""
    checked_quotient(value)
    period(valid_from, valid_until, "valid_until")
    to_close = []
    existing = uow.session.scalars(
        select(QuotientFamilial).where(QuotientFamilial.family_id == family.id)
    )
    for other in existing:
        until = other.valid_until
        if until is None and other.valid_from < valid_from:
            to_close.append(other)
            until = valid_from - timedelta(days=1)
        if _overlap(other.valid_from, until, valid_from, valid_until):
            raise ValidationError(
                _("This period overlaps the quotient familial valid from {start}.").format(
                    start=numeric_date(other.valid_from)
                ),
                field="valid_from",
            )
    for other in to_close:
        other.valid_until = valid_from - timedelta(days=1)
    quotient = QuotientFamilial(
        family_id=family.id, value=value, valid_from=valid_from, valid_until=valid_until
    )
    uow.session.add(quotient)
    uow.session.flush()
    return quotient


def _overlap(a_from: date, a_until: date | None, b_from: date, b_until: date | None) -> bool:
    return (b_until is None or a_from <= b_until) and (a_until is None or b_from <= a_until)


def add_child(
    uow: UnitOfWork,
    session: SessionInfo,
    family_id: int,
    first_name: str,
    last_name: str,
    birth_date: date,
    school: str | None = None,
    class_name: str | None = None,
) -> int:
    family = _family(uow, session, family_id)
    child = Child(
        family_id=family.id, **child_fields(first_name, last_name, birth_date, school, class_name)
    )
    uow.session.add(child)
    uow.session.flush()
    log.info("child %s added to family %s", child.id, family.id)
    return child.id


def register_child(
    uow: UnitOfWork,
    session: SessionInfo,
    child_id: int,
    activity_id: int,
    starts_on: date,
    ends_on: date,
) -> int:
    """Register the child to an activity of its family's structure for [starts_on, ends_on]."""
    session.require_admin()
    child = get_or_fail(uow, Child, child_id)
    session.require_structure(child.family.structure_id)
    return new_registration(uow, child, activity_id, starts_on, ends_on).id


def new_registration(
    uow: UnitOfWork, child: Child, activity_id: int, starts_on: date, ends_on: date
) -> Registration:
    """Checks and adds a registration (see `register_child`); the caller has authorized."""
    activity = get_or_fail(uow, Activity, activity_id)
    if activity.structure_id != child.family.structure_id:
        raise ValidationError(
            _("This activity belongs to another structure than the child's family."),
            field="activity_id",
        )
    period(starts_on, ends_on, "ends_on")
    if not _overlap(activity.period_start, activity.period_end, starts_on, ends_on):
        raise ValidationError(
            _("The registration does not meet the activity's period ({start} to {end}).").format(
                start=numeric_date(activity.period_start), end=numeric_date(activity.period_end)
            ),
            field="starts_on",
        )
    registered = uow.session.scalars(
        select(Registration).where(
            Registration.child_id == child.id, Registration.activity_id == activity_id
        )
    )
    if any(_overlap(r.starts_on, r.ends_on, starts_on, ends_on) for r in registered):
        raise ValidationError(
            _("The child is already registered to this activity over part of this period."),
            field="starts_on",
        )
    registration = Registration(
        child_id=child.id, activity_id=activity_id, starts_on=starts_on, ends_on=ends_on
    )
    uow.session.add(registration)
    uow.session.flush()
    return registration


# -- checked building blocks, shared with the front desk's services (families.py) --------


def free_login(uow: UnitOfWork, login: str) -> str:
    """`login` normalized, checked well-formed and not taken."""
    login = normalize_login(login or "")
    if not _LOGIN.fullmatch(login):
        raise ValidationError(
            _("A login has 2 to 64 letters, digits, dots, dashes, underscores or @."), field="login"
        )
    if uow.session.scalar(select(Account.id).where(Account.login == login)) is not None:
        raise ValidationError(_("This login is already taken."), field="login")
    return login


def family_fields(
    civility: str,
    last_name: str,
    first_name: str,
    email: str | None,
    phone: str | None,
    address: str | None,
) -> dict[str, str | None]:
    """A family's own fields, checked and tidied (the keys are `Family`'s attributes)."""
    if civility not in CIVILITIES:
        raise ValidationError(_("The civility is M., Mme or Mx."), field="civility")
    return {
        "civility": civility,
        "last_name": text(last_name, "last_name", 80),
        "first_name": text(first_name, "first_name", 80),
        "email": checked_email(email),
        "phone": optional_text(phone, "phone", 32),
        "address": optional_text(address, "address", 255),
    }


def child_fields(
    first_name: str,
    last_name: str,
    birth_date: date,
    school: str | None,
    class_name: str | None,
) -> dict[str, object]:
    """A child's fields, checked and tidied (the keys are `Child`'s attributes)."""
    if not isinstance(birth_date, date):
        raise ValidationError(_("This field is required."), field="birth_date")
    return {
        "first_name": text(first_name, "first_name", 80),
        "last_name": text(last_name, "last_name", 80),
        "birth_date": birth_date,
        "school": optional_text(school, "school", 120),
        "class_name": optional_text(class_name, "class_name", 40),
    }
