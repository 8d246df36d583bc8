"""Cell states (one child, one activity, one day) and day states (all of a child's activities).

Pure functions: the month view gathers the facts, these decide what the calendar shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from famdesk.models.enums import ReservationStatus


class CellState(StrEnum):
    CLOSED = "closed"
    FULL = "full"
    AVAILABLE = "available"
    WAITLIST_OPEN = "waitlist_open"
    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    BOOKED_LOCKED = "booked_locked"
    WAITLISTED_LOCKED = "waitlisted_locked"


class DayState(StrEnum):
    NONE_OPEN = "none_open"
    ALL_FULL = "all_full"
    OPEN = "open"
    OPEN_WAITLIST = "open_waitlist"
    BOOKED = "booked"
    BOOKED_WAITLIST = "booked_waitlist"
    LOCKED = "locked"
    LOCKED_WAITLIST = "locked_waitlist"


class ClosedReason(StrEnum):
    NOT_OPEN = "not_open"
    NOT_REGISTERED = "not_registered"
    PAST = "past"
    NOT_OPEN_YET = "not_open_yet"
    BEYOND_HORIZON = "beyond_horizon"
    DEADLINE_PASSED = "deadline_passed"


HELD = frozenset(
    {CellState.BOOKED, CellState.WAITLISTED, CellState.BOOKED_LOCKED, CellState.WAITLISTED_LOCKED}
)
BOOKABLE = frozenset({CellState.AVAILABLE, CellState.WAITLIST_OPEN})
CANCELLABLE = frozenset({CellState.BOOKED, CellState.WAITLISTED})
WAITLIST = frozenset({CellState.WAITLISTED, CellState.WAITLISTED_LOCKED, CellState.WAITLIST_OPEN})


@dataclass(frozen=True)
class Capacity:
    capacity: int | None
    waitlist_size: int | None
    booked: int
    waitlisted: int

    @property
    def places_left(self) -> int | None:
        """0 while anyone waits (a late free place is not for newcomers), even on an unlimited
        day; else None when unlimited."""
        if self.waitlisted > 0:
            return 0
        if self.capacity is None:
            return None
        return max(self.capacity - self.booked, 0)

    @property
    def waitlist_room(self) -> bool:
        return self.waitlist_size is None or self.waitlisted < self.waitlist_size


def cell_state(
    held: ReservationStatus | None,
    cancel_deadline_passed: bool,
    closed_reason: ClosedReason | None,
    capacity: Capacity | None,
) -> CellState:
    """A held reservation wins; otherwise a closed day; otherwise places decide."""
    if held is ReservationStatus.BOOKED:
        return CellState.BOOKED_LOCKED if cancel_deadline_passed else CellState.BOOKED
    if held is ReservationStatus.WAITLISTED:
        return CellState.WAITLISTED_LOCKED if cancel_deadline_passed else CellState.WAITLISTED
    if closed_reason is not None or capacity is None:
        return CellState.CLOSED
    left = capacity.places_left
    if left is None or left > 0:
        return CellState.AVAILABLE
    return CellState.WAITLIST_OPEN if capacity.waitlist_room else CellState.FULL


def day_state(cells: Iterable[CellState]) -> DayState:
    """The day's state over the child's activities (design.md section 4)."""
    states = set(cells)
    if not states & HELD:
        if CellState.WAITLIST_OPEN in states:
            return DayState.OPEN_WAITLIST
        if CellState.AVAILABLE in states:
            return DayState.OPEN
        if CellState.FULL in states:
            return DayState.ALL_FULL
        return DayState.NONE_OPEN
    changeable = bool(states & (CANCELLABLE | BOOKABLE))
    waiting = bool(states & WAITLIST)
    if changeable:
        return DayState.BOOKED_WAITLIST if waiting else DayState.BOOKED
    return DayState.LOCKED_WAITLIST if waiting else DayState.LOCKED
