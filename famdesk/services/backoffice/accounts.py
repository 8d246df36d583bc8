"""The town's staff and managers ("Comptes et structures"): their accounts, their one-time
passwords, their roles and structures, and new structures.

A manager acts only within the structures they manage: they list the front-desk and manager
accounts of one of them, create an account seeing some of theirs, and change or give a new
password only to an account whose every structure is theirs (else a manager of a structure
they do not manage would gain a way into it). A structure is never left without a manager,
and a manager cannot take away their own manager role. Family accounts are the front desk's
(`services.families`).

A new account, or a new password, is a generated one-time password returned once in a
`OneTimePassword` (stored only as its hash, never logged or audited); the person chooses
their own at the first login (`profile.set_first_password`). A new password also ends the
account's sessions on `famdesk serve` and lifts its lock.

Each change is audited (actor, terminal, what changed) and commits; bad input raises a
French `ValidationError` naming its field and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from famdesk.clock import Clock
from famdesk.errors import NotAuthorizedError, NotFoundError, ValidationError
from famdesk.i18n import _
from famdesk.models import Account, Structure
from famdesk.models.accounts import account_structure
from famdesk.models.enums import HolidayZone, Role
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo, StructureChoice, is_locked
from famdesk.services.backoffice._common import managed_structure
from famdesk.services.credentials import set_password
from famdesk.services.families import OneTimePassword
from famdesk.services.passwords import generate_password, hash_secret
from famdesk.services.setup._fields import checked_email, get_or_fail, text
from famdesk.services.setup.people import free_login
from famdesk.services.setup.structures import create_structure
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

STAFF_ROLES = (Role.STAFF, Role.ADMIN)
DEFAULT_TIMEZONE = "Europe/Paris"


@dataclass(frozen=True)
class StaffAccountRow:
    """A front-desk or manager account as the managers see it: never a hash or an answer."""

    id: int
    login: str
    display_name: str
    role: Role
    email: str | None
    structures: tuple[StructureChoice, ...]
    """Every structure it sees, by name."""
    locked_until: datetime | None
    """Set while it is locked after failed attempts."""
    must_change_password: bool
    """Its one-time password was not replaced yet."""
    last_login_at: datetime | None
    manageable: bool
    """The session manages every structure it sees: it may change it or reset its password."""
    is_self: bool
    """The session's own account."""


@dataclass(frozen=True)
class StaffAccountForm:
    """A new account as the manager types it."""

    login: str
    display_name: str
    role: Role | str
    email: str | None = None
    structure_ids: tuple[int, ...] = ()


# -- reading -------------------------------------------------------------------------


def staff_accounts(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, structure_id: int
) -> tuple[StaffAccountRow, ...]:
    """The front-desk and manager accounts that see the structure, by name."""
    managed_structure(uow, session, structure_id)
    accounts = uow.session.scalars(
        select(Account)
        .join(account_structure, account_structure.c.account_id == Account.id)
        .where(account_structure.c.structure_id == structure_id, Account.role.in_(STAFF_ROLES))
        .order_by(func.lower(Account.display_name), Account.login)
    )
    return tuple(_row(account, session, clock) for account in accounts)


def _row(account: Account, session: SessionInfo, clock: Clock) -> StaffAccountRow:
    return StaffAccountRow(
        id=account.id, login=account.login, display_name=account.display_name,
        role=Role(account.role), email=account.email,
        structures=tuple(StructureChoice(s.id, s.name, s.timezone)
                         for s in sorted(account.structures, key=lambda s: s.name)),
        locked_until=account.locked_until if is_locked(account, clock) else None,
        must_change_password=account.must_change_password, last_login_at=account.last_login_at,
        manageable=_manages_all(session, account), is_self=account.id == session.account_id,
    )


# -- accounts ------------------------------------------------------------------------


