"""The draft: what the family's clicks ask for, before anything is saved. A pure value.

A click is two-state (not booked <-> pending book; booked <-> pending cancel). Quick toggles
(a week row, a weekday column, the whole month) act on the days given, in date order: the
first actionable day decides whether the range is booked or unbooked. Locked and closed days
are never touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, time
from enum import StrEnum

from famdesk.services.states import BOOKABLE, CANCELLABLE, HELD, CellState


class LineKind(StrEnum):
    BOOK = "book"
    CANCEL = "cancel"
    CHANGE_TIMES = "change_times"


LineKey = tuple[int, int, date]  # (child, activity, day)


@dataclass(frozen=True)
class DraftLine:
    kind: LineKind
    child_id: int
    activity_id: int
    day: date
    arrival: time | None = None
    departure: time | None = None

    @property
    def key(self) -> LineKey:
        return (self.child_id, self.activity_id, self.day)


@dataclass(frozen=True)
class Draft:
    lines: tuple[DraftLine, ...] = ()

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.lines)

    def line(self, key: LineKey) -> DraftLine | None:
        for line in self.lines:
            if line.key == key:
                return line
        return None

    def put(self, line: DraftLine) -> Draft:
        """Add `line`, replacing the line of the same day in place (draft order kept)."""
        for index, existing in enumerate(self.lines):
            if existing.key == line.key:
                return Draft(self.lines[:index] + (line,) + self.lines[index + 1 :])
        return Draft(self.lines + (line,))

    def drop(self, key: LineKey) -> Draft:
        return Draft(tuple(line for line in self.lines if line.key != key))


@dataclass(frozen=True)
class AllowedTimes:
    """The arrival and departure times a time-entry activity allows on one weekday."""

    arrivals: tuple[time, ...]
    departures: tuple[time, ...]

    def allows(self, arrival: time | None, departure: time | None) -> bool:
        return arrival in self.arrivals and departure in self.departures and arrival < departure


@dataclass(frozen=True)
class Slot:
    """What a toggle needs to know of one cell: its key and its state in the database."""

    child_id: int
    activity_id: int
    day: date
    state: CellState
    allowed: AllowedTimes | None = None
    """None for an activity without time entry."""

    @property
    def key(self) -> LineKey:
        return (self.child_id, self.activity_id, self.day)

    @property
    def held(self) -> bool:
        return self.state in HELD


@dataclass(frozen=True)
class ToggleResult:
    draft: Draft
    skipped: tuple[date, ...] = field(default=())
    """Days left alone because their allowed times differ from the ones chosen."""


def booked_through(draft: Draft, slot: Slot) -> bool:
    """Booked or waitlisted without a pending cancel, or a pending book."""
    line = draft.line(slot.key)
    if slot.held:
        return line is None or line.kind is not LineKind.CANCEL
    return line is not None and line.kind is LineKind.BOOK


def actionable(slot: Slot) -> bool:
    return slot.state in CANCELLABLE if slot.held else slot.state in BOOKABLE


def toggle_day(draft: Draft, slot: Slot, times: tuple[time, time] | None = None) -> ToggleResult:
    """One click on one day."""
    return toggle_range(draft, [slot], times)


def toggle_range(
    draft: Draft, slots: Sequence[Slot], times: tuple[time, time] | None = None
) -> ToggleResult:
    """A quick toggle over `slots` (the displayed month's days, in date order)."""
    ordered = sorted((s for s in slots if actionable(s)), key=lambda s: s.day)
    if not ordered:
        return ToggleResult(draft)
    if booked_through(draft, ordered[0]):
        return ToggleResult(_unbook(draft, ordered))
    return _book(draft, ordered, times)


def _unbook(draft: Draft, slots: Iterable[Slot]) -> Draft:
    for slot in slots:
        if not booked_through(draft, slot):
            continue
        if slot.held:
            draft = draft.put(DraftLine(LineKind.CANCEL, *slot.key))
        else:
            draft = draft.drop(slot.key)
    return draft


def _book(draft: Draft, slots: Iterable[Slot], times: tuple[time, time] | None) -> ToggleResult:
    skipped: list[date] = []
    for slot in slots:
        if booked_through(draft, slot):
            continue
        if slot.held:  # a pending cancel: the click takes it back
            draft = draft.drop(slot.key)
            continue
        arrival, departure = times if times is not None else (None, None)
        if slot.allowed is not None and not slot.allowed.allows(arrival, departure):
            skipped.append(slot.day)
            continue
        draft = draft.put(DraftLine(LineKind.BOOK, *slot.key, arrival, departure))
    return ToggleResult(draft, tuple(skipped))


def change_times(draft: Draft, slot: Slot, arrival: time, departure: time) -> Draft:
    """New times for a booked day (a change-of-times line) or for a pending book."""
    if slot.allowed is not None and not slot.allowed.allows(arrival, departure):
        raise ValueError("times not allowed on that day")
    line = draft.line(slot.key)
    if line is not None and line.kind is LineKind.BOOK:
        return draft.put(replace(line, arrival=arrival, departure=departure))
    if slot.held and slot.state in CANCELLABLE:
        return draft.put(DraftLine(LineKind.CHANGE_TIMES, *slot.key, arrival, departure))
    raise ValueError("only a booked, still changeable day can get new times")
