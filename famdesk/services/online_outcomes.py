"""What became of an online payment (design.md section 7): famdesk credits the ledger only
when the provider itself says it is paid.

`poll_online_payment` asks the provider what became of it. Paid, for the payment's exact
amount: in one transaction the payment becomes ``paid`` and one `LedgerEntry` (kind
``payment``) per wallet is written. The change is a conditional UPDATE (``WHERE status =
'pending'``), so an outcome handled twice — two desks, the timer and the window at once —
credits once. Refused, unknown, or paid with another amount -> ``failed``; abandoned or
still undecided once the page is over (`OnlinePayment.decided_by`) -> ``cancelled``.
A technical failure leaves the payment pending, to ask again.

`settle` is the one place a payment ends (paid, failed or cancelled): `online_payments`
uses it too when a start fails. Nothing here ever takes an outcome from the payer's
browser, and no lock is held while a provider answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, Update, select, update

from famdesk.clock import Clock
from famdesk.errors import NotFoundError
from famdesk.i18n import _
from famdesk.models import Family, LedgerEntry, Payment
from famdesk.models.enums import LedgerKind, PaymentStatus
from famdesk.models.online import OnlineAllocation, OnlineOutcome, OnlinePayment
from famdesk.models.values import from_cents
from famdesk.services.access import check_family, on_behalf
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.payment_providers import (
    PaymentProvider,
    ProviderError,
    ProviderRejectedError,
    ProviderResult,
    ProviderState,
)
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

STARTING_TIMEOUT = timedelta(minutes=2)
"""A payment whose provider has not given a page after this long never will (famdesk
stopped during the call): it is cancelled."""


@dataclass(frozen=True)
class PaymentState:
    payment_id: int
    status: PaymentStatus
    outcome: OnlineOutcome
    amount: Decimal
    paid_at: datetime | None
    page_url: str | None
    """The page, while it may still be used (None once it is over)."""

    @property
    def settled(self) -> bool:
        return self.status is not PaymentStatus.PENDING


@dataclass(frozen=True)
class Actor:
    """Who settles a payment, for the audit trail."""

    account_id: int | None
    behalf: int | None
    terminal: str

    @classmethod
    def of(cls, session: SessionInfo, family_id: int, terminal: str) -> Actor:
        return cls(session.account_id or None, on_behalf(session, family_id), terminal)


# -- reading the outcome ----------------------------------------------------------------


def poll_online_payment(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    payment_id: int,
    provider: PaymentProvider,
    *,
    terminal: str = "",
) -> PaymentState:
    """Ask `provider` what became of a pending payment, and act on it (see the module's
    docstring). A payment already settled is not asked about again. `session` is the
    family, the staff of its structure, or famdesk itself (`SYSTEM`). Commits."""
    payment = uow.session.get(Payment, payment_id)
    online = uow.session.get(OnlinePayment, payment_id)
    if payment is None or online is None:
        raise NotFoundError(_("This payment does not exist."))
    family = uow.session.get(Family, payment.family_id)
    assert family is not None
    check_family(session, family)
    now = clock.now()
    if payment.status is not PaymentStatus.PENDING:
        uow.commit()
        return _state(payment, online, now)
    if online.provider != provider.name:
        raise ValueError(f"payment {payment_id} is {online.provider}'s, not {provider.name}'s")
    reference = payment.provider_reference
    if reference is None:
        if now - payment.created_at >= STARTING_TIMEOUT:
            give_up_unstarted(uow, payment, now)
        uow.commit()
        return _reread(uow, payment_id, now)
    uow.commit()  # no lock is held while the provider answers

    actor = Actor.of(session, family.id, terminal)
    try:
        result = provider.status(reference)
    except ProviderRejectedError as exc:
        log.error("online payment %s: the provider refuses to tell its outcome: %s",
                  payment_id, exc.detail)
        settle(uow, clock, payment_id, PaymentStatus.FAILED, OnlineOutcome.ERROR, actor,
                detail=exc.detail)
        return _reread(uow, payment_id, now)
    except ProviderError as exc:
        log.warning("online payment %s: the provider cannot be asked now: %s", payment_id,
                    exc.detail)
        _note(uow, payment_id, now, OnlineOutcome.UNREACHABLE, exc.detail)
        return _reread(uow, payment_id, now)
    _act_on(uow, clock, payment, online, result, actor)
    return _reread(uow, payment_id, now)


def _act_on(uow: UnitOfWork, clock: Clock, payment: Payment, online: OnlinePayment,
            result: ProviderResult, actor: Actor) -> None:
    """Settle the payment as `result` says, or note that it is still undecided."""
    now = clock.now()
    if result.state is ProviderState.PAID:
        if result.amount_cents != payment.amount_cents:
            detail = (f"the provider says {result.amount_cents} cents were paid, "
                      f"the payment is {payment.amount_cents} cents")
            log.error("online payment %s: %s; nothing credited", payment.id, detail)
            settle(uow, clock, payment.id, PaymentStatus.FAILED, OnlineOutcome.AMOUNT_MISMATCH,
                    actor, detail=detail, authorisation=result.authorisation)
            return
        settle(uow, clock, payment.id, PaymentStatus.PAID, OnlineOutcome.PAID, actor,
                authorisation=result.authorisation, paid_at=result.paid_at or now)
        return
    final = {
        ProviderState.REFUSED: (PaymentStatus.FAILED, OnlineOutcome.REFUSED),
        ProviderState.UNKNOWN: (PaymentStatus.FAILED, OnlineOutcome.UNKNOWN),
        ProviderState.EXPIRED: (PaymentStatus.CANCELLED, OnlineOutcome.EXPIRED),
    }
    if result.state in final:
        status, outcome = final[result.state]
        settle(uow, clock, payment.id, status, outcome, actor)
        return
    # pending or abandoned: final only once the page is over (the payer may come back to it)
    outcome = (OnlineOutcome.ABANDONED if result.state is ProviderState.ABANDONED
               else OnlineOutcome.PENDING)
    if online.decided_by is not None and now >= online.decided_by:
        if outcome is OnlineOutcome.PENDING:
            outcome = OnlineOutcome.EXPIRED
        settle(uow, clock, payment.id, PaymentStatus.CANCELLED, outcome, actor)
        return
    _note(uow, payment.id, now, outcome, None)


def settle(
    uow: UnitOfWork,
    clock: Clock,
    payment_id: int,
    status: PaymentStatus,
    outcome: OnlineOutcome,
    actor: Actor,
    *,
    detail: str | None = None,
    authorisation: str | None = None,
    paid_at: datetime | None = None,
) -> bool:
    """End a pending payment in `status`, crediting the wallets when paid; commits. False
    when it was no longer pending (someone else settled it first): then nothing changes."""
    now = clock.now()
    changed = changed_rows(uow, update(Payment)
                       .where(Payment.id == payment_id, Payment.status == PaymentStatus.PENDING)
                       .values(status=status,
                               paid_at=paid_at if status is PaymentStatus.PAID else None))
    if changed != 1:
        uow.commit()
        log.info("online payment %s was already settled: nothing done", payment_id)
        return False
    uow.session.execute(
        update(OnlinePayment).where(OnlinePayment.payment_id == payment_id)
        .values(outcome=outcome, checked_at=now, detail=(detail or "")[:200] or None,
                authorisation=authorisation)
        .execution_options(synchronize_session=False))
    payment = uow.session.get(Payment, payment_id, populate_existing=True)
    assert payment is not None
    credited = {}
    if status is PaymentStatus.PAID:
        allocations = uow.session.scalars(
            select(OnlineAllocation).where(OnlineAllocation.payment_id == payment_id)
            .order_by(OnlineAllocation.wallet_id)).all()
        if sum(a.amount_cents for a in allocations) != payment.amount_cents:
            raise AssertionError(f"payment {payment_id}: allocations differ from the amount")
        label = _("Online payment {number}").format(number=payment_id)
        for allocation in allocations:
            uow.session.add(LedgerEntry(
                family_id=payment.family_id, wallet_id=allocation.wallet_id,
                kind=LedgerKind.PAYMENT, amount_cents=allocation.amount_cents,
                payment_id=payment_id, label=label, created_at=now))
            credited[str(allocation.wallet_id)] = allocation.amount_cents
    audit(uow, now, f"online_payment_{status.value}", actor_account_id=actor.account_id,
          family_id=actor.behalf, terminal=actor.terminal, payment_id=payment_id,
          outcome=outcome.value, credited=credited)
    uow.commit()
    log.info("online payment %s: %s (%s)", payment_id, status.value, outcome.value)
    return True


def _note(uow: UnitOfWork, payment_id: int, now: datetime, outcome: OnlineOutcome,
          detail: str | None) -> None:
    """Keep what the provider said of a payment still pending; commits."""
    uow.session.execute(
        update(OnlinePayment)
        .where(OnlinePayment.payment_id == payment_id,
               OnlinePayment.payment_id.in_(select(Payment.id).where(
                   Payment.id == payment_id, Payment.status == PaymentStatus.PENDING)))
        .values(outcome=outcome, checked_at=now, detail=(detail or "")[:200] or None)
        .execution_options(synchronize_session=False))
    uow.commit()


def _reread(uow: UnitOfWork, payment_id: int, now: datetime) -> PaymentState:
    payment = uow.session.get(Payment, payment_id, populate_existing=True)
    online = uow.session.get(OnlinePayment, payment_id, populate_existing=True)
    assert payment is not None and online is not None
    uow.commit()
    return _state(payment, online, now)


def _state(payment: Payment, online: OnlinePayment, now: datetime) -> PaymentState:
    usable = (payment.status is PaymentStatus.PENDING and online.expires_at is not None
              and now < online.expires_at)
    return PaymentState(
        payment_id=payment.id, status=payment.status, outcome=online.outcome,
        amount=from_cents(payment.amount_cents), paid_at=payment.paid_at,
        page_url=online.page_url if usable else None,
    )


def give_up_unstarted(uow: UnitOfWork, payment: Payment, now: datetime) -> None:
    changed = changed_rows(uow, update(Payment)
                       .where(Payment.id == payment.id, Payment.status == PaymentStatus.PENDING)
                       .values(status=PaymentStatus.CANCELLED))
    if changed:
        uow.session.execute(
            update(OnlinePayment).where(OnlinePayment.payment_id == payment.id)
            .values(outcome=OnlineOutcome.ERROR, checked_at=now,
                    detail="the provider never gave a page")
            .execution_options(synchronize_session=False))
        log.warning("online payment %s never got its page: cancelled", payment.id)


def changed_rows(uow: UnitOfWork, statement: Update) -> int:
    """Run a conditional UPDATE; the number of rows it changed."""
    result = uow.session.execute(statement.execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount
