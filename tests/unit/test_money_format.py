"""`formatting.money` writes cents without Babel (for speed): it must say exactly what Babel
says, thousands, signs and zeros included."""

import random
from decimal import Decimal

from babel.numbers import format_currency

from famdesk.services.formatting import money


def test_money_says_what_babel_says():
    chance = random.Random(20261127)
    amounts = [Decimal(chance.randint(-10**11, 10**11)) / 100 for _ in range(5000)]
    amounts += [Decimal(text) for text in ("0", "-0.00", "5", "0.1", "-0.01", "999.99", "1000",
                                           "1234567.8", "-100000000.00")]
    for amount in amounts:
        assert money(amount) == format_currency(amount, "EUR", locale="fr_FR"), amount


def test_more_than_cents_still_goes_through_babel():
    assert money(Decimal("2.345")) == format_currency(Decimal("2.345"), "EUR", locale="fr_FR")
    assert money(3) == "3,00\xa0€"  # type: ignore[arg-type]
