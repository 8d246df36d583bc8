"""Accounts and family files for the UI tests, on top of `factories.build_portal`: a security
question for the family account, more families of the town (accented names), an activity
to register children to. Set up through the services (as the system), like `add_requests`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select, update

from famdesk.bootstrap import AppContext
from famdesk.models import Account, Structure
from famdesk.models.enums import TariffMode
from famdesk.models.values import DeadlineRule
from famdesk.services.auth import SYSTEM, SessionInfo
from famdesk.services.passwords import hash_secret, normalize_answer
from famdesk.services.setup import activities, people, structures
from famdesk.services.uow import UnitOfWork
from famdesk.ui.gateway import LocalGateway
from tests.ui.factories import (
    FAMILY_LOGIN,
    FAMILY_PASSWORD,
    STAFF_LOGIN,
    STAFF_PASSWORD,
    PortalIds,
)
from tests.ui.helpers import run

QUESTION = "Quel était le nom de votre premier animal ?"
ANSWER = "Pâquerette"
NEW_PASSWORD = "Nouveau-Depart-77"
CODE = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)


def code_in(text: str) -> str:
    """The 6 digits of a recovery e-mail's body."""
    match = CODE.search(text)
    assert match is not None, text
    return match.group(1)


def set_security_question(ctx: AppContext, login: str = FAMILY_LOGIN) -> None:
    with UnitOfWork(ctx.db, write=True) as uow:
        uow.session.execute(
            update(Account).where(Account.login == login).values(
                security_question=QUESTION,
                security_answer_hash=hash_secret(normalize_answer(ANSWER)),
            )
        )
        uow.commit()


def set_email(ctx: AppContext, login: str, email: str | None) -> None:
    with UnitOfWork(ctx.db, write=True) as uow:
        uow.session.execute(update(Account).where(Account.login == login).values(email=email))
        uow.commit()


def set_kiosk_idle(ctx: AppContext, structure_id: int, seconds: int) -> None:
    with UnitOfWork(ctx.db, write=True) as uow:
        uow.session.execute(
            update(Structure).where(Structure.id == structure_id).values(
                kiosk_idle_seconds=seconds)
        )
        uow.commit()


def account_email(ctx: AppContext, login: str) -> str | None:
    with UnitOfWork(ctx.db) as uow:
        return uow.session.scalar(select(Account.email).where(Account.login == login))


@dataclass(frozen=True)
class TownFamilies:
    lefevre: int
    """Mme LEFÈVRE Inès, children Chloé and Noé, no account."""
    dupont: int
    """M. DUPONT Éric, child Zoé, no account."""
    activity: int
    """"ALSH MERCREDI", September to early July."""


def add_town_families(ctx: AppContext, ids: PortalIds) -> TownFamilies:
    s = SYSTEM
    with UnitOfWork(ctx.db, write=True) as uow:
        lefevre = people.create_family(
            uow, s, ids.town_id, None, "Mme", "Lefèvre", "Inès", "ines.lefevre@example.org",
            "06 12 34 56 78", "3 rue des Tilleuls, 77000 Démoville")
        people.add_child(uow, s, lefevre, "Chloé", "Lefèvre", date(2017, 4, 12), "École Jules-Ferry", "CM1")
        people.add_child(uow, s, lefevre, "Noé", "Lefèvre", date(2019, 10, 3), "École Jules-Ferry", "CE1")
        dupont = people.create_family(uow, s, ids.town_id, None, "M.", "Dupont", "Éric")
        people.add_child(uow, s, dupont, "Zoé", "Dupont", date(2018, 1, 20))
        wallet = structures.create_wallet(uow, s, ids.town_id, "Loisirs")
        activity = activities.create_activity(
            uow, s, structure_id=ids.town_id, wallet_id=wallet, label="ALSH MERCREDI",
            colour="#6A3FA0", display_order=3, period_start=date(2026, 9, 2),
            period_end=date(2027, 7, 3), tariff_mode=TariffMode.UNIT, slot_minutes=None,
            brackets=[(0, None, Decimal("12.00"))], booking_rule=DeadlineRule.none(),
        )
        uow.commit()
    return TownFamilies(lefevre, dupont, activity)


AccountsLocalGateway = LocalGateway  # it carries the account calls (AccountsGatewayMixin)


def staff_login(gateway: LocalGateway) -> SessionInfo:
    return run(gateway.login(STAFF_LOGIN, STAFF_PASSWORD))


def family_login(gateway: LocalGateway, password: str = FAMILY_PASSWORD) -> SessionInfo:
    return run(gateway.login(FAMILY_LOGIN, password))


def type_text(qtbot, edit, text: str) -> None:  # noqa: ANN001
    """Type `text` key by key; a non-ASCII character is inserted as an input method would
    (QTest's key clicks abort on them with this Qt)."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(edit, char)
        else:
            edit.insert(char)
