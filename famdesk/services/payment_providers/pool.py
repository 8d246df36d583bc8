"""The payment providers of a running famdesk: each structure's, made when first needed and
closed with the app.

A structure's `OnlinePaymentSettings` say which provider it uses. `ProviderPool` makes it on
the first payment: the local test provider starts its loopback server then (one for every
structure that uses it); a PayFiP provider is kept per settings. `close()` stops the server
and the HTTP clients; the gateway calls it when the app ends.

`ProviderSource` is what the services of `online_checkout` ask of it; the tests give a pool
or a stand-in.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from famdesk.clock import Clock
from famdesk.models import Payment
from famdesk.models.online import OnlinePayment, OnlinePaymentSettings, OnlineProviderKind
from famdesk.services.payment_providers import PaymentProvider
from famdesk.services.payment_providers.localtest import LocalTestProvider
from famdesk.services.payment_providers.payfip import ENDPOINT, PAGE_URL, PayfipProvider
from famdesk.services.payment_providers.settings import OnlineSettings, make_provider
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)


class ProviderSource(Protocol):
    def for_structure(self, uow: UnitOfWork, structure_id: int) -> PaymentProvider | None:
        """The provider of the structure's settings (None: it takes no online payment)."""
        ...

    def for_payment(self, uow: UnitOfWork, payment_id: int) -> PaymentProvider | None:
        """The provider that holds an online payment (None: not one this famdesk can ask)."""
        ...


def structure_settings(uow: UnitOfWork, structure_id: int) -> OnlineSettings | None:
    """The structure's online payment settings, read for famdesk itself (no session: the
    caller has checked who acts)."""
    row = uow.session.get(OnlinePaymentSettings, structure_id)
    if row is None:
        return None
    return OnlineSettings(row.provider, row.payfip_numcli, row.payfip_mode, row.notify_url,
                          row.return_url)


class ProviderPool:
    """The providers of one famdesk process (see the module's docstring). Thread-safe."""

    def __init__(self, clock: Clock, *, payfip_endpoint: str = ENDPOINT,
                 payfip_page_url: str = PAGE_URL) -> None:
        self._clock = clock
        self._endpoint = payfip_endpoint
        self._page_url = payfip_page_url
        self._lock = threading.Lock()
        self._localtest: LocalTestProvider | None = None
        self._payfip: dict[OnlineSettings, PayfipProvider] = {}
        self._closed = False

    def for_structure(self, uow: UnitOfWork, structure_id: int) -> PaymentProvider | None:
        settings = structure_settings(uow, structure_id)
        if settings is None:
            return None
        if settings.provider is OnlineProviderKind.LOCALTEST:
            return self.localtest()
        with self._lock:
            self._check_open()
            provider = self._payfip.get(settings)
            if provider is None:
                made = make_provider(settings, self._clock, endpoint=self._endpoint,
                                     page_url=self._page_url)
                assert isinstance(made, PayfipProvider)
                provider = self._payfip[settings] = made
            return provider

    def for_payment(self, uow: UnitOfWork, payment_id: int) -> PaymentProvider | None:
        online = uow.session.get(OnlinePayment, payment_id)
        payment = uow.session.get(Payment, payment_id)
        if online is None or payment is None:
            return None
        if online.provider == OnlineProviderKind.LOCALTEST.value:
            return self.localtest()
        provider = self.for_structure(uow, payment.structure_id)
        if provider is None or provider.name != online.provider:
            return None
        return provider

    def for_unwatched(self, uow: UnitOfWork, payment_id: int) -> PaymentProvider | None:
        """`for_payment` for the timer (`payment_poll`): the local test provider only for
        the payments of the server this pool started (another process's are not its own to
        judge), and none is started for it."""
        online = uow.session.get(OnlinePayment, payment_id)
        payment = uow.session.get(Payment, payment_id)
        if online is None or payment is None:
            return None
        if online.provider == OnlineProviderKind.LOCALTEST.value:
            with self._lock:
                localtest = None if self._closed else self._localtest
            held = (localtest is not None and localtest.server is not None
                    and payment.provider_reference is not None
                    and localtest.server.lookup(payment.provider_reference) is not None)
            return localtest if held else None
        return self.for_payment(uow, payment_id)

    def localtest(self) -> LocalTestProvider:
        """The local test provider, its server started on the first call."""
        with self._lock:
            self._check_open()
            if self._localtest is None:
                self._localtest = LocalTestProvider.serve(self._clock)
                log.info("local test payment server started on %s", self._localtest.base_url)
            return self._localtest

    @property
    def localtest_running(self) -> bool:
        return self._localtest is not None

    def close(self) -> None:
        """Stop the local server and close the HTTP clients; the pool is then unusable."""
        with self._lock:
            self._closed = True
            localtest, self._localtest = self._localtest, None
            payfip, self._payfip = list(self._payfip.values()), {}
        if localtest is not None:
            localtest.close()
            log.info("local test payment server stopped")
        for provider in payfip:
            provider.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the payment providers are closed")
