"""Paying online from the "Soldes et paiements" tab, on top of `online_payments`: whether the
structure takes card payments online, where the payer's receipt goes, and the tab's two
calls — start a payment with the structure's provider, and ask what became of it.

- `checkout_options`: the structure's provider (None: none set up, the tab says to pay at
  the desk), the e-mail address the payment service will send its receipt to (the family
  account's, else the family's contact address; None: the tab asks for one), and the
  family's payment still waiting for its outcome, if any (the tab follows it again).
- `start_payment`: the family's payment through its structure's provider
  (`online_payments.start_online_payment`: a second click while it is pending opens the
  same page again).
- `payment_state`: asks the payment's provider (`online_payments.poll_online_payment`).

The providers come from a `ProviderSource` (the app's `ProviderPool`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import FamdeskError, NotFoundError
from famdesk.i18n import _
from famdesk.models import Account, Family, Payment
from famdesk.models.enums import PaymentMethod, PaymentStatus
from famdesk.models.online import OnlinePayment
from famdesk.services.access import check_family, family_in_structure
from famdesk.services.auth import SessionInfo
from famdesk.services.online_outcomes import PaymentState, poll_online_payment
from famdesk.services.online_payments import (
    LIMIT,
    OnlinePaymentStarted,
    OnlinePaymentUnavailableError,
    start_online_payment,
)
from famdesk.services.payment_providers.pool import ProviderSource, structure_settings
from famdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class CheckoutOptions:
    provider: str | None
    """"payfip", "localtest"; None: the structure takes no card payment online."""
    email: str | None
    """Where the payment service sends its receipt; None: the payer must give one."""
    maximum: Decimal
    """The most one online payment may be."""
    pending_payment_id: int | None
    """The family's online payment waiting for its outcome, whose page may still be used."""

    @property
    def available(self) -> bool:
        return self.provider is not None


def family_email(uow: UnitOfWork, family: Family) -> str | None:
    """The family's address: its account's, else the contact address of its record."""
    account_email = None
    if family.account_id is not None:
        account = uow.session.get(Account, family.account_id)
        account_email = account.email if account is not None else None
    return (account_email or family.email or "").strip() or None


def checkout_options(uow: UnitOfWork, session: SessionInfo, structure_id: int,
                     family_id: int | None = None) -> CheckoutOptions:
    """What the tab needs to offer "Paiement CB" to the family (see the module)."""
    family = family_in_structure(uow, session, structure_id, family_id)
    settings = structure_settings(uow, family.structure_id)
    pending = uow.session.scalar(
        select(Payment.id)
        .join(OnlinePayment, OnlinePayment.payment_id == Payment.id)
        .where(Payment.family_id == family.id, Payment.status == PaymentStatus.PENDING,
               Payment.method == PaymentMethod.ONLINE_CARD, OnlinePayment.page_url.is_not(None))
        .order_by(Payment.id.desc()).limit(1))
    return CheckoutOptions(
        provider=settings.provider.value if settings is not None else None,
        email=family_email(uow, family), maximum=LIMIT, pending_payment_id=pending)


def start_payment(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    family_id: int | None,
    allocations: Mapping[int, Decimal],
    providers: ProviderSource,
    *,
    email: str,
    terminal: str = "",
) -> OnlinePaymentStarted:
    """Open the payment page of `allocations` (wallet id -> euros) with the structure's
    provider; the family is the session's own when `family_id` is None. Commits."""
    family = family_in_structure(uow, session, structure_id, family_id)
    provider = providers.for_structure(uow, family.structure_id)
    if provider is None:
        raise FamdeskError(_("This structure does not take card payments online: pay at the "
                             "front desk."))
    return start_online_payment(uow, clock, session, family.id, allocations, provider,
                                email=email, terminal=terminal)


def payment_state(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    payment_id: int,
    providers: ProviderSource,
    *,
    terminal: str = "",
) -> PaymentState:
    """What became of an online payment, asked of its provider while it is pending (a
    payment settled already is not asked about again). Commits."""
    payment = uow.session.get(Payment, payment_id)
    if payment is None or uow.session.get(OnlinePayment, payment_id) is None:
        raise NotFoundError(_("This payment does not exist."))
    family = uow.session.get_one(Family, payment.family_id)
    check_family(session, family)
    provider = providers.for_payment(uow, payment_id)
    if provider is None:
        raise OnlinePaymentUnavailableError(
            _("The online payment service does not answer. Try again in a few minutes."))
    return poll_online_payment(uow, clock, session, payment_id, provider, terminal=terminal)

