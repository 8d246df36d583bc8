"""Logging in: argon2 against the database, with a lock after repeated failures."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_time
from sqlalchemy import delete, or_, select

from famdesk.clock import Clock
from famdesk.errors import AccountLockedError, AuthenticationError, NotAuthorizedError
from famdesk.i18n import _
from famdesk.models import Account, AppMeta, Family, LoginThrottle
from famdesk.models.enums import Role
from famdesk.services.passwords import hash_secret, needs_rehash, normalize_login, verify_secret
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)


@dataclass(frozen=True)
class StructureChoice:
    id: int
    name: str
    timezone: str


@dataclass(frozen=True)
class SessionInfo:
    """Who is logged in. Held by the UI's gateway; carries no secret."""

    account_id: int
    login: str
    display_name: str
    role: Role
    structures: tuple[StructureChoice, ...]
    must_change_password: bool = False
    is_system: bool = False
    """famdesk itself (command line, demo, transmission): allowed everything."""

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    def require_own_password(self) -> None:
        """An account still on the one-time password the front desk handed over may only
        replace it (its own profile) and log out."""
        if self.must_change_password and not self.is_system:
            raise NotAuthorizedError(_("Choose your own password first."))

    def require_staff(self) -> None:
        self.require_own_password()
        if not (self.is_system or self.is_staff):
            raise NotAuthorizedError(_("Only the front-desk staff may do this."))

    def require_admin(self) -> None:
        if not (self.is_system or self.role is Role.ADMIN):
            raise NotAuthorizedError(_("Only a manager may do this."))

    def require_structure(self, structure_id: int) -> None:
        if not self.is_system:
            self.structure(structure_id)

    def structure(self, structure_id: int) -> StructureChoice:
        """The structure `structure_id` if this account may see it."""
        self.require_own_password()
        for choice in self.structures:
            if choice.id == structure_id:
                return choice
        raise NotAuthorizedError(_("You do not have access to this structure."))


def role_label(role: Role | str) -> str:
    """Famille / Accueil / Gestionnaire."""
    labels = {Role.FAMILY: _("Family"), Role.STAFF: _("Front desk"), Role.ADMIN: _("Manager")}
    return labels[Role(role)]


SYSTEM = SessionInfo(
    account_id=0, login="famdesk", display_name="famdesk", role=Role.ADMIN, structures=(), is_system=True
)


def wrong_credentials() -> AuthenticationError:
    return AuthenticationError(_("Incorrect login or password."))


def authenticate(uow: UnitOfWork, clock: Clock, login: str, password: str) -> SessionInfo:
    """Check `login` and `password`; commits (the counters change either way)."""
    now = clock.now()
    account = uow.session.scalar(select(Account).where(Account.login == normalize_login(login)))
    if account is None:
        verify_secret(None, password)
        _count_unknown_login(uow, clock, login)
        log.info("login refused")
        raise wrong_credentials()
    check_not_locked(account, clock)
    if not verify_secret(account.password_hash, password):
        locked = count_failure(account, clock)
        uow.commit()
        if locked:
            raise locked_error(account, clock)
        log.info("login refused")
        raise wrong_credentials()
    clear_failures(account)
    account.last_login_at = now
    if needs_rehash(account.password_hash):
        account.password_hash = hash_secret(password)
    uow.commit()
    log.info("account %s logged in", account.id)
    return session_info(account)


def is_locked(account: Account, clock: Clock) -> bool:
    return account.locked_until is not None and account.locked_until > clock.now()


def check_not_locked(account: Account, clock: Clock) -> None:
    """Refuse a locked account (with the time it opens again)."""
    if is_locked(account, clock):
        raise locked_error(account, clock)


def count_failure(account: Account, clock: Clock) -> bool:
    """One more failed proof of identity — a password, a security answer, a recovery code —
    toward the account's lock; True when this one locks it. The caller commits."""
    account.failed_logins += 1
    if account.failed_logins < MAX_FAILURES:
        return False
    account.locked_until = clock.now() + LOCK_DURATION
    account.failed_logins = 0
    log.warning("account %s locked after %d failures", account.id, MAX_FAILURES)
    return True


def clear_failures(account: Account) -> None:
    account.failed_logins = 0
    account.locked_until = None


def locked_error(account: Account, clock: Clock) -> AccountLockedError:
    assert account.locked_until is not None
    timezone = account.structures[0].timezone if account.structures else "Europe/Paris"
    return _locked_until(account.locked_until, timezone)


def _locked_until(until: datetime, timezone: str = "Europe/Paris") -> AccountLockedError:
    from zoneinfo import ZoneInfo

    when = format_time(until.astimezone(ZoneInfo(timezone)), "HH:mm", locale="fr_FR")
    return AccountLockedError(
        _("Too many failed attempts: this login is locked until {time}.").format(time=when)
    )


THROTTLE_SALT = "login_throttle_salt"
THROTTLE_KEEP = timedelta(days=1)


def _count_unknown_login(uow: UnitOfWork, clock: Clock, login: str) -> None:
    """Count and lock a login that matches no account exactly as an account's, so that the
    answers never tell whether a login exists. Commits; raises when it is locked."""
    now = clock.now()
    salt = uow.session.get(AppMeta, THROTTLE_SALT)
    if salt is None:
        salt = AppMeta(key=THROTTLE_SALT, value=secrets.token_hex(32))
        uow.session.add(salt)
    key = hashlib.blake2b(normalize_login(login).encode(), key=bytes.fromhex(salt.value),
                          digest_size=32).hexdigest()
    uow.session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failure_at < now - THROTTLE_KEEP,
        or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now)))
    throttle = uow.session.get(LoginThrottle, key)
    if throttle is None:
        throttle = LoginThrottle(key=key, failed_logins=0, last_failure_at=now)
        uow.session.add(throttle)
    if throttle.locked_until is not None and throttle.locked_until > now:
        uow.commit()
        raise _locked_until(throttle.locked_until)
    throttle.failed_logins += 1
    throttle.last_failure_at = now
    if throttle.failed_logins >= MAX_FAILURES:
        throttle.failed_logins = 0
        throttle.locked_until = now + LOCK_DURATION
        uow.commit()
        raise _locked_until(throttle.locked_until)
    uow.commit()


def session_info(account: Account) -> SessionInfo:
    return SessionInfo(
        account_id=account.id,
        login=account.login,
        display_name=account.display_name,
        role=account.role,
        structures=tuple(StructureChoice(s.id, s.name, s.timezone) for s in account.structures),
        must_change_password=account.must_change_password,
    )


def family_of(uow: UnitOfWork, session: SessionInfo, structure_id: int) -> Family | None:
    """The family a family account holds in `structure_id` (None for staff)."""
    session.structure(structure_id)
    if session.is_staff:
        return None
    return uow.session.scalar(
        select(Family).where(
            Family.account_id == session.account_id, Family.structure_id == structure_id
        )
    )
