"""Registered kiosks: the PCs from which families may log in to `famdesk serve`.

A manager registers a kiosk PC for one of their structures; it gets a device token, shown
once and kept in that PC's keyring (only its SHA-256 is stored). A manager may revoke a
kiosk: its token stops working and its open sessions end.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from famdesk.clock import Clock
from famdesk.errors import AuthenticationError, NotFoundError
from famdesk.i18n import _
from famdesk.models import Structure
from famdesk.models.server_tokens import LABEL_LENGTH, ApiSession, Kiosk
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.setup._fields import text
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 200
"""Longer is no token of ours: refused before hashing."""


class DeviceUnknownError(AuthenticationError):
    """A device token that names no registered kiosk, or a revoked one."""


@dataclass(frozen=True)
class KioskRow:
    id: int
    structure_id: int
    label: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class KioskRegistered:
    """A new kiosk and its device token (shown this once, never again)."""

    id: int
    structure_id: int
    label: str
    token: str


@dataclass(frozen=True)
class Device:
    """The registered kiosk a device token names."""

    kiosk_id: int
    structure_id: int
    structure_name: str
    label: str


def token_digest(token: str) -> str:
    """The SHA-256 kept of a random token (a device's or a session's)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> tuple[str, str]:
    """A random token and its digest."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_digest(token)


def register_kiosk(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    label: str,
    *,
    terminal: str = "",
) -> KioskRegistered:
    """Register a kiosk PC for `structure_id` (managers only); audited; commits."""
    session.require_admin()
    session.require_structure(structure_id)
    if uow.session.get(Structure, structure_id) is None:
        raise NotFoundError(_("This structure does not exist."))
    label = text(label, "label", LABEL_LENGTH)
    token, digest = new_token()
    kiosk = Kiosk(structure_id=structure_id, label=label, token_hash=digest,
                  created_at=clock.now(), created_by=session.account_id or None)
    uow.session.add(kiosk)
    uow.session.flush()
    audit(uow, clock.now(), "kiosk_registered", actor_account_id=session.account_id,
          terminal=terminal, structure_id=structure_id, kiosk_id=kiosk.id, label=label)
    uow.commit()
    log.info("kiosk %s registered for structure %s", kiosk.id, structure_id)
    return KioskRegistered(kiosk.id, structure_id, label, token)


def revoke_kiosk(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, kiosk_id: int, *, terminal: str = ""
) -> None:
    """Revoke a kiosk (managers only): its token stops working, its sessions end. Commits."""
    session.require_admin()
    kiosk = uow.session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise NotFoundError(_("This kiosk is not registered."))
    session.require_structure(kiosk.structure_id)
    if kiosk.revoked_at is not None:
        return
    now = clock.now()
    kiosk.revoked_at = now
    uow.session.execute(
        update(ApiSession)
        .where(ApiSession.kiosk_id == kiosk.id, ApiSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    audit(uow, now, "kiosk_revoked", actor_account_id=session.account_id, terminal=terminal,
          structure_id=kiosk.structure_id, kiosk_id=kiosk.id, label=kiosk.label)
    uow.commit()
    log.info("kiosk %s revoked", kiosk.id)


def kiosks(uow: UnitOfWork, session: SessionInfo, structure_id: int) -> tuple[KioskRow, ...]:
    """The structure's kiosks, revoked ones included (managers only)."""
    session.require_admin()
    session.require_structure(structure_id)
    rows = uow.session.scalars(
        select(Kiosk).where(Kiosk.structure_id == structure_id).order_by(Kiosk.label, Kiosk.id)
    )
    return tuple(KioskRow(k.id, k.structure_id, k.label, k.created_at, k.revoked_at) for k in rows)


def identify_device(uow: UnitOfWork, token: str) -> Device:
    """The registered, unrevoked kiosk `token` names; `DeviceUnknownError` otherwise."""
    found = None
    if token and len(token) <= MAX_TOKEN_LENGTH:
        found = uow.session.execute(  # plain columns: each family's login asks it
            select(Kiosk.id, Kiosk.structure_id, Structure.name, Kiosk.label, Kiosk.revoked_at)
            .join(Structure, Structure.id == Kiosk.structure_id)
            .where(Kiosk.token_hash == token_digest(token))
        ).first()
    if found is None or found.revoked_at is not None:
        raise DeviceUnknownError(_(
            "This computer is not a registered kiosk (or no longer is): ask the town hall "
            "to register it again."))
    kiosk_id, structure_id, structure_name, label, _revoked = found
    return Device(kiosk_id, structure_id, structure_name, label)
