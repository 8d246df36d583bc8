"""Hand-made month views and recap lines for the calendar's model and painting tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from famdesk.services.booking import RecapLine
from famdesk.services.draft import AllowedTimes, LineKind
from famdesk.services.month import ActivityCell, ActivityChoice, DayCell, MonthView, grid_days
from famdesk.services.planning import Outcome
from famdesk.services.states import CellState, ClosedReason, DayState

PARIS = ZoneInfo("Europe/Paris")
CHILD, APS, MEALS = 7, 1, 2
TODAY = date(2026, 12, 2)
WEEKDAY_TIMES = AllowedTimes((time(7, 0), time(7, 30), time(8, 0)), (time(8, 20),))


def activity(state: CellState, day: date, **changes) -> ActivityCell:
    values = {
        "activity_id": MEALS,
        "label": "RESTAURATION",
        "colour": "#f18f01",
        "state": state,
        "closed_reason": ClosedReason.NOT_OPEN if state is CellState.CLOSED else None,
        "closed_text": "fermé ce jour-là" if state is CellState.CLOSED else None,
        "places_left": 5,
        "capacity": 120,
        "booking_deadline": datetime(day.year, day.month, day.day, 12, 0, tzinfo=PARIS),
        "cancellation_deadline": datetime(day.year, day.month, day.day, 12, 0, tzinfo=PARIS),
        "price": Decimal("3.20"),
        "arrival": None,
        "departure": None,
        "pending": None,
        "pending_arrival": None,
        "pending_departure": None,
        "allowed": None,
    }
    values.update(changes)
    return ActivityCell(**values)


def month(activity_id: int | None = MEALS, year: int = 2026, number: int = 12,
          states: dict[date, CellState] | None = None) -> MonthView:
    """A month of RESTAURATION: school days AVAILABLE, other days CLOSED (or `states`)."""
    states = states or {}
    cells = []
    for day in grid_days(year, number):
        default = CellState.AVAILABLE if day.weekday() in (0, 1, 3, 4) else CellState.CLOSED
        item = activity(states.get(day, default), day)
        cells.append(DayCell(
            day=day, in_month=day.month == number, is_today=day == TODAY, is_past=day < TODAY,
            activity_state=item.state if activity_id is not None else None,
            day_state=None if activity_id is not None else (
                DayState.OPEN if item.state is CellState.AVAILABLE else DayState.NONE_OPEN),
            activities=(item,),
        ))
    return MonthView(CHILD, activity_id, year, number, TODAY,
                     (ActivityChoice(MEALS, "RESTAURATION", "#f18f01", False),), tuple(cells))


def with_cell(view: MonthView, day: date, **changes) -> MonthView:
    cells = tuple(
        replace(c, activities=(replace(c.activities[0], **changes),)) if c.day == day else c
        for c in view.cells
    )
    return replace(view, cells=cells)


def recap_line(index: int, outcome: Outcome, kind: LineKind = LineKind.BOOK, **changes) -> RecapLine:
    values = {
        "index": index, "kind": kind, "child_id": CHILD, "child_name": "MARTIN Léa",
        "activity_id": MEALS, "activity_label": "RESTAURATION", "day": date(2026, 12, 7 + index),
        "arrival": None, "departure": None, "outcome": outcome, "reason": None,
        "price": Decimal("3.20"),
    }
    values.update(changes)
    return RecapLine(**values)


NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
