"""The month calendar of one child: 42 cells, by activity or by day, seen through a draft.

A fixed number of queries per month (activities, registrations, open days, reservations,
quotients), whatever the number of days or activities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import NotFoundError, ValidationError
from famdesk.i18n import _
from famdesk.models import ActivityDay, Reservation
from famdesk.models.enums import ACTIVE_STATUSES, ReservationStatus
from famdesk.models.values import from_cents
from famdesk.services.access import authorize_child
from famdesk.services.activity_rules import (
    ActivityRules,
    judge,
    load_quotients,
    load_registrations,
    qf_on,
    structure_rules,
)
from famdesk.services.auth import SessionInfo
from famdesk.services.draft import AllowedTimes, Draft, LineKind, Slot
from famdesk.services.states import Capacity, CellState, ClosedReason, DayState, day_state
from famdesk.services.uow import UnitOfWork

GRID_DAYS = 42


@dataclass(frozen=True)
class ActivityCell:
    """One activity on one day for the child."""

    activity_id: int
    label: str
    colour: str
    state: CellState
    closed_reason: ClosedReason | None
    closed_text: str | None
    places_left: int | None
    capacity: int | None
    booking_deadline: datetime
    cancellation_deadline: datetime
    price: Decimal | None
    arrival: time | None
    departure: time | None
    pending: LineKind | None
    pending_arrival: time | None
    pending_departure: time | None
    allowed: AllowedTimes | None
    bookable_from: datetime | None = None
    """Closed outside the booking window: the instant families may book the day from (the
    period's opening, or the start of the day the horizon reaches it; `closed_text` says it in
    words). None otherwise, and when the day's booking deadline comes first."""


@dataclass(frozen=True)
class DayCell:
    day: date
    in_month: bool
    is_today: bool
    is_past: bool
    activity_state: CellState | None
    """With an activity selected: that activity's state."""
    day_state: DayState | None
    """Without one: the day's state over the child's activities."""
    activities: tuple[ActivityCell, ...]

    @property
    def cell(self) -> ActivityCell | None:
        return self.activities[0] if self.activity_state is not None and self.activities else None


@dataclass(frozen=True)
class ActivityChoice:
    id: int
    label: str
    colour: str
    time_entry: bool


@dataclass(frozen=True)
class MonthView:
    child_id: int
    activity_id: int | None
    year: int
    month: int
    today: date
    activities: tuple[ActivityChoice, ...]
    """Every activity the child is registered to (the selector's choices)."""
    cells: tuple[DayCell, ...]

    def slots(self, days: list[date] | None = None) -> list[Slot]:
        """The displayed month's cells as toggle slots (activity mode only)."""
        if self.activity_id is None:
            return []
        wanted = set(days) if days is not None else None
        slots = []
        for cell in self.cells:
            if not cell.in_month or (wanted is not None and cell.day not in wanted):
                continue
            activity = cell.cell
            assert activity is not None
            slots.append(Slot(self.child_id, activity.activity_id, cell.day, activity.state, activity.allowed))
        return slots


