"""A real town's first run (`famdesk setup`): its first structure and its first manager.

Only on a database without any manager account: after that, managers create structures and
accounts in "Paramétrage" (`backoffice.accounts`). The manager gets a generated one-time
password, returned once to be shown on the terminal (stored only as its hash, never logged
or audited), and chooses their own at the first login (the login window's first-password
dialog). Audited as famdesk itself; commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import NotAuthorizedError
from famdesk.i18n import _
from famdesk.models import Account, Structure
from famdesk.models.enums import HolidayZone, Role
from famdesk.services.audit import audit
from famdesk.services.auth import SYSTEM
from famdesk.services.families import OneTimePassword
from famdesk.services.passwords import generate_password, hash_secret
from famdesk.services.setup._fields import checked_email, get_or_fail, text
from famdesk.services.setup.people import free_login
from famdesk.services.setup.structures import create_structure
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FirstRun:
    structure_id: int
    structure_name: str
    manager: OneTimePassword


def has_manager(uow: UnitOfWork) -> bool:
    """Whether the database holds a manager account already."""
    return uow.session.scalar(
        select(Account.id).where(Account.role == Role.ADMIN).limit(1)) is not None


def set_up_town(
    uow: UnitOfWork,
    clock: Clock,
    structure_name: str,
    holiday_zone: HolidayZone | str,
    login: str,
    display_name: str | None = None,
    email: str | None = None,
    timezone: str = "Europe/Paris",
    *,
    terminal: str = "",
) -> FirstRun:
    """The first structure and its manager (`display_name` defaults to the login), on a
    database without a manager; give it a write unit of work."""
    if has_manager(uow):
        raise NotAuthorizedError(_(
            "This database already has a manager account: its managers create structures and "
            "accounts in “Settings”."))
    structure_id = create_structure(uow, SYSTEM, structure_name, holiday_zone, timezone)
    structure = get_or_fail(uow, Structure, structure_id)
    login = free_login(uow, login)
    name = text(display_name or login, "display_name", 120)
    email = checked_email(email)
    password = generate_password(login)
    account = Account(
        login=login, password_hash=hash_secret(password), display_name=name, email=email,
        role=Role.ADMIN, failed_logins=0, must_change_password=True, created_at=clock.now(),
        structures=[structure],
    )
    uow.session.add(account)
    uow.session.flush()
    now = clock.now()
    audit(uow, now, "structure_created", actor_account_id=None, terminal=terminal,
          structure_id=structure.id, name=structure.name,
          holiday_zone=structure.holiday_zone.value, timezone=structure.timezone)
    audit(uow, now, "staff_account_created", actor_account_id=None, terminal=terminal,
          account_id=account.id, login=login, role=Role.ADMIN.value, display_name=name,
          email=email, structure_ids=[structure.id])
    uow.commit()
    log.info("first run: structure %s and manager account %s created", structure.id,
             account.id)
    return FirstRun(structure.id, structure.name, OneTimePassword(login, password))
