"""The local test provider on loopback: its page pays or refuses with a button, the outcome
is kept by the server and read back through its API; a forged return changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from famdesk import i18n
from famdesk.services.payment_providers import (
    PaymentRequest,
    ProviderRejectedError,
    ProviderState,
    ProviderUnavailableError,
)
from famdesk.services.payment_providers.localtest import LocalTestProvider, LocalTestServer


@pytest.fixture(autouse=True)
def french():
    i18n.install("fr")
    yield
    i18n.install(i18n.DEFAULT_LANGUAGE)


@pytest.fixture
def server(clock):
    with LocalTestServer(clock) as running:
        yield running


@pytest.fixture
def provider(server):
    provider = LocalTestProvider(server.base_url)
    yield provider
    provider.close()


def request(attempt: str = "FD000042AB12CD34", amount_cents: int = 1000) -> PaymentRequest:
    return PaymentRequest(payment_id=42, attempt_reference=attempt, amount_cents=amount_cents,
                          email="hugo.martin@example.org", label="Paiement en ligne 42",
                          year=2026)


def click(page_url: str, action: str) -> httpx.Response:
    """What a browser does with the page's button `action`."""
    page = httpx.get(page_url)
    form_action = re.search(r"<form method='post' action='([^']+)'", page.text)
    assert form_action, page.text
    return httpx.post(httpx.URL(page_url).join(form_action.group(1)), data={"action": action},
                      follow_redirects=True)


def test_the_page_shows_the_amount_and_two_buttons(provider, clock):
    started = provider.start(request())
    assert started.page_url.startswith("http://127.0.0.1:")
    assert started.expires_at == clock.now() + timedelta(minutes=15)
    page = httpx.get(started.page_url)
    assert page.status_code == 200
    assert "10,00\xa0€" in page.text and "Paiement en ligne 42" in page.text
    assert "value='pay'>Payer</button>" in page.text
    assert "value='refuse'>Refuser</button>" in page.text


def test_pay_then_read_the_outcome_from_the_server(provider, clock):
    started = provider.start(request())
    assert provider.status(started.reference).state is ProviderState.PENDING

    answer = click(started.page_url, "pay")

    assert answer.url.path == "/return"
    assert "fermer cette fenêtre" in answer.text
    result = provider.status(started.reference)
    assert result.state is ProviderState.PAID
    assert result.amount_cents == 1000
    assert result.paid_at == clock.now()
    assert result.authorisation and result.authorisation.isdigit()


def test_refuse_and_a_decided_payment_stays_decided(provider):
    started = provider.start(request())
    click(started.page_url, "refuse")
    assert provider.status(started.reference).state is ProviderState.REFUSED
    httpx.post(started.page_url, data={"action": "pay"})
    assert provider.status(started.reference).state is ProviderState.REFUSED
    assert "refusé" in httpx.get(started.page_url).text


def test_a_forged_return_changes_nothing(provider, server):
    started = provider.start(request())
    for forged in (
        httpx.get(f"{server.return_url}?reference={started.reference}&result=paid"),
        httpx.post(server.return_url, data={"reference": started.reference, "result": "paid",
                                            "state": "paid", "amount_cents": "1000"}),
        httpx.get(f"{server.return_url}?reference=LT{'0' * 32}&result=paid"),
    ):
        assert forged.status_code == 200
    assert provider.status(started.reference).state is ProviderState.PENDING
    assert provider.status("LT" + "0" * 32).state is ProviderState.UNKNOWN
    assert provider.status("made-up").state is ProviderState.UNKNOWN


def test_the_page_expires(provider, clock):
    started = provider.start(request())
    clock.advance(timedelta(minutes=15))
    assert provider.status(started.reference).state is ProviderState.EXPIRED
    httpx.post(started.page_url, data={"action": "pay"})
    assert provider.status(started.reference).state is ProviderState.EXPIRED
    assert "expiré" in httpx.get(started.page_url).text


def test_an_outage_can_be_retried(provider, server):
    server.outage = 2
    for _ in range(2):
        with pytest.raises(ProviderUnavailableError):
            provider.start(request())
    started = provider.start(request())
    assert provider.status(started.reference).state is ProviderState.PENDING


def test_an_attempt_reference_is_used_once(provider):
    provider.start(request())
    with pytest.raises(ProviderRejectedError):
        provider.start(request())
    with pytest.raises(ProviderRejectedError) as refused:
        provider.start(request("FD000043AB12CD34", amount_cents=0))
    assert refused.value.field == "amount"


def test_a_stopped_server_can_be_retried_later(clock):
    provider = LocalTestProvider.serve(clock)
    started = provider.start(request())
    assert provider.server is not None
    provider.server.stop()
    with pytest.raises(ProviderUnavailableError):
        provider.status(started.reference)
    provider.close()
