"""A small portal database for the UI tests: plain ORM rows on a real SQLite file; requests
(`add_requests`) are set up through the set-up services and confirmed through the booking one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import select

from famdesk.bootstrap import AppContext
from famdesk.models import Account, Family, News, Structure
from famdesk.models.enums import HolidayZone, Role, TariffMode
from famdesk.models.values import DeadlineRule
from famdesk.services.auth import SYSTEM, SessionInfo, StructureChoice
from famdesk.services.booking import confirm
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.passwords import hash_secret
from famdesk.services.setup import activities, people, structures
from famdesk.services.uow import UnitOfWork

TOWN = "Mairie de Démoville"
CENTRE = "Centre de loisirs Les Pins"
FAMILY_LOGIN = "hugo.martin"
FAMILY_PASSWORD = "Cantine-2026"
FAMILY_NAME = "M. MARTIN Hugo"
TOWN_NEWS = "Fermeture exceptionnelle du restaurant scolaire"
CENTRE_NEWS = "Inscriptions ALSH vacances de Noël"
LAST_TRANSMISSION = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)  # 06:00 in Paris
STAFF_LOGIN = "accueil"
STAFF_PASSWORD = "Guichet-2026"
STAFF_NAME = "Accueil de la mairie"


@dataclass(frozen=True)
class PortalIds:
    town_id: int
    centre_id: int
    account_id: int


def build_portal(ctx: AppContext) -> PortalIds:
    """A family account in two structures; news in both; the town transmitted last night."""
    with UnitOfWork(ctx.db, write=True) as uow:
        s = uow.session
        town = Structure(
            name=TOWN, holiday_zone=HolidayZone.A, last_transmission_at=LAST_TRANSMISSION
        )
        centre = Structure(name=CENTRE, holiday_zone=HolidayZone.A)
        account = Account(
            login=FAMILY_LOGIN,
            password_hash=hash_secret(FAMILY_PASSWORD),
            display_name="Hugo Martin",
            email="hugo.martin@example.org",
            role=Role.FAMILY,
            created_at=datetime(2026, 9, 1, tzinfo=UTC),
            structures=[town, centre],
        )
        staff = Account(
            login=STAFF_LOGIN,
            password_hash=hash_secret(STAFF_PASSWORD),
            display_name=STAFF_NAME,
            email="accueil@example.org",
            role=Role.STAFF,
            created_at=datetime(2026, 9, 1, tzinfo=UTC),
            structures=[town],
        )
        s.add_all([town, centre, account, staff])
        s.flush()
        for structure in (town, centre):
            s.add(
                Family(
                    structure_id=structure.id,
                    account_id=account.id,
                    civility="M.",
                    last_name="Martin",
                    first_name="Hugo",
                )
            )
        s.add_all(
            [
                News(
                    structure_id=town.id,
                    title=TOWN_NEWS,
                    body="Le restaurant scolaire sera fermé le vendredi 4 décembre.\n"
                    "Pensez à prévoir un pique-nique.",
                    published_from=date(2026, 11, 12),
                ),
                News(
                    structure_id=town.id,
                    title="Réunion d'information périscolaire",
                    body="Salle du conseil, mardi 1er décembre à 18 h 30.",
                    published_from=date(2026, 11, 2),
                ),
                News(
                    structure_id=town.id,
                    title="Ancienne actualité",
                    body="Plus affichée.",
                    published_from=date(2026, 9, 1),
                    published_until=date(2026, 9, 30),
                ),
                News(
                    structure_id=centre.id,
                    title=CENTRE_NEWS,
                    body="Les inscriptions ouvrent le 1er décembre.",
                    published_from=date(2026, 11, 20),
                ),
            ]
        )
        uow.commit()
        return PortalIds(town.id, centre.id, account.id)


# -- requests ---------------------------------------------------------------------------

APS = "APS MATIN"
MEALS = "RESTAURATION"
LEA = "MARTIN Léa"
TOM = "MARTIN Tom"
TUESDAY = date(2026, 12, 1)
THURSDAY = date(2026, 12, 3)


@dataclass(frozen=True)
class RequestIds:
    family_id: int
    lea: int
    tom: int
    aps: int
    meals: int


def family_session(ctx: AppContext, ids: PortalIds) -> SessionInfo:
    with UnitOfWork(ctx.db) as uow:
        rows = uow.session.execute(select(Structure.id, Structure.name, Structure.timezone))
        choices = tuple(StructureChoice(*row) for row in rows)
    return SessionInfo(ids.account_id, FAMILY_LOGIN, "Hugo Martin", Role.FAMILY, choices)


def confirm_lines(ctx: AppContext, session: SessionInfo, *lines: DraftLine) -> None:
    with UnitOfWork(ctx.db, write=True) as uow:
        confirm(uow, ctx.clock, session, Draft(tuple(lines)), uuid.uuid4().hex)


def add_requests(ctx: AppContext, ids: PortalIds) -> RequestIds:
    """In the town: Léa and Tom, "APS MATIN" (07:00/07:30 -> 08:20) and "RESTAURATION" (one
    place, one on the waiting list) in December; then the family asks, on the portal, for
    Léa's APS and meals on Tuesday 1st and Thursday 3rd and Tom's meal on Tuesday 1st
    (waiting list)."""
    s = SYSTEM
    december = [date(2026, 12, day) for day in range(1, 32)]
    school_days = [day for day in december if day.weekday() in (0, 1, 3, 4)]
    with UnitOfWork(ctx.db, write=True) as uow:
        family_id = uow.session.scalar(select(Family.id).where(Family.structure_id == ids.town_id))
        assert family_id is not None
        wallet = structures.create_wallet(uow, s, ids.town_id, "Périscolaire")
        common = {
            "structure_id": ids.town_id,
            "wallet_id": wallet,
            "period_start": date(2026, 9, 1),
            "period_end": date(2027, 7, 3),
            "booking_rule": DeadlineRule.none(),
        }
        aps = activities.create_activity(
            uow,
            s,
            label=APS,
            colour="#2E86AB",
            display_order=1,
            tariff_mode=TariffMode.SLOT,
            slot_minutes=30,
            brackets=[(0, None, Decimal("0.80"))],
            time_options={d: ([time(7, 0), time(7, 30)], [time(8, 20)]) for d in (0, 1, 3, 4)},
            **common,
        )
        meals = activities.create_activity(
            uow,
            s,
            label=MEALS,
            colour="#F18F01",
            display_order=2,
            tariff_mode=TariffMode.UNIT,
            slot_minutes=None,
            brackets=[(0, None, Decimal("3.20"))],
            **common,
        )
        activities.open_days(uow, s, aps, school_days, None, 0)
        activities.open_days(uow, s, meals, school_days, 1, 1)
        lea = people.add_child(uow, s, family_id, "Léa", "Martin", date(2018, 3, 2))
        tom = people.add_child(uow, s, family_id, "Tom", "Martin", date(2016, 6, 9))
        for child in (lea, tom):
            for activity in (aps, meals):
                people.register_child(uow, s, child, activity, date(2026, 9, 1), date(2027, 7, 3))
        uow.commit()
    session = family_session(ctx, ids)
    confirm_lines(
        ctx,
        session,
        DraftLine(LineKind.BOOK, lea, aps, TUESDAY, time(7, 0), time(8, 20)),
        DraftLine(LineKind.BOOK, lea, meals, TUESDAY),
        DraftLine(LineKind.BOOK, lea, meals, THURSDAY),
    )
    confirm_lines(ctx, session, DraftLine(LineKind.BOOK, tom, meals, TUESDAY))
    return RequestIds(family_id, lea, tom, aps, meals)
