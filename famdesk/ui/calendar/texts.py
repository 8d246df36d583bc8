"""What the calendar says in words: the legend, each cell's tooltip and accessible name, the
deadlines, places, prices and allowed times. Plain functions of the DTOs (no Qt)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Literal

from babel.dates import format_date, format_datetime, get_day_names

from famdesk.i18n import N_, _, ngettext
from famdesk.services.draft import AllowedTimes, LineKind
from famdesk.services.formatting import LOCALE, money
from famdesk.services.month import ActivityCell, DayCell
from famdesk.services.states import BOOKABLE, CANCELLABLE, HELD, CellState, ClosedReason, DayState

# The glossary's legend wording (translated where shown)
CELL_LEGEND = {
    CellState.CLOSED: N_("Closed, or too late to book"),
    CellState.FULL: N_("Full, waiting list included"),
    CellState.AVAILABLE: N_("Open: N place(s) left (the number only when places are limited)"),
    CellState.WAITLIST_OPEN: N_("Full: you may join the waiting list"),
    CellState.BOOKED: N_("Booked, can still be cancelled"),
    CellState.WAITLISTED: N_("On the waiting list, can still be cancelled"),
    CellState.BOOKED_LOCKED: N_("Booked, too late to cancel"),
    CellState.WAITLISTED_LOCKED: N_("On the waiting list, too late to cancel"),
}
DAY_LEGEND = {
    DayState.NONE_OPEN: N_("No activity open, or too late"),
    DayState.ALL_FULL: N_("Every activity is full"),
    DayState.OPEN: N_("At least one activity open, none booked"),
    DayState.OPEN_WAITLIST: N_(
        "Activities open, at least one of them with a waiting list; none booked"
    ),
    DayState.BOOKED: N_("At least one activity booked; other changes possible"),
    DayState.BOOKED_WAITLIST: N_(
        "At least one activity booked; changes possible; a waiting list involved"
    ),
    DayState.LOCKED: N_("Booked, too late to cancel; nothing left to book that day"),
    DayState.LOCKED_WAITLIST: N_("As above, at least one of them on a waiting list"),
}
PENDING_LEGEND = {
    LineKind.BOOK: N_("Booking asked (not confirmed yet)"),
    LineKind.CANCEL: N_("Cancellation asked (not confirmed yet)"),
    LineKind.CHANGE_TIMES: N_("New times asked (not confirmed yet)"),
}
_CELL_STATE = {
    CellState.CLOSED: N_("closed"),
    CellState.FULL: N_("full, waiting list included"),
    CellState.AVAILABLE: N_("open"),
    CellState.WAITLIST_OPEN: N_("full, the waiting list is open"),
    CellState.BOOKED: N_("booked"),
    CellState.WAITLISTED: N_("on the waiting list"),
    CellState.BOOKED_LOCKED: N_("booked, too late to cancel"),
    CellState.WAITLISTED_LOCKED: N_("on the waiting list, too late to cancel"),
}
OVERRIDABLE = frozenset({
    ClosedReason.DEADLINE_PASSED, ClosedReason.PAST, ClosedReason.NOT_OPEN_YET,
    ClosedReason.BEYOND_HORIZON,
})
"""Closed for a reason of time only: staff may pass it, with a reason (the service's
`pass_deadlines`)."""


def legend_text(state: CellState | DayState) -> str:
    return _(CELL_LEGEND[state] if isinstance(state, CellState) else DAY_LEGEND[state])


def pending_text(kind: LineKind) -> str:
    return _(PENDING_LEGEND[kind])


def state_text(cell: ActivityCell) -> str:
    """ "booked", "closed (booking deadline passed)"."""
    text = _(_CELL_STATE[cell.state])
    if cell.state is CellState.CLOSED and cell.closed_text:
        if cell.closed_reason is ClosedReason.NOT_OPEN:
            return cell.closed_text  # "closed that day" says it all
        return _("{state} ({reason})").format(state=text, reason=cell.closed_text)
    return text


# -- dates ---------------------------------------------------------------------------------


def day_title(day: date) -> str:
    """'mardi 1 décembre 2026'."""
    return format_date(day, "EEEE d MMMM y", locale=LOCALE)


def short_day_title(day: date) -> str:
    """'mardi 1 décembre'."""
    return format_date(day, "EEEE d MMMM", locale=LOCALE)


def month_title(year: int, month: int) -> str:
    """'Décembre 2026'."""
    text = format_date(date(year, month, 1), "LLLL y", locale=LOCALE)
    return text[:1].upper() + text[1:]


def weekday_name(weekday: int, width: Literal["wide", "abbreviated"] = "wide") -> str:
    """'lundi' (width 'abbreviated': 'lun.')."""
    return str(get_day_names(width, locale=LOCALE)[weekday])


def instant(when: datetime) -> str:
    """'14 décembre 12:00' in the instant's own time zone."""
    return format_datetime(when, "d MMMM HH:mm", tzinfo=when.tzinfo, locale=LOCALE)


