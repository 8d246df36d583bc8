"""Activities as the manager edits them: the full definition, read and saved.

`add_activity` and `update_activity` take an `ActivityForm` and check it with the set-up's
own checks (`setup.activities.check_activity`: label, colour, wallet, period, tariff and its
quotient brackets, allowed times, booking window, lead time), the deadline rules with
`rule_tester.checked_rule`. A change that would leave what exists inconsistent is refused
with what to do first: open days outside the new period, time entry switched on or off
while reservations are to come, open days on a weekday left without times, annual
enrollment forbidden while enrollments run. Prices already booked keep their snapshot.
Audited; commits.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, or_, select

from famdesk.clock import Clock
from famdesk.errors import ValidationError
from famdesk.i18n import _, ngettext
from famdesk.models import Activity, ActivityDay, AnnualEnrollment, Reservation, Wallet
from famdesk.models.enums import ACTIVE_STATUSES, EnrollmentStatus, TariffMode, TimeKind
from famdesk.models.values import DeadlineRule, from_cents
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.backoffice._common import (
    managed_activity,
    managed_structure,
    structure_today,
)
from famdesk.services.backoffice.rule_tester import RuleParts, checked_rule, rule_text
from famdesk.services.backoffice.wallets import display_order_of
from famdesk.services.formatting import numeric_date
from famdesk.services.setup._fields import weekday_name
from famdesk.services.setup.activities import (
    Bracket,
    CheckedActivity,
    TimeChoices,
    check_activity,
    create_activity,
    write_tariff_and_times,
)
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActivityForm:
    """Everything the activity editor sets."""

    wallet_id: int
    label: str
    colour: str
    """#RRGGBB."""
    display_order: int
    period_start: date
    period_end: date
    tariff_mode: TariffMode | str
    """"unit" (per day) or "slot" (per started slot of `slot_minutes`, times required)."""
    slot_minutes: int | None
    brackets: Sequence[Bracket]
    """(qf_min, qf_max or None for "and above", amount in Decimal euros), covering 0 up."""
    booking_rule: RuleParts | DeadlineRule
    cancellation_rule: RuleParts | DeadlineRule | None = None
    """None: the booking rule."""
    booking_opens_at: datetime | None = None
    """Aware: families may book from then ("réservations ouvertes à partir du")."""
    booking_horizon_days: int | None = None
    """How many days ahead families may book (1 to 730); None: no limit."""
    time_options: Mapping[int, TimeChoices] = field(default_factory=dict)
    """Weekday (0 = Monday) -> (allowed arrivals, allowed departures); empty: no time entry."""
    annual_allowed: bool = False
    lead_days: int = 0
    """The annual enrollment's lead time ("délai de mise en place"), 0 to 60 days."""
    during_school_holidays_only: bool = False
    meals: bool = False
    """School meals: left out of the attestation de frais de garde."""


@dataclass(frozen=True)
class ActivityDefinition:
    id: int
    structure_id: int
    form: ActivityForm
    """As saved; its rules are `RuleParts`, the cancellation rule always given."""
    wallet_label: str
    booking_rule_text: str
    cancellation_rule_text: str
    open_days: int
    first_open_day: date | None
    last_open_day: date | None


@dataclass(frozen=True)
class ActivityRow:
    id: int
    label: str
    colour: str
    display_order: int
    wallet_label: str
    tariff_mode: TariffMode
    time_entry: bool
    period_start: date
    period_end: date
    open_days: int


def activity_rows(uow: UnitOfWork, session: SessionInfo, structure_id: int) -> tuple[ActivityRow, ...]:
    """The structure's activities in display order."""
    structure = managed_structure(uow, session, structure_id)
    counts = dict(uow.session.execute(
        select(ActivityDay.activity_id, func.count()).join(Activity)
        .where(Activity.structure_id == structure.id).group_by(ActivityDay.activity_id)
    ).all())
    rows = uow.session.execute(
        select(Activity, Wallet.label).join(Wallet, Wallet.id == Activity.wallet_id)
        .where(Activity.structure_id == structure.id)
        .order_by(Activity.display_order, Activity.label)
    )
    return tuple(
        ActivityRow(a.id, a.label, a.colour, a.display_order, wallet, a.tariff_mode,
                    a.time_entry, a.period_start, a.period_end, counts.get(a.id, 0))
        for a, wallet in rows
    )


