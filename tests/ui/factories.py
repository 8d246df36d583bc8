"""A small portal database for the UI tests: plain ORM rows on a real SQLite file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from famdesk.bootstrap import AppContext
from famdesk.models import Account, Family, News, Structure
from famdesk.models.enums import HolidayZone, Role
from famdesk.services.passwords import hash_secret
from famdesk.services.uow import UnitOfWork

TOWN = "Mairie de Démoville"
CENTRE = "Centre de loisirs Les Pins"
FAMILY_LOGIN = "hugo.martin"
FAMILY_PASSWORD = "Cantine-2026"
FAMILY_NAME = "M. MARTIN Hugo"
TOWN_NEWS = "Fermeture exceptionnelle du restaurant scolaire"
CENTRE_NEWS = "Inscriptions ALSH vacances de Noël"
LAST_TRANSMISSION = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)  # 06:00 in Paris


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
        s.add_all([town, centre, account])
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
