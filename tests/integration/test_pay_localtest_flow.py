"""Paying online through the gateway on the demo database, end to end over loopback: the demo
structures pay through the local test provider, whose server starts with the first payment
and stops with the gateway; the payer's click on the page is a real HTTP request; the
outcome is read from the provider only (a forged return changes nothing), once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from famdesk.errors import NotAuthorizedError, ValidationError
from famdesk.models import LedgerEntry, OutboxAttachment, OutboxMessage, Payment
from famdesk.models.enums import LedgerKind, PaymentMethod, PaymentStatus
from famdesk.services.uow import UnitOfWork
from tests.ui import money_helpers
from tests.ui.helpers import run
from tests.ui.money_helpers import (
    click_on_page,
    demo_family,
    ledger_cents,
    log_in,
    payment_count,
)

# the demo database and its gateway (fixtures of money_helpers)
demo_template = money_helpers.demo_template
demo_ctx = money_helpers.demo_ctx
money_gateway = money_helpers.money_gateway
french = money_helpers.french

TEN = Decimal("10.00")


def meals_wallet(gateway, structure_id, family_id=None) -> int:  # type: ignore[no-untyped-def]
    view = run(gateway.balances(structure_id, family_id))
    return next(row.wallet_id for row in view.rows if row.label == "Restauration")


def test_the_demo_structures_pay_through_the_local_test_provider(money_gateway, demo_ctx):
    log_in(money_gateway, "martin")
    for structure in money_gateway.session.structures:
        options = run(money_gateway.checkout_options(structure.id))
        assert options.provider == "localtest" and options.email == "martin@example.org"
        assert options.pending_payment_id is None and options.maximum == Decimal("10000.00")


def test_a_family_pays_10_euros_and_is_credited_once(money_gateway, demo_ctx):
    family = demo_family(demo_ctx, "petit")
    log_in(money_gateway, "petit")
    wallet = meals_wallet(money_gateway, family.structure_id)
    before = ledger_cents(demo_ctx, family.family_id)
    balance = run(money_gateway.balances(family.structure_id)).rows[0].balance
    assert not money_gateway.payment_providers.localtest_running  # started on demand

    started = run(money_gateway.start_online_payment(family.structure_id, None, {wallet: TEN},
                                                     "petit@example.org"))
    assert money_gateway.payment_providers.localtest_running
    assert started.amount == TEN and not started.resumed
    assert run(money_gateway.online_payment_state(started.payment_id)).status is PaymentStatus.PENDING

    # a forged return to the provider's URL changes nothing
    base = httpx.URL(started.page_url)
    forged = httpx.get(base.join("/return"), params={"reference": "x", "result": "paid"})
    assert forged.status_code == 200
    assert run(money_gateway.online_payment_state(started.payment_id)).status is PaymentStatus.PENDING

    click_on_page(started.page_url, "pay")
    state = run(money_gateway.online_payment_state(started.payment_id))
    again = run(money_gateway.online_payment_state(started.payment_id))

    assert state.status is PaymentStatus.PAID and again.status is PaymentStatus.PAID
    assert ledger_cents(demo_ctx, family.family_id) == before + 1000
    with UnitOfWork(demo_ctx.db) as uow:
        entries = uow.session.scalars(select(LedgerEntry).where(
            LedgerEntry.payment_id == started.payment_id)).all()
        assert [(e.kind, e.wallet_id, e.amount_cents) for e in entries] == [
            (LedgerKind.PAYMENT, wallet, 1000)]
    assert run(money_gateway.balances(family.structure_id)).rows[0].balance == balance + TEN


def test_the_pending_payment_is_found_again_and_a_second_start_opens_it(money_gateway, demo_ctx):
    family = demo_family(demo_ctx, "petit")
    log_in(money_gateway, "petit")
    wallet = meals_wallet(money_gateway, family.structure_id)
    first = run(money_gateway.start_online_payment(family.structure_id, None, {wallet: TEN},
                                                   "petit@example.org"))
    second = run(money_gateway.start_online_payment(family.structure_id, None,
                                                    {wallet: Decimal("20.00")},
                                                    "petit@example.org"))
    assert second.resumed and second.payment_id == first.payment_id
    assert second.page_url == first.page_url
    assert run(money_gateway.checkout_options(family.structure_id)).pending_payment_id == first.payment_id


def test_the_page_expires_and_nothing_is_credited(money_gateway, demo_ctx):
    family = demo_family(demo_ctx, "petit")
    log_in(money_gateway, "petit")
    wallet = meals_wallet(money_gateway, family.structure_id)
    before = ledger_cents(demo_ctx, family.family_id)
    started = run(money_gateway.start_online_payment(family.structure_id, None, {wallet: TEN},
                                                     "petit@example.org"))
    demo_ctx.clock.advance(timedelta(minutes=16))
    state = run(money_gateway.online_payment_state(started.payment_id))
    assert state.status is PaymentStatus.CANCELLED and state.page_url is None
    assert ledger_cents(demo_ctx, family.family_id) == before


def test_closing_the_gateway_stops_the_local_server(demo_ctx):
    from famdesk.ui.gateway import LocalGateway

    gateway = LocalGateway(demo_ctx)
    family = demo_family(demo_ctx, "petit")
    log_in(gateway, "petit")
    started = run(gateway.start_online_payment(family.structure_id, None,
                                               {meals_wallet(gateway, family.structure_id): TEN},
                                               "petit@example.org"))
    assert httpx.get(started.page_url).status_code == 200
    gateway.close()
    with pytest.raises(httpx.ConnectError):
        httpx.get(started.page_url, timeout=2)


def test_a_family_cannot_pay_or_follow_another_familys_payment(money_gateway, demo_ctx):
    petit = demo_family(demo_ctx, "petit")
    log_in(money_gateway, "petit")
    started = run(money_gateway.start_online_payment(
        petit.structure_id, None, {meals_wallet(money_gateway, petit.structure_id): TEN},
        "petit@example.org"))
    run(money_gateway.logout())
    log_in(money_gateway, "martin")
    with pytest.raises(NotAuthorizedError):
        run(money_gateway.online_payment_state(started.payment_id))
    with pytest.raises(NotAuthorizedError):
        run(money_gateway.start_online_payment(petit.structure_id, petit.family_id, {1: TEN},
                                               "martin@example.org"))


def test_staff_record_a_desk_payment_dated_earlier_in_the_month(money_gateway, demo_ctx):
    family = demo_family(demo_ctx, "petit")
    log_in(money_gateway, "accueil")
    wallet = meals_wallet(money_gateway, family.structure_id, family.family_id)
    receipt = run(money_gateway.record_payment(family.family_id, PaymentMethod.CHEQUE,
                                               {wallet: "15,00"}, cheque_number="1234567",
                                               bank="La Banque Postale",
                                               paid_on=date(2026, 11, 20)))
    assert receipt.paid_at is not None and receipt.paid_at.date() == date(2026, 11, 20)
    history = run(money_gateway.history(family.structure_id, family.family_id, 2026, 11))
    [line] = [p for p in history.payments if p.payment_id == receipt.payment_id]
    assert line.day == date(2026, 11, 20) and line.cancellable
    with pytest.raises(ValidationError) as future:
        run(money_gateway.record_payment(family.family_id, PaymentMethod.CASH, {wallet: "5"},
                                         paid_on=date(2026, 11, 28)))
    assert future.value.field == "paid_on"
    with pytest.raises(ValidationError) as too_old:
        run(money_gateway.record_payment(family.family_id, PaymentMethod.CASH, {wallet: "5"},
                                         paid_on=date(2026, 10, 1)))
    assert "31 jours" in too_old.value.message
    assert payment_count(demo_ctx, family.family_id) == 2  # September's, and this one


def test_the_history_goes_by_e_mail_to_the_familys_address(money_gateway, demo_ctx, smtp_server):
    family = demo_family(demo_ctx, "martin")
    log_in(money_gateway, "martin")
    shown = run(money_gateway.mail_history(family.structure_id, None, 2026, 10))
    assert shown == "m•••n@example.org"
    [mail] = smtp_server.inbox.to("martin@example.org")
    assert mail["Subject"] == "Votre historique : octobre 2026 – Mairie de Démoville"
    text = smtp_server.inbox.text(mail)
    assert "Consommations" in text and "Règlements" in text and "Chèque n°" in text
    files = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    assert sorted(files) == ["historique-consommations-2026-10.pdf",
                             "historique-reglements-2026-10.pdf"]
    pages = {name: "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
             for name, data in files.items()}
    assert "Historique des consommations" in pages["historique-consommations-2026-10.pdf"]
    assert "MARTIN" in pages["historique-reglements-2026-10.pdf"]
    assert "Chèque" in pages["historique-reglements-2026-10.pdf"]
    with UnitOfWork(demo_ctx.db) as uow:
        sent = uow.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.family_id == family.family_id, OutboxMessage.sent_at.is_not(None)))
        assert sent == 1
        # sent: the files are not kept
        assert uow.session.scalar(select(func.count(OutboxAttachment.id))) == 0
        assert uow.session.scalar(select(func.count(Payment.id)).where(
            Payment.family_id == family.family_id, Payment.status == PaymentStatus.PENDING)) == 0
