"""Paying online (design.md section 7): a family pays its own wallets by card through a
`PaymentProvider` (staff may start it on the family's behalf), and famdesk credits the
ledger only when the provider itself says it is paid.

- `start_online_payment` records a `Payment` (method ``online_card``, status ``pending``)
  with what it will credit to each wallet (`OnlineAllocation`), then asks the provider for a
  payment page. A second click while that payment is pending and its page still usable
  opens the same page again instead of a second payment.
- `online_outcomes.poll_online_payment` asks the provider what became of it (see there).
- `payment_poll.poll_pending` asks about every pending online payment nobody is watching
  (a timer of the app and of the server, or `famdesk payments poll` from cron).

Nothing here ever takes an outcome from the payer's browser. No lock is held while a
provider answers: each function commits before calling it. Give them a write unit of work.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from famdesk.clock import Clock, local_today
from famdesk.errors import FamdeskError, InfrastructureError, ValidationError
from famdesk.i18n import _
from famdesk.models import Family, Payment, Structure, Wallet
from famdesk.models.enums import PaymentMethod, PaymentStatus
from famdesk.models.online import OnlineAllocation, OnlineOutcome, OnlinePayment
from famdesk.models.values import from_cents
from famdesk.services.access import authorize_family, on_behalf
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.formatting import money
from famdesk.services.online_outcomes import (
    STARTING_TIMEOUT,
    Actor,
    changed_rows,
    give_up_unstarted,
    settle,
)
from famdesk.services.payment_providers import (
    PaymentProvider,
    PaymentRequest,
    ProviderError,
    ProviderRejectedError,
)
from famdesk.services.setup._fields import checked_email
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

LIMIT = Decimal("10000.00")
"""The most one online payment may be."""
EMAIL_MAX = 80
CENT = Decimal("0.01")


class OnlinePaymentUnavailableError(InfrastructureError):
    """The provider cannot be reached or is down: try again later."""


class OnlinePaymentRefusedError(FamdeskError):
    """The provider refused to open the payment."""


class PaymentInProgressError(FamdeskError):
    """The family's previous click is still waiting for the provider's page."""


@dataclass(frozen=True)
class OnlinePaymentStarted:
    payment_id: int
    page_url: str
    """Where the payer pays (open it in the payment window)."""
    amount: Decimal
    expires_at: datetime
    """When the page stops taking payments."""
    resumed: bool = False
    """True: the family's payment already pending, opened again (a second click)."""


# -- starting -------------------------------------------------------------------------


def start_online_payment(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    family_id: int,
    allocations: Mapping[int, Decimal],
    provider: PaymentProvider,
    *,
    email: str,
    terminal: str = "",
) -> OnlinePaymentStarted:
    """Open a payment page for `allocations` (wallet id -> amount in euros) of the family.

    `email` is where the provider sends its receipt (required: asking for it is the
    screen's job). While the family's previous payment is pending and its page usable, that
    payment is returned (`resumed`), whatever this click asked for. Commits. Raises `ValidationError` (amounts, wallets, e-mail),
    `OnlinePaymentUnavailableError` (try again later), `OnlinePaymentRefusedError`.
    """
    family = authorize_family(uow, session, family_id)
    cents = allocation_cents(uow, family, allocations)
    total = sum(cents.values())
    if total < provider.minimum_cents:
        raise ValidationError(
            _("An online payment is at least {amount}.").format(
                amount=money(Decimal(provider.minimum_cents) / 100)), field="amount")
    payer_email = _payer_email(email)
    now = clock.now()
    # one open payment per family: two clicks queue here (the family's row is locked on
    # PostgreSQL; SQLite's write transaction already lets one writer in at a time)
    uow.session.execute(select(Family.id).where(Family.id == family.id).with_for_update())
    pending = _open_payment(uow, family.id, now)
    if pending is not None:
        payment, online = pending
        uow.commit()
        if online.page_url is None or online.expires_at is None:
            raise PaymentInProgressError(
                _("A payment is already being prepared. Wait a moment and try again."))
        log.info("online payment %s opened again for family %s", payment.id, family.id)
        return OnlinePaymentStarted(payment.id, online.page_url, from_cents(payment.amount_cents),
                                    online.expires_at, resumed=True)

    payment = Payment(
        structure_id=family.structure_id, family_id=family.id, amount_cents=total,
        method=PaymentMethod.ONLINE_CARD, status=PaymentStatus.PENDING, created_at=now,
        recorded_by_account_id=session.account_id or None,
    )
    uow.session.add(payment)
    uow.session.flush()
    online = OnlinePayment(payment_id=payment.id, provider=provider.name,
                           attempt_reference=new_attempt_reference(payment.id),
                           outcome=OnlineOutcome.PENDING)
    uow.session.add(online)
    uow.session.add_all(OnlineAllocation(payment_id=payment.id, wallet_id=wallet_id,
                                         amount_cents=amount) for wallet_id, amount in cents.items())
    audit(uow, now, "online_payment_started", actor_account_id=session.account_id,
          family_id=on_behalf(session, family.id), terminal=terminal,
          payment_id=payment.id, provider=provider.name, amount_cents=total,
          wallets={str(k): v for k, v in cents.items()})
    structure = uow.session.get(Structure, family.structure_id)
    assert structure is not None
    request = PaymentRequest(
        payment_id=payment.id, attempt_reference=online.attempt_reference, amount_cents=total,
        email=payer_email,
        label=_("Online payment {number}, family {name}").format(
            number=payment.id, name=f"{family.last_name.upper()} {family.first_name}"),
        year=local_today(clock, ZoneInfo(structure.timezone)).year,
    )
    uow.commit()  # the attempt is on record before the provider hears of it

    try:
        started = provider.start(request)
    except ProviderError as exc:
        outcome = (OnlineOutcome.ERROR if isinstance(exc, ProviderRejectedError)
                   else OnlineOutcome.UNREACHABLE)
        settle(uow, clock, payment.id, PaymentStatus.FAILED, outcome,
                Actor.of(session, family.id, terminal), detail=exc.detail)
        log.warning("online payment %s could not start: %s", payment.id, exc.detail)
        raise _start_error(exc) from exc
    # the page is kept only while the payment is still pending (it cannot have been given up
    # meanwhile unless this call outlasted STARTING_TIMEOUT)
    kept = changed_rows(uow, update(Payment)
                    .where(Payment.id == payment.id, Payment.status == PaymentStatus.PENDING)
                    .values(provider_reference=started.reference))
    if kept != 1:
        uow.commit()
        log.warning("online payment %s was given up before its page came", payment.id)
        raise OnlinePaymentUnavailableError(
            _("The online payment service does not answer. Try again in a few minutes."))
    uow.session.execute(
        update(OnlinePayment).where(OnlinePayment.payment_id == payment.id)
        .values(page_url=started.page_url, expires_at=started.expires_at,
                decided_by=started.expires_at + provider.grace)
        .execution_options(synchronize_session=False))
    uow.commit()
    log.info("online payment %s of family %s started (%s, %s cents)", payment.id, family.id,
             provider.name, total)
    return OnlinePaymentStarted(payment.id, started.page_url, from_cents(total), started.expires_at)


