"""Deadlines and the booking window, computed in the structure's time zone (DST included).

A rule is data (`DeadlineRule`); this module turns it into the instant after which families
may no longer book (or cancel) a given day.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from famdesk.models.values import Counting, DeadlineRule, RuleKind

HolidayTest = Callable[[date], bool]


def is_working_day(day: date, is_public_holiday: HolidayTest) -> bool:
    """Monday to Friday, and not a French public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day)


def deadline_for(
    day: date, rule: DeadlineRule, tz: ZoneInfo, is_public_holiday: HolidayTest
) -> datetime:
    """The aware instant (in `tz`) at which `rule` closes `day`."""
    if rule.kind is RuleKind.NONE:
        return datetime.combine(day, time(0, 0), tzinfo=tz)
    if rule.kind is RuleKind.DAYS_BEFORE:
        if rule.counting is Counting.CALENDAR:
            target = day - timedelta(days=rule.days)
        else:
            target, counted = day, 0
            while counted < rule.days:
                target -= timedelta(days=1)
                if is_working_day(target, is_public_holiday):
                    counted += 1
        return _local(target, rule.cutoff, tz)
    monday = day - timedelta(days=day.weekday())
    target = monday - timedelta(weeks=rule.weeks) + timedelta(days=rule.weekday)
    return _local(target, rule.cutoff, tz)


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`day` at `at` on the wall clock of `tz`; a time skipped by DST moves one hour on."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz)
    # zoneinfo accepts non-existent wall times; normalise through UTC so they exist
    return aware.astimezone(ZoneInfo("UTC")).astimezone(tz)


@dataclass(frozen=True)
class BookingWindow:
    """From when (`opens_at`) and how far ahead (`horizon_days` after today) families may book."""

    opens_at: datetime | None = None
    horizon_days: int | None = None

    def closed_reason(self, day: date, now: datetime, tz: ZoneInfo) -> str | None:
        """None when `day` is inside the window at `now`, else "not_open_yet" / "beyond_horizon"."""
        if self.opens_at is not None and now < self.opens_at:
            return "not_open_yet"
        if self.horizon_days is not None:
            today = now.astimezone(tz).date()
            if day > today + timedelta(days=self.horizon_days):
                return "beyond_horizon"
        return None
