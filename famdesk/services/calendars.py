"""French calendars: public holidays, school holidays per zone, school years. No Qt here.

Public holidays come from `holidays` (metropolitan France). School holidays come from
`vacances_scolaires_france`, whose data stops at some school year (2027-2028 for 0.12). For
a day past (or before) its data, the school holidays are not known: `is_school_holiday`
then only knows the summer (5 July to 31 August), `school_year_of` falls back to
1 September - 4 July, a warning is logged once per year, and `school_holidays_known` lets a
caller say so on screen.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays
from vacances_scolaires_france import SchoolHolidayDates

from famdesk.models.enums import HolidayZone

log = logging.getLogger(__name__)

SUMMER = "Vacances d'été"
FALLBACK_RENTREE = (9, 1)  # 1 September
FALLBACK_YEAR_END = (7, 4)  # 4 July: the summer holidays start the day after


@dataclass(frozen=True)
class SchoolHolidayPeriod:
    """A run of consecutive school-holiday days ("Vacances de Noël", 19/12 to 03/01)."""

    name: str
    first: date
    last: date


# -- public holidays ------------------------------------------------------------


@cache
def _public_holidays(year: int) -> holidays.HolidayBase:
    return holidays.France(years=year, language="fr")


def is_public_holiday(day: date) -> bool:
    """A French public holiday ("jour férié") of metropolitan France."""
    return day in _public_holidays(day.year)


def public_holiday_name(day: date) -> str | None:
    """The French name of the public holiday on `day` ("Armistice"), or None."""
    return _public_holidays(day.year).get(day)


# -- school holidays ------------------------------------------------------------


@cache
def _school_data() -> SchoolHolidayDates:
    return SchoolHolidayDates()


@cache
def _summer(year: int) -> tuple[date, date] | None:
    """First and last day of the summer holidays of `year` (every zone), when known."""
    data = _school_data()
    if not data.min_year <= year <= data.max_year:
        return None
    days = data.holiday_for_year_by_name(year, SUMMER)
    return (min(days), max(days)) if days else None


@cache
def school_holiday_coverage() -> tuple[date, date]:
    """The days whose school holidays the library knows: up to the end of its last summer."""
    data = _school_data()
    last_summer = max(y for y in range(data.min_year, data.max_year + 1) if _summer(y))
    first = min(data.data)
    summer = _summer(last_summer)
    assert summer is not None
    return first, summer[1]


def school_holidays_known(day: date) -> bool:
    first, last = school_holiday_coverage()
    return first <= day <= last


@cache
def _warn_unknown(year: int) -> None:
    first, last = school_holiday_coverage()
    log.warning(
        "no school-holiday data for %d (vacances-scolaires-france covers %s to %s): "
        "only the summer holidays are assumed; update the library",
        year,
        first,
        last,
    )


def _fallback_summer(day: date) -> bool:
    return (day.month, day.day) > FALLBACK_YEAR_END and day.month < 9


def school_holiday_name(day: date, zone: HolidayZone | str) -> str | None:
    """The name of the school holidays `day` falls in for `zone` ("Vacances de Noël"), or None."""
    zone = HolidayZone(zone)
    if not school_holidays_known(day):
        _warn_unknown(day.year)
        return SUMMER if _fallback_summer(day) else None
    data = _school_data()
    if not data.is_holiday_for_zone(day, zone.value):
        return None
    return str(data.data[day]["nom_vacances"])


def is_school_holiday(day: date, zone: HolidayZone | str) -> bool:
    """True during the school holidays of `zone` (weekends inside them included)."""
    return school_holiday_name(day, zone) is not None


def school_holiday_periods(zone: HolidayZone | str, first: date, last: date) -> list[SchoolHolidayPeriod]:
    """The school holidays of `zone` that meet [first, last], clipped to it, in date order."""
    periods: list[SchoolHolidayPeriod] = []
    for day in _days(first, last):
        name = school_holiday_name(day, zone)
        if name is None:
            continue
        previous = periods[-1] if periods else None
        if previous and previous.name == name and previous.last == day - timedelta(days=1):
            periods[-1] = SchoolHolidayPeriod(name, previous.first, day)
        else:
            periods.append(SchoolHolidayPeriod(name, day, day))
    return periods


# -- school years ---------------------------------------------------------------


def _rentree(year: int) -> date:
    summer = _summer(year)
    return summer[1] + timedelta(days=1) if summer else date(year, *FALLBACK_RENTREE)


def _year_end(year: int) -> date:
    summer = _summer(year)
    return summer[0] - timedelta(days=1) if summer else date(year, *FALLBACK_YEAR_END)


def school_year_of(day: date) -> tuple[date, date]:
    """The school year holding `day`: from the rentrée to the eve of the summer holidays.

    A day of the summer holidays belongs to the school year that follows it.
    """
    if day > _year_end(day.year):
        return _rentree(day.year), _year_end(day.year + 1)
    return _rentree(day.year - 1), _year_end(day.year)


# -- opening days ---------------------------------------------------------------


def opening_days(
    first: date,
    last: date,
    weekdays: Iterable[int],
    zone: HolidayZone | str,
    *,
    school_holidays_only: bool = False,
) -> list[date]:
    """The days of [first, last] an activity would usually open.

    Those on `weekdays` (0 = Monday), never a public holiday, and in school time — or, with
    `school_holidays_only`, during the school holidays of `zone` only.
    """
    wanted = frozenset(weekdays)
    return [
        day
        for day in _days(first, last)
        if day.weekday() in wanted
        and not is_public_holiday(day)
        and is_school_holiday(day, zone) == school_holidays_only
    ]


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
