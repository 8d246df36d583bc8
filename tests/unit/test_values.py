from datetime import time
from decimal import Decimal

import pytest

from famdesk.models.values import Counting, DeadlineRule, MoneyError, RuleKind, from_cents, to_cents


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("0", 0), ("3.20", 320), ("0.8", 80), ("-12.05", -1205), (Decimal("1234.50"), 123450), (7, 700)],
)
def test_euros_to_cents_and_back(amount, cents):
    assert to_cents(amount) == cents
    assert from_cents(cents) == Decimal(amount).quantize(Decimal("0.01"))


@pytest.mark.parametrize("amount", ["1.005", "abc", "NaN", "Infinity", "1e12", None])
def test_money_refuses_what_is_not_an_amount(amount):
    with pytest.raises(MoneyError):
        to_cents(amount)


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (DeadlineRule.none(), "none"),
        (DeadlineRule.days_before(2, "working", time(12, 0)), "days_before:2:working:12:00"),
        (DeadlineRule.days_before(0, Counting.CALENDAR, time(9, 30)), "days_before:0:calendar:09:30"),
        (DeadlineRule.weekday_before(3, 1, time(12, 0)), "weekday_before:3:1:12:00"),
    ],
)
def test_deadline_rules_round_trip_through_their_text(rule, text):
    assert rule.to_text() == text
    assert DeadlineRule.from_text(text) == rule


@pytest.mark.parametrize(
    "text", ["", "days_before", "days_before:x:working:12:00", "weekday_before:9:1:12:00", "later"]
)
def test_malformed_deadline_rules_are_refused(text):
    with pytest.raises(ValueError):
        DeadlineRule.from_text(text)


def test_rule_kind_is_kept():
    assert DeadlineRule.weekday_before(3, 1, time(12, 0)).kind is RuleKind.WEEKDAY_BEFORE