def day_instant(when: datetime) -> str:
    """'jeudi 3 décembre à 12:00' in the instant's own time zone."""
    return _("{day} at {time}").format(day=short_day_title(when.date()), time=f"{when:%H:%M}")


def times_text(arrival: time | None, departure: time | None) -> str:
    if arrival is None or departure is None:
        return ""
    return f"{arrival:%H:%M}–{departure:%H:%M}"


# -- one cell ------------------------------------------------------------------------------


def places_text(cell: ActivityCell) -> str:
    """ "3 places left" on a limited day that can be booked; "" otherwise."""
    if cell.places_left is None or cell.state is CellState.CLOSED:
        return ""
    count = cell.places_left
    return ngettext("{count} place left", "{count} places left", count).format(count=count)


def _deadline(cell: ActivityCell) -> tuple[datetime, bool] | None:
    """The deadline that matters to the family on this cell, and whether it is still ahead:
    the cancellation deadline of a day held (ahead while cancellable); the booking deadline of
    a day that can be booked (ahead), or closed because it passed (behind). None for a day
    that no deadline would open anyway: closed for another reason, or FULL with nothing
    booked (there is nothing to book or cancel before any deadline)."""
    if cell.state in HELD:
        return cell.cancellation_deadline, cell.state in CANCELLABLE
    if cell.state in BOOKABLE:
        return cell.booking_deadline, True
    if cell.state is CellState.CLOSED and cell.closed_reason is ClosedReason.DEADLINE_PASSED:
        return cell.booking_deadline, False
    return None


def deadline_text(cell: ActivityCell) -> str:
    """ "can be changed until 14 December 12:00", "too late since ...", or "" (see
    `_deadline`: a full day, or closed for another reason than time)."""
    found = _deadline(cell)
    if found is None:
        return ""
    when, ahead = found
    if ahead:
        return _("can be changed until {when}").format(when=instant(when))
    return _("too late since {when}").format(when=instant(when))


def deadline_sentence(cell: ActivityCell) -> str:
    """The side panel's line for the day in focus: "Can be changed until Thursday 3 December
    at 12:00", "Too late since ...", or "" as `deadline_text`."""
    found = _deadline(cell)
    if found is None:
        return ""
    when, ahead = found
    if ahead:
        return _("Can be changed until {when}").format(when=day_instant(when))
    return _("Too late since {when}").format(when=day_instant(when))


def short_deadline_text(cell: ActivityCell) -> str:
    """ "until 03/12 12:00": the short form the cell draws, only while the day can still be
    changed (booked and cancellable, or open to booking); "" otherwise — a padlock, a hatch or
    the full glyph already says the rest, and the tooltip gives the date."""
    found = _deadline(cell)
    if found is None or not found[1]:
        return ""
    return _("until {when}").format(when=f"{found[0]:%d/%m %H:%M}")


