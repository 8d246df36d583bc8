"""French public holidays, school holidays per zone and school years."""

from datetime import date, timedelta

import pytest

from famdesk.models.enums import HolidayZone
from famdesk.services.calendars import (
    SchoolHolidayPeriod,
    is_public_holiday,
    is_school_holiday,
    opening_days,
    public_holiday_name,
    school_holiday_name,
    school_holiday_periods,
    school_holidays_known,
    school_year_of,
)

SCHOOL_DAYS = (0, 1, 3, 4)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 11, 11),  # Armistice
        date(2026, 5, 1),  # fête du Travail
        date(2026, 12, 25),
        date(2027, 3, 29),  # lundi de Pâques
        date(2027, 5, 6),  # Ascension
        date(2027, 5, 17),  # lundi de Pentecôte
    ],
)
def test_french_public_holidays(day: date) -> None:
    assert is_public_holiday(day)


@pytest.mark.parametrize("day", [date(2026, 11, 10), date(2026, 11, 12), date(2026, 5, 4)])
def test_ordinary_days_are_not_public_holidays(day: date) -> None:
    assert not is_public_holiday(day)
    assert public_holiday_name(day) is None


def test_public_holiday_names_are_french() -> None:
    assert public_holiday_name(date(2026, 11, 11)) == "Armistice"
    assert public_holiday_name(date(2027, 3, 29)) == "Lundi de Pâques"


def test_toussaint_2026_is_a_school_holiday_in_zone_b() -> None:
    first, last = date(2026, 10, 17), date(2026, 11, 1)
    day = first
    while day <= last:
        assert is_school_holiday(day, HolidayZone.B), day
        day += timedelta(days=1)
    assert school_holiday_name(date(2026, 10, 20), "B") == "Vacances de la Toussaint"
    assert not is_school_holiday(first - timedelta(days=1), "B")  # Friday 16 October
    assert not is_school_holiday(last + timedelta(days=1), "B")  # back to school on Monday


@pytest.mark.parametrize("zone", ["A", "B", "C"])
def test_an_ordinary_tuesday_is_not_a_school_holiday(zone: str) -> None:
    assert not is_school_holiday(date(2026, 11, 24), zone)
    assert school_holiday_name(date(2026, 11, 24), zone) is None


def test_winter_holidays_depend_on_the_zone() -> None:
    day = date(2027, 3, 1)  # zone B only
    assert is_school_holiday(day, "B")
    assert not is_school_holiday(day, "A")
    assert not is_school_holiday(day, "C")


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError):
        is_school_holiday(date(2026, 11, 24), "D")


def test_christmas_holidays_are_one_period_across_the_new_year() -> None:
    periods = school_holiday_periods("B", date(2026, 12, 1), date(2027, 1, 31))
    assert periods == [SchoolHolidayPeriod("Vacances de Noël", date(2026, 12, 19), date(2027, 1, 3))]


def test_school_holiday_periods_are_clipped_to_the_range() -> None:
    periods = school_holiday_periods("B", date(2026, 10, 20), date(2026, 10, 25))
    assert periods == [
        SchoolHolidayPeriod("Vacances de la Toussaint", date(2026, 10, 20), date(2026, 10, 25))
    ]


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 11, 27), (date(2026, 9, 1), date(2027, 7, 2))),
        (date(2026, 9, 1), (date(2026, 9, 1), date(2027, 7, 2))),
        (date(2027, 7, 2), (date(2026, 9, 1), date(2027, 7, 2))),
        # a summer day belongs to the school year that follows
        (date(2027, 7, 3), (date(2027, 9, 1), date(2028, 7, 3))),
        (date(2026, 8, 15), (date(2026, 9, 1), date(2027, 7, 2))),
        (date(2024, 1, 10), (date(2023, 9, 4), date(2024, 7, 5))),
    ],
)
def test_school_year_runs_from_the_rentree_to_the_eve_of_the_summer(
    day: date, year: tuple[date, date]
) -> None:
    assert school_year_of(day) == year


def test_a_year_past_the_library_data_falls_back_to_fixed_dates() -> None:
    assert school_holidays_known(date(2027, 12, 1))
    assert not school_holidays_known(date(2031, 1, 15))
    assert school_year_of(date(2031, 1, 15)) == (date(2030, 9, 1), date(2031, 7, 4))
    # only the summer holidays are assumed
    assert is_school_holiday(date(2031, 7, 20), "B")
    assert school_holiday_name(date(2031, 8, 31), "B") == "Vacances d'été"
    assert not is_school_holiday(date(2031, 7, 4), "B")
    assert not is_school_holiday(date(2031, 2, 20), "B")


def test_school_time_opening_days_skip_wednesdays_public_and_school_holidays() -> None:
    days = opening_days(date(2027, 3, 22), date(2027, 4, 23), SCHOOL_DAYS, "B")
    assert date(2027, 3, 29) not in days  # lundi de Pâques
    assert date(2027, 3, 24) not in days  # a Wednesday
    assert date(2027, 4, 19) not in days  # spring holidays, zone B
    assert days[:4] == [date(2027, 3, 22), date(2027, 3, 23), date(2027, 3, 25), date(2027, 3, 26)]
    assert days[-1] == date(2027, 4, 16)


def test_holiday_opening_days_are_the_school_holidays_weekdays() -> None:
    days = opening_days(
        date(2026, 12, 1), date(2027, 1, 31), range(5), "B", school_holidays_only=True
    )
    assert days == [
        date(2026, 12, 21), date(2026, 12, 22), date(2026, 12, 23), date(2026, 12, 24),
        # 25 December and 1 January are public holidays
        date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31),
    ]
