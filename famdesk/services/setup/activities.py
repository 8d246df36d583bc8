"""Activities (tariff, deadlines, booking window, allowed times) and their opening days."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import delete, select

from famdesk.errors import ValidationError
from famdesk.i18n import _, ngettext
from famdesk.models import Activity, ActivityDay, Structure, TariffBracket, TimeOption, Wallet
from famdesk.models.enums import TariffMode, TimeKind
from famdesk.models.values import DeadlineRule, MoneyError, to_cents
from famdesk.services.auth import SessionInfo
from famdesk.services.formatting import numeric_date
from famdesk.services.setup._fields import get_or_fail, period, text, weekday_name
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

Bracket = tuple[int, int | None, Decimal]
"""(qf_min, qf_max or None for "and above", amount in euros)."""
TimeChoices = tuple[Sequence[time], Sequence[time]]
"""(allowed arrival times, allowed departure times) of one weekday."""

MAX_AMOUNT_CENTS = 100_000
MAX_HORIZON_DAYS = 730
MAX_LEAD_DAYS = 60
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_LISTED_DAYS = 5


@dataclass(frozen=True)
class OpenedDays:
    opened: int
    """How many days were opened."""
    already_open: tuple[date, ...]
    """Days that were open already: left as they were (a capacity change is its own action)."""


def create_activity(
    uow: UnitOfWork,
    session: SessionInfo,
    *,
    structure_id: int,
    wallet_id: int,
    label: str,
    colour: str,
    display_order: int,
    period_start: date,
    period_end: date,
    tariff_mode: TariffMode | str,
    slot_minutes: int | None,
    brackets: Sequence[Bracket],
    booking_rule: DeadlineRule,
    cancellation_rule: DeadlineRule | None = None,
    booking_opens_at: datetime | None = None,
    booking_horizon_days: int | None = None,
    time_options: Mapping[int, TimeChoices] | None = None,
    annual_allowed: bool = False,
    lead_days: int = 0,
    during_school_holidays_only: bool = False,
    meals: bool = False,
) -> int:
    """A new activity of the structure; returns its id. Opening days come with `open_days`.

    The cancellation rule defaults to the booking rule. `time_options` makes it a time-entry
    activity: weekday (0 = Monday) -> (arrivals, departures). A slot tariff needs them.
    `meals`: school meals, left out of the attestation de frais de garde.
    """
    session.require_admin()
    session.require_structure(structure_id)
    checked = check_activity(
        uow, structure_id, wallet_id=wallet_id, label=label, colour=colour,
        period_start=period_start, period_end=period_end, tariff_mode=tariff_mode,
        slot_minutes=slot_minutes, brackets=brackets, booking_opens_at=booking_opens_at,
        booking_horizon_days=booking_horizon_days, time_options=time_options or {},
        lead_days=lead_days,
    )
    activity = Activity(
        structure_id=structure_id,
        wallet_id=wallet_id,
        label=checked.label,
        colour=checked.colour,
        display_order=display_order,
        period_start=period_start,
        period_end=period_end,
        tariff_mode=checked.tariff_mode,
        slot_minutes=slot_minutes,
        booking_rule=booking_rule,
        cancellation_rule=cancellation_rule or booking_rule,
        booking_opens_at=booking_opens_at,
        booking_horizon_days=booking_horizon_days,
        time_entry=bool(checked.times),
        annual_allowed=annual_allowed,
        lead_days=lead_days,
        during_school_holidays_only=during_school_holidays_only,
        meals=meals,
    )
    uow.session.add(activity)
    uow.session.flush()
    write_tariff_and_times(uow, activity.id, checked, new=True)
    log.info("activity %s (%s) created in structure %s", activity.id, checked.label, structure_id)
    return activity.id


@dataclass(frozen=True)
class CheckedActivity:
    """What `check_activity` found right in an activity's definition, ready for its rows."""

    label: str
    colour: str
    """Upper case: #RRGGBB."""
    tariff_mode: TariffMode
    amounts: tuple[tuple[int, int | None, int], ...]
    """Tariff brackets (qf_min, qf_max, amount in cents), from quotient 0 up."""
    times: tuple[tuple[int, TimeKind, time], ...]
    """Allowed times (weekday, arrival or departure, time); empty: no time entry."""


