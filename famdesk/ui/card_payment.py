"""One online card payment from the balances tab, from the click to its outcome.

`CardPaymentFlow.start()` asks the gateway for a payment page and opens it
(`PaymentPageOpener`); then it asks the gateway every `POLL_INTERVAL_MS` (and at once when
famdesk's payment window closes) what became of the payment, until the provider's answer
settles it — paid, refused, abandoned or expired — or the payer left the page. Nothing is
taken from the page itself. `busy` is True from the click until the page is open: the
button stays off meanwhile, and the service opens a pending payment again rather than a
second one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from decimal import Decimal

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from famdesk.i18n import _
from famdesk.models.enums import PaymentStatus
from famdesk.models.online import OnlineOutcome
from famdesk.services.formatting import money
from famdesk.services.online_outcomes import PaymentState
from famdesk.services.online_payments import OnlinePaymentStarted
from famdesk.ui.gateway_money import MoneyGateway
from famdesk.ui.payment_window import PageMode, PaymentPageOpener
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 2000


def outcome_text(state: PaymentState) -> str:
    amount = money(state.amount)
    if state.status is PaymentStatus.PAID:
        return _("Payment of {amount} received: thank you! Your balance is up to date.").format(
            amount=amount)
    if state.outcome is OnlineOutcome.REFUSED:
        return _("The payment of {amount} was refused: nothing was charged.").format(amount=amount)
    if state.outcome is OnlineOutcome.EXPIRED:
        return _("The payment page expired: nothing was charged.")
    if state.outcome is OnlineOutcome.ABANDONED:
        return _("The payment was abandoned: nothing was charged.")
    return _("The payment of {amount} did not go through: nothing was charged. If in doubt, "
             "ask at the front desk.").format(amount=amount)


class CardPaymentFlow(QObject):
    notice = Signal(str, str)
    """(message, tone: "" / "success" / "warning") for the tab's notice line."""
    busy_changed = Signal(bool)
    started = Signal(object)
    """The `OnlinePaymentStarted` whose page was opened."""
    settled = Signal(object)
    """The `PaymentState` of the payment once it ended."""
    failed = Signal(object)
    """An exception for `present_error` (a refused amount or e-mail, the service down)."""

    def __init__(self, gateway: MoneyGateway, runner: Runner, opener: PaymentPageOpener,
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self._runner = runner
        self._window_parent = parent
        self.opener = opener
        self.opener.on_closed = self.poll_now
        self.zone: tzinfo | None = None
        """The structure's time zone, for the page's end time."""
        self.payment_id: int | None = None
        """The payment followed until its outcome is known."""
        self.busy = False
        self._asking = False
        self._generation = 0
        self._jobs: list[Job] = []
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_INTERVAL_MS)
        self.poll_timer.timeout.connect(self.poll_now)

    def start(self, structure_id: int, family_id: int | None,
              allocations: Mapping[int, Decimal], email: str) -> None:
        if self.busy:
            return
        self._set_busy(True)
        self.notice.emit(_("Opening the payment page…"), "")
        generation = self._generation
        self._submit(
            self._gateway.start_online_payment(structure_id, family_id, allocations, email),
            lambda started: self._on_started(generation, started),
            lambda exc: self._on_start_failed(generation, exc))

    def follow(self, payment_id: int) -> None:
        """Ask regularly what became of `payment_id` (a payment left pending, found again)."""
        self.payment_id = payment_id
        self.poll_timer.start()

    def poll_now(self) -> None:
        """Ask once (the timer does it regularly)."""
        if self.payment_id is None or self._asking:
            return
        self._asking = True
        generation = self._generation
        self._submit(self._gateway.online_payment_state(self.payment_id),
                     lambda state: self._on_state(generation, state),
                     lambda exc: self._on_state_failed(generation, exc))

    def stop(self) -> None:
        """Forget the payment (the session ends): the window closes, answers are ignored."""
        self._generation += 1
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        self.poll_timer.stop()
        self.opener.close()
        self.payment_id = None
        self._asking = False
        self._set_busy(False)

    # -- answers ------------------------------------------------------------------------

    def _on_started(self, generation: int, started: OnlinePaymentStarted) -> None:
        if generation != self._generation:
            return
        self._set_busy(False)
        self.opener.open(started.page_url, self._window_parent.window())
        where = (_("in your browser") if self.opener.mode is PageMode.SYSTEM_BROWSER
                 else _("in the payment window"))
        if started.resumed:
            text = _("A payment of {amount} is already under way: its page opens again "
                     "({where}).")
        else:
            text = _("Payment of {amount} under way: finish it {where}. The page may be used "
                     "until {time}.")
        self.notice.emit(text.format(amount=money(started.amount), where=where,
                                     time=self._local_time(started.expires_at)), "")
        self.follow(started.payment_id)
        self.started.emit(started)

    def _on_start_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._set_busy(False)
        self.notice.emit("", "")
        self.failed.emit(exc)

    def _on_state(self, generation: int, state: PaymentState) -> None:
        self._asking = False
        if generation != self._generation or state.payment_id != self.payment_id:
            return
        if state.settled:
            self.poll_timer.stop()
            self.payment_id = None
            self.opener.close()
            tone = "success" if state.status is PaymentStatus.PAID else "warning"
            self.notice.emit(outcome_text(state), tone)
            log.info("online payment %s ended: %s", state.payment_id, state.status.value)
            self.settled.emit(state)
        elif state.outcome is OnlineOutcome.ABANDONED:
            self.poll_timer.stop()
            self.payment_id = None
            self.notice.emit(_("You left the payment page: nothing was charged. “Card payment” "
                               "opens it again while it is valid."), "warning")

    def _on_state_failed(self, generation: int, exc: BaseException) -> None:
        self._asking = False
        if generation != self._generation:
            return
        self.poll_timer.stop()
        self.failed.emit(exc)

    # -- helpers ------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)

    def _local_time(self, instant: datetime) -> str:
        return f"{instant.astimezone(self.zone):%H:%M}"

    def _submit(self, coro, on_success: Callable, on_error: Callable) -> None:  # type: ignore[no-untyped-def,type-arg]
        self._jobs = [job for job in self._jobs if not job.done()]
        self._jobs.append(self._runner.submit(coro, on_success, on_error))
