"""Families, their quotients familiaux, children and the children's registrations."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from famdesk.models.accounts import Account
from famdesk.models.base import Base
from famdesk.models.structures import Structure


class Family(Base):
    """A household of one structure, named after the account holder ("M. DUPONT Jean-Paul")."""

    __tablename__ = "family"

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"), index=True)
    civility: Mapped[str] = mapped_column(String(8))
    last_name: Mapped[str] = mapped_column(String(80))
    first_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    address: Mapped[str | None] = mapped_column(String(255))
    search_key: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The front desk's search text: names, children's names, login and e-mails, folded
    (lower case, no accents). Kept by `famdesk.services.search_keys` at every ORM flush;
    a bulk Core insert must set it itself (`search_keys.family_key`)."""

    structure: Mapped[Structure] = relationship()
    account: Mapped[Account | None] = relationship()
    children: Mapped[list[Child]] = relationship(
        back_populates="family", order_by="(Child.last_name, Child.first_name)"
    )
    quotients: Mapped[list[QuotientFamilial]] = relationship(
        back_populates="family", order_by="QuotientFamilial.valid_from"
    )

    __table_args__ = (
        CheckConstraint("civility IN ('M.', 'Mme', 'Mx')", name="civility_known"),
    )

    @property
    def holder_name(self) -> str:
        return f"{self.civility} {self.last_name.upper()} {self.first_name}"


class QuotientFamilial(Base):
    __tablename__ = "quotient_familial"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)

    family: Mapped[Family] = relationship(back_populates="quotients")

    __table_args__ = (
        CheckConstraint("value >= 0 AND value <= 100000", name="value_range"),
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="validity_order"),
        Index(None, "family_id", "valid_from"),
    )


class Child(Base):
    __tablename__ = "child"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    birth_date: Mapped[date] = mapped_column(Date)
    school: Mapped[str | None] = mapped_column(String(120))
    class_name: Mapped[str | None] = mapped_column(String(40))

    family: Mapped[Family] = relationship(back_populates="children")

    @property
    def full_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"


class Registration(Base):
    """A child registered to an activity for a period: only these activities show for the child."""

    __tablename__ = "registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period_order"),
        Index(None, "child_id", "activity_id"),
    )