def grid_days(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    start = first - timedelta(days=first.weekday())
    return [start + timedelta(days=i) for i in range(GRID_DAYS)]


def month_view(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    child_id: int,
    year: int,
    month: int,
    activity_id: int | None = None,
    draft: Draft | None = None,
) -> MonthView:
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        raise ValidationError(_("This month does not exist."))
    child = authorize_child(uow, session, child_id)
    family = child.family
    draft = draft or Draft()
    now = clock.now()
    days = grid_days(year, month)
    first, last = days[0], days[-1]

    rules = structure_rules(uow, family.structure_id)
    registrations = load_registrations(uow, [child_id])
    registered_ids = registrations.activities_of(child_id)
    registered = sorted((r for r in rules.values() if r.id in registered_ids),
                        key=lambda r: (r.display_order, r.label))
    shown = registered
    if activity_id is not None:
        if activity_id not in registered_ids or activity_id not in rules:
            raise NotFoundError(_("This child is not registered to this activity."))
        shown = [rules[activity_id]]
    shown_ids = [r.id for r in shown]

    open_days = {
        (row.activity_id, row.day): Capacity(row.capacity, row.waitlist_size, row.booked_count,
                                             row.waitlisted_count)
        for row in uow.session.scalars(
            select(ActivityDay).where(
                ActivityDay.activity_id.in_(shown_ids), ActivityDay.day.between(first, last)
            )
        )
    }
    held = {
        (row.activity_id, row.day): row
        for row in uow.session.scalars(
            select(Reservation).where(
                Reservation.child_id == child_id,
                Reservation.activity_id.in_(shown_ids),
                Reservation.day.between(first, last),
                Reservation.status.in_(ACTIVE_STATUSES),
            )
        )
    }
    quotients = load_quotients(uow, [family.id])
    tz_today = now.astimezone(shown[0].tz if shown else rules_tz(rules)).date()

    cells = []
    for day in days:
        activity_cells = tuple(
            _activity_cell(r, day, now, child_id, registrations.covers(child_id, r.id, day),
                           open_days.get((r.id, day)), held.get((r.id, day)), draft,
                           qf_on(quotients, family.id, day))
            for r in shown
        )
        states = [c.state for c in activity_cells]
        cells.append(
            DayCell(
                day=day,
                in_month=day.month == month,
                is_today=day == tz_today,
                is_past=day < tz_today,
                activity_state=states[0] if activity_id is not None else None,
                day_state=None if activity_id is not None else day_state(states),
                activities=activity_cells,
            )
        )
    return MonthView(
        child_id=child_id,
        activity_id=activity_id,
        year=year,
        month=month,
        today=tz_today,
        activities=tuple(ActivityChoice(r.id, r.label, r.colour, r.time_entry) for r in registered),
        cells=tuple(cells),
    )


def rules_tz(rules: dict[int, ActivityRules]):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return next(iter(rules.values())).tz if rules else ZoneInfo("Europe/Paris")


def _activity_cell(
    rules: ActivityRules,
    day: date,
    now: datetime,
    child_id: int,
    registered: bool,
    capacity: Capacity | None,
    reservation: Reservation | None,
    draft: Draft,
    qf: int | None,
) -> ActivityCell:
    status = ReservationStatus(reservation.status) if reservation is not None else None
    verdict = judge(rules, day, now, registered=registered, capacity=capacity, held=status)
    line = draft.line((child_id, rules.id, day))
    new_times = line is not None and line.kind is LineKind.CHANGE_TIMES
    arrival = reservation.arrival if reservation is not None else None
    departure = reservation.departure if reservation is not None else None
    if reservation is not None and not new_times:
        price: Decimal | None = from_cents(reservation.price_cents)
    elif verdict.state is CellState.CLOSED or (rules.time_entry and line is None):
        price = None
    else:
        times = (line.arrival, line.departure) if line is not None else (None, None)
        price = from_cents(rules.price_cents(qf, *times))
    return ActivityCell(
        activity_id=rules.id,
        label=rules.label,
        colour=rules.colour,
        state=verdict.state,
        closed_reason=verdict.closed_reason,
        closed_text=verdict.closed_text,
        places_left=capacity.places_left if capacity is not None else None,
        capacity=capacity.capacity if capacity is not None else None,
        booking_deadline=verdict.booking_deadline,
        cancellation_deadline=verdict.cancellation_deadline,
        price=price,
        arrival=arrival,
        departure=departure,
        pending=line.kind if line is not None else None,
        pending_arrival=line.arrival if line is not None else None,
        pending_departure=line.departure if line is not None else None,
        allowed=rules.allowed_on(day),
        bookable_from=verdict.opening.at if verdict.opening is not None else None,
    )