def allocation_cents(uow: UnitOfWork, family: Family, allocations: Mapping[int, Decimal]
                     ) -> dict[int, int]:
    """Wallet id -> cents, each checked: more than 0, two decimals at most, a wallet of the
    family's structure; the total at most `LIMIT`."""
    if not allocations:
        raise ValidationError(_("Enter the amount to pay."), field="amount")
    cents: dict[int, int] = {}
    for wallet_id, amount in allocations.items():
        if not isinstance(amount, Decimal | int) or isinstance(amount, bool):
            raise TypeError(f"an amount is a Decimal, not {type(amount).__name__}")
        amount = Decimal(amount)
        if not amount.is_finite() or amount <= 0:
            raise ValidationError(_("The amount must be more than zero."), field="amount")
        if amount > LIMIT:
            raise _over_limit()
        if amount != amount.quantize(CENT):
            raise ValidationError(_("An amount has at most two decimals (cents)."), field="amount")
        wallet = uow.session.get(Wallet, wallet_id)
        if wallet is None or wallet.structure_id != family.structure_id:
            raise ValidationError(_("This wallet is not one of the family's structure."),
                                  field="amount")
        cents[wallet_id] = int(amount * 100)
    if sum(cents.values()) > int(LIMIT * 100):
        raise _over_limit()
    return cents


def new_attempt_reference(payment_id: int) -> str:
    """A reference new for every attempt (PayFiP's refdet: letters and digits, 6-30): the
    payment's number, and a random part so that a new database never repeats an old one."""
    return f"FD{payment_id:06d}{secrets.token_hex(4).upper()}"[:30]


def _open_payment(uow: UnitOfWork, family_id: int, now: datetime
                  ) -> tuple[Payment, OnlinePayment] | None:
    """The family's pending online payment whose page may still be used, or that is being
    prepared right now. A start that never got its page (famdesk stopped) is cancelled."""
    rows = uow.session.execute(
        select(Payment, OnlinePayment)
        .join(OnlinePayment, OnlinePayment.payment_id == Payment.id)
        .where(Payment.family_id == family_id, Payment.status == PaymentStatus.PENDING,
               Payment.method == PaymentMethod.ONLINE_CARD)
        .order_by(Payment.id.desc())
    ).all()
    for payment, online in rows:
        if online.page_url is None:
            if now - payment.created_at < STARTING_TIMEOUT:
                return payment, online
            give_up_unstarted(uow, payment, now)
        elif online.expires_at is not None and now < online.expires_at:
            return payment, online
    return None


# -- helpers ------------------------------------------------------------------------------


def _payer_email(email: str) -> str:
    if not (email or "").strip():
        raise ValidationError(
            _("Enter an e-mail address: the payment service sends its receipt there."),
            field="email")
    checked = checked_email(email)
    assert checked is not None
    if len(checked) > EMAIL_MAX:
        raise ValidationError(
            _("This field holds at most {count} characters.").format(count=EMAIL_MAX),
            field="email")
    return checked


def _start_error(exc: ProviderError) -> FamdeskError:
    if not isinstance(exc, ProviderRejectedError):
        return OnlinePaymentUnavailableError(
            _("The online payment service does not answer. Try again in a few minutes."))
    if exc.field == "email":
        return ValidationError(_("The online payment service refuses this e-mail address."),
                               field="email")
    if exc.field == "amount":
        return ValidationError(_("The online payment service refuses this amount."),
                               field="amount")
    return OnlinePaymentRefusedError(
        _("The online payment service refused this payment. You may pay at the front desk."))


def _over_limit() -> ValidationError:
    return ValidationError(
        _("An online payment is at most {amount}.").format(amount=money(LIMIT)), field="amount")

