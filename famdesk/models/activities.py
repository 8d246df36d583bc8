"""Activities, their tariffs and allowed times, and the open days that confirm locks."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from famdesk.models.base import Base, DeadlineRuleType, UTCDateTime, enum_column
from famdesk.models.enums import TariffMode, TimeKind
from famdesk.models.structures import Structure, Wallet
from famdesk.models.values import DeadlineRule


class Activity(Base):
    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id"), index=True)
    wallet_id: Mapped[int] = mapped_column(ForeignKey("wallet.id"))
    label: Mapped[str] = mapped_column(String(80))
    colour: Mapped[str] = mapped_column(String(7))
    display_order: Mapped[int] = mapped_column(Integer, default=0)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    tariff_mode: Mapped[TariffMode] = mapped_column(enum_column(TariffMode, "tariff_mode"))
    slot_minutes: Mapped[int | None] = mapped_column(Integer)
    booking_rule: Mapped[DeadlineRule] = mapped_column(DeadlineRuleType())
    cancellation_rule: Mapped[DeadlineRule] = mapped_column(DeadlineRuleType())
    booking_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    booking_horizon_days: Mapped[int | None] = mapped_column(Integer)
    time_entry: Mapped[bool] = mapped_column(default=False)
    annual_allowed: Mapped[bool] = mapped_column(default=False)
    lead_days: Mapped[int] = mapped_column(Integer, default=0)
    during_school_holidays_only: Mapped[bool] = mapped_column(default=False)
    meals: Mapped[bool] = mapped_column(default=False, server_default=false())
    """School meals ("restauration"): food, not childcare, so left out of the attestation de
    frais de garde (the tax credit for the care of children under 6 excludes meals)."""

    structure: Mapped[Structure] = relationship()
    wallet: Mapped[Wallet] = relationship()
    brackets: Mapped[list[TariffBracket]] = relationship(
        back_populates="activity", order_by="TariffBracket.qf_min"
    )
    time_options: Mapped[list[TimeOption]] = relationship(
        back_populates="activity", order_by="(TimeOption.weekday, TimeOption.kind, TimeOption.at)"
    )

    __table_args__ = (
        UniqueConstraint("structure_id", "label"),
        CheckConstraint("period_end >= period_start", name="period_order"),
        CheckConstraint(
            "(tariff_mode = 'slot' AND slot_minutes BETWEEN 1 AND 1440)"
            " OR (tariff_mode = 'unit' AND slot_minutes IS NULL)",
            name="slot_minutes_with_mode",
        ),
        CheckConstraint(
            "booking_horizon_days IS NULL OR booking_horizon_days BETWEEN 1 AND 730",
            name="horizon_range",
        ),
        CheckConstraint("lead_days BETWEEN 0 AND 60", name="lead_days_range"),
        CheckConstraint("length(colour) = 7", name="colour_hex"),
    )


class TariffBracket(Base):
    """The amount (per unit or per slot) for quotients familiaux in [qf_min, qf_max]."""

    __tablename__ = "tariff_bracket"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    qf_min: Mapped[int] = mapped_column(Integer, default=0)
    qf_max: Mapped[int | None] = mapped_column(Integer)
    amount_cents: Mapped[int] = mapped_column(Integer)

    activity: Mapped[Activity] = relationship(back_populates="brackets")

    __table_args__ = (
        UniqueConstraint("activity_id", "qf_min"),
        CheckConstraint("amount_cents >= 0 AND amount_cents <= 100000", name="amount_range"),
        CheckConstraint("qf_min >= 0 AND (qf_max IS NULL OR qf_max >= qf_min)", name="qf_order"),
    )


class TimeOption(Base):
    """An allowed arrival or departure time of a time-entry activity on one weekday."""

    __tablename__ = "time_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[TimeKind] = mapped_column(enum_column(TimeKind, "time_kind"))
    at: Mapped[time] = mapped_column(Time)

    activity: Mapped[Activity] = relationship(back_populates="time_options")

    __table_args__ = (
        UniqueConstraint("activity_id", "weekday", "kind", "at"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
    )


class ActivityDay(Base):
    """One open (activity, date): its capacity and counters. Confirm locks this row."""

    __tablename__ = "activity_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    day: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int | None] = mapped_column(Integer)
    waitlist_size: Mapped[int | None] = mapped_column(Integer)
    booked_count: Mapped[int] = mapped_column(Integer, default=0)
    waitlisted_count: Mapped[int] = mapped_column(Integer, default=0)

    activity: Mapped[Activity] = relationship()

    __table_args__ = (
        # also the month calendar's index: (activity, date range)
        UniqueConstraint("activity_id", "day"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_positive"),
        CheckConstraint("waitlist_size IS NULL OR waitlist_size >= 0", name="waitlist_positive"),
        CheckConstraint("booked_count >= 0 AND waitlisted_count >= 0", name="counters_positive"),
    )
