"""The gateway's money: "Soldes et paiements", "Historiques", the front desk's payments and
the PDF documents.

`MoneyGatewayMixin` is written against `LocalGateway`'s own attributes (`_ctx`,
`_mailers`, `_call(work, write=)`, `_require_session()`): `class LocalGateway(
MoneyGatewayMixin, ...)` gives it these methods. `MoneyGateway` is what the money tabs
may ask; a `SyncedGateway` will implement it too.

The online payment providers live in a `ProviderPool` made on the first payment (the local
test provider's loopback server starts then) and closed by `close_money()` when the app
ends. The services that change something commit themselves: they get a write unit of work.
A PDF is made on the worker thread, dated by the gateway's clock in the structure's zone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, TypeVar
from zoneinfo import ZoneInfo

from famdesk.models.enums import PaymentMethod
from famdesk.services import histories, online_checkout, payments, statements
from famdesk.services.auth import SessionInfo
from famdesk.services.balances import BalanceView, balances
from famdesk.services.histories import HistoryView
from famdesk.services.history_mail import mail_history
from famdesk.services.online_checkout import CheckoutOptions
from famdesk.services.online_outcomes import PaymentState
from famdesk.services.online_payments import OnlinePaymentStarted
from famdesk.services.outbox import MailerFactory, smtp_mailers
from famdesk.services.payment_poll import EVERY, PaymentPoller
from famdesk.services.payment_providers.pool import ProviderPool
from famdesk.services.payments import PaymentReceipt
from famdesk.services.reports import history_export, history_pdf, receipt_pdf, statement_pdf

if TYPE_CHECKING:
    from datetime import datetime

    from famdesk.bootstrap import AppContext
    from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

T = TypeVar("T")


class HistoryDocument(StrEnum):
    CONSUMPTIONS = "consumptions"
    PAYMENTS = "payments"


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class MoneyGateway(Protocol):
    """What the money tabs and the desk payment dialog may ask of the core."""

    kiosk: bool

    @property
    def session(self) -> SessionInfo | None: ...

    # -- "Soldes et paiements" ------------------------------------------------------
    async def balances(self, structure_id: int, family_id: int | None = None,
                       until: date | None = None) -> BalanceView:
        """The family's balances per wallet; the Coût estimé counts bookings up to `until`."""
        ...

    async def checkout_options(self, structure_id: int,
                               family_id: int | None = None) -> CheckoutOptions:
        """Whether "Paiement CB" is offered, the payer's e-mail, a payment still pending."""
        ...

    async def start_online_payment(
        self, structure_id: int, family_id: int | None, allocations: Mapping[int, Decimal],
        email: str,
    ) -> OnlinePaymentStarted:
        """Open a payment page (a second call while one is pending gives the same page)."""
        ...

    async def online_payment_state(self, payment_id: int) -> PaymentState:
        """Ask the provider what became of the payment (credits it once when paid)."""
        ...

    # -- "Historiques" --------------------------------------------------------------
    async def history(self, structure_id: int, family_id: int | None = None,
                      year: int | None = None, month: int | None = None) -> HistoryView:
        """A month (both None: this month) of consumptions and payments."""
        ...

    async def history_pdf(self, structure_id: int, family_id: int | None, year: int,
                          month: int | None, document: HistoryDocument) -> bytes: ...

    async def history_export(self, structure_id: int, family_id: int | None, year: int,
                             month: int | None, fmt: ExportFormat) -> bytes: ...

    async def mail_history(self, structure_id: int, family_id: int | None, year: int,
                           month: int | None) -> str:
        """E-mail the history to the family; the address it went to, masked."""
        ...

    # -- the front desk --------------------------------------------------------------
    async def record_payment(
        self, family_id: int, method: PaymentMethod, allocations: Mapping[int, Decimal | str],
        *, cheque_number: str | None = None, bank: str | None = None,
        paid_on: date | None = None,
    ) -> PaymentReceipt: ...

    async def cancel_payment(self, payment_id: int, reason: str) -> PaymentReceipt:
        """Undo a desk payment by counter-entries (staff; the reason is required)."""
        ...

    async def receipt_pdf(self, payment_id: int) -> bytes: ...

    async def statement_pdf(self, structure_id: int, family_id: int | None, year: int) -> bytes:
        """The annual statement ("relevé annuel") of `year`."""
        ...

    async def attestation_pdf(self, structure_id: int, family_id: int | None,
                              year: int) -> bytes:
        """The "attestation de frais de garde" of `year`."""
        ...