def activity_definition(uow: UnitOfWork, session: SessionInfo, activity_id: int) -> ActivityDefinition:
    """The activity's full definition, for the editor."""
    activity = managed_activity(uow, session, activity_id)
    times: dict[int, tuple[list, list]] = {}
    for option in activity.time_options:
        arrivals, departures = times.setdefault(option.weekday, ([], []))
        (arrivals if option.kind is TimeKind.ARRIVAL else departures).append(option.at)
    form = ActivityForm(
        wallet_id=activity.wallet_id, label=activity.label, colour=activity.colour,
        display_order=activity.display_order, period_start=activity.period_start,
        period_end=activity.period_end, tariff_mode=activity.tariff_mode,
        slot_minutes=activity.slot_minutes,
        brackets=tuple((b.qf_min, b.qf_max, from_cents(b.amount_cents)) for b in activity.brackets),
        booking_rule=RuleParts.of(activity.booking_rule),
        cancellation_rule=RuleParts.of(activity.cancellation_rule),
        booking_opens_at=activity.booking_opens_at,
        booking_horizon_days=activity.booking_horizon_days,
        time_options={day: (tuple(sorted(a)), tuple(sorted(d))) for day, (a, d) in sorted(times.items())},
        annual_allowed=activity.annual_allowed, lead_days=activity.lead_days,
        during_school_holidays_only=activity.during_school_holidays_only, meals=activity.meals,
    )
    count, first, last = uow.session.execute(
        select(func.count(), func.min(ActivityDay.day), func.max(ActivityDay.day))
        .where(ActivityDay.activity_id == activity.id)
    ).one()
    return ActivityDefinition(
        id=activity.id, structure_id=activity.structure_id, form=form,
        wallet_label=activity.wallet.label, booking_rule_text=rule_text(activity.booking_rule),
        cancellation_rule_text=rule_text(activity.cancellation_rule), open_days=count,
        first_open_day=first, last_open_day=last,
    )


def _rules(form: ActivityForm) -> tuple[DeadlineRule, DeadlineRule]:
    booking = checked_rule(form.booking_rule, "booking_rule")
    if form.cancellation_rule is None:
        return booking, booking
    return booking, checked_rule(form.cancellation_rule, "cancellation_rule")


def add_activity(uow: UnitOfWork, clock: Clock, session: SessionInfo, structure_id: int,
                 form: ActivityForm, *, terminal: str = "") -> ActivityDefinition:
    """A new activity of the structure (no open day yet: see `openings`); commits."""
    managed_structure(uow, session, structure_id)
    booking, cancellation = _rules(form)
    activity_id = create_activity(
        uow, session, structure_id=structure_id, wallet_id=form.wallet_id, label=form.label,
        colour=form.colour, display_order=display_order_of(form.display_order),
        period_start=form.period_start, period_end=form.period_end,
        tariff_mode=form.tariff_mode, slot_minutes=form.slot_minutes, brackets=form.brackets,
        booking_rule=booking, cancellation_rule=cancellation,
        booking_opens_at=form.booking_opens_at, booking_horizon_days=form.booking_horizon_days,
        time_options=form.time_options, annual_allowed=form.annual_allowed,
        lead_days=form.lead_days, during_school_holidays_only=form.during_school_holidays_only,
        meals=form.meals,
    )
    audit(uow, clock.now(), "activity_created", actor_account_id=session.account_id,
          terminal=terminal, structure_id=structure_id, activity_id=activity_id,
          label=form.label)
    uow.commit()
    return activity_definition(uow, session, activity_id)


