"""Paying online end to end, over loopback, with both providers (the fake PayFiP web service
and the local test page): the ledger rises by exactly what was paid, once, whatever happens
twice; refused, abandoned, expired, unknown or mismatched payments credit nothing; a
technical failure is asked about again; a second click opens the same payment; a family
pays only its own."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select

from famdesk import i18n
from famdesk.errors import NotAuthorizedError, ValidationError
from famdesk.models import AuditEntry, Base, LedgerEntry, Payment, Wallet
from famdesk.models.enums import LedgerKind, PaymentMethod, PaymentStatus
from famdesk.models.online import (
    OnlineAllocation,
    OnlineOutcome,
    OnlinePayment,
    OnlinePaymentSettings,
    OnlineProviderKind,
    PayfipMode,
)
from famdesk.services.auth import SYSTEM
from famdesk.services.database import Database
from famdesk.services.online_outcomes import poll_online_payment
from famdesk.services.online_payments import (
    OnlinePaymentRefusedError,
    OnlinePaymentUnavailableError,
    PaymentInProgressError,
    start_online_payment,
)
from famdesk.services.payment_poll import poll_pending
from famdesk.services.payment_providers import PaymentRequest, ProviderResult
from famdesk.services.payment_providers.localtest import LocalTestProvider, LocalTestServer
from famdesk.services.payment_providers.payfip import PayfipProvider
from famdesk.services.payment_providers.settings import (
    OnlineSettings,
    make_provider,
    online_settings,
    save_online_settings,
)
from famdesk.services.setup import people, structures
from tests.fake_payfip import NUMCLI, FakePayfip
from tests.integration.town import Town, build_town

EMAIL = "hugo.martin@example.org"
TEN = Decimal("10.00")


def with_online_tables(db: Database) -> None:
    """The tables of famdesk/models/online.py, until a migration makes them (then a no-op)."""
    Base.metadata.create_all(db.write_engine, tables=[
        OnlinePayment.__table__, OnlineAllocation.__table__, OnlinePaymentSettings.__table__])


@pytest.fixture(autouse=True)
def english():
    i18n.install("en")
    yield
    i18n.install(i18n.DEFAULT_LANGUAGE)


@pytest.fixture
def town(request, sqlite_url, clock):
    kind = getattr(request, "param", "sqlite")
    url = sqlite_url if kind == "sqlite" else request.getfixturevalue("postgres_url")
    town = build_town(url, clock)
    with_online_tables(town.ctx.db)
    with town.uow() as uow:
        town.wallet = uow.session.scalar(
            select(Wallet.id).where(Wallet.structure_id == town.structure_id))
        town.other_wallet = uow.session.scalar(
            select(Wallet.id).where(Wallet.structure_id == town.other_structure_id))
    yield town
    town.ctx.close()


ON_BOTH = pytest.mark.parametrize(
    "town", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)


class PayfipBench:
    """The fake PayFiP server, and a provider pointed at it."""

    def __init__(self, clock) -> None:  # type: ignore[no-untyped-def]
        self.fake = FakePayfip(clock=clock).start()
        self.provider = PayfipProvider(
            NUMCLI, notify_url="https://famdesk.example.org/notification",
            return_url="https://famdesk.example.org/retour", endpoint=self.fake.endpoint,
            page_url=self.fake.page_url, clock=clock, timeout=2.0)

    def pay(self, reference: str) -> None:
        self.fake.script(reference, "P")

    def refuse(self, reference: str) -> None:
        self.fake.script(reference, "R")

    def lose(self, reference: str) -> None:
        self.fake.script(reference, "P1")

    def report_amount(self, reference: str, cents: int) -> None:
        self.fake.reported_amounts[reference] = cents

    def fail_next_call(self) -> None:
        self.fake.tech_faults = 1

    def starts(self) -> int:
        return len(self.fake.calls("creerPaiementSecurise"))

    def lookups(self) -> int:
        return len(self.fake.calls("recupererDetailPaiementSecurise"))

    def close(self) -> None:
        self.provider.close()
        self.fake.stop()


class LocalBench:
    """The local test page, its buttons clicked as a browser would."""

    def __init__(self, clock) -> None:  # type: ignore[no-untyped-def]
        self.server = LocalTestServer(clock).start()
        self.provider = LocalTestProvider(self.server.base_url)
        self.api_calls = 0

    def _click(self, reference: str, action: str) -> None:
        answer = httpx.post(self.server.page_url(reference), data={"action": action},
                            follow_redirects=True)
        assert answer.status_code == 200

    def pay(self, reference: str) -> None:
        self._click(reference, "pay")

    def refuse(self, reference: str) -> None:
        self._click(reference, "refuse")

    def lose(self, reference: str) -> None:
        del self.server._payments[reference]  # as if the test server had restarted

    def report_amount(self, reference: str, cents: int) -> None:
        self.server.reported_amounts[reference] = cents

    def fail_next_call(self) -> None:
        self.server.outage = 1

    def starts(self) -> int:
        return len(self.server._payments)

    def close(self) -> None:
        self.provider.close()
        self.server.stop()


@pytest.fixture(params=["payfip", "localtest"])
def bench(request, clock):
    bench = PayfipBench(clock) if request.param == "payfip" else LocalBench(clock)
    yield bench
    bench.close()


@pytest.fixture
def payfip(clock):
    bench = PayfipBench(clock)
    yield bench
    bench.close()


# -- helpers ------------------------------------------------------------------------------


def start(town: Town, provider, amounts=None, session=None, family=None, email=EMAIL):  # type: ignore[no-untyped-def]
    with town.uow(write=True) as uow:
        return start_online_payment(
            uow, town.clock, session or town.martin, family or town.martin_family,
            amounts if amounts is not None else {town.wallet: TEN}, provider, email=email)


def poll(town: Town, payment_id: int, provider, session=None):  # type: ignore[no-untyped-def]
    with town.uow(write=True) as uow:
        return poll_online_payment(uow, town.clock, session or town.martin, payment_id, provider)


def reference_of(town: Town, payment_id: int) -> str:
    with town.uow() as uow:
        return uow.session.get(Payment, payment_id).provider_reference


def ledger_total(town: Town, family_id: int | None = None) -> int:
    with town.uow() as uow:
        return uow.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
                                  .where(LedgerEntry.family_id == (family_id or town.martin_family)))


def payments(town: Town) -> list[tuple[int, PaymentStatus, OnlineOutcome]]:
    with town.uow() as uow:
        return [tuple(row) for row in uow.session.execute(
            select(Payment.id, Payment.status, OnlinePayment.outcome)
            .join(OnlinePayment, OnlinePayment.payment_id == Payment.id).order_by(Payment.id))]


# -- paying -------------------------------------------------------------------------------


def test_paying_raises_the_ledger_by_exactly_the_amount(town, bench):
    before = ledger_total(town)

    started = start(town, bench.provider)
    assert started.amount == TEN and not started.resumed
    assert httpx.get(started.page_url).status_code == 200
    assert poll(town, started.payment_id, bench.provider).status is PaymentStatus.PENDING
    assert ledger_total(town) == before

    bench.pay(reference_of(town, started.payment_id))
    state = poll(town, started.payment_id, bench.provider)

    assert (state.status, state.outcome) == (PaymentStatus.PAID, OnlineOutcome.PAID)
    assert state.paid_at == town.clock.now() and state.page_url is None
    assert ledger_total(town) == before + 1000
    with town.uow() as uow:
        (entry,) = uow.session.scalars(select(LedgerEntry)).all()
        payment = uow.session.get(Payment, started.payment_id)
        online = uow.session.get(OnlinePayment, started.payment_id)
    assert (entry.kind, entry.amount_cents, entry.payment_id, entry.wallet_id) == (
        LedgerKind.PAYMENT, 1000, started.payment_id, town.wallet)
    assert str(started.payment_id) in entry.label
    assert (payment.method, payment.amount_cents) == (PaymentMethod.ONLINE_CARD, 1000)
    assert online.authorisation


def test_one_payment_credits_each_wallet_its_own_amount(town, bench):
    with town.uow(write=True) as uow:
        canteen = structures.create_wallet(uow, SYSTEM, town.structure_id, "Restauration")
        uow.commit()
    started = start(town, bench.provider, {town.wallet: Decimal("12.40"), canteen: Decimal("3.2")})
    bench.pay(reference_of(town, started.payment_id))

    assert poll(town, started.payment_id, bench.provider).status is PaymentStatus.PAID

    with town.uow() as uow:
        credits = dict(uow.session.execute(
            select(LedgerEntry.wallet_id, LedgerEntry.amount_cents)).all())
    assert credits == {town.wallet: 1240, canteen: 320}
    assert started.amount == Decimal("15.60")


def test_the_same_outcome_handled_twice_credits_once(town, bench):
    started = start(town, bench.provider)
    bench.pay(reference_of(town, started.payment_id))

    first = poll(town, started.payment_id, bench.provider)
    second = poll(town, started.payment_id, bench.provider)
    via_timer = poll_pending(town.ctx.db, town.clock, {bench.provider.name: bench.provider})

    assert first.status is second.status is PaymentStatus.PAID
    assert ledger_total(town) == 1000
    assert via_timer.paid == 0 and via_timer.pending == 0  # nothing pending any more


class AnotherDeskFirst:
    """A provider whose answer arrives after another desk has handled the same outcome."""

    def __init__(self, town: Town, inner) -> None:  # type: ignore[no-untyped-def]
        self.town, self.inner = town, inner
        self.name, self.minimum_cents, self.grace = inner.name, inner.minimum_cents, inner.grace
        self.payment_id: int | None = None

    def start(self, payment: PaymentRequest):  # type: ignore[no-untyped-def]
        self.payment_id = payment.payment_id
        return self.inner.start(payment)

    def status(self, reference: str) -> ProviderResult:
        result = self.inner.status(reference)
        if self.payment_id is not None:
            payment_id, self.payment_id = self.payment_id, None
            poll(self.town, payment_id, self.inner, session=self.town.staff)
        return result


@ON_BOTH
def test_two_desks_handling_the_same_outcome_at_once_credit_once(town, bench, caplog):
    racing = AnotherDeskFirst(town, bench.provider)
    started = start(town, racing)
    bench.pay(reference_of(town, started.payment_id))

    with caplog.at_level(logging.INFO, logger="famdesk.services.online_outcomes"):
        state = poll(town, started.payment_id, racing)

    assert state.status is PaymentStatus.PAID
    # the late answer reached the conditional update, which found the payment settled
    assert any("already settled" in r.getMessage() for r in caplog.records)
    assert ledger_total(town) == 1000
    with town.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(LedgerEntry)) == 1
        actions = uow.session.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("online_payment%")).order_by(AuditEntry.id)).all()
    assert actions == ["online_payment_started", "online_payment_paid"]


def test_a_refused_payment_credits_nothing(town, bench):
    started = start(town, bench.provider)
    bench.refuse(reference_of(town, started.payment_id))

    state = poll(town, started.payment_id, bench.provider)

    assert (state.status, state.outcome) == (PaymentStatus.FAILED, OnlineOutcome.REFUSED)
    assert ledger_total(town) == 0


def test_an_abandoned_payfip_payment_is_given_up_after_20_minutes(town, payfip):
    started = start(town, payfip.provider)
    payfip.fake.script(reference_of(town, started.payment_id), "A")

    state = poll(town, started.payment_id, payfip.provider)
    # the payer may still come back to the page: not final yet
    assert (state.status, state.outcome) == (PaymentStatus.PENDING, OnlineOutcome.ABANDONED)
    assert state.page_url == started.page_url
    town.clock.advance(timedelta(minutes=20))
    state = poll(town, started.payment_id, payfip.provider)

    assert (state.status, state.outcome) == (PaymentStatus.CANCELLED, OnlineOutcome.ABANDONED)
    assert ledger_total(town) == 0


def test_p5_is_waited_for_20_minutes_then_expires(town, payfip):
    started = start(town, payfip.provider)  # the fake answers P5 until scripted
    town.clock.advance(timedelta(minutes=16))
    state = poll(town, started.payment_id, payfip.provider)
    assert (state.status, state.outcome) == (PaymentStatus.PENDING, OnlineOutcome.PENDING)
    assert state.page_url is None  # the page is over, the outcome may still come
    town.clock.advance(timedelta(minutes=4))

    state = poll(town, started.payment_id, payfip.provider)

    assert (state.status, state.outcome) == (PaymentStatus.CANCELLED, OnlineOutcome.EXPIRED)
    assert ledger_total(town) == 0


def test_a_local_test_page_left_alone_expires(town):
    server = LocalTestServer(town.clock).start()
    provider = LocalTestProvider(server.base_url)
    try:
        started = start(town, provider)
        town.clock.advance(timedelta(minutes=15))
        state = poll(town, started.payment_id, provider)
    finally:
        provider.close()
        server.stop()
    assert (state.status, state.outcome) == (PaymentStatus.CANCELLED, OnlineOutcome.EXPIRED)


def test_an_amount_that_differs_is_refused_and_logged(town, bench, caplog):
    started = start(town, bench.provider)
    reference = reference_of(town, started.payment_id)
    bench.pay(reference)
    bench.report_amount(reference, 100)

    with caplog.at_level(logging.ERROR, logger="famdesk.services.online_outcomes"):
        state = poll(town, started.payment_id, bench.provider)

    assert (state.status, state.outcome) == (PaymentStatus.FAILED, OnlineOutcome.AMOUNT_MISMATCH)
    assert ledger_total(town) == 0
    assert any("100 cents" in r.getMessage() and "1000 cents" in r.getMessage()
               for r in caplog.records)


def test_an_unknown_reference_is_refused(town, bench):
    started = start(town, bench.provider)
    bench.lose(reference_of(town, started.payment_id))

    state = poll(town, started.payment_id, bench.provider)

    assert (state.status, state.outcome) == (PaymentStatus.FAILED, OnlineOutcome.UNKNOWN)
    assert ledger_total(town) == 0


def test_a_technical_failure_is_asked_again_and_then_credits(town, bench):
    started = start(town, bench.provider)
    reference = reference_of(town, started.payment_id)
    bench.pay(reference)
    bench.fail_next_call()

    state = poll(town, started.payment_id, bench.provider)
    assert (state.status, state.outcome) == (PaymentStatus.PENDING, OnlineOutcome.UNREACHABLE)
    assert ledger_total(town) == 0
    town.clock.advance(timedelta(minutes=30))  # even past the page: the outcome is known
    state = poll(town, started.payment_id, bench.provider)

    assert state.status is PaymentStatus.PAID
    assert ledger_total(town) == 1000


def test_a_forged_return_credits_nothing(town):
    server = LocalTestServer(town.clock).start()
    provider = LocalTestProvider(server.base_url)
    try:
        started = start(town, provider)
        reference = reference_of(town, started.payment_id)
        httpx.get(f"{server.return_url}?reference={reference}&result=paid")
        httpx.post(server.return_url, data={"reference": reference, "state": "paid"})
        state = poll(town, started.payment_id, provider)
    finally:
        provider.close()
        server.stop()
    assert state.status is PaymentStatus.PENDING
    assert ledger_total(town) == 0


# -- starting -----------------------------------------------------------------------------


@ON_BOTH
def test_a_second_click_opens_the_same_pending_payment(town, bench):
    first = start(town, bench.provider)
    second = start(town, bench.provider)

    assert second.resumed
    assert (second.payment_id, second.page_url) == (first.payment_id, first.page_url)
    assert bench.starts() == 1
    assert len(payments(town)) == 1
    # once its page is over, a click makes a new attempt with its own reference
    town.clock.advance(timedelta(minutes=15))
    third = start(town, bench.provider)
    assert third.payment_id != first.payment_id and not third.resumed
    with town.uow() as uow:
        attempts = uow.session.scalars(select(OnlinePayment.attempt_reference)).all()
    assert len(set(attempts)) == 2


def new_family(town: Town, last_name: str, first_name: str) -> int:
    with town.uow(write=True) as uow:
        family = people.create_family(uow, SYSTEM, town.structure_id, None, "Mme", last_name,
                                      first_name)
        uow.commit()
    return family


def test_each_attempt_sends_payfip_a_new_refdet_and_clean_fields(town, payfip):
    first = start(town, payfip.provider)
    payfip.refuse(reference_of(town, first.payment_id))
    poll(town, first.payment_id, payfip.provider)
    lefevre = new_family(town, "Lefèvre-Œillet", "Zoé")
    second = start(town, payfip.provider, {town.wallet: Decimal("10.5")}, session=town.staff,
                   family=lefevre)

    sent = payfip.fake.calls("creerPaiementSecurise")
    assert [s["montant"] for s in sent] == ["1000", "1050"]
    assert sent[0]["refdet"] != sent[1]["refdet"]
    assert all(s["refdet"].isalnum() and 6 <= len(s["refdet"]) <= 30 for s in sent)
    assert sent[1]["objet"] == f"Online payment {second.payment_id} family LEFEVRE OEILLET Zoe"
    assert sent[0]["mel"] == EMAIL and sent[0]["exer"] == "2026"


def test_a_start_that_fails_leaves_no_pending_payment(town, bench):
    bench.fail_next_call()
    with pytest.raises(OnlinePaymentUnavailableError):
        start(town, bench.provider)
    assert [p[1:] for p in payments(town)] == [(PaymentStatus.FAILED, OnlineOutcome.UNREACHABLE)]

    started = start(town, bench.provider)  # trying again works, as a new attempt
    assert not started.resumed
    assert [p[1] for p in payments(town)] == [PaymentStatus.FAILED, PaymentStatus.PENDING]


def test_a_start_refused_by_the_provider_is_final(town, clock):
    with FakePayfip(clock=clock, numclis=()) as fake:  # PayFiP does not know this numcli
        provider = PayfipProvider(NUMCLI, notify_url="https://x.example.org/n",
                                  return_url="https://x.example.org/r", endpoint=fake.endpoint,
                                  clock=clock)
        with pytest.raises(OnlinePaymentRefusedError):
            start(town, provider)
    assert [p[1:] for p in payments(town)] == [(PaymentStatus.FAILED, OnlineOutcome.ERROR)]


def test_a_start_cut_off_before_its_page_is_waited_for_then_given_up(town, bench):
    with town.uow(write=True) as uow:  # famdesk stopped while the provider was being asked
        payment = Payment(structure_id=town.structure_id, family_id=town.martin_family,
                          amount_cents=1000, method=PaymentMethod.ONLINE_CARD,
                          status=PaymentStatus.PENDING, created_at=town.clock.now())
        uow.session.add(payment)
        uow.session.flush()
        uow.session.add(OnlinePayment(payment_id=payment.id, provider=bench.provider.name,
                                      attempt_reference="FD000001DEADBEEF"))
        uow.commit()
    with pytest.raises(PaymentInProgressError):
        start(town, bench.provider)
    town.clock.advance(timedelta(minutes=2))

    started = start(town, bench.provider)

    assert started.payment_id != payment.id
    assert payments(town)[0][1:] == (PaymentStatus.CANCELLED, OnlineOutcome.ERROR)


@pytest.mark.parametrize("case", ["none", "zero", "negative", "three decimals", "over the limit",
                                  "other structure", "under PayFiP's minimum"])
def test_amounts_are_checked_before_anything_is_recorded(town, payfip, case):
    cases = {
        "none": {},
        "zero": {town.wallet: Decimal("0")},
        "negative": {town.wallet: Decimal("-5.00")},
        "three decimals": {town.wallet: Decimal("10.005")},
        "over the limit": {town.wallet: Decimal("10000.01")},
        "other structure": {town.other_wallet: TEN},
        "under PayFiP's minimum": {town.wallet: Decimal("0.99")},
    }
    with pytest.raises(ValidationError) as refused:
        start(town, payfip.provider, cases[case])
    assert refused.value.field == "amount"
    assert payments(town) == [] and payfip.starts() == 0


def test_the_limit_is_for_the_whole_payment(town, payfip):
    with town.uow(write=True) as uow:
        canteen = structures.create_wallet(uow, SYSTEM, town.structure_id, "Restauration")
        uow.commit()
    with pytest.raises(ValidationError):
        start(town, payfip.provider, {town.wallet: Decimal("6000"), canteen: Decimal("4000.01")})
    assert start(town, payfip.provider, {town.wallet: Decimal("6000"),
                                         canteen: Decimal("4000")}).amount == Decimal("10000.00")


@pytest.mark.parametrize("email", ["", "   ", "not an address", "x" * 75 + "@example.org"])
def test_an_email_is_required(town, bench, email):
    with pytest.raises(ValidationError) as refused:
        start(town, bench.provider, email=email)
    assert refused.value.field == "email"
    assert payments(town) == []


# -- who may ------------------------------------------------------------------------------


def test_a_family_pays_only_its_own(town, bench):
    with pytest.raises(NotAuthorizedError):
        start(town, bench.provider, session=town.dubois, family=town.martin_family)
    started = start(town, bench.provider)
    with pytest.raises(NotAuthorizedError):
        poll(town, started.payment_id, bench.provider, session=town.dubois)
    assert payments(town) == [(started.payment_id, PaymentStatus.PENDING, OnlineOutcome.PENDING)]


def test_the_front_desk_starts_a_payment_on_the_familys_behalf(town, bench):
    started = start(town, bench.provider, session=town.staff)
    bench.pay(reference_of(town, started.payment_id))
    assert poll(town, started.payment_id, bench.provider, session=town.martin).status is (
        PaymentStatus.PAID)
    with town.uow() as uow:
        entry = uow.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "online_payment_started"))
    assert entry.actor_account_id == town.staff.account_id
    assert entry.on_behalf_family_id == town.martin_family
    assert json.loads(entry.detail)["amount_cents"] == 1000


# -- the timer ----------------------------------------------------------------------------


def test_poll_pending_settles_what_it_can_and_leaves_the_rest(town, payfip, clock):
    paid = start(town, payfip.provider)
    payfip.pay(reference_of(town, paid.payment_id))
    refused = start(town, payfip.provider, family=town.dubois_family, session=town.dubois)
    payfip.refuse(reference_of(town, refused.payment_id))
    start(town, payfip.provider, family=new_family(town, "Petit", "Anne"), session=SYSTEM)
    with LocalTestServer(clock) as server:
        local = LocalTestProvider(server.base_url)
        start(town, local, family=new_family(town, "Durand", "Paul"), session=SYSTEM)
        local.close()

    summary = poll_pending(town.ctx.db, clock, {payfip.provider.name: payfip.provider})

    assert (summary.paid, summary.failed, summary.pending, summary.skipped) == (1, 1, 1, 1)
    assert ledger_total(town) == 1000
    assert ledger_total(town, town.dubois_family) == 0
    assert [p[1] for p in payments(town)] == [PaymentStatus.PAID, PaymentStatus.FAILED,
                                               PaymentStatus.PENDING, PaymentStatus.PENDING]


# -- settings -----------------------------------------------------------------------------


def test_a_manager_sets_payfip_and_gets_its_provider(town, payfip):
    settings = OnlineSettings(OnlineProviderKind.PAYFIP, NUMCLI, PayfipMode.ACTIVATION,
                              "https://www.testville.fr/payfip/notification",
                              "https://www.testville.fr/payfip/retour")
    with town.uow(write=True) as uow:
        save_online_settings(uow, town.clock, SYSTEM, town.structure_id, settings)
    with town.uow() as uow:
        assert online_settings(uow, town.staff, town.structure_id) == settings
        with pytest.raises(NotAuthorizedError):
            online_settings(uow, town.martin, town.structure_id)
    provider = make_provider(settings, town.clock, endpoint=payfip.fake.endpoint)
    assert provider.client_labels() == ("MAIRIE DE TESTVILLE", "REGIE PERISCOLAIRE")
    start(town, provider)
    assert payfip.fake.calls("creerPaiementSecurise")[0]["saisie"] == "X"


@pytest.mark.parametrize(("change", "field"), [
    ({"payfip_numcli": "12345"}, "payfip_numcli"),
    ({"payfip_numcli": None}, "payfip_numcli"),
    ({"notify_url": "www.testville.fr/notification"}, "notify_url"),
    ({"return_url": ""}, "return_url"),
])
def test_bad_payfip_settings_are_refused(town, change, field):
    values = {"provider": OnlineProviderKind.PAYFIP, "payfip_numcli": NUMCLI,
              "notify_url": "https://www.testville.fr/n", "return_url": "https://www.testville.fr/r"}
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as refused:
        save_online_settings(uow, town.clock, SYSTEM, town.structure_id,
                             OnlineSettings(**{**values, **change}))
    assert refused.value.field == field


def test_only_a_manager_changes_the_settings(town):
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        save_online_settings(uow, town.clock, town.staff, town.structure_id,
                             OnlineSettings(OnlineProviderKind.LOCALTEST))
