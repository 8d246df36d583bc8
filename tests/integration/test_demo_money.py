"""The demo's money: after its own transmission debited the past days, the front desk's
payments leave one family in credit, one at zero and one in debt, with every desk method
used and one payment cancelled; `famdesk db check` finds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from famdesk.bootstrap import AppContext, open_context
from famdesk.clock import FixedClock
from famdesk.models import Family, Payment, Structure
from famdesk.models.enums import PaymentMethod, PaymentStatus
from famdesk.secrets import MemorySecretStore
from famdesk.services.auth import SYSTEM
from famdesk.services.balances import balances
from famdesk.services.dbcheck import check_database
from famdesk.services.demo import build_demo
from famdesk.services.uow import UnitOfWork

TODAY = date(2026, 11, 27)
DEMOVILLE = "Mairie de Démoville"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    ctx = open_context("sqlite:///" + str(tmp_path_factory.mktemp("money") / "d.db"), clock=clock,
                       secrets=MemorySecretStore())
    build_demo(ctx, today=TODAY, reset=False)
    yield ctx
    ctx.close()


def balance(ctx: AppContext, last_name: str, structure: str = DEMOVILLE):  # type: ignore[no-untyped-def]
    with UnitOfWork(ctx.db) as uow:
        family = uow.session.scalars(
            select(Family).join(Structure).where(Family.last_name == last_name,
                                                 Structure.name == structure)).one()
        return balances(uow, ctx.clock, SYSTEM, family.structure_id, family.id)


def test_a_credit_a_zero_and_a_debt(demo: AppContext) -> None:
    martin, dubois, petit = (balance(demo, name) for name in ("Martin", "Dubois", "Petit"))
    assert martin.total.balance == Decimal("20.00")  # paid ahead for the meals
    assert {row.label: row.balance for row in martin.rows} == {
        "Restauration": Decimal("20.00"), "Périscolaire": Decimal("0.00")}
    assert dubois.total.balance == Decimal("0.00") and all(r.balance == 0 for r in dubois.rows)
    assert petit.total.balance < Decimal("-50.00") and petit.total.amount_due > 0
    assert balance(demo, "Leroy", "Centre social des Tilleuls").total.balance == Decimal("0.00")


def test_every_desk_method_and_a_cancelled_cheque(demo: AppContext) -> None:
    with UnitOfWork(demo.db) as uow:
        payments = list(uow.session.scalars(select(Payment).order_by(Payment.id)))
        assert check_database(uow) == []
    assert {p.method for p in payments} == {PaymentMethod.CASH, PaymentMethod.CHEQUE,
                                            PaymentMethod.CARD_TERMINAL, PaymentMethod.TRANSFER}
    (cancelled,) = [p for p in payments if p.status is PaymentStatus.CANCELLED]
    assert cancelled.method is PaymentMethod.CHEQUE and cancelled.cancel_reason
    for structure_id in {p.structure_id for p in payments}:
        numbers = sorted(p.receipt_number for p in payments if p.structure_id == structure_id)
        assert numbers == list(range(1, len(numbers) + 1))
    assert all(p.paid_at is not None and p.paid_at <= datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
               for p in payments)
