"""An activity's rules as plain values, and the facts that decide one cell's state.

Built once per request from a fixed number of queries; the month view, the recap and the
confirm all judge a (child, activity, day) through `judge()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select

from famdesk.i18n import _
from famdesk.models import (
    Activity,
    QuotientFamilial,
    Registration,
    Structure,
    TariffBracket,
    TimeOption,
)
from famdesk.models.enums import ReservationStatus, TimeKind
from famdesk.models.values import DeadlineRule
from famdesk.services.calendars import is_public_holiday
from famdesk.services.deadlines import BookingWindow, deadline_for
from famdesk.services.draft import AllowedTimes
from famdesk.services.formatting import long_day
from famdesk.services.pricing import Bracket, QuotientPeriod, Tariff, quotient_on
from famdesk.services.states import Capacity, CellState, ClosedReason, cell_state
from famdesk.services.uow import UnitOfWork


def closed_reason_text(reason: ClosedReason, opening: WindowOpening | None = None) -> str:
    """Why a day is closed, in words; outside the booking window, with when it opens to
    families ("réservations ouvertes à partir du jeudi 3 décembre 2026 à 08:00", "réservable
    à partir du samedi 5 décembre 2026") when `opening` is known."""
    if opening is not None and reason in (ClosedReason.NOT_OPEN_YET, ClosedReason.BEYOND_HORIZON):
        day = long_day(opening.at.date())
        if opening.by_horizon:
            return _("bookable from {day}").format(day=day)
        return _("bookings open from {day} at {time}").format(day=day, time=f"{opening.at:%H:%M}")
    texts = {
        ClosedReason.NOT_OPEN: _("closed that day"),
        ClosedReason.NOT_REGISTERED: _("child not registered to this activity"),
        ClosedReason.PAST: _("day past"),
        ClosedReason.NOT_OPEN_YET: _("bookings not open yet"),
        ClosedReason.BEYOND_HORIZON: _("too far ahead to book"),
        ClosedReason.DEADLINE_PASSED: _("booking deadline passed"),
    }
    return texts[reason]


@dataclass(frozen=True)
class WindowOpening:
    """When the booking window first lets families book a day."""

    at: datetime
    """In the structure's time zone."""
    by_horizon: bool
    """True: the start of the day from which the horizon reaches it (a date says it all);
    False: the period's opening instant (its time matters)."""


@dataclass(frozen=True)
class ActivityRules:
    id: int
    structure_id: int
    wallet_id: int
    label: str
    colour: str
    display_order: int
    tz: ZoneInfo
    period_start: date
    period_end: date
    booking_rule: DeadlineRule
    cancellation_rule: DeadlineRule
    window: BookingWindow
    tariff: Tariff
    time_entry: bool
    allowed: dict[int, AllowedTimes] = field(hash=False, compare=False)

    @classmethod
    def of(cls, activity: Activity) -> ActivityRules:
        return cls.build(
            activity,
            activity.structure.timezone,
            [Bracket(b.qf_min, b.qf_max, b.amount_cents) for b in activity.brackets],
            [(o.weekday, o.kind, o.at) for o in activity.time_options],
        )

    @classmethod
    def build(cls, activity: Activity, timezone: str, brackets: Iterable[Bracket],
              time_options: Iterable[tuple[int, TimeKind, time]]) -> ActivityRules:
        """From the activity's row, its structure's time zone, its tariff brackets (by
        qf_min) and its allowed times (weekday, arrival or departure, time)."""
        allowed: dict[int, tuple[list[time], list[time]]] = {}
        for weekday, kind, at in time_options:
            arrivals, departures = allowed.setdefault(weekday, ([], []))
            (arrivals if kind is TimeKind.ARRIVAL else departures).append(at)
        return cls(
            id=activity.id,
            structure_id=activity.structure_id,
            wallet_id=activity.wallet_id,
            label=activity.label,
            colour=activity.colour,
            display_order=activity.display_order,
            tz=ZoneInfo(timezone),
            period_start=activity.period_start,
            period_end=activity.period_end,
            booking_rule=activity.booking_rule,
            cancellation_rule=activity.cancellation_rule,
            window=BookingWindow(activity.booking_opens_at, activity.booking_horizon_days),
            tariff=Tariff(activity.tariff_mode, tuple(brackets), activity.slot_minutes),
            time_entry=activity.time_entry,
            allowed={
                weekday: AllowedTimes(tuple(sorted(a)), tuple(sorted(d)))
                for weekday, (a, d) in allowed.items()
            },
        )

    def booking_deadline(self, day: date) -> datetime:
        return _deadline(day, self.booking_rule, self.tz)

    def cancellation_deadline(self, day: date) -> datetime:
        return _deadline(day, self.cancellation_rule, self.tz)

    def window_opening(self, day: date) -> WindowOpening | None:
        """The first instant the booking window lets families book `day`: the period's
        opening instant, or the start of the day `horizon_days` before `day`, whichever comes
        later (None: the window has no limit)."""
        opens_at = self.window.opens_at
        horizon_days = self.window.horizon_days
        opening = WindowOpening(opens_at.astimezone(self.tz), False) if opens_at is not None else None
        if horizon_days is not None:
            reached = datetime.combine(day - timedelta(days=horizon_days), time(0, 0), tzinfo=self.tz)
            if opening is None or reached > opening.at:
                opening = WindowOpening(reached, True)
        return opening

    def allowed_on(self, day: date) -> AllowedTimes | None:
        if not self.time_entry:
            return None
        return self.allowed.get(day.weekday(), AllowedTimes((), ()))

    def times_problem(self, day: date, arrival: time | None, departure: time | None) -> str | None:
        """Why these times are not allowed that day (None when they are)."""
        if not self.time_entry:
            if arrival is not None or departure is not None:
                return _("this activity takes no times")
            return None
        allowed = self.allowed_on(day)
        assert allowed is not None
        if arrival is None or departure is None:
            return _("arrival and departure times are required")
        if not allowed.allows(arrival, departure):
            return _("times not allowed that day")
        return None

    def price_cents(self, qf: int | None, arrival: time | None, departure: time | None) -> int:
        return self.tariff.price_cents(qf, arrival, departure)


@dataclass(frozen=True)
class Verdict:
    """What one (child, activity, day) is at an instant, before any draft."""

    state: CellState
    closed_reason: ClosedReason | None
    booking_deadline: datetime
    cancellation_deadline: datetime
    capacity: Capacity | None
    opening: WindowOpening | None = None
    """Closed outside the booking window: when families may book the day. None when the day
    would be past its booking deadline by then (it never opens to families)."""

    @property
    def cancellable(self) -> bool:
        return self.state in (CellState.BOOKED, CellState.WAITLISTED)

    @property
    def closed_text(self) -> str | None:
        """Why the day is closed, in words (None when it is not)."""
        if self.closed_reason is None:
            return None
        return closed_reason_text(self.closed_reason, self.opening)


def judge(
    rules: ActivityRules,
    day: date,
    now: datetime,
    *,
    registered: bool,
    capacity: Capacity | None,
    held: ReservationStatus | None,
    pass_deadlines: bool = False,
    skip_booking_deadline: bool = False,
) -> Verdict:
    """The state of one cell at `now` (`pass_deadlines`: staff acting with a reason;
    `skip_booking_deadline`: a standing order made ahead of time, an annual enrollment, which
    every other rule still binds)."""
    booking_deadline = rules.booking_deadline(day)
    cancellation_deadline = rules.cancellation_deadline(day)
    today = now.astimezone(rules.tz).date()
    reason: ClosedReason | None = None
    opening: WindowOpening | None = None
    if capacity is None or not rules.period_start <= day <= rules.period_end:
        reason = ClosedReason.NOT_OPEN
    elif not registered:
        reason = ClosedReason.NOT_REGISTERED
    elif not pass_deadlines:
        if day < today:
            reason = ClosedReason.PAST
        else:
            window = rules.window.closed_reason(day, now, rules.tz)
            if window is not None:
                reason = ClosedReason(window)
                opening = rules.window_opening(day)
                if opening is not None and not skip_booking_deadline and opening.at >= booking_deadline:
                    opening = None
            elif now >= booking_deadline and not skip_booking_deadline:
                reason = ClosedReason.DEADLINE_PASSED
    late_to_cancel = not pass_deadlines and now >= cancellation_deadline
    state = cell_state(held, late_to_cancel, reason, capacity)
    closed = state is CellState.CLOSED
    return Verdict(state, reason if closed else None, booking_deadline, cancellation_deadline,
                   capacity, opening if closed else None)


def load_rules(uow: UnitOfWork, activity_ids: Iterable[int]) -> dict[int, ActivityRules]:
    ids = sorted(set(activity_ids))
    if not ids:
        return {}
    return _load_rules(uow, Activity.id.in_(ids))


def structure_rules(uow: UnitOfWork, structure_id: int) -> dict[int, ActivityRules]:
    return _load_rules(uow, Activity.structure_id == structure_id)


def _load_rules(uow: UnitOfWork, which: ColumnElement[bool]) -> dict[int, ActivityRules]:
    """Three queries (activities with their time zone, brackets, allowed times) and no
    relationship loading: these run at every month view, recap and confirm."""
    s = uow.session
    rows = s.execute(
        select(Activity, Structure.timezone).join(Structure, Structure.id == Activity.structure_id)
        .where(which)
    ).all()
    if not rows:
        return {}
    ids = sorted(activity.id for activity, _tz in rows)
    brackets: dict[int, list[Bracket]] = {}
    for activity_id, qf_min, qf_max, cents in s.execute(
        select(TariffBracket.activity_id, TariffBracket.qf_min, TariffBracket.qf_max,
               TariffBracket.amount_cents)
        .where(TariffBracket.activity_id.in_(ids))
        .order_by(TariffBracket.activity_id, TariffBracket.qf_min)
    ):
        brackets.setdefault(activity_id, []).append(Bracket(qf_min, qf_max, cents))
    options: dict[int, list[tuple[int, TimeKind, time]]] = {}
    for activity_id, weekday, kind, at in s.execute(
        select(TimeOption.activity_id, TimeOption.weekday, TimeOption.kind, TimeOption.at)
        .where(TimeOption.activity_id.in_(ids))
    ):
        options.setdefault(activity_id, []).append((weekday, TimeKind(kind), at))
    return {
        activity.id: ActivityRules.build(activity, timezone, brackets.get(activity.id, ()),
                                         options.get(activity.id, ()))
        for activity, timezone in rows
    }


@lru_cache(maxsize=16384)
def _deadline(day: date, rule: DeadlineRule, tz: ZoneInfo) -> datetime:
    """`deadline_for()` remembered: a pure function of its arguments, asked twice per cell of
    every month view (the public holidays do not change while famdesk runs)."""
    return deadline_for(day, rule, tz, is_public_holiday)


@dataclass(frozen=True)
class Registrations:
    periods: dict[tuple[int, int], list[tuple[date, date]]]

    def covers(self, child_id: int, activity_id: int, day: date) -> bool:
        return any(a <= day <= b for a, b in self.periods.get((child_id, activity_id), ()))

    def activities_of(self, child_id: int) -> set[int]:
        return {a for (c, a) in self.periods if c == child_id}


def load_registrations(uow: UnitOfWork, child_ids: Sequence[int]) -> Registrations:
    periods: dict[tuple[int, int], list[tuple[date, date]]] = {}
    rows = uow.session.execute(
        select(Registration.child_id, Registration.activity_id, Registration.starts_on, Registration.ends_on)
        .where(Registration.child_id.in_(sorted(set(child_ids))))
    )
    for child_id, activity_id, starts_on, ends_on in rows:
        periods.setdefault((child_id, activity_id), []).append((starts_on, ends_on))
    return Registrations(periods)


def load_quotients(uow: UnitOfWork, family_ids: Iterable[int]) -> dict[int, list[QuotientPeriod]]:
    history: dict[int, list[QuotientPeriod]] = {}
    rows = uow.session.execute(
        select(QuotientFamilial.family_id, QuotientFamilial.value, QuotientFamilial.valid_from,
               QuotientFamilial.valid_until)
        .where(QuotientFamilial.family_id.in_(sorted(set(family_ids))))
    )
    for family_id, value, valid_from, valid_until in rows:
        history.setdefault(family_id, []).append(QuotientPeriod(value, valid_from, valid_until))
    return history


def qf_on(history: dict[int, list[QuotientPeriod]], family_id: int, day: date) -> int | None:
    return quotient_on(history.get(family_id, ()), day)