def add_staff_account(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, form: StaffAccountForm, *,
    terminal: str = "",
) -> OneTimePassword:
    """A front-desk or manager account seeing `form.structure_ids` (structures of the
    session's), with a one-time password returned once; commits."""
    session.require_admin()
    session.require_own_password()
    wanted = sorted(set(form.structure_ids))
    for structure_id in wanted:
        session.require_structure(structure_id)
    login = free_login(uow, form.login)
    display_name = text(form.display_name, "display_name", 120)
    email = checked_email(form.email)
    role = _staff_role(form.role)
    structures = _structures(uow, wanted)
    password = generate_password(login)
    account = Account(
        login=login, password_hash=hash_secret(password), display_name=display_name,
        email=email, role=role, failed_logins=0, must_change_password=True,
        created_at=clock.now(), structures=structures,
    )
    uow.session.add(account)
    try:
        uow.session.flush()
        audit(uow, clock.now(), "staff_account_created", actor_account_id=session.account_id,
              terminal=terminal, account_id=account.id, login=login, role=role.value,
              display_name=display_name, email=email, structure_ids=wanted)
        uow.commit()
    except IntegrityError:  # the same login taken by another manager a moment ago
        uow.session.rollback()
        raise ValidationError(_("This login is already taken."), field="login") from None
    log.info("account %s (%s) created by account %s", account.id, role.value,
             session.account_id)
    return OneTimePassword(login, password)


def reset_staff_password(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, account_id: int, *, terminal: str = "",
) -> OneTimePassword:
    """A new one-time password for a front-desk or manager account (returned once): its
    lock and recovery codes are cleared, its server sessions end, and it must choose its own
    password at its next login. Commits."""
    account = _managed_account(uow, session, account_id)
    if account.id == session.account_id:
        raise ValidationError(_("Change your own password in your profile."))
    password = generate_password(account.login)
    set_password(uow, clock, account, password, one_time=True)
    audit(uow, clock.now(), "staff_password_reset", actor_account_id=session.account_id,
          terminal=terminal, account_id=account.id, login=account.login)
    uow.commit()
    log.info("account %s given a one-time password by account %s", account.id,
             session.account_id)
    return OneTimePassword(account.login, password)


def change_staff_account(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, account_id: int, role: Role | str,
    structure_ids: Iterable[int], *, terminal: str = "",
) -> StaffAccountRow:
    """Set the account's role (front desk or manager) and the structures it sees (among the
    session's). Refused when a structure would be left without a manager, or when a manager
    would take away their own manager role. Commits."""
    account = _managed_account(uow, session, account_id)
    wanted = sorted(set(structure_ids))
    for structure_id in wanted:
        session.require_structure(structure_id)
    new_role = _staff_role(role)
    before_ids = sorted(s.id for s in account.structures)
    _lock(uow, sorted(set(wanted) | set(before_ids)))
    structures = _structures(uow, wanted)
    if account.id == session.account_id and new_role is not Role.ADMIN:
        raise ValidationError(
            _("You cannot take away your own manager role: ask another manager."), field="role")
    if account.role is Role.ADMIN:
        kept = set(wanted) if new_role is Role.ADMIN else set()
        for structure in [s for s in account.structures if s.id not in kept]:
            if not _other_managers(uow, structure.id, account.id):
                raise ValidationError(
                    _("{structure} would have no manager left: make another account its "
                      "manager first.").format(structure=structure.name),
                    field="role" if structure.id in wanted else "structure_ids")
    before_role = account.role
    account.role = new_role
    account.structures = structures
    changes: dict[str, list[object]] = {}
    if before_role is not new_role:
        changes["role"] = [before_role.value, new_role.value]
    if before_ids != wanted:
        changes["structure_ids"] = [before_ids, wanted]
    if changes:
        audit(uow, clock.now(), "staff_account_changed", actor_account_id=session.account_id,
              terminal=terminal, account_id=account.id, login=account.login, changes=changes)
    uow.commit()
    log.info("account %s changed (%s) by account %s", account.id,
             ", ".join(changes) or "nothing", session.account_id)
    return _row(account, session, clock)


