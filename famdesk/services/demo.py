"""`famdesk demo`: a realistic town to try famdesk on, and the accounts to log in with.

The demo accounts all share `DEMO_PASSWORD`, a published password: the login window shows
it, on a demo database only (`demo_accounts`). It is never stored: the accounts hold its
argon2 hash, and the database only records that it is a demo and the demo's logins.
"""

from __future__ import annotations

import logging
import time as timer
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select

from famdesk.clock import Clock, FixedClock
from famdesk.errors import ValidationError
from famdesk.i18n import _
from famdesk.models import Account, AppMeta, Base, Structure
from famdesk.models.enums import Role
from famdesk.services.auth import role_label
from famdesk.services.database import Database
from famdesk.services.demo_bookings import book_demo
from famdesk.services.demo_money import pay_demo
from famdesk.services.demo_town import build_town
from famdesk.services.transmission import transmit
from famdesk.services.uow import UnitOfWork

if TYPE_CHECKING:
    from famdesk.bootstrap import AppContext

log = logging.getLogger(__name__)

DEMO_PASSWORD = "Demoville-2026"
"""The password of every demo account, published on the demo's login window."""

META_DEMO = "demo"
META_LOGINS = "demo_logins"


class DemoAccountLine(NamedTuple):
    """One account of the demo summary: (login, role, name)."""

    login: str
    role: Role
    name: str

    @property
    def role_label(self) -> str:
        return role_label(self.role)


@dataclass(frozen=True)
class DemoSummary:
    structures: tuple[str, ...]
    families: int
    children: int
    accounts: tuple[DemoAccountLine, ...]
    school_year: tuple[date, date]
    open_days: int
    confirms: int = 0


@dataclass(frozen=True)
class DemoAccount:
    """A demo account as the login window lists it, with the published password."""

    login: str
    password: str
    role: Role
    name: str

    @property
    def role_label(self) -> str:
        return role_label(self.role)


def build_demo(
    ctx_or_db: AppContext | Database, clock: Clock | None = None, *, today: date, reset: bool
) -> DemoSummary:
    """Build the demo town for the school year around `today`, in one transaction.

    `ctx_or_db` is an `AppContext` (whose clock serves when `clock` is None) or a `Database`.
    With `reset`, every row of the database is deleted first (the schema stays); without it,
    a database that already holds a structure is refused and left untouched.
    """
    db = getattr(ctx_or_db, "db", ctx_or_db)
    assert isinstance(db, Database)
    clock = clock or getattr(ctx_or_db, "clock", None)
    if clock is None:
        raise TypeError("build_demo needs a clock, or an AppContext that holds one")
    started = timer.perf_counter()
    with UnitOfWork(db, write=True) as uow:
        if reset:
            wipe_data(uow)
        elif uow.session.scalar(select(Structure.id).limit(1)) is not None:
            raise ValidationError(
                _("This database already holds data: use --reset to rebuild the demo.")
            )
        town = build_town(uow, clock, today, DEMO_PASSWORD)
        logins = ",".join(login for login, _role, _name in town.accounts)
        uow.session.merge(AppMeta(key=META_DEMO, value="1"))
        uow.session.merge(AppMeta(key=META_LOGINS, value=logins))
        uow.commit()
    bookings = book_demo(db, clock, today)
    # last night's transmission (no mail server in the demo: the reports wait in the outbox)
    last_night = datetime.combine(today - timedelta(days=1), time(22, 0), tzinfo=ZoneInfo("Europe/Paris"))
    transmit(db, FixedClock(last_night), lambda _structure: None)
    pay_demo(db, clock, today, last_night)  # the desk's payments, on the days just debited
    summary = DemoSummary(
        structures=tuple(town.structures),
        families=town.families,
        children=town.children,
        accounts=tuple(DemoAccountLine(*account) for account in town.accounts),
        school_year=town.school_year,
        open_days=town.open_days,
        confirms=bookings.confirms,
    )
    log.info(
        "demo built for %s: %d families, %d children, %d open days in %.2f s",
        today,
        summary.families,
        summary.children,
        summary.open_days,
        timer.perf_counter() - started,
    )
    return summary


def wipe_data(uow: UnitOfWork) -> None:
    """Delete every row of famdesk's tables, children first; the schema and its version stay."""
    for table in reversed(Base.metadata.sorted_tables):
        uow.session.execute(table.delete())
    log.info("every row of the database deleted (demo --reset)")


def demo_accounts(uow: UnitOfWork) -> tuple[DemoAccount, ...]:
    """The demo's accounts with the published password; () unless the database is a demo."""
    meta = dict(
        uow.session.execute(
            select(AppMeta.key, AppMeta.value).where(AppMeta.key.in_((META_DEMO, META_LOGINS)))
        ).all()
    )
    if meta.get(META_DEMO) != "1":
        return ()
    logins = [login for login in meta.get(META_LOGINS, "").split(",") if login]
    accounts = {
        account.login: account
        for account in uow.session.scalars(select(Account).where(Account.login.in_(logins)))
    }
    return tuple(
        DemoAccount(login, DEMO_PASSWORD, accounts[login].role, accounts[login].display_name)
        for login in logins
        if login in accounts
    )