def shown_times(cell: ActivityCell) -> tuple[time | None, time | None]:
    """The times the day will have: the pending ones, else the booked ones."""
    if cell.pending in (LineKind.BOOK, LineKind.CHANGE_TIMES):
        return cell.pending_arrival, cell.pending_departure
    return cell.arrival, cell.departure


def activity_facts(cell: ActivityCell) -> list[str]:
    """State, times, places, deadline, price and the pending request, in that order."""
    facts = [state_text(cell)]
    times = times_text(*shown_times(cell))
    if times:
        facts.append(times)
    for text in (places_text(cell), deadline_text(cell)):
        if text:
            facts.append(text)
    if cell.price is not None and cell.state is not CellState.CLOSED:
        facts.append(money(cell.price))
    if cell.pending is not None:
        facts.append(pending_text(cell.pending).lower())
    return facts


def cell_facts(cell: DayCell) -> list[str]:
    """What a cell tells, item by item: the date, then the state and its details."""
    facts = [short_day_title(cell.day)]
    activity = cell.cell
    if activity is not None:
        return [*facts, activity.label, *activity_facts(activity)]
    if cell.day_state is not None:
        facts.append(legend_text(cell.day_state))
    for item in cell.activities:
        facts.append(_("{activity}: {facts}").format(
            activity=item.label, facts=", ".join(activity_facts(item))))
    return facts


def tooltip(cell: DayCell) -> str:
    facts = cell_facts(cell)
    return "\n".join([facts[0][:1].upper() + facts[0][1:], *facts[1:]])


def accessible_name(cell: DayCell) -> str:
    """ "mardi 1 décembre, APS MATIN, booked, can be changed until ..., 2,40 €"."""
    return ", ".join(cell_facts(cell))


def closed_notice(cell: ActivityCell, day: date, *, staff: bool) -> str:
    """Why a click on this day changes nothing (or what staff must give to change it)."""
    title = short_day_title(day)
    title = title[:1].upper() + title[1:]
    if cell.state in HELD:
        reason = _("too late to cancel")
    else:
        reason = cell.closed_text or _(_CELL_STATE[cell.state])
    text = _("{day}: {reason}.").format(day=title, reason=reason)
    if cell.closed_reason in OVERRIDABLE or cell.state in HELD:
        if staff:
            return text + " " + _("Give a reason to change it anyway.")
        return text + " " + _("Only the front desk can still change this day.")
    return text


# -- the activity --------------------------------------------------------------------------


def allowed_times_lines(allowed: Iterable[tuple[int, AllowedTimes]]) -> list[str]:
    """ "07:00 or 07:30 or 08:00 to 08:20: lundi, mardi, jeudi, vendredi", one line per
    set of times, weekdays in order."""
    groups: dict[AllowedTimes, list[int]] = {}
    for weekday, times in allowed:
        if times.arrivals and times.departures:
            groups.setdefault(times, []).append(weekday)
    separator = _(" or ")
    lines = []
    for times, weekdays in sorted(groups.items(), key=lambda item: min(item[1])):
        lines.append(_("{arrivals} to {departures}: {weekdays}").format(
            arrivals=separator.join(f"{t:%H:%M}" for t in times.arrivals),
            departures=separator.join(f"{t:%H:%M}" for t in times.departures),
            weekdays=", ".join(weekday_name(w) for w in sorted(weekdays)),
        ))
    return lines


def hours_text(allowed: Sequence[tuple[int, AllowedTimes]]) -> str:
    """ "from 07:00 to 08:20": the earliest arrival to the latest departure."""
    arrivals = [t for _w, times in allowed for t in times.arrivals]
    departures = [t for _w, times in allowed for t in times.departures]
    if not arrivals or not departures:
        return ""
    return _("from {start} to {end}").format(start=f"{min(arrivals):%H:%M}",
                                             end=f"{max(departures):%H:%M}")
