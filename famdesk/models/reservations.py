"""Reservations, the movements that tell their story, idempotency keys, annual enrollments."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    Time,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from famdesk.models.activities import Activity, ActivityDay
from famdesk.models.base import Base, UTCDateTime, enum_column
from famdesk.models.enums import (
    EnrollmentStatus,
    MovementKind,
    MovementOutcome,
    ReservationSource,
    ReservationStatus,
)
from famdesk.models.families import Child

_ACTIVE = text("status IN ('booked', 'waitlisted')")


class Reservation(Base):
    __tablename__ = "reservation"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    activity_day_id: Mapped[int | None] = mapped_column(ForeignKey("activity_day.id"))
    """The open day; None once the day was closed (the reservation was cancelled then)."""
    day: Mapped[date] = mapped_column(Date)
    arrival: Mapped[time | None] = mapped_column(Time)
    departure: Mapped[time | None] = mapped_column(Time)
    status: Mapped[ReservationStatus] = mapped_column(
        enum_column(ReservationStatus, "reservation_status")
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[ReservationSource] = mapped_column(
        enum_column(ReservationSource, "reservation_source")
    )
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("annual_enrollment.id"))

    child: Mapped[Child] = relationship()
    activity: Mapped[Activity] = relationship()
    activity_day: Mapped[ActivityDay | None] = relationship()

    __table_args__ = (
        # one active reservation per (child, activity, day): a double booking cannot exist
        Index(
            "uq_reservation_active",
            "child_id",
            "activity_id",
            "day",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
        # the month calendar: a child's reservations over a date range
        Index(None, "child_id", "day"),
        # the waiting list of a day, in order
        Index(None, "activity_day_id", "status", "requested_at", "id"),
        CheckConstraint("price_cents >= 0 AND price_cents <= 100000", name="price_range"),
        CheckConstraint(
            "(arrival IS NULL AND departure IS NULL)"
            " OR (arrival IS NOT NULL AND departure IS NOT NULL AND departure > arrival)",
            name="times_order",
        ),
    )


class Movement(Base):
    """One request line of the audit trail: book, cancel, change of times, promotion."""

    __tablename__ = "movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservation.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    day: Mapped[date] = mapped_column(Date)
    arrival: Mapped[time | None] = mapped_column(Time)
    departure: Mapped[time | None] = mapped_column(Time)
    kind: Mapped[MovementKind] = mapped_column(enum_column(MovementKind, "movement_kind"))
    outcome: Mapped[MovementOutcome] = mapped_column(
        enum_column(MovementOutcome, "movement_outcome")
    )
    source: Mapped[ReservationSource] = mapped_column(
        enum_column(ReservationSource, "movement_source")
    )
    remark: Mapped[str] = mapped_column(Text, default="")
    deadline_override_reason: Mapped[str | None] = mapped_column(Text)
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    on_behalf_family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"))
    terminal: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    transmitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    reservation: Mapped[Reservation | None] = relationship()

    __table_args__ = (
        Index(None, "family_id", "created_at"),
        # the transmission's pending work
        Index(None, "transmitted_at"),
    )


class IdempotencyKey(Base):
    """The key of a confirm and the answer it got: a replay returns the same answer."""

    __tablename__ = "idempotency_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str] = mapped_column(Text)


class AnnualEnrollment(Base):
    """A standing weekly order ("inscription à l'année"), optionally one week in two."""

    __tablename__ = "annual_enrollment"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    weekdays: Mapped[int] = mapped_column(SmallInteger)  # bit 0 = Monday ... bit 6 = Sunday
    arrival: Mapped[time | None] = mapped_column(Time)
    departure: Mapped[time | None] = mapped_column(Time)
    every_other_week: Mapped[bool] = mapped_column(default=False)
    status: Mapped[EnrollmentStatus] = mapped_column(
        enum_column(EnrollmentStatus, "enrollment_status")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    transmitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("weekdays BETWEEN 1 AND 127", name="weekdays_mask"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period_order"),
    )
