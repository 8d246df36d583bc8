"""Online payments: the provider side of a `Payment` paid by card through a provider, what it
will credit to each wallet once paid, and each structure's provider settings.

The `Payment` row itself (method ``online_card``) holds the amount, the status and, in
`Payment.provider_reference`, the provider's own reference (PayFiP's idOp).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from famdesk.models.base import Base, UTCDateTime, enum_column


class OnlineProviderKind(StrEnum):
    PAYFIP = "payfip"
    """The public treasury's PayFiP web service."""
    LOCALTEST = "localtest"
    """famdesk's own test page on loopback (demo and tests): no money moves."""


class PayfipMode(StrEnum):
    """PayFiP's ``saisie``: test, activation (just before going live), production."""

    TEST = "T"
    ACTIVATION = "X"
    PRODUCTION = "W"


class OnlineOutcome(StrEnum):
    """The last thing famdesk learnt about an online payment."""

    PENDING = "pending"
    """The provider does not know the outcome yet (PayFiP's P5), or no answer was read yet."""
    PAID = "paid"
    REFUSED = "refused"
    ABANDONED = "abandoned"
    EXPIRED = "expired"
    """Still undecided when the page could no longer be used."""
    UNKNOWN = "unknown"
    """The provider does not know the reference (PayFiP's P1): never valid again."""
    AMOUNT_MISMATCH = "amount_mismatch"
    """Paid, says the provider, but not the payment's amount: nothing credited."""
    UNREACHABLE = "unreachable"
    """The provider could not be asked (a technical error): asked again later."""
    ERROR = "error"
    """The provider refused the request for good (a functional error)."""


class OnlinePayment(Base):
    """One attempt to pay online: a new row (and a new `Payment`) for every attempt."""

    __tablename__ = "online_payment"

    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payment.id", ondelete="CASCADE"), primary_key=True
    )
    provider: Mapped[str] = mapped_column(String(32))
    """The name of the provider that holds it (`PaymentProvider.name`)."""
    attempt_reference: Mapped[str] = mapped_column(String(30), unique=True)
    """famdesk's own reference of the attempt, new every time (PayFiP's refdet): 6-30
    letters and digits."""
    page_url: Mapped[str | None] = mapped_column(String(255))
    """The provider's payment page (None until the provider answered)."""
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When the page stops taking payments."""
    decided_by: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """After this instant a payment still pending (or abandoned) is given up as expired."""
    outcome: Mapped[OnlineOutcome] = mapped_column(
        enum_column(OnlineOutcome, "online_outcome"), default=OnlineOutcome.PENDING
    )
    authorisation: Mapped[str | None] = mapped_column(String(64))
    """The bank's authorisation number of a paid payment (PayFiP's numauto)."""
    detail: Mapped[str | None] = mapped_column(String(200))
    """The provider's last error or remark, for the staff (never a card number)."""
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When the provider was last asked."""


class OnlineAllocation(Base):
    """What a payment will credit to one wallet once the provider says it is paid."""

    __tablename__ = "online_allocation"

    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payment.id", ondelete="CASCADE"), primary_key=True
    )
    wallet_id: Mapped[int] = mapped_column(ForeignKey("wallet.id"), primary_key=True)
    amount_cents: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("amount_cents > 0 AND amount_cents <= 10000000", name="amount_range"),
        Index(None, "wallet_id"),
    )


class OnlinePaymentSettings(Base):
    """A structure's online payments: which provider, and PayFiP's régie settings."""

    __tablename__ = "online_payment_settings"

    structure_id: Mapped[int] = mapped_column(
        ForeignKey("structure.id", ondelete="CASCADE"), primary_key=True
    )
    provider: Mapped[OnlineProviderKind] = mapped_column(
        enum_column(OnlineProviderKind, "online_provider_kind")
    )
    payfip_numcli: Mapped[str | None] = mapped_column(String(6))
    """The régie's PayFiP client number (6 digits)."""
    payfip_mode: Mapped[PayfipMode] = mapped_column(
        enum_column(PayfipMode, "payfip_mode"), default=PayfipMode.TEST
    )
    notify_url: Mapped[str | None] = mapped_column(String(255))
    """PayFiP's urlnotif: an absolute URL on a domain declared to the DGFiP."""
    return_url: Mapped[str | None] = mapped_column(String(255))
    """PayFiP's urlredirect: where the payer's browser goes back (famdesk's payment window
    closes when it gets there)."""

    __table_args__ = (
        CheckConstraint(
            "provider <> 'payfip' OR (payfip_numcli IS NOT NULL AND length(payfip_numcli) = 6)",
            name="payfip_numcli_set",
        ),
    )
