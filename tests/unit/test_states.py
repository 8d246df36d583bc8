from itertools import combinations_with_replacement

import pytest

from famdesk.models.enums import ReservationStatus
from famdesk.services.states import (
    BOOKABLE,
    CANCELLABLE,
    HELD,
    Capacity,
    CellState,
    ClosedReason,
    DayState,
    cell_state,
    day_state,
)

DAY_STATE_RULES = {
    # the design's table, written as predicates over the set of cell states
    DayState.NONE_OPEN: lambda s: not s & HELD and not s & BOOKABLE and CellState.FULL not in s,
    DayState.ALL_FULL: lambda s: not s & HELD and not s & BOOKABLE and CellState.FULL in s,
    DayState.OPEN: lambda s: not s & HELD and CellState.AVAILABLE in s and CellState.WAITLIST_OPEN not in s,
    DayState.OPEN_WAITLIST: lambda s: not s & HELD and CellState.WAITLIST_OPEN in s,
    DayState.BOOKED: lambda s: bool(s & HELD) and bool(s & (CANCELLABLE | BOOKABLE)) and not _waiting(s),
    DayState.BOOKED_WAITLIST: lambda s: bool(s & HELD) and bool(s & (CANCELLABLE | BOOKABLE)) and _waiting(s),
    DayState.LOCKED: lambda s: bool(s & HELD) and not s & (CANCELLABLE | BOOKABLE) and CellState.WAITLISTED_LOCKED not in s,
    DayState.LOCKED_WAITLIST: lambda s: bool(s & HELD) and not s & (CANCELLABLE | BOOKABLE) and CellState.WAITLISTED_LOCKED in s,
}


def _waiting(states):
    return bool(states & {CellState.WAITLISTED, CellState.WAITLISTED_LOCKED, CellState.WAITLIST_OPEN})


@pytest.mark.parametrize("size", range(0, 5))
def test_every_combination_maps_to_exactly_one_day_state(size):
    seen = set()
    for combo in combinations_with_replacement(list(CellState), size):
        states = set(combo)
        matching = [day for day, rule in DAY_STATE_RULES.items() if rule(states)]
        assert len(matching) == 1, (combo, matching)
        assert day_state(combo) == matching[0], combo
        seen.add(matching[0])
    if size >= 2:
        assert seen == set(DayState)


@pytest.mark.parametrize(
    ("held", "late", "reason", "capacity", "expected"),
    [
        (ReservationStatus.BOOKED, False, None, None, CellState.BOOKED),
        (ReservationStatus.BOOKED, True, ClosedReason.DEADLINE_PASSED, None, CellState.BOOKED_LOCKED),
        (ReservationStatus.WAITLISTED, False, None, None, CellState.WAITLISTED),
        (ReservationStatus.WAITLISTED, True, None, None, CellState.WAITLISTED_LOCKED),
        (None, False, ClosedReason.NOT_OPEN, None, CellState.CLOSED),
        (None, False, ClosedReason.DEADLINE_PASSED, Capacity(10, 2, 0, 0), CellState.CLOSED),
        (None, False, None, Capacity(None, None, 300, 0), CellState.AVAILABLE),
        (None, False, None, Capacity(12, 4, 11, 0), CellState.AVAILABLE),
        (None, False, None, Capacity(12, 4, 12, 0), CellState.WAITLIST_OPEN),
        # a place freed while people wait is not offered to newcomers
        (None, False, None, Capacity(12, 4, 11, 2), CellState.WAITLIST_OPEN),
        (None, False, None, Capacity(12, 4, 12, 4), CellState.FULL),
        (None, False, None, Capacity(12, 0, 12, 0), CellState.FULL),
        (None, False, None, Capacity(12, None, 12, 50), CellState.WAITLIST_OPEN),
        (None, False, None, Capacity(None, None, 30, 2), CellState.WAITLIST_OPEN),
    ],
)
def test_cell_state(held, late, reason, capacity, expected):
    assert cell_state(held, late, reason, capacity) == expected


def test_places_left_is_zero_while_anyone_waits():
    assert Capacity(12, 4, 10, 1).places_left == 0
    assert Capacity(12, 4, 10, 0).places_left == 2
    assert Capacity(None, None, 10, 0).places_left is None
    assert Capacity(None, None, 10, 1).places_left == 0  # unlimited, but someone waits
