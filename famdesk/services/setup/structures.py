"""Structures, their home-page news and their wallets ("porte-monnaie")."""

from __future__ import annotations

import logging
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from famdesk.errors import ValidationError
from famdesk.i18n import _
from famdesk.models import News, Structure, Wallet
from famdesk.models.enums import HolidayZone
from famdesk.services.auth import SessionInfo
from famdesk.services.setup._fields import get_or_fail, period, text
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)


def create_structure(
    uow: UnitOfWork,
    session: SessionInfo,
    name: str,
    holiday_zone: HolidayZone | str,
    timezone: str = "Europe/Paris",
) -> int:
    """A new town hall or centre; returns its id."""
    session.require_admin()
    name = text(name, "name", 120)
    zone = holiday_zone_of(holiday_zone)
    try:
        ZoneInfo(timezone)
    except (KeyError, ValueError, TypeError):  # ZoneInfoNotFoundError is a KeyError
        raise ValidationError(
            _("“{timezone}” is not a known time zone.").format(timezone=timezone), field="timezone"
        ) from None
    if uow.session.scalar(select(Structure.id).where(Structure.name == name)) is not None:
        raise ValidationError(_("A structure with this name already exists."), field="name")
    structure = Structure(name=name, holiday_zone=zone, timezone=timezone)
    uow.session.add(structure)
    uow.session.flush()
    log.info("structure %s created", structure.id)
    return structure.id


def add_news(
    uow: UnitOfWork,
    session: SessionInfo,
    structure_id: int,
    title: str,
    body: str,
    published_from: date,
    published_until: date | None = None,
) -> int:
    """A message of the structure's home page, shown from `published_from` to `published_until`."""
    session.require_admin()
    session.require_structure(structure_id)
    get_or_fail(uow, Structure, structure_id)
    news = News(structure_id=structure_id, **news_fields(title, body, published_from, published_until))
    uow.session.add(news)
    uow.session.flush()
    log.info("news %s added to structure %s", news.id, structure_id)
    return news.id


def create_wallet(
    uow: UnitOfWork, session: SessionInfo, structure_id: int, label: str, display_order: int = 0
) -> int:
    """A "porte-monnaie" of the structure (one balance per service); returns its id."""
    session.require_admin()
    session.require_structure(structure_id)
    get_or_fail(uow, Structure, structure_id)
    label = free_wallet_label(uow, structure_id, label)
    wallet = Wallet(structure_id=structure_id, label=label, display_order=display_order)
    uow.session.add(wallet)
    uow.session.flush()
    log.info("wallet %s created in structure %s", wallet.id, structure_id)
    return wallet.id


# -- checked building blocks, shared with the back office (services/backoffice) ----------


def holiday_zone_of(value: HolidayZone | str) -> HolidayZone:
    try:
        return HolidayZone(value)
    except ValueError:
        raise ValidationError(
            _("The school-holiday zone is A, B or C."), field="holiday_zone"
        ) from None


def news_fields(
    title: str, body: str | None, published_from: date, published_until: date | None
) -> dict[str, object]:
    """A news message's fields, checked and tidied (the keys are `News`'s attributes)."""
    if not isinstance(published_from, date):
        raise ValidationError(_("This field is required."), field="published_from")
    period(published_from, published_until, "published_until")
    return {
        "title": text(title, "title", 200),
        "body": (body or "").strip(),
        "published_from": published_from,
        "published_until": published_until,
    }


def free_wallet_label(
    uow: UnitOfWork, structure_id: int, label: str, wallet_id: int | None = None
) -> str:
    """`label` tidied, checked not used by another wallet of the structure than `wallet_id`."""
    label = text(label, "label", 80)
    taken = uow.session.scalar(
        select(Wallet.id).where(Wallet.structure_id == structure_id, Wallet.label == label)
    )
    if taken is not None and taken != wallet_id:
        raise ValidationError(_("This label is already used in this structure."), field="label")
    return label
