"""'Soldes et paiements': Solde, Coût estimé, Solde estimé and Montant dû per wallet, and who
may see them."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from famdesk.clock import FixedClock
from famdesk.errors import NotAuthorizedError, NotFoundError
from famdesk.services.auth import SYSTEM
from famdesk.services.balances import BalanceView, balances
from famdesk.services.payments import record_payment
from tests.conftest import CLOCK_START
from tests.integration.money import Meals, act, add_meals, book, cancel, night, paris
from tests.integration.town import Town, build_town

WED = date(2026, 9, 30)
NEXT_WED = date(2026, 10, 7)
MORNING = (time(7, 0), time(8, 20))  # 2,40 €
D = Decimal


@pytest.fixture
def town(sqlite_url: str):
    town = build_town(sqlite_url, FixedClock(CLOCK_START))
    yield town
    town.ctx.close()


@pytest.fixture
def meals(town: Town) -> Meals:
    return add_meals(town)


def view(town: Town, session=None, family_id=None, until=None) -> BalanceView:  # type: ignore[no-untyped-def]
    with town.uow() as uow:
        return balances(uow, town.clock, session or town.martin, town.structure_id, family_id,
                        until=until)


def figures(row) -> tuple:  # type: ignore[no-untyped-def]
    return (row.balance, row.estimated_cost, row.estimated_balance, row.amount_due)


def test_one_row_per_wallet_and_a_total(town: Town, meals: Meals) -> None:
    act(town, town.martin, book(town.lea, town.alsh, WED), book(town.lea, town.alsh, NEXT_WED),
        book(town.tom, town.aps, date(2026, 9, 28), MORNING),
        book(town.lea, meals.activity, date(2026, 9, 28)), book(town.lea, meals.activity, date(2026, 10, 5)))

    before = view(town, until=date(2026, 10, 31))
    assert [row.label for row in before.rows] == ["Périscolaire", "Restauration"]
    assert [figures(row) for row in before.rows] == [
        (D("0.00"), D("14.40"), D("-14.40"), D("14.40")),  # 6,00 + 6,00 + 2,40
        (D("0.00"), D("6.40"), D("-6.40"), D("6.40")),
    ]
    assert figures(before.total) == (D("0.00"), D("20.80"), D("-20.80"), D("20.80"))
    assert before.total.is_total and before.last_transmission_at is None

    night(town, WED)  # debits the 28th and the 30th
    after = view(town, until=date(2026, 10, 31))
    assert [figures(row) for row in after.rows] == [
        (D("-8.40"), D("6.00"), D("-14.40"), D("14.40")),
        (D("-3.20"), D("3.20"), D("-6.40"), D("6.40")),
    ]
    assert after.last_transmission_at == paris(WED).astimezone(after.computed_at.tzinfo)
    # "Calculer vos réservations jusqu'au": up to the 4th, nothing more is booked
    assert view(town, until=date(2026, 10, 4)).total.estimated_cost == D("0.00")


def test_a_credit_in_one_wallet_does_not_pay_another(town: Town, meals: Meals) -> None:
    act(town, town.martin, book(town.lea, town.alsh, WED), book(town.lea, meals.activity, date(2026, 9, 28)))
    night(town, WED)
    with town.uow(write=True) as uow:
        record_payment(uow, town.clock, town.staff, town.martin_family, "cash",
                       {meals.wallet: D("20.00")})
    shown = view(town)
    periscolaire, restauration = shown.rows
    assert figures(restauration) == (D("16.80"), D("0.00"), D("16.80"), D("0.00"))
    assert figures(periscolaire) == (D("-6.00"), D("0.00"), D("-6.00"), D("6.00"))
    assert shown.total.balance == D("10.80") and shown.total.estimated_balance == D("10.80")
    assert shown.total.amount_due == D("6.00")


def test_a_day_cancelled_after_its_debit_counts_as_its_refund_to_come(town: Town) -> None:
    act(town, town.martin, book(town.lea, town.alsh, WED))
    night(town, WED)
    town.clock.set(paris(date(2026, 10, 1), 9))
    act(town, town.staff, cancel(town.lea, town.alsh, WED), reason="Malade")
    (row,) = view(town).rows
    assert figures(row) == (D("-6.00"), D("-6.00"), D("0.00"), D("0.00"))
    night(town, date(2026, 10, 1))
    (row,) = view(town).rows
    assert figures(row) == (D("0.00"), D("0.00"), D("0.00"), D("0.00"))


def test_a_past_day_booked_by_staff_since_the_night_is_in_the_estimated_cost(town: Town) -> None:
    night(town, WED)
    town.clock.set(paris(date(2026, 10, 1), 9))
    act(town, town.staff, book(town.tom, town.alsh, WED), reason="Oubli de réservation")
    (row,) = view(town).rows  # until defaults to today
    assert figures(row) == (D("0.00"), D("6.00"), D("-6.00"), D("6.00"))


def test_a_family_sees_its_own_balances_only(town: Town) -> None:
    assert view(town).family_name == "M. MARTIN Hugo"
    assert view(town, town.dubois).family_id == town.dubois_family
    with pytest.raises(NotAuthorizedError):
        view(town, town.dubois, town.martin_family)
    assert view(town, town.staff, town.dubois_family).family_name == "Mme DUBOIS Camille"
    with pytest.raises(NotFoundError):
        view(town, town.staff)  # staff choose the family
    with town.uow() as uow, pytest.raises(NotAuthorizedError):
        balances(uow, town.clock, town.staff, town.other_structure_id, town.martin_family)
    with town.uow() as uow, pytest.raises(NotFoundError):
        balances(uow, town.clock, SYSTEM, town.other_structure_id, town.martin_family)


def test_the_table_speaks_the_glossarys_words() -> None:
    from famdesk.services.balances import column_titles, until_label

    assert column_titles() == ("Porte-monnaie", "Solde", "Coût estimé", "Solde estimé",
                               "Montant de votre règlement")
    assert until_label() == "Calculer vos réservations jusqu’au"