def update_activity(uow: UnitOfWork, clock: Clock, session: SessionInfo, activity_id: int,
                    form: ActivityForm, *, terminal: str = "") -> ActivityDefinition:
    """Change the activity's definition (see the module's docstring for what is refused);
    commits."""
    activity = managed_activity(uow, session, activity_id)
    booking, cancellation = _rules(form)
    order = display_order_of(form.display_order)
    checked = check_activity(
        uow, activity.structure_id, wallet_id=form.wallet_id, label=form.label,
        colour=form.colour, period_start=form.period_start, period_end=form.period_end,
        tariff_mode=form.tariff_mode, slot_minutes=form.slot_minutes, brackets=form.brackets,
        booking_opens_at=form.booking_opens_at, booking_horizon_days=form.booking_horizon_days,
        time_options=form.time_options, lead_days=form.lead_days, activity_id=activity.id,
    )
    today = structure_today(clock, activity.structure)
    _check_what_exists(uow, activity, form, checked, today)
    before = activity_definition(uow, session, activity.id).form
    values = {
        "wallet_id": form.wallet_id, "label": checked.label, "colour": checked.colour,
        "display_order": order, "period_start": form.period_start,
        "period_end": form.period_end, "tariff_mode": checked.tariff_mode,
        "slot_minutes": form.slot_minutes, "booking_rule": booking,
        "cancellation_rule": cancellation, "booking_opens_at": form.booking_opens_at,
        "booking_horizon_days": form.booking_horizon_days, "time_entry": bool(checked.times),
        "annual_allowed": form.annual_allowed, "lead_days": form.lead_days,
        "during_school_holidays_only": form.during_school_holidays_only, "meals": form.meals,
    }
    for key, value in values.items():
        setattr(activity, key, value)
    write_tariff_and_times(uow, activity.id, checked)
    uow.session.expire(activity, ["brackets", "time_options", "wallet"])
    after = activity_definition(uow, session, activity.id)
    changed = sorted(name for name in ActivityForm.__dataclass_fields__
                     if getattr(before, name) != getattr(after.form, name))
    audit(uow, clock.now(), "activity_changed", actor_account_id=session.account_id,
          terminal=terminal, structure_id=activity.structure_id, activity_id=activity.id,
          label=checked.label, changed=changed)
    uow.commit()
    log.info("activity %s changed (%s) by account %s", activity.id, ", ".join(changed) or "nothing",
             session.account_id)
    return after


def _check_what_exists(uow: UnitOfWork, activity: Activity, form: ActivityForm,
                       checked: CheckedActivity, today: date) -> None:
    s = uow.session
    time_entry = bool(checked.times)
    outside = s.execute(
        select(func.count(), func.min(ActivityDay.day))
        .where(ActivityDay.activity_id == activity.id,
               or_(ActivityDay.day < form.period_start, ActivityDay.day > form.period_end))
    ).one()
    if outside[0]:
        raise ValidationError(ngettext(
            "{count} open day falls outside the new period ({day}): close it first.",
            "{count} open days fall outside the new period (the first on {day}): close them first.",
            outside[0]).format(count=outside[0], day=numeric_date(outside[1])),
            field="period_start")
    if time_entry != activity.time_entry:
        to_come = s.scalar(
            select(func.count()).select_from(Reservation)
            .where(Reservation.activity_id == activity.id, Reservation.day >= today,
                   Reservation.status.in_(ACTIVE_STATUSES)))
        if to_come:
            raise ValidationError(ngettext(
                "{count} reservation is to come: the arrival and departure times cannot be switched on or off now.",
                "{count} reservations are to come: the arrival and departure times cannot be switched on or off now.",
                to_come).format(count=to_come), field="time_options")
    if time_entry:
        with_times = {weekday for weekday, _kind, _at in checked.times}
        open_days = s.scalars(select(ActivityDay.day).where(
            ActivityDay.activity_id == activity.id, ActivityDay.day >= today))
        lacking = sorted({day.weekday() for day in open_days} - with_times)
        if lacking:
            raise ValidationError(
                _("Days are open on {weekday}: give that day's arrival and departure times.")
                .format(weekday=weekday_name(lacking[0])), field="time_options")
    if activity.annual_allowed and not form.annual_allowed:
        running = s.scalar(
            select(func.count()).select_from(AnnualEnrollment)
            .where(AnnualEnrollment.activity_id == activity.id,
                   AnnualEnrollment.status == EnrollmentStatus.ACTIVE,
                   or_(AnnualEnrollment.ends_on.is_(None), AnnualEnrollment.ends_on >= today)))
        if running:
            raise ValidationError(ngettext(
                "{count} annual enrollment is running: stop it before forbidding them.",
                "{count} annual enrollments are running: stop them before forbidding them.",
                running).format(count=running), field="annual_allowed")