def check_activity(
    uow: UnitOfWork,
    structure_id: int,
    *,
    wallet_id: int,
    label: str,
    colour: str,
    period_start: date,
    period_end: date,
    tariff_mode: TariffMode | str,
    slot_minutes: int | None,
    brackets: Sequence[Bracket],
    booking_opens_at: datetime | None,
    booking_horizon_days: int | None,
    time_options: Mapping[int, TimeChoices],
    lead_days: int,
    activity_id: int | None = None,
) -> CheckedActivity:
    """The checks of an activity's definition, for a new one or for `activity_id` changed
    (whose own label is then not "already used"). The caller has authorized the session."""
    get_or_fail(uow, Structure, structure_id)
    wallet = get_or_fail(uow, Wallet, wallet_id)
    if wallet.structure_id != structure_id:
        raise ValidationError(_("This wallet belongs to another structure."), field="wallet_id")
    label = text(label, "label", 80)
    taken = uow.session.scalar(
        select(Activity.id).where(Activity.structure_id == structure_id, Activity.label == label)
    )
    if taken is not None and taken != activity_id:
        raise ValidationError(_("This label is already used in this structure."), field="label")
    if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
        raise ValidationError(_("A colour is written #RRGGBB."), field="colour")
    period(period_start, period_end, "period_end")
    try:
        mode = TariffMode(tariff_mode)
    except ValueError:
        raise ValidationError(
            _("The tariff is per unit or per slot."), field="tariff_mode") from None
    times = _time_options(time_options)
    _check_slot(mode, slot_minutes, bool(times))
    amounts = _brackets(brackets)
    if booking_opens_at is not None and booking_opens_at.tzinfo is None:
        raise ValueError("booking_opens_at must be an aware datetime")
    if booking_horizon_days is not None and not 1 <= booking_horizon_days <= MAX_HORIZON_DAYS:
        raise ValidationError(
            _("The booking horizon is between 1 and {count} days.").format(count=MAX_HORIZON_DAYS),
            field="booking_horizon_days",
        )
    if not 0 <= lead_days <= MAX_LEAD_DAYS:
        raise ValidationError(
            _("The lead time is between 0 and {count} days.").format(count=MAX_LEAD_DAYS),
            field="lead_days",
        )
    return CheckedActivity(label, colour.upper(), mode, tuple(amounts), tuple(times))


def write_tariff_and_times(uow: UnitOfWork, activity_id: int, checked: CheckedActivity, *,
                           new: bool = False) -> None:
    """The activity's tariff brackets and allowed times become `checked`'s (the old ones go,
    unless the activity is `new`: it has none)."""
    if not new:
        uow.session.execute(delete(TariffBracket).where(TariffBracket.activity_id == activity_id))
        uow.session.execute(delete(TimeOption).where(TimeOption.activity_id == activity_id))
    uow.session.add_all(
        TariffBracket(activity_id=activity_id, qf_min=low, qf_max=high, amount_cents=cents)
        for low, high, cents in checked.amounts
    )
    uow.session.add_all(
        TimeOption(activity_id=activity_id, weekday=weekday, kind=kind, at=at)
        for weekday, kind, at in checked.times
    )
    uow.session.flush()


def _check_slot(mode: TariffMode, slot_minutes: int | None, has_times: bool) -> None:
    if mode is TariffMode.SLOT:
        if slot_minutes is None or not 1 <= slot_minutes <= 1440:
            raise ValidationError(
                _("A slot lasts between 1 and 1440 minutes."), field="slot_minutes"
            )
        if not has_times:
            raise ValidationError(
                _("A tariff per slot needs arrival and departure times."), field="time_options"
            )
    elif slot_minutes is not None:
        raise ValidationError(
            _("A slot length only applies to a tariff per slot."), field="slot_minutes"
        )


def _brackets(brackets: Sequence[Bracket]) -> list[tuple[int, int | None, int]]:
    """The brackets in cents, checked to cover every quotient from 0 up exactly once."""
    if not brackets:
        raise ValidationError(_("At least one tariff bracket is needed."), field="brackets")
    ordered = sorted(brackets, key=lambda bracket: bracket[0])
    result: list[tuple[int, int | None, int]] = []
    expected_min = 0
    for index, (qf_min, qf_max, amount) in enumerate(ordered):
        last = index == len(ordered) - 1
        misplaced = qf_min != expected_min or (qf_max is None) != last
        if misplaced or (qf_max is not None and qf_max < qf_min):
            raise ValidationError(
                _("The tariff brackets must cover every quotient familial from 0 up, without gap or overlap."),
                field="brackets",
            )
        result.append((qf_min, qf_max, _cents(amount)))
        expected_min = (qf_max or 0) + 1
    return result


