"""famdesk's PayFiP client against a fake PayFiP web service on loopback: the fields it sends
(refdet new per attempt, objet without accents, montant in cents), how it reads outcomes
(P/V paid, R/Z refused, A abandoned, P5 pending, P1 unknown) and how it splits failures
into "try again" (Tech faults, HTTP errors, timeouts) and final ones."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from famdesk.clock import FixedClock
from famdesk.services.payment_providers import (
    PaymentRequest,
    ProviderRejectedError,
    ProviderState,
    ProviderUnavailableError,
)
from famdesk.services.payment_providers.payfip import (
    NAMESPACE,
    SOAP_ENV,
    PayfipProvider,
    envelope,
    normalize_objet,
    paid_instant,
)
from tests.fake_payfip import NUMCLI, FakePayfip

NOTIFY = "https://famdesk.example.org/payfip/notification"
RETURN = "https://famdesk.example.org/payfip/retour"


@pytest.fixture
def fake(clock):
    with FakePayfip(clock=clock) as server:
        yield server


def provider_for(fake: FakePayfip, clock: FixedClock, **options) -> PayfipProvider:
    options.setdefault("timeout", 2.0)
    return PayfipProvider(NUMCLI, notify_url=NOTIFY, return_url=RETURN, endpoint=fake.endpoint,
                          page_url=fake.page_url, clock=clock, **options)


@pytest.fixture
def provider(fake, clock):
    provider = provider_for(fake, clock)
    yield provider
    provider.close()


def request(attempt: str = "FD000042AB12CD34", amount_cents: int = 1000, **changes) -> PaymentRequest:
    values = {"payment_id": 42, "attempt_reference": attempt, "amount_cents": amount_cents,
              "email": "hugo.martin@example.org", "label": "Paiement en ligne 42, famille MARTIN Hugo",
              "year": 2026}
    values.update(changes)
    return PaymentRequest(**values)


def test_start_sends_the_fields_payfip_expects_and_opens_its_page(fake, provider, clock):
    started = provider.start(request(label="Famille Lefèvre – août, cœur & Œuvre"))

    (sent,) = fake.calls("creerPaiementSecurise")
    assert sent == {
        "exer": "2026", "mel": "hugo.martin@example.org", "montant": "1000", "numcli": NUMCLI,
        "objet": "Famille Lefevre aout coeur OEuvre", "refdet": "FD000042AB12CD34",
        "saisie": "T", "urlnotif": NOTIFY, "urlredirect": RETURN,
    }
    assert len(started.reference) == 36 and started.reference == fake.last_id_op
    assert started.page_url == f"{fake.page_url}?idop={started.reference}"
    assert httpx.get(started.page_url).status_code == 200
    assert started.expires_at == clock.now() + timedelta(minutes=15)


def test_the_real_page_and_endpoint_are_payfips():
    provider = PayfipProvider(NUMCLI, mode="W", notify_url=NOTIFY, return_url=RETURN)
    assert provider.endpoint == "https://www.payfip.gouv.fr/tpa/services/securite"
    assert provider.page_url == "https://www.payfip.gouv.fr/tpa/paiementws.web"
    assert provider.request_fields(request())["saisie"] == "W"


def test_the_request_is_a_soap_11_document_with_unqualified_fields():
    root = ET.fromstring(envelope("recupererDetailPaiementSecurise", {"idOp": "abc"}))
    assert root.tag == f"{{{SOAP_ENV}}}Envelope"
    (body,) = root
    (call,) = body
    assert call.tag == f"{{{NAMESPACE}}}recupererDetailPaiementSecurise"
    (arg,) = call
    assert arg.tag == "arg0" and [(c.tag, c.text) for c in arg] == [("idOp", "abc")]


def test_objet_keeps_ascii_letters_digits_and_spaces_up_to_100():
    assert normalize_objet("Reçu n° 12 – Zoé (ALSH) : 3,20 €") == "Recu n 12 Zoe ALSH 3 20"
    assert normalize_objet("Œ" * 150) == "OE" * 50
    assert len(normalize_objet("a " * 80)) <= 100
    assert normalize_objet("éèêë àç ÉÈ") == "eeee ac EE"


def test_each_attempt_needs_its_own_refdet(fake, provider):
    provider.start(request("FD000001AAAAAAAA"))
    provider.start(request("FD000002BBBBBBBB"))
    with pytest.raises(ProviderRejectedError):
        provider.start(request("FD000001AAAAAAAA"))  # PayFiP refuses a repeated attempt
    assert [c["refdet"] for c in fake.calls("creerPaiementSecurise")] == [
        "FD000001AAAAAAAA", "FD000002BBBBBBBB", "FD000001AAAAAAAA"]


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"attempt_reference": "ABCD"}, "R3", None),  # under 6: refused by the real server too
    ({"attempt_reference": "FD-0042-X"}, "R3", None),
    ({"attempt_reference": "A" * 31}, "R3", None),
    ({"email": "a@b"}, "A2", "email"),
    ({"email": "nobody.example.org"}, "A2", "email"),
    ({"amount_cents": 99}, "M3", "amount"),
    ({"amount_cents": 10_000_001}, "M3", "amount"),
])
def test_bad_fields_are_refused_before_anything_is_sent(fake, provider, changes, code, field):
    with pytest.raises(ProviderRejectedError) as refused:
        provider.start(request(**changes))
    assert (refused.value.code, refused.value.field) == (code, field)
    assert fake.calls("creerPaiementSecurise") == []


def test_the_servers_own_refusals_are_final_and_name_their_field(fake, clock):
    provider = provider_for(fake, clock)
    unknown = PayfipProvider("999999", notify_url=NOTIFY, return_url=RETURN,
                             endpoint=fake.endpoint, clock=clock)
    with pytest.raises(ProviderRejectedError) as refused:
        unknown.start(request())
    assert (refused.value.code, refused.value.field) == ("T2", None)
    fields = provider.request_fields(request())
    with pytest.raises(ProviderRejectedError) as refused:
        provider.call("creerPaiementSecurise", {**fields, "mel": "x@y"})
    assert (refused.value.code, refused.value.field) == ("A2", "email")


def test_the_fake_answers_like_payfip_for_a_bad_refdet_or_mel(fake, provider):
    fields = provider.request_fields(request())
    for change, code in [({"refdet": "ABCD"}, "R3"), ({"mel": "x@y"}, "A2"), ({"mel": ""}, "A1"),
                         ({"montant": "10,00"}, "M1"), ({"montant": "50"}, "M3"),
                         ({"montant": "10000001"}, "M5"), ({"numcli": "12345"}, "T1"),
                         ({"saisie": "P"}, "S1"), ({"urlnotif": "/notif"}, "N1"),
                         ({"urlredirect": ""}, "D1")]:
        with pytest.raises(ProviderRejectedError) as refused:
            provider.call("creerPaiementSecurise", {**fields, **change})
        assert refused.value.code == code


@pytest.mark.parametrize(("resultrans", "state"), [
    ("P", ProviderState.PAID), ("V", ProviderState.PAID), ("R", ProviderState.REFUSED),
    ("Z", ProviderState.REFUSED), ("A", ProviderState.ABANDONED),
])
def test_resultrans_tells_the_outcome(fake, provider, resultrans, state):
    started = provider.start(request())
    fake.script(started.reference, resultrans)

    result = provider.status(started.reference)

    assert result.state is state
    if state is ProviderState.PAID:
        assert result.amount_cents == 1000
        assert result.authorisation == fake.operations[started.reference].numauto
        # 10:00 in Paris on 14 September 2026 (the fake's clock), to the minute
        assert result.paid_at == datetime(2026, 9, 14, 8, 0, tzinfo=UTC)


def test_the_lookup_sends_idop_with_a_capital_o(fake, provider):
    started = provider.start(request())
    provider.status(started.reference)
    assert fake.calls("recupererDetailPaiementSecurise") == [{"idOp": started.reference}]
    # the real server answers P1 to "idop": the fake does too
    with pytest.raises(ProviderRejectedError, match="P1"):
        provider.call("recupererDetailPaiementSecurise", {"idop": started.reference})


def test_p5_is_pending_then_the_outcome_comes(fake, provider):
    started = provider.start(request())
    fake.script(started.reference, "P5", "P5", "P")
    assert provider.status(started.reference).state is ProviderState.PENDING
    assert provider.status(started.reference).state is ProviderState.PENDING
    assert provider.status(started.reference).state is ProviderState.PAID
    assert provider.status(started.reference).state is ProviderState.PAID  # and stays so


def test_p1_and_a_made_up_idop_are_unknown(fake, provider):
    started = provider.start(request())
    fake.script(started.reference, "P1")
    assert provider.status(started.reference).state is ProviderState.UNKNOWN
    assert provider.status("00000000-0000-0000-0000-000000000000").state is ProviderState.UNKNOWN


def test_an_unexpected_resultrans_is_a_final_error(fake, provider):
    started = provider.start(request())
    fake.script(started.reference, "Q")
    with pytest.raises(ProviderRejectedError, match="resultrans"):
        provider.status(started.reference)


def test_a_tech_fault_can_be_retried_and_then_works(fake, provider):
    fake.tech_faults = 1
    with pytest.raises(ProviderUnavailableError, match="TechIndisponibiliteErreur"):
        provider.start(request())
    started = provider.start(request("FD000042ZZZZZZZZ"))
    fake.script(started.reference, "TECH", "P")
    with pytest.raises(ProviderUnavailableError):
        provider.status(started.reference)
    assert provider.status(started.reference).state is ProviderState.PAID


def test_http_errors_timeouts_and_a_dead_server_can_be_retried(fake, clock):
    provider = provider_for(fake, clock, timeout=0.3)
    fake.http_errors = 1
    with pytest.raises(ProviderUnavailableError, match="503"):
        provider.start(request())
    fake.delay = 1.0
    with pytest.raises(ProviderUnavailableError, match="Timeout"):
        provider.status("00000000-0000-0000-0000-000000000000")
    fake.delay = 0
    fake.stop()
    with pytest.raises(ProviderUnavailableError):
        provider.status("00000000-0000-0000-0000-000000000000")


def test_client_labels_check_the_numcli(fake, provider, clock):
    assert provider.client_labels() == ("MAIRIE DE TESTVILLE", "REGIE PERISCOLAIRE")
    other = provider_for(fake, clock)
    other.numcli = "654321"
    with pytest.raises(ProviderRejectedError, match="T2"):
        other.client_labels()


def test_dattrans_and_heurtrans_are_paris_time():
    assert paid_instant("01012027", "0930") == datetime(2027, 1, 1, 8, 30, tzinfo=UTC)
    assert paid_instant("15072027", "2359") == datetime(2027, 7, 15, 21, 59, tzinfo=UTC)
    assert paid_instant("", "") is None
    assert paid_instant("31022027", "1200") is None


def test_bad_settings_are_refused_at_once():
    with pytest.raises(ValueError):
        PayfipProvider("12345", notify_url=NOTIFY, return_url=RETURN)
    with pytest.raises(ValueError):
        PayfipProvider(NUMCLI, notify_url="/notification", return_url=RETURN)
    with pytest.raises(ValueError):
        PayfipProvider(NUMCLI, mode="P", notify_url=NOTIFY, return_url=RETURN)
