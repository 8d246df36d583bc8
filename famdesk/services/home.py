"""The home page: the structure's name, its last update and the news of the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from famdesk.clock import Clock
from famdesk.models import News, Structure
from famdesk.services.auth import SessionInfo, family_of
from famdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class NewsItem:
    title: str
    body: str
    published_from: date


@dataclass(frozen=True)
class HomePage:
    structure_id: int
    structure_name: str
    greeting_name: str
    last_update: datetime | None
    """The last transmission ("mise à jour du site"), in the structure's time zone."""
    news: tuple[NewsItem, ...]


def home_page(uow: UnitOfWork, clock: Clock, session: SessionInfo, structure_id: int) -> HomePage:
    session.structure(structure_id)
    structure = uow.session.get_one(Structure, structure_id)
    tz = ZoneInfo(structure.timezone)
    today = clock.now().astimezone(tz).date()
    rows = uow.session.scalars(
        select(News)
        .where(
            News.structure_id == structure_id,
            News.published_from <= today,
            or_(News.published_until.is_(None), News.published_until >= today),
        )
        .order_by(News.published_from.desc(), News.id.desc())
    )
    family = family_of(uow, session, structure_id)
    last = structure.last_transmission_at
    return HomePage(
        structure_id=structure.id,
        structure_name=structure.name,
        greeting_name=family.holder_name if family is not None else session.display_name,
        last_update=last.astimezone(tz) if last is not None else None,
        news=tuple(NewsItem(n.title, n.body, n.published_from) for n in rows),
    )
