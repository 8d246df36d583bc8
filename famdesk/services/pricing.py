"""Tariffs: per unit or per started slot, by quotient-familial bracket on the day booked."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from famdesk.models.enums import TariffMode


@dataclass(frozen=True)
class Bracket:
    qf_min: int
    qf_max: int | None
    amount_cents: int

    def covers(self, qf: int) -> bool:
        return self.qf_min <= qf and (self.qf_max is None or qf <= self.qf_max)


@dataclass(frozen=True)
class Tariff:
    mode: TariffMode
    brackets: tuple[Bracket, ...]
    slot_minutes: int | None = None

    def rate_cents(self, qf: int | None) -> int:
        """The bracket's amount; without a known QF (or outside every bracket) the full rate."""
        if not self.brackets:
            return 0
        if qf is not None:
            for bracket in self.brackets:
                if bracket.covers(qf):
                    return bracket.amount_cents
        return max(self.brackets, key=lambda b: b.qf_min).amount_cents

    def price_cents(self, qf: int | None, arrival: time | None = None, departure: time | None = None) -> int:
        rate = self.rate_cents(qf)
        if self.mode is TariffMode.UNIT:
            return rate
        assert self.slot_minutes
        if arrival is None or departure is None:
            raise ValueError("a slot tariff needs arrival and departure times")
        return slots(arrival, departure, self.slot_minutes) * rate


def slots(arrival: time, departure: time, slot_minutes: int) -> int:
    """Started slots between two times: 07:00 to 08:20 in 30 minutes is 3."""
    minutes = (datetime.combine(date.min, departure) - datetime.combine(date.min, arrival)).total_seconds() / 60
    if minutes <= 0:
        raise ValueError("departure must come after arrival")
    return math.ceil(minutes / slot_minutes)


@dataclass(frozen=True)
class QuotientPeriod:
    value: int
    valid_from: date
    valid_until: date | None


def quotient_on(history: Sequence[QuotientPeriod], day: date) -> int | None:
    """The QF valid on `day` (the latest starting one if periods overlap)."""
    valid = [
        q for q in history if q.valid_from <= day and (q.valid_until is None or day <= q.valid_until)
    ]
    return max(valid, key=lambda q: q.valid_from).value if valid else None
