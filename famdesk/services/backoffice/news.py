"""The structure's news: messages of the home page, each shown between its publication dates.

A message is created or edited (`save_news`), taken off the home page from today on
(`unpublish_news`: its publication ends yesterday) or deleted. A publication whose end is
already past is refused when it is set: the message would never show. Audited; commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import NotFoundError, ValidationError
from famdesk.i18n import _
from famdesk.models import News
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.backoffice._common import managed_structure, structure_today
from famdesk.services.formatting import numeric_date
from famdesk.services.setup.structures import news_fields
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)


class NewsState(StrEnum):
    SCHEDULED = "scheduled"
    """Its publication has not started."""
    PUBLISHED = "published"
    ENDED = "ended"


@dataclass(frozen=True)
class NewsForm:
    title: str
    body: str
    published_from: date
    published_until: date | None = None
    """None: until it is unpublished."""


@dataclass(frozen=True)
class NewsRow:
    id: int
    title: str
    body: str
    published_from: date
    published_until: date | None
    state: NewsState
    state_text: str
    """"Publié jusqu'au 31/10/2026", "Programmé à partir du ...", "Terminé le ..."."""


def news_items(uow: UnitOfWork, clock: Clock, session: SessionInfo,
               structure_id: int) -> tuple[NewsRow, ...]:
    """Every message of the structure, the latest publication first."""
    structure = managed_structure(uow, session, structure_id)
    today = structure_today(clock, structure)
    rows = uow.session.scalars(
        select(News).where(News.structure_id == structure.id)
        .order_by(News.published_from.desc(), News.id.desc())
    )
    return tuple(_row(news, today) for news in rows)


def save_news(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    form: NewsForm,
    news_id: int | None = None,
    *,
    terminal: str = "",
) -> NewsRow:
    """Create a message (`news_id` None) or change message `news_id`; commits."""
    structure = managed_structure(uow, session, structure_id)
    today = structure_today(clock, structure)
    fields = news_fields(form.title, form.body, form.published_from, form.published_until)
    news = None if news_id is None else _news_of(uow, structure.id, news_id)
    until = form.published_until
    if until is not None and until < today and (news is None or until != news.published_until):
        raise ValidationError(
            _("The publication would end on {day}, already past: the message would never show.")
            .format(day=numeric_date(until)), field="published_until")
    if news is None:
        news = News(structure_id=structure.id, **fields)
        uow.session.add(news)
    else:
        for key, value in fields.items():
            setattr(news, key, value)
    uow.session.flush()
    audit(uow, clock.now(), "news_created" if news_id is None else "news_changed",
          actor_account_id=session.account_id, terminal=terminal, structure_id=structure.id,
          news_id=news.id, title=news.title, published_from=news.published_from,
          published_until=news.published_until)
    uow.commit()
    log.info("news %s of structure %s saved by account %s", news.id, structure.id,
             session.account_id)
    return _row(news, today)


def unpublish_news(uow: UnitOfWork, clock: Clock, session: SessionInfo, structure_id: int,
                   news_id: int, *, terminal: str = "") -> NewsRow:
    """Take a published message off the home page from today on (kept, ended yesterday)."""
    structure = managed_structure(uow, session, structure_id)
    today = structure_today(clock, structure)
    news = _news_of(uow, structure.id, news_id)
    state = _state(news, today)
    if state is NewsState.ENDED:
        raise ValidationError(_("This message is no longer published."))
    if news.published_from >= today:
        raise ValidationError(
            _("This message was not shown before today: delete it, or change its dates."))
    news.published_until = today - timedelta(days=1)
    audit(uow, clock.now(), "news_unpublished", actor_account_id=session.account_id,
          terminal=terminal, structure_id=structure.id, news_id=news.id, title=news.title)
    uow.commit()
    log.info("news %s of structure %s unpublished by account %s", news.id, structure.id,
             session.account_id)
    return _row(news, today)


def delete_news(uow: UnitOfWork, clock: Clock, session: SessionInfo, structure_id: int,
                news_id: int, *, terminal: str = "") -> None:
    """Delete a message for good (the audit keeps its title); commits."""
    structure = managed_structure(uow, session, structure_id)
    news = _news_of(uow, structure.id, news_id)
    audit(uow, clock.now(), "news_deleted", actor_account_id=session.account_id,
          terminal=terminal, structure_id=structure.id, news_id=news.id, title=news.title,
          published_from=news.published_from, published_until=news.published_until)
    uow.session.delete(news)
    uow.commit()
    log.info("news %s of structure %s deleted by account %s", news_id, structure.id,
             session.account_id)


def _news_of(uow: UnitOfWork, structure_id: int, news_id: int) -> News:
    news = uow.session.get(News, news_id)
    if news is None or news.structure_id != structure_id:
        raise NotFoundError(_("This message does not exist."))
    return news


def _state(news: News, today: date) -> NewsState:
    if news.published_from > today:
        return NewsState.SCHEDULED
    if news.published_until is not None and news.published_until < today:
        return NewsState.ENDED
    return NewsState.PUBLISHED


def _row(news: News, today: date) -> NewsRow:
    state = _state(news, today)
    if state is NewsState.SCHEDULED:
        text = _("Scheduled from {day}").format(day=numeric_date(news.published_from))
    elif state is NewsState.ENDED:
        assert news.published_until is not None
        text = _("Ended on {day}").format(day=numeric_date(news.published_until))
    elif news.published_until is None:
        text = _("Published")
    else:
        text = _("Published until {day}").format(day=numeric_date(news.published_until))
    return NewsRow(news.id, news.title, news.body, news.published_from, news.published_until,
                   state, text)
