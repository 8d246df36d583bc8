"""Money: the append-only ledger per family and wallet, payments and receipt counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from famdesk.models.base import Base, UTCDateTime, enum_column
from famdesk.models.enums import LedgerKind, PaymentMethod, PaymentStatus

_PER_RESERVATION = text("kind IN ('consumption', 'refund')")


class LedgerEntry(Base):
    """A signed amount in cents: credit positive, debt negative. Never updated, never deleted.

    - CONSUMPTION (negative): a booked day debited by the transmission, `reservation_id` set;
    - REFUND (positive): that day cancelled after it was debited, `reservation_id` set;
    - PAYMENT (positive): one per wallet of a paid `Payment`, `payment_id` set;
    - ADJUSTMENT: a staff correction with its reason in `label`; with `payment_id`, the
      counter-entry of a cancelled payment; with `reservation_id`, the transmission's
      correction of a debited day whose price changed (new times).
    """

    __tablename__ = "ledger_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"))
    wallet_id: Mapped[int] = mapped_column(ForeignKey("wallet.id"))
    kind: Mapped[LedgerKind] = mapped_column(enum_column(LedgerKind, "ledger_kind"))
    amount_cents: Mapped[int] = mapped_column(Integer)
    reservation_id: Mapped[int | None] = mapped_column(ForeignKey("reservation.id"))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payment.id"))
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        # at most one consumption and one refund per reservation
        Index(
            "uq_ledger_entry_per_reservation",
            "reservation_id",
            "kind",
            unique=True,
            sqlite_where=_PER_RESERVATION,
            postgresql_where=_PER_RESERVATION,
        ),
        Index(None, "family_id", "wallet_id"),
        Index(None, "reservation_id"),
        Index(None, "payment_id"),
        CheckConstraint("amount_cents BETWEEN -10000000000 AND 10000000000", name="amount_range"),
    )


class Payment(Base):
    __tablename__ = "payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id"))
    family_id: Mapped[int] = mapped_column(ForeignKey("family.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod, "payment_method"))
    status: Mapped[PaymentStatus] = mapped_column(enum_column(PaymentStatus, "payment_status"))
    provider_reference: Mapped[str | None] = mapped_column(String(64), unique=True)
    receipt_year: Mapped[int | None] = mapped_column(Integer)
    receipt_number: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recorded_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    terminal: Mapped[str] = mapped_column(String(64), default="", server_default="")
    cheque_number: Mapped[str | None] = mapped_column(String(32))
    bank: Mapped[str | None] = mapped_column(String(80))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    cancel_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("structure_id", "receipt_year", "receipt_number"),
        CheckConstraint("amount_cents > 0 AND amount_cents <= 10000000", name="amount_range"),
    )


class ReceiptCounter(Base):
    """The last receipt number of a structure's year, taken under lock (no gaps)."""

    __tablename__ = "receipt_counter"

    structure_id: Mapped[int] = mapped_column(ForeignKey("structure.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint("last_number >= 0", name="last_number_positive"),)


@event.listens_for(LedgerEntry, "before_update")
@event.listens_for(LedgerEntry, "before_delete")
def _append_only(_mapper, _connection, entry: LedgerEntry) -> None:  # type: ignore[no-untyped-def]
    """The ledger is append-only: a mistake is corrected by a new entry, never by an edit."""
    raise ValueError(f"ledger entry {entry.id} cannot be changed or deleted: add an entry instead")
