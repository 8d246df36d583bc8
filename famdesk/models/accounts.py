"""Accounts, their structures, and the audit trail of account-level changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from famdesk.models.base import Base, UTCDateTime, enum_column
from famdesk.models.enums import Role
from famdesk.models.structures import Structure

account_structure = Table(
    "account_structure",
    Base.metadata,
    Column("account_id", ForeignKey("account.id", ondelete="CASCADE"), primary_key=True),
    Column("structure_id", ForeignKey("structure.id", ondelete="CASCADE"), primary_key=True),
)


class Account(Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    security_question: Mapped[str | None] = mapped_column(String(200))
    security_answer_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    structures: Mapped[list[Structure]] = relationship(
        secondary=account_structure, order_by="Structure.name"
    )

    __table_args__ = (CheckConstraint("failed_logins >= 0", name="failed_logins_positive"),)


class AuditEntry(Base):
    """Who changed what outside the reservations' own movements (profile, settings...)."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    on_behalf_family_id: Mapped[int | None] = mapped_column(ForeignKey("family.id"))
    terminal: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
