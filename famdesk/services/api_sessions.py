"""Sessions of `famdesk serve`: logging in returns a random token, each request turns it back
into the `SessionInfo` every service already takes.

- The token is `secrets.token_urlsafe`; only its SHA-256 is stored. It expires (sooner on a
  kiosk) and ends at logout, when its kiosk is revoked, when the staff revoke it, or when
  the account's password changes (`end_sessions`).
- Family accounts log in only from a registered kiosk of their structure (a device token);
  the desk (no device token) takes staff logins only. The password is checked first, so the
  refusal tells nothing to someone who does not know it.
- Failed logins count per login (`auth`: lockout) and per device: a kiosk, or a client
  address without a device token, is paused after `DeviceLimit.failures` failures within
  `DeviceLimit.window`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_time
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from famdesk.clock import Clock
from famdesk.errors import (
    AuthenticationError,
    NotAuthorizedError,
    NotFoundError,
    TooManyAttemptsError,
)
from famdesk.i18n import _
from famdesk.models import Account, LoginThrottle, Structure
from famdesk.models.accounts import account_structure
from famdesk.models.enums import Role
from famdesk.models.server_tokens import TERMINAL_LENGTH, ApiSession
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo, StructureChoice, authenticate
from famdesk.services.kiosks import (
    MAX_TOKEN_LENGTH,
    Device,
    identify_device,
    new_token,
    token_digest,
)
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

KEEP_ENDED = timedelta(days=7)
"""Ended sessions are deleted this long after they expired..."""
CLEAN_EVERY = timedelta(minutes=10)
"""...by a login, at most this often in a process (not by each of a morning's rush)."""


class SessionEndedError(AuthenticationError):
    """No session, or one that expired or was revoked."""


class KioskOnlyError(NotAuthorizedError):
    """A family account logging in elsewhere than from a registered kiosk of its structure."""


@dataclass(frozen=True)
class Lifetimes:
    desk: timedelta = timedelta(hours=12)
    kiosk: timedelta = timedelta(hours=2)


@dataclass(frozen=True)
class DeviceLimit:
    failures: int = 20
    window: timedelta = timedelta(minutes=10)
    pause: timedelta = timedelta(minutes=10)


@dataclass(frozen=True)
class OpenedSession:
    token: str
    """Given to the client this once; only its digest is kept."""
    expires_at: datetime
    session: SessionInfo


@dataclass(frozen=True)
class Caller:
    """Who a request's token names, and from where the session was opened."""

    session: SessionInfo
    api_session_id: int
    terminal: str
    kiosk_id: int | None


def session_ended() -> SessionEndedError:
    return SessionEndedError(_("Your session has ended. Please log in again."))


def log_in(
    uow: UnitOfWork,
    clock: Clock,
    login: str,
    password: str,
    *,
    device_token: str | None,
    client: str,
    terminal: str,
    lifetimes: Lifetimes = Lifetimes(),
    limit: DeviceLimit = DeviceLimit(),
) -> OpenedSession:
    """Check the credentials (and the device) and open a session; `uow` must be a write
    one. `client` is the caller's address (the device of a desk); commits."""
    device = identify_device(uow, device_token) if device_token is not None else None
    device_key = f"kiosk:{device.kiosk_id}" if device else f"client:{client}"
    _check_device(uow, clock, device_key)
    try:
        session = authenticate(uow, clock, login, password)
    except AuthenticationError:
        _count_device_failure(uow, clock, device_key, limit)
        raise
    _check_place(session, device)
    now = clock.now()
    token, digest = new_token()
    expires_at = now + (lifetimes.kiosk if device else lifetimes.desk)
    where = f"{device.label}" if device else terminal
    uow.session.execute(insert(ApiSession).values(
        token_hash=digest, account_id=session.account_id, kiosk_id=device and device.kiosk_id,
        terminal=where[:TERMINAL_LENGTH], created_at=now, expires_at=expires_at))
    _delete_ended(uow, now)
    uow.commit()
    log.info("account %s: session %s", session.account_id, "on a kiosk" if device else "at a desk")
    return OpenedSession(token, expires_at, session)


class _Cleaning:
    last: datetime | None = None
    """When a login of this process last deleted the ended sessions."""


def _delete_ended(uow: UnitOfWork, now: datetime) -> None:
    last = _Cleaning.last
    if last is not None and abs(now - last) < CLEAN_EVERY:
        return
    _Cleaning.last = now
    uow.session.execute(delete(ApiSession).where(ApiSession.expires_at < now - KEEP_ENDED))


def resolve(uow: UnitOfWork, clock: Clock, token: str | None) -> Caller:
    """The caller a session token names; `SessionEndedError` when it names none (any more)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise session_ended()
    # every request asks this: one query, plain columns, the account's structures joined
    rows = uow.session.execute(
        select(ApiSession.id, ApiSession.terminal, ApiSession.kiosk_id, ApiSession.expires_at,
               ApiSession.revoked_at, Account.id, Account.login, Account.display_name,
               Account.role, Account.must_change_password, Structure.id, Structure.name,
               Structure.timezone)
        .join(Account, Account.id == ApiSession.account_id)
        .outerjoin(account_structure, account_structure.c.account_id == Account.id)
        .outerjoin(Structure, Structure.id == account_structure.c.structure_id)
        .where(ApiSession.token_hash == token_digest(token))
        .order_by(Structure.name)  # as `Account.structures`
    ).all()
    if not rows:
        raise session_ended()
    session_id, terminal, kiosk_id, expires_at, revoked_at, account_id, login, name, role, \
        must_change, *_structure = rows[0]
    if revoked_at is not None or expires_at <= clock.now():
        raise session_ended()
    structures = tuple(StructureChoice(row[10], row[11], row[12]) for row in rows
                       if row[10] is not None)
    session = SessionInfo(account_id=account_id, login=login, display_name=name,
                          role=Role(role), structures=structures,
                          must_change_password=must_change)
    return Caller(session, session_id, terminal, kiosk_id)


def log_out(uow: UnitOfWork, clock: Clock, token: str | None) -> None:
    """End the session of `token` (nothing happens for a token that names none). Commits."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return
    uow.session.execute(
        update(ApiSession)
        .where(ApiSession.token_hash == token_digest(token), ApiSession.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    uow.commit()


def revoke_sessions(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, account_id: int, *, terminal: str = ""
) -> int:
    """End every open session of `account_id`: the staff for the families of their
    structures, a manager for any account of theirs. Audited; commits; how many ended."""
    session.require_staff()
    account = uow.session.get(Account, account_id)
    if account is None:
        raise NotFoundError(_("This account does not exist."))
    if not session.is_system:
        if account.role is not Role.FAMILY:
            session.require_admin()
        mine = {choice.id for choice in session.structures}
        if account.id != session.account_id and not mine & {s.id for s in account.structures}:
            raise NotAuthorizedError(_("You do not have access to this structure."))
    now = clock.now()
    ended = end_sessions(uow, clock, account.id)
    audit(uow, now, "sessions_revoked", actor_account_id=session.account_id, terminal=terminal,
          account_id=account.id, count=ended)
    uow.commit()
    log.info("account %s: %d session(s) revoked by account %s", account.id, ended,
             session.account_id)
    return int(ended)


def end_sessions(uow: UnitOfWork, clock: Clock, account_id: int, *,
                 keep: int | None = None) -> int:
    """End the open sessions of `account_id` but the session `keep` (an `ApiSession` id):
    when its password changes, whoever logged in with the old one is out. No check of who
    asks (the caller's service did it); does not commit; how many ended."""
    now = clock.now()
    query = (
        update(ApiSession)
        .where(ApiSession.account_id == account_id, ApiSession.revoked_at.is_(None),
               ApiSession.expires_at > now)
        .values(revoked_at=now)
    )
    if keep is not None:
        query = query.where(ApiSession.id != keep)
    return int(uow.session.execute(query).rowcount)  # type: ignore[attr-defined]


# -- where a login may come from ---------------------------------------------------------------


def _check_place(session: SessionInfo, device: Device | None) -> None:
    if session.is_staff:
        return
    if device is None:
        raise KioskOnlyError(_(
            "Families log in from a registered kiosk of the town: this computer is not one."))
    if device.structure_id not in {choice.id for choice in session.structures}:
        raise KioskOnlyError(_(
            "This kiosk belongs to another structure: log in from a kiosk of yours."))


# -- failures per device -------------------------------------------------------------------------


def _throttle_key(device_key: str) -> str:
    return hashlib.sha256(f"device:{device_key}".encode()).hexdigest()


def _check_device(uow: UnitOfWork, clock: Clock, device_key: str) -> None:
    row = uow.session.get(LoginThrottle, _throttle_key(device_key))
    if row is not None and row.locked_until is not None and row.locked_until > clock.now():
        raise _paused(row.locked_until)


def _count_device_failure(uow: UnitOfWork, clock: Clock, device_key: str,
                          limit: DeviceLimit) -> None:
    """One more failed login from this device (best effort: a twin request may race it)."""
    now = clock.now()
    key = _throttle_key(device_key)
    uow.session.rollback()
    row = uow.session.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, failed_logins=0, last_failure_at=now)
        uow.session.add(row)
    if row.last_failure_at < now - limit.window:
        row.failed_logins = 0
    row.failed_logins += 1
    row.last_failure_at = now
    paused_until = None
    if row.failed_logins >= limit.failures:
        row.failed_logins = 0
        row.locked_until = paused_until = now + limit.pause
        log.warning("a device is paused after %d failed logins", limit.failures)
    try:
        uow.commit()
    except IntegrityError:
        uow.session.rollback()
    if paused_until is not None:
        raise _paused(paused_until)


def _paused(until: datetime) -> TooManyAttemptsError:
    when = format_time(until.astimezone(ZoneInfo("Europe/Paris")), "HH:mm", locale="fr_FR")
    return TooManyAttemptsError(_(
        "Too many failed logins from this computer: try again after {time}.").format(time=when))
