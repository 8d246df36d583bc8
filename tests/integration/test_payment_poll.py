"""The online payments nobody watches any more: the family paid and left, and the timer of
the app or of the server (or `famdesk payments poll` from cron) credits them all the same,
once, without stepping on a window still asking, and without judging another process's
local test payments."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx

from famdesk import i18n
from famdesk.cli import main
from famdesk.models.enums import PaymentStatus
from famdesk.models.online import OnlineOutcome
from famdesk.server.context import Server, ServerSettings
from famdesk.services.payment_poll import PaymentPoller, poll_pending
from famdesk.services.payment_providers.pool import ProviderPool
from famdesk.ui.gateway import LocalGateway
from tests.integration import test_online_payments as online
from tests.integration.test_online_payments import (
    ledger_total,
    payments,
    poll,
    reference_of,
    start,
)

town, payfip, english = online.town, online.payfip, online.english  # the same fixtures

TICK = timedelta(milliseconds=50)


def wait_for(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the timer did not settle the payment"
        time.sleep(0.02)


def test_the_timer_credits_the_family_who_paid_and_left(town, payfip):
    started = start(town, payfip.provider)
    payfip.pay(reference_of(town, started.payment_id))  # ... and the kiosk logged out

    poller = PaymentPoller(town.ctx.db, town.clock, {payfip.provider.name: payfip.provider},
                           every=TICK).start()
    try:
        wait_for(lambda: ledger_total(town) == 1000)
        time.sleep(5 * TICK.total_seconds())  # more rounds: nothing credited twice
    finally:
        poller.stop()

    assert ledger_total(town) == 1000
    assert payments(town) == [(started.payment_id, PaymentStatus.PAID, OnlineOutcome.PAID)]


def test_a_payment_its_window_just_asked_about_is_left_to_the_window(town, payfip):
    started = start(town, payfip.provider)
    poll(town, started.payment_id, payfip.provider)  # the window asks every 2 s
    payfip.pay(reference_of(town, started.payment_id))
    asked_before = payfip.lookups()

    quiet = poll_pending(town.ctx.db, town.clock, {payfip.provider.name: payfip.provider},
                         quiet_for=timedelta(minutes=1))
    assert quiet.asked == 0 and payfip.lookups() == asked_before
    assert ledger_total(town) == 0

    town.clock.advance(timedelta(minutes=2))  # the window was closed
    later = poll_pending(town.ctx.db, town.clock, {payfip.provider.name: payfip.provider},
                         quiet_for=timedelta(minutes=1))
    assert (later.asked, later.paid) == (1, 1)
    assert ledger_total(town) == 1000


def test_local_test_payments_are_judged_only_by_the_process_that_took_them(town, clock):
    taker, other, third = ProviderPool(clock), ProviderPool(clock), ProviderPool(clock)
    try:
        started = start(town, taker.localtest())
        pay_on_the_page(taker, reference_of(town, started.payment_id))
        third.localtest()  # another process's own test server, which never saw it

        for stranger in (other, third):
            summary = poll_pending(town.ctx.db, clock, stranger.for_unwatched)
            assert (summary.asked, summary.skipped) == (0, 1)
        assert not other.localtest_running  # asking started no server
        assert payments(town)[0][1] is PaymentStatus.PENDING  # not failed as "unknown"

        summary = poll_pending(town.ctx.db, clock, taker.for_unwatched)
        assert (summary.paid, summary.skipped) == (1, 0)
        assert ledger_total(town) == 1000
    finally:
        for pool in (taker, other, third):
            pool.close()


def pay_on_the_page(pool: ProviderPool, reference: str) -> None:
    """The payer clicks "pay" on the pool's own local test page."""
    server = pool.localtest().server
    assert server is not None
    answer = httpx.post(server.page_url(reference), data={"action": "pay"},
                        follow_redirects=True)
    assert answer.status_code == 200


def test_the_server_process_runs_the_timer_with_its_own_providers(town):
    server = Server(town.ctx, ServerSettings(payment_poll_every=TICK))
    try:
        pool = server.providers
        assert isinstance(pool, ProviderPool)
        started = start(town, pool.localtest())
        pay_on_the_page(pool, reference_of(town, started.payment_id))
        server.start_payment_poll()
        wait_for(lambda: ledger_total(town) == 1000)
    finally:
        server.close()
    assert payments(town)[0][1] is PaymentStatus.PAID


def test_the_desktop_on_its_own_database_runs_the_timer(town):
    gateway = LocalGateway(town.ctx)
    try:
        started = start(town, gateway.payment_providers.localtest())
        pay_on_the_page(gateway.payment_providers, reference_of(town, started.payment_id))
        gateway.start_payment_poll(every=TICK)
        wait_for(lambda: ledger_total(town) == 1000)
    finally:
        gateway.close()
    assert payments(town)[0][1] is PaymentStatus.PAID


def test_famdesk_payments_poll_leaves_another_process_its_test_payments(town, clock, capsys):
    pool = ProviderPool(clock)
    try:
        started = start(town, pool.localtest())
        code = main(["payments", "poll", "--database", town.ctx.db.target.display()])
    finally:
        pool.close()
    assert code == 0
    out = capsys.readouterr().out
    assert "asked about: 0" in out and "left to the app that took them: 1" in out
    assert payments(town) == [(started.payment_id, PaymentStatus.PENDING, OnlineOutcome.PENDING)]
    assert i18n.language() == "en"
