"""Annual enrollments ("inscriptions à l'année"): the child's list, the form's facts, and
creating, shortening or stopping one. The nightly transmission turns them into reservations
(`famdesk.services.nightly.enrollments.apply_enrollments`).

An enrollment is a weekly pattern (weekdays, times when the activity takes them, optionally
one week in two counted from the start date's week — not ISO week parity) over a period: from
its start to its end, the school year's end when none is given. Starting, stopping and
changing the end respect the activity's lead time ("délai de mise en place": `lead_days`,
counted like its booking rule, with that rule's cutoff); nearer changes are made in the
calendar. A change makes it "Non transmis" again, until the transmission has applied it.

`status` STOPPED with no `ends_on` is an enrollment stopped before its first day: it has no
day at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from dateutil.rrule import MO, WEEKLY, rrule, weekday
from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import FamdeskError, NotFoundError, ValidationError
from famdesk.i18n import _
from famdesk.models import Activity, ActivityDay, AnnualEnrollment, Child
from famdesk.models.enums import EnrollmentStatus, HolidayZone, ReservationSource
from famdesk.models.values import Counting, DeadlineRule, RuleKind
from famdesk.services.access import authorize_child, on_behalf
from famdesk.services.activity_rules import ActivityRules, load_registrations, load_rules
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.calendars import is_public_holiday, is_school_holiday, school_year_of
from famdesk.services.deadlines import deadline_for
from famdesk.services.draft import AllowedTimes
from famdesk.services.formatting import LOCALE, long_day, numeric_date
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

HAND_SOURCES = (ReservationSource.PORTAL, ReservationSource.DESK, ReservationSource.COPY)
"""Changes made by hand in the calendar (the family's, or the desk's for it)."""
WORKING_WEEK = (0, 1, 2, 3, 4)
"""The weekdays offered for an activity with no open day ahead yet."""


# -- the pattern ---------------------------------------------------------------------------


def weekday_mask(weekdays: Iterable[int]) -> int:
    """Bit 0 = Monday ... bit 6 = Sunday."""
    mask = 0
    for day in weekdays:
        mask |= 1 << day
    return mask


def mask_weekdays(mask: int) -> tuple[int, ...]:
    return tuple(day for day in range(7) if mask & (1 << day))


def pattern_days(starts_on: date, last_day: date, weekdays: Iterable[int],
                 every_other_week: bool) -> list[date]:
    """The days of the weekly pattern from `starts_on` to `last_day` included; one week in two
    counts the weeks (Monday first) from the week of `starts_on`: that week, two weeks later,
    and so on."""
    days = sorted(set(weekdays))
    if not days or last_day < starts_on:
        return []
    rule = rrule(
        WEEKLY,
        dtstart=datetime.combine(starts_on, time()),
        until=datetime.combine(last_day, time()),
        byweekday=[weekday(day) for day in days],
        interval=2 if every_other_week else 1,
        wkst=MO,
    )
    return [moment.date() for moment in rule]


def attended(day: date, zone: HolidayZone | str, holidays_only: bool) -> bool:
    """Whether a pattern's day is one the activity would hold: never a public holiday, and in
    school time (or, for a holiday centre, in the school holidays of `zone` only)."""
    return not is_public_holiday(day) and is_school_holiday(day, zone) == holidays_only


def last_day(enrollment: AnnualEnrollment) -> date | None:
    """The enrollment's last day: its end, else the school year's end; None when it was
    stopped before its first day."""
    if enrollment.ends_on is not None:
        return enrollment.ends_on
    if enrollment.status is EnrollmentStatus.STOPPED:
        return None
    return school_year_of(enrollment.starts_on)[1]


# -- the lead time ---------------------------------------------------------------------------


def lead_rule(booking_rule: DeadlineRule, lead_days: int) -> DeadlineRule:
    """The lead time as a deadline: `lead_days` days before, counted like the booking rule
    (working days or calendar days), at its cutoff."""
    counting = booking_rule.counting if booking_rule.kind is RuleKind.DAYS_BEFORE else Counting.CALENDAR
    return DeadlineRule.days_before(lead_days, counting, booking_rule.cutoff)


def earliest_change(booking_rule: DeadlineRule, lead_days: int, tz: ZoneInfo, now: datetime) -> date:
    """The first day an enrollment may start, stop or change on, at `now` (tomorrow at best)."""
    rule = lead_rule(booking_rule, lead_days)
    day = now.astimezone(tz).date() + timedelta(days=1)
    while now >= deadline_for(day, rule, tz, is_public_holiday):
        day += timedelta(days=1)
    return day


# -- what the screens show --------------------------------------------------------------------


def weekday_names(weekdays: Iterable[int],
                  width: Literal["abbreviated", "wide"] = "abbreviated") -> str:
    names = get_day_names(width, locale=LOCALE)
    return ", ".join(str(names[day]) for day in sorted(weekdays))


@dataclass(frozen=True)
class EnrollmentLine:
    """One annual enrollment of a child, as the tab lists it."""

    id: int
    child_id: int
    activity_id: int
    activity_label: str
    colour: str
    starts_on: date
    last_day: date | None
    """Its last day (the school year's end when no end was given); None when it was stopped
    before its first day."""
    end_given: bool
    weekdays: tuple[int, ...]
    every_other_week: bool
    arrival: time | None
    departure: time | None
    stopped: bool
    created_at: datetime
    transmitted_at: datetime | None
    """In the structure's time zone; None while "Non transmis"."""
    earliest_change: date
    """The first day a stop or a new end may take effect on, now."""

    @property
    def changeable(self) -> bool:
        """Whether it may still be stopped or get another end (else: the calendar)."""
        return not self.stopped and self.last_day is not None and self.last_day >= self.earliest_change

    @property
    def period_text(self) -> str:
        if self.last_day is None:
            return _("stopped before its first day ({date})").format(date=numeric_date(self.starts_on))
        return _("{start} to {end}").format(start=numeric_date(self.starts_on),
                                              end=numeric_date(self.last_day))

    @property
    def days_text(self) -> str:
        return weekday_names(self.weekdays)

    @property
    def times_text(self) -> str:
        if self.arrival is None or self.departure is None:
            return ""
        return f"{self.arrival:%H:%M}–{self.departure:%H:%M}"

    @property
    def transmission_text(self) -> str:
        if self.transmitted_at is None:
            return _("Not transmitted")
        return _("Transmitted on {date}").format(date=numeric_date(self.transmitted_at.date()))

    @property
    def state_text(self) -> str:
        if self.stopped:
            return _("Stopped — {transmission}").format(transmission=self.transmission_text)
        return self.transmission_text


@dataclass(frozen=True)
class EnrollableActivity:
    """An activity the child may be enrolled to for the year, with what the form needs."""

    id: int
    label: str
    colour: str
    weekdays: tuple[int, ...]
    """The weekdays it opens on (Monday = 0)."""
    time_entry: bool
    allowed: tuple[tuple[int, AllowedTimes], ...]
    """(weekday, allowed arrival and departure times), for a time-entry activity."""
    lead_days: int
    earliest_start: date
    default_end: date
    """The school year's end for a start on `earliest_start` (or on the activity's first day):
    what an empty end means."""
    last_start: date
    """The last day it could start on: the end of the activity's period."""

    def allowed_on(self, weekday_: int) -> AllowedTimes:
        return dict(self.allowed).get(weekday_, AllowedTimes((), ()))


@dataclass(frozen=True)
class EnrollmentForm:
    child_id: int
    child_name: str
    today: date
    activities: tuple[EnrollableActivity, ...]


def enrollments(uow: UnitOfWork, clock: Clock, session: SessionInfo, child_id: int) -> tuple[EnrollmentLine, ...]:
    """The child's annual enrollments, the latest start first."""
    child = authorize_child(uow, session, child_id)
    rows = list(uow.session.scalars(
        select(AnnualEnrollment).where(AnnualEnrollment.child_id == child.id)
        .order_by(AnnualEnrollment.starts_on.desc(), AnnualEnrollment.id.desc())
    ))
    facts = _activity_facts(uow, {row.activity_id for row in rows})
    now = clock.now()
    return tuple(_line(row, *facts[row.activity_id], now) for row in rows)


def enrollment_form(uow: UnitOfWork, clock: Clock, session: SessionInfo, child_id: int) -> EnrollmentForm:
    """What the form offers: the child's activities that take annual enrollments, with their
    weekdays, allowed times and earliest start."""
    child = authorize_child(uow, session, child_id)
    now = clock.now()
    registered = load_registrations(uow, [child.id]).activities_of(child.id)
    activities = list(uow.session.scalars(
        select(Activity).where(Activity.structure_id == child.family.structure_id,
                               Activity.annual_allowed.is_(True), Activity.id.in_(sorted(registered)))
        .order_by(Activity.display_order, Activity.label)
    ))
    rules = load_rules(uow, [a.id for a in activities])
    tz = next(iter(rules.values())).tz if rules else ZoneInfo(child.family.structure.timezone)
    today = now.astimezone(tz).date()
    weekdays = _open_weekdays(uow, [a.id for a in activities], today)
    choices = []
    for activity in activities:
        activity_rules = rules[activity.id]
        earliest = earliest_change(activity_rules.booking_rule, activity.lead_days, activity_rules.tz, now)
        if earliest > activity.period_end:
            continue  # its year is over
        choices.append(EnrollableActivity(
            id=activity.id, label=activity.label, colour=activity.colour,
            weekdays=weekdays.get(activity.id) or WORKING_WEEK,
            time_entry=activity.time_entry,
            allowed=tuple(sorted(activity_rules.allowed.items())) if activity.time_entry else (),
            lead_days=activity.lead_days, earliest_start=earliest,
            default_end=school_year_of(max(earliest, activity.period_start))[1],
            last_start=activity.period_end,
        ))
    return EnrollmentForm(child.id, child.full_name, today, tuple(choices))


def _open_weekdays(uow: UnitOfWork, activity_ids: Sequence[int], today: date) -> dict[int, tuple[int, ...]]:
    """The weekdays each activity opens on in the coming year."""
    found: dict[int, set[int]] = {}
    if activity_ids:
        for activity_id, day in uow.session.execute(
            select(ActivityDay.activity_id, ActivityDay.day).where(
                ActivityDay.activity_id.in_(activity_ids),
                ActivityDay.day.between(today, today + timedelta(days=366)))
        ):
            found.setdefault(activity_id, set()).add(day.weekday())
    return {activity_id: tuple(sorted(days)) for activity_id, days in found.items()}


def _activity_facts(uow: UnitOfWork, activity_ids: Iterable[int]) -> dict[int, tuple[Activity, ActivityRules]]:
    ids = sorted(set(activity_ids))
    if not ids:
        return {}
    rules = load_rules(uow, ids)
    return {a.id: (a, rules[a.id]) for a in uow.session.scalars(select(Activity).where(Activity.id.in_(ids)))}


def _line(row: AnnualEnrollment, activity: Activity, rules: ActivityRules, now: datetime) -> EnrollmentLine:
    return EnrollmentLine(
        id=row.id, child_id=row.child_id, activity_id=row.activity_id,
        activity_label=activity.label, colour=activity.colour, starts_on=row.starts_on,
        last_day=last_day(row), end_given=row.ends_on is not None,
        weekdays=mask_weekdays(row.weekdays), every_other_week=row.every_other_week,
        arrival=row.arrival, departure=row.departure,
        stopped=row.status is EnrollmentStatus.STOPPED,
        created_at=row.created_at.astimezone(rules.tz),
        transmitted_at=row.transmitted_at.astimezone(rules.tz) if row.transmitted_at else None,
        earliest_change=earliest_change(rules.booking_rule, activity.lead_days, rules.tz, now),
    )


# -- creating, shortening, stopping -------------------------------------------------------------


def create_enrollment(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    child_id: int,
    activity_id: int,
    starts_on: date,
    ends_on: date | None,
    weekdays: Iterable[int],
    every_other_week: bool,
    arrival: time | None,
    departure: time | None,
    *,
    terminal: str = "",
) -> EnrollmentLine:
    """A new annual enrollment of the child (audited; commits). Its reservations come with the next
    transmission. Refused, with the field at fault, when the activity does not take annual
    enrollments, the start is inside the lead time, the end is before the start or after the
    school year, no weekday is ticked, the times are not allowed, or it overlaps another
    enrollment of the child on that activity."""
    child = authorize_child(uow, session, child_id)
    # one enrollment at a time per child: the overlap check below sees the others' commits
    uow.session.scalar(select(Child.id).where(Child.id == child.id).with_for_update())
    now = clock.now()
    form = enrollment_form(uow, clock, session, child.id)
    activity = next((a for a in form.activities if a.id == activity_id), None)
    if activity is None:
        raise ValidationError(_("This activity does not take annual enrollments for this child."),
                              field="activity_id")
    days = tuple(sorted(set(weekdays)))
    if starts_on < activity.earliest_start:
        raise ValidationError(
            _("The earliest start is {date}: nearer days are booked in the calendar.").format(
                date=long_day(activity.earliest_start)), field="starts_on")
    if starts_on > activity.last_start:
        raise ValidationError(_("{activity} ends on {date}.").format(
            activity=activity.label, date=long_day(activity.last_start)), field="starts_on")
    year_end = school_year_of(starts_on)[1]
    _check_end(starts_on, ends_on, year_end)
    _check_weekdays(activity, days)
    arrival, departure = _check_times(activity, days, arrival, departure)
    last = ends_on or year_end
    if not pattern_days(starts_on, last, days, every_other_week):
        raise ValidationError(_("None of the ticked days falls in this period."), field="weekdays")
    _check_overlap(uow, child.id, activity_id, starts_on, last, None)
    row = AnnualEnrollment(
        child_id=child.id, activity_id=activity_id, starts_on=starts_on, ends_on=ends_on,
        weekdays=weekday_mask(days), arrival=arrival, departure=departure,
        every_other_week=every_other_week, status=EnrollmentStatus.ACTIVE, created_at=now,
        created_by_account_id=session.account_id or None, transmitted_at=None,
    )
    uow.session.add(row)
    uow.session.flush()
    audit(uow, now, "enrollment_created", actor_account_id=session.account_id or None,
          terminal=terminal, family_id=on_behalf(session, child.family_id), enrollment_id=row.id,
          child_id=child.id, activity_id=activity_id, starts_on=starts_on.isoformat(),
          last_day=last.isoformat(), weekdays=list(days), every_other_week=every_other_week)
    uow.commit()
    log.info("annual enrollment %s: child %s, activity %s, from %s to %s by account %s",
             row.id, child.id, activity_id, starts_on, last, session.account_id)
    facts = _activity_facts(uow, [activity_id])[activity_id]
    return _line(row, *facts, now)


def change_enrollment_end(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, enrollment_id: int, ends_on: date | None,
    *, terminal: str = "",
) -> EnrollmentLine:
    """Another end (None: the school year's end), effective no earlier than the lead time
    (audited; commits). A shorter period cancels the days after it at the next transmission; a longer
    one books the new days then."""
    row, activity, rules = _enrollment_for_change(uow, session, enrollment_id)
    now = clock.now()
    earliest = earliest_change(rules.booking_rule, activity.lead_days, rules.tz, now)
    year_end = school_year_of(row.starts_on)[1]
    _check_end(row.starts_on, ends_on, year_end)
    old_last, new_last = last_day(row), ends_on or year_end
    assert old_last is not None
    if new_last != old_last:
        if min(old_last, new_last) + timedelta(days=1) < earliest:
            raise ValidationError(
                _("A change takes effect on {date} at the earliest: nearer days are changed in "
                  "the calendar.").format(date=long_day(earliest)), field="ends_on")
        if new_last > old_last:
            _check_overlap(uow, row.child_id, row.activity_id, row.starts_on, new_last, row.id)
    row.ends_on = ends_on
    row.transmitted_at = None
    _audit_change(uow, session, row, now, "enrollment_end_changed", terminal,
                  old_last_day=old_last.isoformat(), last_day=new_last.isoformat())
    uow.commit()
    log.info("annual enrollment %s: now ends on %s, by account %s", row.id, new_last, session.account_id)
    return _line(row, activity, rules, now)


def stop_enrollment(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, enrollment_id: int,
    stops_on: date | None = None, *, terminal: str = "",
) -> EnrollmentLine:
    """Stop the enrollment from `stops_on` (its first day without; by default the earliest the
    lead time allows) (audited; commits). The transmission cancels the days it booked from then on."""
    row, activity, rules = _enrollment_for_change(uow, session, enrollment_id)
    now = clock.now()
    earliest = earliest_change(rules.booking_rule, activity.lead_days, rules.tz, now)
    stops_on = stops_on or earliest
    last = last_day(row)
    assert last is not None
    if last < earliest:
        raise ValidationError(
            _("This enrollment ends on {date}: nearer days are changed in the calendar.").format(
                date=long_day(last)), field="stops_on")
    if stops_on < earliest:
        raise ValidationError(
            _("A stop takes effect on {date} at the earliest: nearer days are cancelled in the "
              "calendar.").format(date=long_day(earliest)), field="stops_on")
    if stops_on > last:
        raise ValidationError(
            _("This enrollment ends on {date} already.").format(date=long_day(last)), field="stops_on")
    row.ends_on = stops_on - timedelta(days=1) if stops_on > row.starts_on else None
    row.status = EnrollmentStatus.STOPPED
    row.transmitted_at = None
    _audit_change(uow, session, row, now, "enrollment_stopped", terminal,
                  old_last_day=last.isoformat(), stops_on=stops_on.isoformat())
    uow.commit()
    log.info("annual enrollment %s stopped from %s by account %s", row.id, stops_on, session.account_id)
    return _line(row, activity, rules, now)


def _audit_change(uow: UnitOfWork, session: SessionInfo, row: AnnualEnrollment, now: datetime,
                  action: str, terminal: str, **detail: object) -> None:
    family_id = uow.session.scalar(select(Child.family_id).where(Child.id == row.child_id))
    audit(uow, now, action, actor_account_id=session.account_id or None, terminal=terminal,
          family_id=on_behalf(session, family_id) if family_id is not None else None,
          enrollment_id=row.id, child_id=row.child_id, activity_id=row.activity_id, **detail)


def _enrollment_for_change(uow: UnitOfWork, session: SessionInfo,
                           enrollment_id: int) -> tuple[AnnualEnrollment, Activity, ActivityRules]:
    row = uow.session.scalar(
        select(AnnualEnrollment).where(AnnualEnrollment.id == enrollment_id).with_for_update())
    if row is None:
        raise NotFoundError(_("This annual enrollment does not exist."))
    authorize_child(uow, session, row.child_id)
    if row.status is EnrollmentStatus.STOPPED:
        raise FamdeskError(_("This enrollment was stopped: make a new one."))
    activity, rules = _activity_facts(uow, [row.activity_id])[row.activity_id]
    return row, activity, rules


def _check_end(starts_on: date, ends_on: date | None, year_end: date) -> None:
    if ends_on is None:
        return
    if ends_on < starts_on:
        raise ValidationError(_("The end is before the start."), field="ends_on")
    if ends_on > year_end:
        raise ValidationError(
            _("An annual enrollment ends with the school year, on {date} at the latest.").format(
                date=long_day(year_end)), field="ends_on")


def _check_weekdays(activity: EnrollableActivity, days: tuple[int, ...]) -> None:
    if not days:
        raise ValidationError(_("Tick at least one day of the week."), field="weekdays")
    closed = [day for day in days if day not in activity.weekdays]
    if closed:
        raise ValidationError(
            _("{activity} is not open on {weekdays}.").format(
                activity=activity.label, weekdays=weekday_names(closed, "wide")), field="weekdays")


def _check_times(activity: EnrollableActivity, days: tuple[int, ...], arrival: time | None,
                 departure: time | None) -> tuple[time | None, time | None]:
    if not activity.time_entry:
        return None, None
    if arrival is None:
        raise ValidationError(_("Choose the arrival time."), field="arrival")
    if departure is None:
        raise ValidationError(_("Choose the departure time."), field="departure")
    if departure <= arrival:
        raise ValidationError(_("The departure is not after the arrival."), field="departure")
    for day in days:
        allowed = activity.allowed_on(day)
        if arrival not in allowed.arrivals:
            raise ValidationError(_("This arrival time is not allowed on {weekday}.").format(
                weekday=weekday_names([day], "wide")), field="arrival")
        if departure not in allowed.departures:
            raise ValidationError(_("This departure time is not allowed on {weekday}.").format(
                weekday=weekday_names([day], "wide")), field="departure")
    return arrival, departure


def _check_overlap(uow: UnitOfWork, child_id: int, activity_id: int, first: date, last: date,
                   ignore: int | None) -> None:
    """Refuse a period that meets another enrollment of the child on the activity."""
    others = uow.session.execute(
        select(AnnualEnrollment, Activity.label).join(Activity, Activity.id == AnnualEnrollment.activity_id)
        .where(AnnualEnrollment.child_id == child_id, AnnualEnrollment.activity_id == activity_id)
        .order_by(AnnualEnrollment.starts_on)
    )
    for other, label in others:
        other_last = last_day(other)
        if other.id == ignore or other_last is None:
            continue
        if other.starts_on <= last and first <= other_last:
            raise ValidationError(
                _("This period overlaps the enrollment to {activity} from {start} to {end}: "
                  "change or stop that one first.").format(
                    activity=label, start=numeric_date(other.starts_on), end=numeric_date(other_last)),
                field="starts_on")

