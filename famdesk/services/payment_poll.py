"""The online payments nobody is watching any more (payfip.md section 5: poll the pending
ones): a family who paid and closed the window, a kiosk logged out while its page was open,
a desk that crashed. Without this their money would stay uncredited until that family opened
its balances again.

- `poll_pending` asks, oldest first, about every pending online payment whose provider it
  can reach, each in its own unit of work, through `online_payments.poll_online_payment`:
  the same rules (credited once, whoever asks first), acting as famdesk itself (`SYSTEM`).
- `PaymentPoller` does it every few minutes on a thread of its own: `famdesk serve` runs
  one, and so does the desktop app on its own database (the synced app leaves it to the
  server). Cron can call `famdesk payments poll` instead.

A payment asked about a moment ago (the family's window asks every 2 s) is left to whoever
asks. The local test provider keeps its payments in the memory of the process that started
its server: only that process can ask about them (`ProviderPool.for_unwatched`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select

from famdesk.clock import Clock
from famdesk.models import Payment
from famdesk.models.enums import PaymentMethod, PaymentStatus
from famdesk.models.online import OnlinePayment
from famdesk.services.auth import SYSTEM
from famdesk.services.database import Database
from famdesk.services.online_outcomes import PaymentState, poll_online_payment
from famdesk.services.payment_providers import PaymentProvider
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

ProviderLookup = Callable[[UnitOfWork, int], PaymentProvider | None]
"""(unit of work, payment id) -> the provider to ask, or None: not one this process can ask."""
EVERY = timedelta(minutes=5)
"""How often `PaymentPoller` asks."""
QUIET_FOR = timedelta(minutes=1)
"""A payment asked about more recently than this is left alone by the timer."""


@dataclass
class PollSummary:
    """What `poll_pending` did: how many payments ended in each status, or were left."""

    paid: int = 0
    failed: int = 0
    cancelled: int = 0
    pending: int = 0
    skipped: int = 0
    """Payments of a provider this process cannot ask."""

    def count(self, state: PaymentState) -> None:
        name = {PaymentStatus.PAID: "paid", PaymentStatus.FAILED: "failed",
                PaymentStatus.CANCELLED: "cancelled"}.get(state.status, "pending")
        setattr(self, name, getattr(self, name) + 1)

    @property
    def asked(self) -> int:
        return self.paid + self.failed + self.cancelled + self.pending


def poll_pending(db: Database, clock: Clock,
                 providers: Mapping[str, PaymentProvider] | ProviderLookup, *,
                 quiet_for: timedelta = timedelta(0)) -> PollSummary:
    """Ask about every pending online payment not asked about within `quiet_for`, oldest
    first, each in its own unit of work. `providers`: provider name -> provider, or a
    `ProviderLookup`; a payment whose provider it does not give is skipped."""
    lookup = _lookup(providers)
    asked_before = clock.now() - quiet_for
    with UnitOfWork(db) as uow:
        payment_ids = uow.session.scalars(
            select(Payment.id)
            .join(OnlinePayment, OnlinePayment.payment_id == Payment.id)
            .where(Payment.status == PaymentStatus.PENDING,
                   Payment.method == PaymentMethod.ONLINE_CARD,
                   or_(OnlinePayment.checked_at.is_(None),
                       OnlinePayment.checked_at <= asked_before))
            .order_by(Payment.id)
        ).all()
    summary = PollSummary()
    for payment_id in payment_ids:
        with UnitOfWork(db, write=True) as uow:
            provider = lookup(uow, payment_id)
            if provider is None:
                summary.skipped += 1
                continue
            try:
                state = poll_online_payment(uow, clock, SYSTEM, payment_id, provider)
            except Exception:  # noqa: BLE001 - one payment must not hold up the others
                log.exception("online payment %s: asking its provider failed", payment_id)
                summary.skipped += 1
                continue
            summary.count(state)
    if summary.asked:
        log.info("pending online payments: %d paid, %d failed, %d cancelled, %d still "
                 "pending, %d left to another process", summary.paid, summary.failed,
                 summary.cancelled, summary.pending, summary.skipped)
    return summary


def _lookup(providers: Mapping[str, PaymentProvider] | ProviderLookup) -> ProviderLookup:
    if not isinstance(providers, Mapping):
        return providers
    by_name = providers

    def by_provider_name(uow: UnitOfWork, payment_id: int) -> PaymentProvider | None:
        online = uow.session.get(OnlinePayment, payment_id)
        return None if online is None else by_name.get(online.provider)

    return by_provider_name


class PaymentPoller:
    """`poll_pending` every `every`, on a daemon thread, until `stop()`. A failed round
    (database or provider down) is logged and the next one tries again."""

    def __init__(self, db: Database, clock: Clock, providers: ProviderLookup, *,
                 every: timedelta = EVERY, quiet_for: timedelta = QUIET_FOR) -> None:
        self._db = db
        self._clock = clock
        self._providers = providers
        self._every = every.total_seconds()
        self._quiet_for = quiet_for
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="famdesk-payments",
                                        daemon=True)

    def start(self) -> PaymentPoller:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def run_once(self) -> PollSummary | None:
        """One round now; None when it failed (logged)."""
        try:
            return poll_pending(self._db, self._clock, self._providers,
                                quiet_for=self._quiet_for)
        except Exception:
            log.exception("polling the pending online payments failed; trying again later")
            return None

    def _loop(self) -> None:
        while not self._stop.wait(self._every):
            self.run_once()
