from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import holidays
import pytest

from famdesk.models.values import DeadlineRule
from famdesk.services.deadlines import BookingWindow, deadline_for

PARIS = ZoneInfo("Europe/Paris")
FR = holidays.France(years=range(2025, 2028))


def public_holiday(day: date) -> bool:
    return day in FR


J2_NOON = DeadlineRule.days_before(2, "working", time(12, 0))


@pytest.mark.parametrize(
    ("day", "closes"),
    [
        # the design's examples: "J-2 week-end non compté à 12h00"
        (date(2026, 10, 5), datetime(2026, 10, 1, 12, 0)),  # Monday -> Thursday
        (date(2026, 10, 6), datetime(2026, 10, 2, 12, 0)),  # Tuesday -> Friday
        (date(2026, 10, 8), datetime(2026, 10, 6, 12, 0)),  # Thursday -> Tuesday
        # Armistice, Wednesday 11 November 2026: Thursday 12 closes Monday 9, not Tuesday 10
        (date(2026, 11, 12), datetime(2026, 11, 9, 12, 0)),
        (date(2026, 11, 13), datetime(2026, 11, 10, 12, 0)),
        # Ascension long weekend 2026: Thursday 14 May a holiday, bridge Friday is working
        (date(2026, 5, 18), datetime(2026, 5, 13, 12, 0)),  # Monday 18 -> Friday 15 (1), Wednesday 13 (2)
        (date(2026, 5, 15), datetime(2026, 5, 12, 12, 0)),
        # Easter Monday 6 April 2026: Wednesday 8 -> Tuesday 7 (1), Friday 3 (2)
        (date(2026, 4, 8), datetime(2026, 4, 3, 12, 0)),
        # Christmas and New Year 2026-2027
        (date(2027, 1, 4), datetime(2026, 12, 30, 12, 0)),
    ],
)
def test_two_working_days_at_noon(day, closes):
    assert deadline_for(day, J2_NOON, PARIS, public_holiday) == closes.replace(tzinfo=PARIS)


@pytest.mark.parametrize(
    ("rule", "day", "closes"),
    [
        (DeadlineRule.none(), date(2026, 10, 7), datetime(2026, 10, 7, 0, 0)),
        (DeadlineRule.days_before(2, "calendar", time(10, 0)), date(2026, 10, 5), datetime(2026, 10, 3, 10, 0)),
        (DeadlineRule.days_before(0, "working", time(9, 0)), date(2026, 10, 5), datetime(2026, 10, 5, 9, 0)),
        # "jeudi 12h00 de la semaine précédente" for a Wednesday centre
        (DeadlineRule.weekday_before(3, 1, time(12, 0)), date(2026, 10, 7), datetime(2026, 10, 1, 12, 0)),
        (DeadlineRule.weekday_before(3, 2, time(12, 0)), date(2026, 10, 7), datetime(2026, 9, 24, 12, 0)),
    ],
)
def test_other_rules(rule, day, closes):
    assert deadline_for(day, rule, PARIS, public_holiday) == closes.replace(tzinfo=PARIS)


def test_deadlines_follow_daylight_saving_time():
    rule = DeadlineRule.days_before(1, "calendar", time(12, 0))
    summer = deadline_for(date(2026, 10, 25), rule, PARIS, public_holiday)  # Saturday, CEST
    winter = deadline_for(date(2026, 10, 26), rule, PARIS, public_holiday)  # Sunday, CET
    assert summer.astimezone(UTC).hour == 10
    assert winter.astimezone(UTC).hour == 11


def test_a_cutoff_skipped_by_the_spring_change_still_exists():
    rule = DeadlineRule.days_before(1, "calendar", time(2, 30))
    closes = deadline_for(date(2026, 3, 30), rule, PARIS, public_holiday)  # 29 March 02:30 does not exist
    assert closes.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("window", "day", "now", "reason"),
    [
        (BookingWindow(), date(2027, 6, 1), datetime(2026, 9, 1, tzinfo=UTC), None),
        (BookingWindow(opens_at=datetime(2026, 8, 20, 6, 0, tzinfo=UTC)), date(2026, 9, 3),
         datetime(2026, 8, 20, 5, 59, tzinfo=UTC), "not_open_yet"),
        (BookingWindow(opens_at=datetime(2026, 8, 20, 6, 0, tzinfo=UTC)), date(2026, 9, 3),
         datetime(2026, 8, 20, 6, 0, tzinfo=UTC), None),
        (BookingWindow(horizon_days=60), date(2026, 11, 30), datetime(2026, 10, 1, 8, 0, tzinfo=UTC), None),
        (BookingWindow(horizon_days=60), date(2026, 12, 1), datetime(2026, 10, 1, 8, 0, tzinfo=UTC), "beyond_horizon"),
    ],
)
def test_booking_window(window, day, now, reason):
    assert window.closed_reason(day, now, PARIS) == reason
