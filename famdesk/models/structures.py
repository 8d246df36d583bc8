"""Structures (a town hall or centre), their news, wallets, and the database's own metadata."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from famdesk.models.base import Base, UTCDateTime, enum_column
from famdesk.models.enums import HolidayZone, SmtpSecurity


class Structure(Base):
    __tablename__ = "structure"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    holiday_zone: Mapped[HolidayZone] = mapped_column(enum_column(HolidayZone, "holiday_zone"))
    last_transmission_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    kiosk_idle_seconds: Mapped[int] = mapped_column(Integer, default=120)
    smtp_host: Mapped[str | None] = mapped_column(String(255))
    smtp_port: Mapped[int | None] = mapped_column(Integer)
    smtp_security: Mapped[SmtpSecurity] = mapped_column(
        enum_column(SmtpSecurity, "smtp_security"), default=SmtpSecurity.NONE
    )
    smtp_login: Mapped[str | None] = mapped_column(String(255))
    smtp_sender: Mapped[str | None] = mapped_column(String(255))

    news: Mapped[list[News]] = relationship(back_populates="structure", order_by="News.published_from")
    wallets: Mapped[list[Wallet]] = relationship(
        back_populates="structure", order_by="Wallet.display_order"
    )

    __table_args__ = (
        CheckConstraint("kiosk_idle_seconds BETWEEN 15 AND 3600", name="kiosk_idle_range"),
        CheckConstraint("smtp_port IS NULL OR smtp_port BETWEEN 1 AND 65535", name="smtp_port_range"),
    )


class News(Base):
    """A message of the home page, shown between its publication dates."""

    __tablename__ = "news"

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    published_from: Mapped[date] = mapped_column(Date)
    published_until: Mapped[date | None] = mapped_column(Date)

    structure: Mapped[Structure] = relationship(back_populates="news")

    __table_args__ = (
        CheckConstraint(
            "published_until IS NULL OR published_until >= published_from", name="publication_order"
        ),
    )


class Wallet(Base):
    """A "porte-monnaie": one balance per service of a structure."""

    __tablename__ = "wallet"

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(80))
    display_order: Mapped[int] = mapped_column(Integer, default=0)

    structure: Mapped[Structure] = relationship(back_populates="wallets")

    __table_args__ = (UniqueConstraint("structure_id", "label"),)


class AppMeta(Base):
    """Facts about the database itself (schema generation, made by `famdesk demo`...)."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
