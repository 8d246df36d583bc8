"""Deadline rules as the activity editor types them, their French wording, and the rule
tester: the booking and cancellation deadlines a (possibly unsaved) pair of rules gives a day.

A rule comes from the screen as `RuleParts` (every part a plain value, whatever the kind);
`checked_rule` turns it into a `DeadlineRule` or raises a `ValidationError` whose field is
``"<field>.<part>"`` ("booking_rule.days") and whose message says what is wrong, in French.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from famdesk.errors import ValidationError
from famdesk.i18n import N_, _, ngettext
from famdesk.models.values import Counting, DeadlineRule, RuleKind
from famdesk.services.auth import SessionInfo
from famdesk.services.backoffice._common import long_instant, managed_structure
from famdesk.services.calendars import is_public_holiday, public_holiday_name
from famdesk.services.deadlines import deadline_for
from famdesk.services.formatting import long_day
from famdesk.services.setup._fields import weekday_name
from famdesk.services.uow import UnitOfWork

MAX_DAYS = 366
MAX_WEEKS = 52


@dataclass(frozen=True)
class RuleParts:
    """A deadline rule as typed: `kind` "none", "days_before" or "weekday_before"; the other
    parts are read only for the kinds that use them (see `DeadlineRule`)."""

    kind: RuleKind | str = RuleKind.NONE
    days: int = 0
    counting: Counting | str = Counting.CALENDAR
    weekday: int = 0
    """0 = Monday."""
    weeks: int = 1
    cutoff: time | None = time(0, 0)

    @classmethod
    def of(cls, rule: DeadlineRule) -> RuleParts:
        return cls(rule.kind, rule.days, rule.counting, rule.weekday, rule.weeks, rule.cutoff)


def checked_rule(rule: RuleParts | DeadlineRule, field: str) -> DeadlineRule:
    """`rule` as a `DeadlineRule`, or a French `ValidationError` naming the part at fault."""
    if isinstance(rule, DeadlineRule):
        return rule
    try:
        kind = RuleKind(rule.kind)
    except ValueError:
        raise ValidationError(_("Choose when the deadline falls."), field=f"{field}.kind") from None
    if kind is RuleKind.NONE:
        return DeadlineRule.none()
    if not isinstance(rule.cutoff, time):
        raise ValidationError(_("Give the time of the deadline."), field=f"{field}.cutoff")
    if kind is RuleKind.DAYS_BEFORE:
        if not _whole(rule.days, 0, MAX_DAYS):
            raise ValidationError(
                _("The number of days is between 0 and {count}.").format(count=MAX_DAYS),
                field=f"{field}.days")
        try:
            counting = Counting(rule.counting)
        except ValueError:
            raise ValidationError(_("Count calendar days or working days."),
                                  field=f"{field}.counting") from None
        return DeadlineRule.days_before(rule.days, counting, rule.cutoff)
    if not _whole(rule.weekday, 0, 6):
        raise ValidationError(_("Choose a weekday."), field=f"{field}.weekday")
    if not _whole(rule.weeks, 1, MAX_WEEKS):
        raise ValidationError(
            _("The number of weeks is between 1 and {count}.").format(count=MAX_WEEKS),
            field=f"{field}.weeks")
    return DeadlineRule.weekday_before(rule.weekday, rule.weeks, rule.cutoff)


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def rule_text(rule: DeadlineRule) -> str:
    """The rule in a French phrase: "2 jours ouvrés avant, à 12:00"."""
    at = rule.cutoff.strftime("%H:%M")
    if rule.kind is RuleKind.NONE:
        return _("until the day starts")
    if rule.kind is RuleKind.DAYS_BEFORE:
        if rule.days == 0:
            return _("the same day, at {time}").format(time=at)
        if rule.counting is Counting.WORKING:
            return ngettext(
                "{count} working day before (weekends and public holidays not counted), at {time}",
                "{count} working days before (weekends and public holidays not counted), at {time}",
                rule.days).format(count=rule.days, time=at)
        return ngettext("{count} day before, at {time}", "{count} days before, at {time}",
                        rule.days).format(count=rule.days, time=at)
    weekday = weekday_name(rule.weekday)
    if rule.weeks == 1:
        return _("{weekday} of the week before, at {time}").format(weekday=weekday, time=at)
    return _("{weekday}, {count} weeks before, at {time}").format(
        weekday=weekday, count=rule.weeks, time=at)


@dataclass(frozen=True)
class DeadlinesTest:
    """What the rule tester shows for one day."""

    day: date
    day_text: str
    """"mercredi 30 septembre 2026"."""
    booking_rule: str
    """The booking rule in words."""
    cancellation_rule: str
    booking_deadline: datetime
    """Aware, in the structure's time zone."""
    cancellation_deadline: datetime
    booking_deadline_text: str
    """"jeudi 24 septembre 2026 à 12:00"."""
    cancellation_deadline_text: str
    notes: tuple[str, ...]
    """Facts worth knowing: the day is a public holiday, a deadline falls on one..."""


def deadlines_on(
    uow: UnitOfWork,
    session: SessionInfo,
    structure_id: int,
    day: date,
    booking_rule: RuleParts | DeadlineRule,
    cancellation_rule: RuleParts | DeadlineRule | None = None,
) -> DeadlinesTest:
    """The deadlines `booking_rule` and `cancellation_rule` (default: the booking rule) give
    `day` in the structure's time zone, whether saved or not; reads nothing else, saves nothing.
    A rule that cannot be computed raises a `ValidationError` in French."""
    structure = managed_structure(uow, session, structure_id)
    if not isinstance(day, date):
        raise ValidationError(_("Choose a day."), field="day")
    booking = checked_rule(booking_rule, "booking_rule")
    cancellation = (checked_rule(cancellation_rule, "cancellation_rule")
                    if cancellation_rule is not None else booking)
    tz = ZoneInfo(structure.timezone)
    booking_at = _deadline(day, booking, tz, "booking_rule")
    cancellation_at = _deadline(day, cancellation, tz, "cancellation_rule")
    notes = []
    holiday = public_holiday_name(day)
    if holiday:
        notes.append(_("This day is a public holiday ({name}): generated openings leave it closed.")
                     .format(name=holiday))
    for message, at in ((N_("The booking deadline falls on a public holiday ({name})."), booking_at),
                        (N_("The cancellation deadline falls on a public holiday ({name})."),
                         cancellation_at)):
        name = public_holiday_name(at.date())
        if name:
            notes.append(_(message).format(name=name))
    if cancellation_at > booking_at:
        notes.append(_("Families may still cancel after bookings have closed."))
    return DeadlinesTest(
        day=day, day_text=long_day(day), booking_rule=rule_text(booking),
        cancellation_rule=rule_text(cancellation), booking_deadline=booking_at,
        cancellation_deadline=cancellation_at, booking_deadline_text=long_instant(booking_at),
        cancellation_deadline_text=long_instant(cancellation_at), notes=tuple(notes),
    )


def _deadline(day: date, rule: DeadlineRule, tz: ZoneInfo, field: str) -> datetime:
    try:
        return deadline_for(day, rule, tz, is_public_holiday)
    except (OverflowError, ValueError):
        raise ValidationError(
            _("This rule cannot be computed for {day}: its deadline falls outside the calendar.")
            .format(day=long_day(day)), field=field) from None
