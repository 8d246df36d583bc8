from datetime import date, time, timedelta

import pytest

from famdesk.services.draft import (
    AllowedTimes,
    Draft,
    LineKind,
    Slot,
    change_times,
    toggle_day,
    toggle_range,
)
from famdesk.services.states import CellState as S

MONDAY = date(2026, 10, 5)


def week(*states, allowed=None):
    return [Slot(1, 7, MONDAY + timedelta(days=i), state, allowed) for i, state in enumerate(states)]


def kinds(draft):
    return {line.day: line.kind for line in draft}


def test_a_click_is_two_state():
    free, booked = week(S.AVAILABLE, S.BOOKED)
    draft = toggle_day(Draft(), free).draft
    assert kinds(draft) == {free.day: LineKind.BOOK}
    assert len(toggle_day(draft, free).draft) == 0
    draft = toggle_day(Draft(), booked).draft
    assert kinds(draft) == {booked.day: LineKind.CANCEL}
    assert len(toggle_day(draft, booked).draft) == 0


@pytest.mark.parametrize("state", [S.CLOSED, S.FULL, S.BOOKED_LOCKED, S.WAITLISTED_LOCKED])
def test_locked_and_closed_days_are_never_touched(state):
    (slot,) = week(state)
    assert len(toggle_day(Draft(), slot).draft) == 0


def test_range_books_when_the_first_actionable_day_is_free():
    slots = week(S.CLOSED, S.AVAILABLE, S.BOOKED, S.WAITLIST_OPEN, S.FULL)
    draft = toggle_range(Draft(), slots).draft
    assert kinds(draft) == {slots[1].day: LineKind.BOOK, slots[3].day: LineKind.BOOK}


def test_range_unbooks_when_the_first_actionable_day_is_booked():
    slots = week(S.BOOKED_LOCKED, S.WAITLISTED, S.AVAILABLE, S.BOOKED)
    draft = toggle_range(Draft(), slots).draft
    assert kinds(draft) == {slots[1].day: LineKind.CANCEL, slots[3].day: LineKind.CANCEL}


def test_range_is_seen_through_the_draft():
    slots = week(S.AVAILABLE, S.AVAILABLE, S.BOOKED)
    draft = toggle_day(Draft(), slots[0]).draft  # first day now pending book
    draft = toggle_range(draft, slots).draft  # so the range unbooks: drop the book, cancel the booked
    assert kinds(draft) == {slots[2].day: LineKind.CANCEL}
    draft = toggle_range(draft, slots).draft  # first actionable no longer booked: book all
    assert kinds(draft) == {slots[0].day: LineKind.BOOK, slots[1].day: LineKind.BOOK}


def test_range_in_date_order_whatever_the_order_given():
    slots = week(S.BOOKED, S.AVAILABLE)
    assert kinds(toggle_range(Draft(), list(reversed(slots))).draft) == {slots[0].day: LineKind.CANCEL}


APS = AllowedTimes((time(7, 0), time(7, 30), time(8, 0)), (time(8, 20),))
FRIDAY_ONLY_LATE = AllowedTimes((time(8, 0),), (time(8, 20),))


def test_time_entry_takes_allowed_times_and_lists_days_that_differ():
    slots = week(S.AVAILABLE, S.AVAILABLE, allowed=APS)
    slots.append(Slot(1, 7, MONDAY + timedelta(days=4), S.AVAILABLE, FRIDAY_ONLY_LATE))
    result = toggle_range(Draft(), slots, (time(7, 0), time(8, 20)))
    assert [line.arrival for line in result.draft] == [time(7, 0), time(7, 0)]
    assert result.skipped == (slots[2].day,)


def test_time_entry_without_times_books_nothing():
    slots = week(S.AVAILABLE, allowed=APS)
    result = toggle_range(Draft(), slots)
    assert len(result.draft) == 0 and result.skipped == (slots[0].day,)


def test_new_times_on_a_booked_day_make_a_change_line():
    (booked,) = week(S.BOOKED, allowed=APS)
    draft = change_times(Draft(), booked, time(7, 30), time(8, 20))
    (line,) = draft
    assert line.kind is LineKind.CHANGE_TIMES and line.arrival == time(7, 30)
    with pytest.raises(ValueError):
        change_times(Draft(), booked, time(6, 0), time(8, 20))


def test_lines_keep_draft_order_when_replaced():
    a, b = week(S.AVAILABLE, S.AVAILABLE, allowed=APS)
    draft = toggle_day(Draft(), a, (time(7, 0), time(8, 20))).draft
    draft = toggle_day(draft, b, (time(7, 0), time(8, 20))).draft
    draft = change_times(draft, a, time(8, 0), time(8, 20))
    assert [line.day for line in draft] == [a.day, b.day]
    assert draft.lines[0].arrival == time(8, 0) and draft.lines[0].kind is LineKind.BOOK
