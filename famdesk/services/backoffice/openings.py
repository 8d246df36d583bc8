"""The opening calendar of an activity: which days it is open, generated for a period or
opened one by one.

`preview_openings` lists, for an `OpeningRequest` (a period, weekdays, school days / school
holidays / both for the structure's zone, places), the days that would open and those
skipped with why: a public holiday (always closed), school holidays or school time, a day
past, a weekday without arrival and departure times (time-entry activities), or a day
**already open** — overlapping openings are skipped, never refused and never changed: their
places stay as they are (changing them is `places.set_places`). `apply_openings` opens what
the same request previews at that moment. `open_day` opens one day by hand (a public holiday
too). Closing is `closing.close_days`. Audited; commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import ValidationError
from famdesk.i18n import _, ngettext
from famdesk.models import Activity, ActivityDay, TimeOption
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.backoffice._common import check_range, managed_activity, structure_today
from famdesk.services.calendars import (
    public_holiday_name,
    school_holiday_coverage,
    school_holiday_name,
)
from famdesk.services.formatting import numeric_date
from famdesk.services.setup._fields import weekday_name
from famdesk.services.setup.activities import open_days
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_CALENDAR_DAYS = 366


class SchoolTime(StrEnum):
    SCHOOL_DAYS = "school_days"
    """Outside the zone's school holidays."""
    HOLIDAYS = "holidays"
    """During the zone's school holidays only."""
    BOTH = "both"


class SkipReason(StrEnum):
    PUBLIC_HOLIDAY = "public_holiday"
    SCHOOL_HOLIDAYS = "school_holidays"
    SCHOOL_TIME = "school_time"
    ALREADY_OPEN = "already_open"
    PAST = "past"
    NO_TIMES = "no_times"


@dataclass(frozen=True)
class SkippedDay:
    day: date
    reason: SkipReason
    text: str
    """"férié : Armistice", "vacances scolaires : Vacances de Noël", "déjà ouvert"..."""


@dataclass(frozen=True)
class OpeningRequest:
    first: date
    last: date
    weekdays: frozenset[int]
    """0 = Monday."""
    school_time: SchoolTime | str = SchoolTime.SCHOOL_DAYS
    capacity: int | None = None
    """None: unlimited."""
    waitlist_size: int | None = 0
    """None: unlimited; 0: no waiting list."""


@dataclass(frozen=True)
class OpeningPlan:
    activity_id: int
    to_open: tuple[date, ...]
    """The days that open (or opened), in date order."""
    skipped: tuple[SkippedDay, ...]
    """The days of the chosen weekdays left closed (or as they were), in date order."""
    warning: str | None
    """Set when the zone's school holidays are not known for part of the period."""


@dataclass(frozen=True)
class CalendarDay:
    day: date
    open: bool
    capacity: int | None
    waitlist_size: int | None
    booked: int
    waitlisted: int
    public_holiday: str | None
    school_holidays: str | None
    """The name of the zone's school holidays that day."""
    past: bool


def opening_calendar(uow: UnitOfWork, clock: Clock, session: SessionInfo, activity_id: int,
                     first: date, last: date) -> tuple[CalendarDay, ...]:
    """Every day of [first, last] (a year at most) with what the calendar shows of it."""
    activity = managed_activity(uow, session, activity_id)
    check_range(first, last)
    if (last - first).days >= MAX_CALENDAR_DAYS:
        raise ValidationError(_("Choose a period of at most {count} days.")
                              .format(count=MAX_CALENDAR_DAYS), field="last")
    today = structure_today(clock, activity.structure)
    zone = activity.structure.holiday_zone
    rows = {row.day: row for row in uow.session.scalars(select(ActivityDay).where(
        ActivityDay.activity_id == activity.id, ActivityDay.day.between(first, last)))}
    result = []
    for day in _days(first, last):
        row = rows.get(day)
        result.append(CalendarDay(
            day=day, open=row is not None, capacity=row.capacity if row else None,
            waitlist_size=row.waitlist_size if row else None,
            booked=row.booked_count if row else 0, waitlisted=row.waitlisted_count if row else 0,
            public_holiday=public_holiday_name(day), school_holidays=school_holiday_name(day, zone),
            past=day < today,
        ))
    return tuple(result)


def preview_openings(uow: UnitOfWork, clock: Clock, session: SessionInfo, activity_id: int,
                     request: OpeningRequest) -> OpeningPlan:
    """What `apply_openings` would open now, and what it would skip and why. Saves nothing."""
    activity = managed_activity(uow, session, activity_id)
    return _plan(uow, clock, activity, request)


def apply_openings(uow: UnitOfWork, clock: Clock, session: SessionInfo, activity_id: int,
                   request: OpeningRequest, *, terminal: str = "") -> OpeningPlan:
    """Open the days `preview_openings` lists for `request` now; commits. Returns the plan
    applied (its `to_open`: the days opened)."""
    activity = managed_activity(uow, session, activity_id)
    plan = _plan(uow, clock, activity, request)
    if not plan.to_open:
        raise ValidationError(_("No day to open in this period: every day is skipped."))
    open_days(uow, session, activity.id, plan.to_open, request.capacity, request.waitlist_size)
    audit(uow, clock.now(), "days_opened", actor_account_id=session.account_id,
          terminal=terminal, activity_id=activity.id, first=request.first, last=request.last,
          weekdays=sorted(request.weekdays), school_time=SchoolTime(request.school_time).value,
          capacity=request.capacity, waitlist_size=request.waitlist_size,
          opened=len(plan.to_open), skipped=len(plan.skipped))
    uow.commit()
    log.info("activity %s: %d days opened from %s to %s by account %s", activity.id,
             len(plan.to_open), request.first, request.last, session.account_id)
    return plan


