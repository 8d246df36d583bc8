"""Payments at the front desk: amounts checked, receipts numbered without gaps (also with ten
desks at once), one PAYMENT entry per wallet, cancellation by counter-entries."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from famdesk.clock import FixedClock
from famdesk.config import resolve_database
from famdesk.errors import NotAuthorizedError, ValidationError
from famdesk.models import AuditEntry, LedgerEntry, Payment, ReceiptCounter, Wallet
from famdesk.models.enums import LedgerKind, PaymentStatus
from famdesk.services.database import Database
from famdesk.services.dbcheck import check_database
from famdesk.services.ledger import balance_cents
from famdesk.services.payments import (
    PaymentReceipt,
    cancel_payment,
    receipt,
    record_payment,
)
from famdesk.services.uow import UnitOfWork
from tests.conftest import CLOCK_START
from tests.integration.money import Meals, add_meals
from tests.integration.town import Town, build_town

D = Decimal


@pytest.fixture
def town(sqlite_url: str):
    town = build_town(sqlite_url, FixedClock(CLOCK_START))
    yield town
    town.ctx.close()


@pytest.fixture
def meals(town: Town) -> Meals:
    return add_meals(town)


def pay(town: Town, method: str, allocations: dict, **options) -> PaymentReceipt:  # type: ignore[no-untyped-def]
    with town.uow(write=True) as uow:
        return record_payment(uow, town.clock, town.staff, town.martin_family, method,
                              allocations, **options)


def counts(town: Town) -> tuple[int, int, int]:
    """(payments, ledger entries, last receipt number)"""
    with town.uow() as uow:
        return (uow.session.scalar(select(func.count()).select_from(Payment)),
                uow.session.scalar(select(func.count()).select_from(LedgerEntry)),
                uow.session.scalar(select(func.coalesce(func.max(ReceiptCounter.last_number), 0))))


def test_a_payment_covers_several_wallets_with_one_numbered_receipt(town: Town, meals: Meals) -> None:
    answer = pay(town, "cheque", {meals.periscolaire: D("12.40"), meals.wallet: "6,40"},
                 cheque_number=" 0012345 ", bank="La Banque Postale", terminal="ACCUEIL-1")
    assert answer.receipt == "2026-000001" and answer.amount == D("18.80")
    assert [(line.wallet_label, line.amount) for line in answer.lines] == [
        ("Périscolaire", D("12.40")), ("Restauration", D("6.40"))]
    assert (answer.method_text, answer.cheque_number, answer.bank) == ("Chèque", "0012345", "La Banque Postale")
    assert answer.status is PaymentStatus.PAID and answer.recorded_by == "Accueil"
    assert answer.paid_at == CLOCK_START
    with town.uow() as uow:
        rows = uow.session.execute(select(LedgerEntry.wallet_id, LedgerEntry.kind, LedgerEntry.amount_cents,
                                          LedgerEntry.payment_id).order_by(LedgerEntry.wallet_id)).all()
        assert [tuple(r) for r in rows] == [
            (meals.periscolaire, LedgerKind.PAYMENT, 1240, answer.payment_id),
            (meals.wallet, LedgerKind.PAYMENT, 640, answer.payment_id)]
        audit = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "payment_recorded")).one()
        assert audit.on_behalf_family_id == town.martin_family and "2026-000001" in audit.detail
        assert check_database(uow) == []
    second = pay(town, "card_terminal", {meals.wallet: D("3.20")})
    assert second.receipt == "2026-000002" and second.method_text == "CB (TPE)"
    town.clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=UTC))
    assert pay(town, "transfer", {meals.wallet: D("1")}).receipt == "2027-000001"  # a new year


@pytest.mark.parametrize("amounts, field", [
    ({"p": "0"}, "amount"),
    ({"p": D("0.00"), "r": D("0")}, "amount"),
    ({"p": D("-5.00")}, "wallet_p"),
    ({"p": D("10000.01")}, "wallet_p"),
    ({"p": D("6000"), "r": D("4000.01")}, "amount"),  # each fine, the sum too much
    ({"p": D("3.205")}, "wallet_p"),
    ({"p": "3,205"}, "wallet_p"),
    ({"other": D("5.00")}, "allocations"),  # a wallet of another structure
    ({}, "amount"),
])
def test_bad_amounts_are_refused_and_nothing_is_recorded(town: Town, meals: Meals, amounts, field) -> None:  # type: ignore[no-untyped-def]
    with town.uow() as uow:
        other = uow.session.scalar(select(Wallet.id).where(Wallet.structure_id == town.other_structure_id))
    wallets = {"p": meals.periscolaire, "r": meals.wallet, "other": other}
    allocations = {wallets[key]: amount for key, amount in amounts.items()}
    before = counts(town)
    with pytest.raises(ValidationError) as refused:
        pay(town, "cash", allocations)
    expected = field.replace("wallet_p", f"wallet_{meals.periscolaire}")
    assert refused.value.field == expected, refused.value
    assert counts(town) == before


def test_the_largest_payment_goes_through(town: Town) -> None:
    with town.uow() as uow:
        wallet = uow.session.scalar(select(Wallet.id).where(Wallet.structure_id == town.structure_id))
    assert pay(town, "transfer", {wallet: D("10000.00")}).amount == D("10000.00")


def test_method_and_cheque_details_are_checked(town: Town) -> None:
    with town.uow() as uow:
        wallet = uow.session.scalar(select(Wallet.id).where(Wallet.structure_id == town.structure_id))
    for method, options, field in [
        ("cheque", {}, "cheque_number"),
        ("cash", {"cheque_number": "123"}, "cheque_number"),
        ("card_terminal", {"bank": "Banque"}, "bank"),
        ("online_card", {}, "method"),
        ("bitcoin", {}, "method"),
        ("cheque", {"cheque_number": "1" * 33}, "cheque_number"),
    ]:
        with pytest.raises(ValidationError) as refused:
            pay(town, method, {wallet: D("5")}, **options)
        assert refused.value.field == field, (method, options)
    assert counts(town) == (0, 0, 0)
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        record_payment(uow, town.clock, town.martin, town.martin_family, "cash", {wallet: D("5")})


def test_cancelling_adds_counter_entries_and_keeps_the_receipt_number(town: Town, meals: Meals) -> None:
    first = pay(town, "cheque", {meals.periscolaire: D("10"), meals.wallet: D("5")}, cheque_number="77")
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as no_reason:
        cancel_payment(uow, town.clock, town.staff, first.payment_id, " ")
    assert no_reason.value.field == "reason"
    with town.uow(write=True) as uow:
        done = cancel_payment(uow, town.clock, town.staff, first.payment_id, "Chèque sans provision")
    assert done.cancelled and done.cancel_reason == "Chèque sans provision" and done.cancelled_by == "Accueil"
    assert done.receipt == "2026-000001" and done.amount == D("15.00")
    with town.uow(write=True) as uow, pytest.raises(ValidationError):
        cancel_payment(uow, town.clock, town.staff, first.payment_id, "Encore")
    with town.uow() as uow:
        assert balance_cents(uow, town.martin_family) == 0
        rows = uow.session.execute(select(LedgerEntry.wallet_id, LedgerEntry.kind, LedgerEntry.amount_cents)
                                   .where(LedgerEntry.payment_id == first.payment_id)
                                   .order_by(LedgerEntry.id)).all()
        assert [tuple(r) for r in rows] == [
            (meals.periscolaire, LedgerKind.PAYMENT, 1000), (meals.wallet, LedgerKind.PAYMENT, 500),
            (meals.periscolaire, LedgerKind.ADJUSTMENT, -1000), (meals.wallet, LedgerKind.ADJUSTMENT, -500)]
        assert receipt(uow, town.martin, first.payment_id).status is PaymentStatus.CANCELLED
        with pytest.raises(NotAuthorizedError):
            receipt(uow, town.dubois, first.payment_id)
        assert check_database(uow) == []
    assert pay(town, "cash", {meals.wallet: D("1")}).receipt == "2026-000002"  # no number reused


def _ten_desks(url: str, town: Town) -> list[int]:
    """Ten desks, each with its own database engines, record a payment at the same time."""
    with town.uow() as uow:
        wallet = uow.session.scalar(select(Wallet.id).where(Wallet.structure_id == town.structure_id))
    start = threading.Barrier(10)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def desk(index: int) -> None:
        db = Database(resolve_database(url), pooled=False)
        try:
            start.wait(timeout=30)
            with UnitOfWork(db, write=True) as uow:
                answer = record_payment(uow, town.clock, town.staff, town.martin_family, "cash",
                                        {wallet: D(f"{index + 1}.00")}, terminal=f"DESK-{index}")
            numbers.append(answer.receipt_number or 0)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=desk, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return numbers


def test_ten_desks_at_once_get_receipts_without_gaps_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path}/desks.db"
    town = build_town(url, FixedClock(CLOCK_START))
    try:
        assert sorted(_ten_desks(url, town)) == list(range(1, 11))
        with town.uow() as uow:
            assert check_database(uow) == []
            assert balance_cents(uow, town.martin_family) == sum(range(1, 11)) * 100
    finally:
        town.ctx.close()


def test_ten_desks_at_once_get_receipts_without_gaps_on_postgresql(postgres_url: str) -> None:
    town = build_town(postgres_url, FixedClock(CLOCK_START))
    try:
        assert sorted(_ten_desks(postgres_url, town)) == list(range(1, 11))
        with town.uow() as uow:
            assert check_database(uow) == []
            numbers = uow.session.scalars(select(Payment.receipt_number).order_by(Payment.paid_at, Payment.id))
            assert sorted(numbers) == list(range(1, 11))
    finally:
        town.ctx.close()


def test_the_receipt_is_the_familys_too(town: Town) -> None:
    with town.uow() as uow:
        wallet = uow.session.scalar(select(Wallet.id).where(Wallet.structure_id == town.structure_id))
    paid = pay(town, "cash", {wallet: D("7.50")})
    with town.uow() as uow:
        shown = receipt(uow, town.martin, paid.payment_id)
    assert shown == paid and shown.family_name == "M. MARTIN Hugo"
    assert date(2026, 9, 14) == shown.paid_at.date()  # type: ignore[union-attr]