def _cents(amount: Decimal) -> int:
    try:
        cents = to_cents(amount)
    except MoneyError:
        cents = -1
    if not 0 <= cents <= MAX_AMOUNT_CENTS:
        raise ValidationError(
            _("“{amount}” is not a price (0 to 1000 €, at most two decimals).").format(amount=amount),
            field="brackets",
        )
    return cents


def _time_options(options: Mapping[int, TimeChoices]) -> list[tuple[int, TimeKind, time]]:
    rows: list[tuple[int, TimeKind, time]] = []
    for weekday, (arrivals, departures) in sorted(options.items()):
        if not 0 <= weekday <= 6:
            raise ValueError(f"weekday {weekday} is not 0 (Monday) to 6 (Sunday)")
        arrive, leave = sorted(set(arrivals)), sorted(set(departures))
        if not arrive or not leave:
            raise ValidationError(
                _("On {weekday}, give at least one arrival and one departure time.").format(
                    weekday=weekday_name(weekday)
                ),
                field="time_options",
            )
        # every arrival has a later departure and every departure an earlier arrival
        if arrive[-1] >= leave[-1] or leave[0] <= arrive[0]:
            raise ValidationError(
                _("On {weekday}, each arrival needs a later departure and each departure an earlier arrival.").format(
                    weekday=weekday_name(weekday)
                ),
                field="time_options",
            )
        rows += [(weekday, TimeKind.ARRIVAL, at) for at in arrive]
        rows += [(weekday, TimeKind.DEPARTURE, at) for at in leave]
    return rows


def open_days(
    uow: UnitOfWork,
    session: SessionInfo,
    activity_id: int,
    days: Iterable[date],
    capacity: int | None,
    waitlist_size: int | None,
) -> OpenedDays:
    """Open `days` with `capacity` places (None = unlimited) and a waiting list of
    `waitlist_size` (None = unlimited, 0 = none). Every day must be inside the activity's period.
    """
    session.require_admin()
    activity = get_or_fail(uow, Activity, activity_id)
    session.require_structure(activity.structure_id)
    if capacity is not None and capacity < 0:
        raise ValidationError(_("The capacity cannot be negative."), field="capacity")
    if waitlist_size is not None and waitlist_size < 0:
        raise ValidationError(_("The waiting-list size cannot be negative."), field="waitlist_size")
    wanted = sorted(set(days))
    if not wanted:
        return OpenedDays(0, ())
    outside = [d for d in wanted if not activity.period_start <= d <= activity.period_end]
    if outside:
        listed = ", ".join(numeric_date(d) for d in outside[:_LISTED_DAYS])
        if len(outside) > _LISTED_DAYS:
            listed += "…"
        raise ValidationError(
            ngettext(
                "{count} day is outside the activity's period ({start} to {end}): {days}.",
                "{count} days are outside the activity's period ({start} to {end}): {days}.",
                len(outside),
            ).format(
                count=len(outside),
                start=numeric_date(activity.period_start),
                end=numeric_date(activity.period_end),
                days=listed,
            ),
            field="days",
        )
    if activity.time_entry:
        with_times = set(
            uow.session.scalars(
                select(TimeOption.weekday).where(TimeOption.activity_id == activity.id)
            )
        )
        lacking = sorted({d.weekday() for d in wanted} - with_times)
        if lacking:
            raise ValidationError(
                _("No arrival or departure time is set for {weekday}: set them before opening such days.").format(
                    weekday=weekday_name(lacking[0])
                ),
                field="days",
            )
    existing = set(
        uow.session.scalars(
            select(ActivityDay.day).where(
                ActivityDay.activity_id == activity.id,
                ActivityDay.day.between(wanted[0], wanted[-1]),
            )
        )
    )
    new = [d for d in wanted if d not in existing]
    uow.session.add_all(
        ActivityDay(activity_id=activity.id, day=d, capacity=capacity, waitlist_size=waitlist_size)
        for d in new
    )
    uow.session.flush()
    log.info("activity %s: %d days opened", activity.id, len(new))
    return OpenedDays(len(new), tuple(d for d in wanted if d in existing))