class MoneyGatewayMixin:
    """`MoneyGateway` over `LocalGateway`'s worker thread and units of work."""

    kiosk: bool = False
    _money_providers: ProviderPool | None = None
    _payment_poller: PaymentPoller | None = None
    _money_closed = False
    _money_lock = threading.Lock()

    if TYPE_CHECKING:  # provided by LocalGateway
        _ctx: AppContext
        _mailers: MailerFactory | None

        async def _call(self, work: Callable[[UnitOfWork], T], *, write: bool = False) -> T: ...

        def _require_session(self) -> SessionInfo: ...

    # -- the providers ----------------------------------------------------------------

    @property
    def payment_providers(self) -> ProviderPool:
        """The pool of this gateway's providers (made on first use)."""
        with self._money_lock:
            if self._money_closed:
                raise RuntimeError("the gateway is closed")
            if self._money_providers is None:
                self._money_providers = ProviderPool(self._ctx.clock)
            return self._money_providers

    def start_payment_poll(self, every: timedelta = EVERY) -> None:
        """Settle, every `every`, the online payments nobody watches any more (see
        `payment_poll`). The app on its own database calls it; a synced app leaves it to
        the server."""
        providers = self.payment_providers
        with self._money_lock:
            if self._payment_poller is None and not self._money_closed:
                self._payment_poller = PaymentPoller(
                    self._ctx.db, self._ctx.clock, providers.for_unwatched, every=every).start()

    def close_money(self) -> None:
        """Stop the timer and the payment providers (the local test server); called by
        `close()`."""
        with self._money_lock:
            pool, self._money_providers = self._money_providers, None
            poller, self._payment_poller = self._payment_poller, None
            self._money_closed = True
        if poller is not None:
            poller.stop()
        if pool is not None:
            pool.close()

    def _printed_at(self, session: SessionInfo, structure_id: int) -> datetime:
        """Now, in the structure's time zone (a document's date)."""
        zone = ZoneInfo(session.structure(structure_id).timezone)
        return self._ctx.clock.now().astimezone(zone)

    # -- "Soldes et paiements" ------------------------------------------------------------

    async def balances(self, structure_id: int, family_id: int | None = None,
                       until: date | None = None) -> BalanceView:
        session = self._require_session()
        clock = self._ctx.clock
        return await self._call(
            lambda uow: balances(uow, clock, session, structure_id, family_id, until))

    async def checkout_options(self, structure_id: int,
                               family_id: int | None = None) -> CheckoutOptions:
        session = self._require_session()
        return await self._call(
            lambda uow: online_checkout.checkout_options(uow, session, structure_id, family_id))

    async def start_online_payment(
        self, structure_id: int, family_id: int | None, allocations: Mapping[int, Decimal],
        email: str,
    ) -> OnlinePaymentStarted:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        providers = self.payment_providers
        amounts = dict(allocations)
        return await self._call(
            lambda uow: online_checkout.start_payment(
                uow, clock, session, structure_id, family_id, amounts, providers, email=email,
                terminal=terminal),
            write=True,
        )

    async def online_payment_state(self, payment_id: int) -> PaymentState:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        providers = self.payment_providers
        return await self._call(
            lambda uow: online_checkout.payment_state(uow, clock, session, payment_id, providers,
                                                      terminal=terminal),
            write=True,
        )

    # -- "Historiques" ----------------------------------------------------------------------

    async def history(self, structure_id: int, family_id: int | None = None,
                      year: int | None = None, month: int | None = None) -> HistoryView:
        session = self._require_session()
        clock = self._ctx.clock
        return await self._call(lambda uow: histories.history(
            uow, clock, session, structure_id, family_id, year=year, month=month))

    async def history_pdf(self, structure_id: int, family_id: int | None, year: int,
                          month: int | None, document: HistoryDocument) -> bytes:
        session = self._require_session()
        clock = self._ctx.clock
        make = (history_pdf.consumption_history_pdf if document is HistoryDocument.CONSUMPTIONS
                else history_pdf.payment_history_pdf)

        def work(uow: UnitOfWork) -> bytes:
            view = histories.history(uow, clock, session, structure_id, family_id, year=year,
                                     month=month)
            return make(view, self._printed_at(session, structure_id))

        return await self._call(work)

    async def history_export(self, structure_id: int, family_id: int | None, year: int,
                             month: int | None, fmt: ExportFormat) -> bytes:
        session = self._require_session()
        clock = self._ctx.clock
        make = history_export.history_csv if fmt is ExportFormat.CSV else history_export.history_xlsx
        return await self._call(lambda uow: make(histories.history(
            uow, clock, session, structure_id, family_id, year=year, month=month)))

    async def mail_history(self, structure_id: int, family_id: int | None, year: int,
                           month: int | None) -> str:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        mailers = self._mailers or smtp_mailers(self._ctx.secrets)
        return await self._call(
            lambda uow: mail_history(uow, clock, session, structure_id, family_id, year=year,
                                     month=month, mailers=mailers, terminal=terminal),
            write=True,
        )

    # -- the front desk -----------------------------------------------------------------------

    async def record_payment(
        self, family_id: int, method: PaymentMethod, allocations: Mapping[int, Decimal | str],
        *, cheque_number: str | None = None, bank: str | None = None,
        paid_on: date | None = None,
    ) -> PaymentReceipt:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        amounts = dict(allocations)
        return await self._call(
            lambda uow: payments.record_payment(
                uow, clock, session, family_id, method, amounts, cheque_number=cheque_number,
                bank=bank, paid_on=paid_on, terminal=terminal),
            write=True,
        )

    async def cancel_payment(self, payment_id: int, reason: str) -> PaymentReceipt:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        return await self._call(
            lambda uow: payments.cancel_payment(uow, clock, session, payment_id, reason,
                                                terminal=terminal),
            write=True,
        )

    async def receipt_pdf(self, payment_id: int) -> bytes:
        session = self._require_session()

        def work(uow: UnitOfWork) -> bytes:
            receipt = payments.receipt(uow, session, payment_id)
            return receipt_pdf.receipt_pdf(receipt, self._printed_at(session, receipt.structure_id))

        return await self._call(work)

    async def statement_pdf(self, structure_id: int, family_id: int | None, year: int) -> bytes:
        session = self._require_session()
        clock = self._ctx.clock

        def work(uow: UnitOfWork) -> bytes:
            statement = statements.annual_statement(uow, clock, session, structure_id, family_id,
                                                    year=year)
            return statement_pdf.statement_pdf(statement, self._printed_at(session, structure_id))

        return await self._call(work)

    async def attestation_pdf(self, structure_id: int, family_id: int | None,
                              year: int) -> bytes:
        session = self._require_session()
        clock = self._ctx.clock

        def work(uow: UnitOfWork) -> bytes:
            attestation = statements.childcare_attestation(uow, clock, session, structure_id,
                                                           family_id, year=year)
            return statement_pdf.attestation_pdf(attestation, self._printed_at(session, structure_id))

        return await self._call(work)