def open_day(uow: UnitOfWork, clock: Clock, session: SessionInfo, activity_id: int, day: date,
             capacity: int | None, waitlist_size: int | None, *, terminal: str = "") -> CalendarDay:
    """Open one day by hand (a public holiday too); commits."""
    activity = managed_activity(uow, session, activity_id)
    if day < structure_today(clock, activity.structure):
        raise ValidationError(_("This day is past."), field="day")
    opened = open_days(uow, session, activity.id, [day], capacity, waitlist_size)
    if opened.already_open:
        raise ValidationError(_("This day is already open: change its places instead."),
                              field="day")
    audit(uow, clock.now(), "day_opened", actor_account_id=session.account_id,
          terminal=terminal, activity_id=activity.id, day=day, capacity=capacity,
          waitlist_size=waitlist_size)
    uow.commit()
    log.info("activity %s: %s opened by account %s", activity.id, day, session.account_id)
    return opening_calendar(uow, clock, session, activity.id, day, day)[0]


def _checked(activity: Activity, request: OpeningRequest) -> SchoolTime:
    check_range(request.first, request.last)
    if request.first < activity.period_start or request.last > activity.period_end:
        raise ValidationError(
            _("Choose days within the activity's period ({start} to {end}).").format(
                start=numeric_date(activity.period_start), end=numeric_date(activity.period_end)),
            field="first")
    weekdays = set(request.weekdays)
    if not weekdays:
        raise ValidationError(_("Choose at least one weekday."), field="weekdays")
    if not weekdays <= set(range(7)):
        raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday): {sorted(weekdays)}")
    if request.capacity is not None and request.capacity < 0:
        raise ValidationError(_("The capacity cannot be negative."), field="capacity")
    if request.waitlist_size is not None and request.waitlist_size < 0:
        raise ValidationError(_("The waiting-list size cannot be negative."), field="waitlist_size")
    try:
        return SchoolTime(request.school_time)
    except ValueError:
        raise ValidationError(_("Choose school days, school holidays or both."),
                              field="school_time") from None


def _plan(uow: UnitOfWork, clock: Clock, activity: Activity, request: OpeningRequest) -> OpeningPlan:
    school_time = _checked(activity, request)
    zone = activity.structure.holiday_zone
    today = structure_today(clock, activity.structure)
    s = uow.session
    already = {row.day: row for row in s.scalars(select(ActivityDay).where(
        ActivityDay.activity_id == activity.id,
        ActivityDay.day.between(request.first, request.last)))}
    with_times = None
    if activity.time_entry:
        with_times = set(s.scalars(select(TimeOption.weekday).where(
            TimeOption.activity_id == activity.id)))
    to_open, skipped = [], []
    for day in _days(request.first, request.last):
        if day.weekday() not in request.weekdays:
            continue
        reason = _skip(day, today, zone, school_time, already.get(day), with_times)
        if reason is None:
            to_open.append(day)
        else:
            skipped.append(SkippedDay(day, *reason))
    warning = None
    known_until = school_holiday_coverage()[1]
    if school_time is not SchoolTime.BOTH and request.last > known_until:
        warning = _("The school holidays are known up to {day} only: after it, only the summer holidays are counted.").format(
            day=numeric_date(known_until))
    return OpeningPlan(activity.id, tuple(to_open), tuple(skipped), warning)


def _skip(day: date, today: date, zone: str, school_time: SchoolTime, row: ActivityDay | None,
          with_times: set[int] | None) -> tuple[SkipReason, str] | None:
    if row is not None:
        return SkipReason.ALREADY_OPEN, _places_text(row)
    if day < today:
        return SkipReason.PAST, _("day past")
    holiday = public_holiday_name(day)
    if holiday:
        return SkipReason.PUBLIC_HOLIDAY, _("public holiday: {name}").format(name=holiday)
    holidays = school_holiday_name(day, zone)
    if school_time is SchoolTime.SCHOOL_DAYS and holidays:
        return SkipReason.SCHOOL_HOLIDAYS, _("school holidays: {name}").format(name=holidays)
    if school_time is SchoolTime.HOLIDAYS and not holidays:
        return SkipReason.SCHOOL_TIME, _("school time")
    if with_times is not None and day.weekday() not in with_times:
        return SkipReason.NO_TIMES, _("no arrival and departure times on {weekday}").format(
            weekday=weekday_name(day.weekday()))
    return None


def _places_text(row: ActivityDay) -> str:
    """'already open (12 places, waiting list of 3): left as it is'."""
    places = (_("unlimited places") if row.capacity is None else
              ngettext("{count} place", "{count} places", row.capacity).format(count=row.capacity))
    if row.waitlist_size is None:
        waiting = _("unlimited waiting list")
    elif row.waitlist_size == 0:
        waiting = _("no waiting list")
    else:
        waiting = _("waiting list of {count}").format(count=row.waitlist_size)
    return _("already open ({places}, {waiting}): left as it is").format(places=places,
                                                                         waiting=waiting)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
