"""Payment providers: where a family pays online, and where famdesk reads the outcome.

A provider opens a payment page for a payment (`start`) and, later, says what became of it
(`status`). The outcome is always read from the provider, never from the payer's browser:
whatever comes back to a return URL changes nothing.

Two providers: `payfip.PayfipProvider` (the public treasury's PayFiP web service) and
`localtest.LocalTestProvider` (a page on loopback with "pay" and "refuse" buttons, for the
demo and the tests).

A provider raises `ProviderUnavailableError` for a technical failure (network, timeout,
the provider down: try again later) and `ProviderRejectedError` for a final one (the request
itself is refused: trying again changes nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

__all__ = [
    "PaymentProvider",
    "PaymentRequest",
    "ProviderError",
    "ProviderRejectedError",
    "ProviderResult",
    "ProviderState",
    "ProviderUnavailableError",
    "StartedPayment",
]


class ProviderState(StrEnum):
    PAID = "paid"
    REFUSED = "refused"
    ABANDONED = "abandoned"
    """The payer left the page (it may still be usable until it expires)."""
    PENDING = "pending"
    """No outcome yet."""
    EXPIRED = "expired"
    """The page can no longer be used and nothing was paid."""
    UNKNOWN = "unknown"
    """The provider does not know this reference: final."""


@dataclass(frozen=True)
class PaymentRequest:
    """What a provider needs to open a payment page."""

    payment_id: int
    attempt_reference: str
    """famdesk's reference of this attempt: 6-30 letters and digits, new every time."""
    amount_cents: int
    email: str
    """Where the provider sends its receipt."""
    label: str
    """What is paid, in words (a provider may strip it to what it accepts)."""
    year: int
    """The financial year (PayFiP's exer)."""


@dataclass(frozen=True)
class StartedPayment:
    reference: str
    """The provider's own reference of the payment (PayFiP's idOp)."""
    page_url: str
    """The page where the payer pays."""
    expires_at: datetime
    """When the page stops taking payments."""


@dataclass(frozen=True)
class ProviderResult:
    state: ProviderState
    amount_cents: int | None = None
    """The amount the provider says was paid."""
    authorisation: str | None = None
    """The bank's authorisation number of a paid payment."""
    paid_at: datetime | None = None


class ProviderError(Exception):
    """A provider could not do what was asked. Its text is for the log, not for the user."""

    def __init__(self, detail: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code
        """The provider's own error code (PayFiP: "A2", "R3"...)."""
        self.field = field
        """The request's field at fault, when known: "email" or "amount"."""


class ProviderUnavailableError(ProviderError):
    """A technical failure (network, timeout, the provider down): try again later."""


class ProviderRejectedError(ProviderError):
    """The provider refuses the request for good: the same request fails again."""


class PaymentProvider(Protocol):
    name: str
    """Kept with each payment, to find its provider again (`poll_pending`)."""
    minimum_cents: int
    """The smallest amount the provider takes."""
    grace: timedelta
    """How long after the page expires an outcome may still become known; after that, a
    payment still pending or abandoned is given up as expired."""

    def start(self, payment: PaymentRequest) -> StartedPayment:
        """Open a payment page for `payment`."""
        ...

    def status(self, reference: str) -> ProviderResult:
        """What became of the payment the provider knows as `reference`."""
        ...
