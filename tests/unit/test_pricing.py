from datetime import date, time

import pytest

from famdesk.models.enums import TariffMode
from famdesk.services.pricing import Bracket, QuotientPeriod, Tariff, quotient_on, slots

MEALS = Tariff(
    TariffMode.UNIT,
    (Bracket(0, 450, 100), Bracket(451, 800, 210), Bracket(801, None, 320)),
)
APS = Tariff(TariffMode.SLOT, (Bracket(0, None, 80),), slot_minutes=30)


@pytest.mark.parametrize(
    ("arrival", "departure", "count", "cents"),
    [
        (time(7, 0), time(8, 20), 3, 240),  # the example: 2,40 €
        (time(7, 30), time(8, 20), 2, 160),
        (time(8, 0), time(8, 20), 1, 80),
        (time(16, 30), time(18, 30), 4, 320),
        (time(16, 30), time(17, 31), 3, 240),
    ],
)
def test_slots_are_rounded_up(arrival, departure, count, cents):
    assert slots(arrival, departure, 30) == count
    assert APS.price_cents(None, arrival, departure) == cents


@pytest.mark.parametrize(("qf", "cents"), [(0, 100), (450, 100), (451, 210), (800, 210), (801, 320), (5000, 320), (None, 320)])
def test_unit_price_by_bracket(qf, cents):
    assert MEALS.price_cents(qf) == cents


def test_slot_tariff_needs_ordered_times():
    with pytest.raises(ValueError):
        APS.price_cents(None, time(8, 20), time(7, 0))
    with pytest.raises(ValueError):
        APS.price_cents(None)


HISTORY = (
    QuotientPeriod(620, date(2026, 1, 1), date(2026, 12, 31)),
    QuotientPeriod(410, date(2027, 1, 1), None),
)


@pytest.mark.parametrize(
    ("day", "qf"),
    [(date(2025, 12, 31), None), (date(2026, 6, 1), 620), (date(2026, 12, 31), 620), (date(2027, 1, 1), 410)],
)
def test_quotient_valid_on_the_day(day, qf):
    assert quotient_on(HISTORY, day) == qf


def test_price_follows_the_quotient_of_the_day():
    assert MEALS.price_cents(quotient_on(HISTORY, date(2026, 12, 17))) == 210
    assert MEALS.price_cents(quotient_on(HISTORY, date(2027, 1, 7))) == 100