# -- structures ----------------------------------------------------------------------


def add_structure(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, structure_id: int, name: str,
    holiday_zone: HolidayZone | str, timezone: str = DEFAULT_TIMEZONE, *, terminal: str = "",
) -> StructureChoice:
    """A new structure (its name unique), created by a manager of `structure_id` (the one
    they work in), who is linked to it and may set it up at once. Commits."""
    managed_structure(uow, session, structure_id)
    try:
        new_id = create_structure(uow, session, name, holiday_zone,
                                  timezone or DEFAULT_TIMEZONE)
        structure = get_or_fail(uow, Structure, new_id)
        if not session.is_system:
            creator = get_or_fail(uow, Account, session.account_id)
            creator.structures.append(structure)
            uow.session.flush()
        audit(uow, clock.now(), "structure_created", actor_account_id=session.account_id,
              terminal=terminal, structure_id=structure.id, name=structure.name,
              holiday_zone=structure.holiday_zone.value, timezone=structure.timezone,
              from_structure_id=structure_id)
        uow.commit()
    except IntegrityError:  # the same name given by another manager a moment ago
        uow.session.rollback()
        raise ValidationError(_("A structure with this name already exists."),
                              field="name") from None
    log.info("structure %s created by account %s", structure.id, session.account_id)
    return StructureChoice(structure.id, structure.name, structure.timezone)


# -- helpers -------------------------------------------------------------------------


def _manages_all(session: SessionInfo, account: Account) -> bool:
    if session.is_system:
        return True
    seen = {s.id for s in account.structures}
    return bool(seen) and seen <= {choice.id for choice in session.structures}


def _managed_account(uow: UnitOfWork, session: SessionInfo, account_id: int) -> Account:
    """A front-desk or manager account whose every structure the session manages."""
    session.require_admin()
    session.require_own_password()
    account = get_or_fail(uow, Account, account_id)
    if not _manages_all(session, account):
        mine = {choice.id for choice in session.structures}
        if not mine & {s.id for s in account.structures}:
            raise NotAuthorizedError(_("You do not have access to this structure."))
        raise NotAuthorizedError(_(
            "This account also sees a structure you do not manage: only a manager of all its "
            "structures may change it."))
    if account.role not in STAFF_ROLES:
        raise ValidationError(_(
            "This is a family account: the front desk manages it from the family's file."))
    return account


def _staff_role(value: Role | str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        role = None
    if role not in STAFF_ROLES:
        raise ValidationError(_("Choose the role: front desk or manager."), field="role")
    return role  # type: ignore[return-value]


def _structures(uow: UnitOfWork, ids: list[int]) -> list[Structure]:
    if not ids:
        raise ValidationError(_("Choose at least one structure."), field="structure_ids")
    found = list(uow.session.scalars(
        select(Structure).where(Structure.id.in_(ids)).order_by(Structure.name)))
    if len(found) != len(ids):
        raise NotFoundError(_("This structure does not exist."))
    return found


def _lock(uow: UnitOfWork, ids: list[int]) -> None:
    """The structures' rows locked until the commit (PostgreSQL; SQLite's write unit of
    work holds the whole database), so two managers cannot both remove the last manager."""
    if ids and uow.db.write_lock:
        uow.session.execute(select(Structure.id).where(Structure.id.in_(sorted(ids)))
                            .order_by(Structure.id).with_for_update())


def _other_managers(uow: UnitOfWork, structure_id: int, account_id: int) -> int:
    return uow.session.scalar(
        select(func.count()).select_from(Account)
        .join(account_structure, account_structure.c.account_id == Account.id)
        .where(account_structure.c.structure_id == structure_id, Account.role == Role.ADMIN,
               Account.id != account_id)
    ) or 0
