"""From cells to the engine's toggles, and the draft laid over the cells (no Qt).

The draft is the panel's client-side value; these helpers build the engine's `Slot`s from the
cells shown (a staff member passing deadlines sees time-closed days as bookable and locked
days as cancellable — the service checks again with the reason), tell which way a toggle goes
(to know whether times must be asked first), and lay the draft over the cells at once, before
the service's next answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, time
from enum import Enum

from famdesk.services.draft import Draft, LineKind, Slot, actionable, booked_through, change_times
from famdesk.services.month import ActivityCell, DayCell
from famdesk.services.states import CellState
from famdesk.ui.calendar.texts import OVERRIDABLE

_UNLOCKED = {
    CellState.BOOKED_LOCKED: CellState.BOOKED,
    CellState.WAITLISTED_LOCKED: CellState.WAITLISTED,
}


class Direction(Enum):
    BOOK = "book"
    UNBOOK = "unbook"


def needs_override(cell: ActivityCell) -> bool:
    """Only passing a deadline (staff, with a reason) can change this day."""
    if cell.state in _UNLOCKED:
        return True
    return cell.state is CellState.CLOSED and cell.closed_reason in OVERRIDABLE


def effective_state(cell: ActivityCell, override: bool) -> CellState:
    """The state a toggle works on: the cell's, or (passing deadlines) the one it would have
    without them."""
    if not override:
        return cell.state
    if cell.state in _UNLOCKED:
        return _UNLOCKED[cell.state]
    if cell.state is CellState.CLOSED and cell.closed_reason in OVERRIDABLE:
        left = cell.places_left
        return CellState.AVAILABLE if left is None or left > 0 else CellState.WAITLIST_OPEN
    return cell.state


def slot_of(child_id: int, day: date, cell: ActivityCell, override: bool = False) -> Slot:
    return Slot(child_id, cell.activity_id, day, effective_state(cell, override), cell.allowed)


def month_slots(
    cells: Iterable[DayCell], child_id: int, override: bool, days: Iterable[date] | None = None
) -> list[tuple[Slot, ActivityCell]]:
    """The displayed month's days (activity mode), optionally only `days`, in date order."""
    wanted = set(days) if days is not None else None
    slots = []
    for cell in cells:
        activity = cell.cell
        if activity is None or not cell.in_month or (wanted is not None and cell.day not in wanted):
            continue
        slots.append((slot_of(child_id, cell.day, activity, override), activity))
    slots.sort(key=lambda pair: pair[0].day)
    return slots


def direction(draft: Draft, slots: Sequence[Slot]) -> Direction | None:
    """Which way `toggle_range` will go (None: nothing in the range can change)."""
    ordered = sorted((s for s in slots if actionable(s)), key=lambda s: s.day)
    if not ordered:
        return None
    return Direction.UNBOOK if booked_through(draft, ordered[0]) else Direction.BOOK


def needs_times(draft: Draft, slots: Sequence[Slot]) -> bool:
    """A booking toggle that books at least one day of a time-entry activity."""
    if direction(draft, slots) is not Direction.BOOK:
        return False
    return any(
        actionable(s) and not s.held and not booked_through(draft, s) and s.allowed is not None
        for s in slots
    )


def retime(
    draft: Draft, pairs: Sequence[tuple[Slot, ActivityCell]], arrival: time, departure: time
) -> tuple[Draft, tuple[date, ...]]:
    """New times for every booked day of the range (a change-of-times line, or the pending
    booking's times); returns the days whose allowed times refuse them."""
    skipped = []
    for slot, cell in pairs:
        if not actionable(slot) or not booked_through(draft, slot):
            continue
        if slot.allowed is not None and not slot.allowed.allows(arrival, departure):
            skipped.append(slot.day)
            continue
        if slot.held and (cell.arrival, cell.departure) == (arrival, departure):
            line = draft.line(slot.key)
            if line is not None and line.kind is LineKind.CHANGE_TIMES:
                draft = draft.drop(slot.key)  # back to the times booked
            continue
        draft = change_times(draft, slot, arrival, departure)
    return draft, tuple(skipped)


# -- the draft over the cells -----------------------------------------------------------------


def overlay_activity(child_id: int, day: date, cell: ActivityCell, draft: Draft) -> ActivityCell:
    line = draft.line((child_id, cell.activity_id, day))
    kind = line.kind if line is not None else None
    arrival = line.arrival if line is not None else None
    departure = line.departure if line is not None else None
    if (cell.pending, cell.pending_arrival, cell.pending_departure) == (kind, arrival, departure):
        return cell
    price = cell.price
    if cell.allowed is not None and cell.state not in _HELD_STATES:
        price = None  # priced on the times: the service's next answer tells
    return replace(cell, pending=kind, pending_arrival=arrival, pending_departure=departure,
                   price=price)


_HELD_STATES = frozenset({CellState.BOOKED, CellState.WAITLISTED, CellState.BOOKED_LOCKED,
                          CellState.WAITLISTED_LOCKED})


def overlay(cell: DayCell, child_id: int, draft: Draft) -> DayCell:
    """`cell` with the pending requests of `draft` (the same object when nothing changes)."""
    activities = tuple(overlay_activity(child_id, cell.day, a, draft) for a in cell.activities)
    if all(new is old for new, old in zip(activities, cell.activities, strict=True)):
        return cell
    return replace(cell, activities=activities)

