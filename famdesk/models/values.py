"""Value types of the domain: money in cents and deadline rules. Pure Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

CENT = Decimal("0.01")
MAX_CENTS = 100_000_000_00  # a hundred million euros: anything above is a typing error


class MoneyError(ValueError):
    """An amount that cannot be money (not a number, more than 2 decimals, absurd)."""


def to_cents(amount: Decimal | int | str) -> int:
    """Decimal euros -> integer cents, refusing more than two decimals."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise MoneyError(f"not an amount: {amount!r}") from exc
    if not value.is_finite():
        raise MoneyError(f"not an amount: {amount!r}")
    if value != value.quantize(CENT):
        raise MoneyError(f"more than two decimals: {amount!r}")
    cents = int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))
    if abs(cents) > MAX_CENTS:
        raise MoneyError(f"absurd amount: {amount!r}")
    return cents


def from_cents(cents: int) -> Decimal:
    """Integer cents -> Decimal euros with two decimals."""
    return (Decimal(cents) / 100).quantize(CENT)


class Counting(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


class RuleKind(StrEnum):
    NONE = "none"
    DAYS_BEFORE = "days_before"
    WEEKDAY_BEFORE = "weekday_before"


@dataclass(frozen=True)
class DeadlineRule:
    """When a day stops being bookable or cancellable by families.

    - ``none``: until the day starts;
    - ``days_before``: the ``days``-th counted day before, at ``cutoff``;
    - ``weekday_before``: ``weekday`` (0 = Monday) of the ``weeks``-th week before, at ``cutoff``.
    """

    kind: RuleKind = RuleKind.NONE
    days: int = 0
    counting: Counting = Counting.CALENDAR
    weekday: int = 0
    weeks: int = 1
    cutoff: time = time(0, 0)

    def __post_init__(self) -> None:
        if self.days < 0 or self.days > 366:
            raise ValueError("days must be between 0 and 366")
        if not 0 <= self.weekday <= 6:
            raise ValueError("weekday must be between 0 (Monday) and 6 (Sunday)")
        if self.weeks < 1 or self.weeks > 52:
            raise ValueError("weeks must be between 1 and 52")

    @classmethod
    def none(cls) -> DeadlineRule:
        return cls()

    @classmethod
    def days_before(cls, days: int, counting: Counting | str, cutoff: time) -> DeadlineRule:
        return cls(RuleKind.DAYS_BEFORE, days=days, counting=Counting(counting), cutoff=cutoff)

    @classmethod
    def weekday_before(cls, weekday: int, weeks: int, cutoff: time) -> DeadlineRule:
        return cls(RuleKind.WEEKDAY_BEFORE, weekday=weekday, weeks=weeks, cutoff=cutoff)

    def to_text(self) -> str:
        hhmm = self.cutoff.strftime("%H:%M")
        if self.kind is RuleKind.DAYS_BEFORE:
            return f"days_before:{self.days}:{self.counting.value}:{hhmm}"
        if self.kind is RuleKind.WEEKDAY_BEFORE:
            return f"weekday_before:{self.weekday}:{self.weeks}:{hhmm}"
        return "none"

    @classmethod
    def from_text(cls, text: str) -> DeadlineRule:
        parts = text.split(":")
        try:
            kind = RuleKind(parts[0])
            if kind is RuleKind.NONE and len(parts) == 1:
                return cls()
            if kind is RuleKind.DAYS_BEFORE and len(parts) == 5:
                cutoff = time(int(parts[3]), int(parts[4]))
                return cls.days_before(int(parts[1]), parts[2], cutoff)
            if kind is RuleKind.WEEKDAY_BEFORE and len(parts) == 5:
                cutoff = time(int(parts[3]), int(parts[4]))
                return cls.weekday_before(int(parts[1]), int(parts[2]), cutoff)
        except ValueError as exc:
            raise ValueError(f"malformed deadline rule: {text!r}") from exc
        raise ValueError(f"malformed deadline rule: {text!r}")
