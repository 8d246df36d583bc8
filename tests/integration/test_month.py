"""The month calendar from the engine: 42 cells, states, deadlines, prices, draft overlay."""

from __future__ import annotations

import uuid
from datetime import date, time
from decimal import Decimal

import pytest
from sqlalchemy import event

from famdesk.errors import NotAuthorizedError, NotFoundError, ValidationError
from famdesk.services.booking import confirm
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.month import month_view
from famdesk.services.states import CellState, ClosedReason, DayState
from tests.integration.town import build_town

WED = date(2026, 9, 30)


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    yield town
    town.ctx.close()


def view(town, session, child, year=2026, month=9, activity=None, draft=None):
    with town.uow() as uow:
        return month_view(uow, town.clock, session, child, year, month, activity, draft)


def cell(month, day):
    return next(c for c in month.cells if c.day == day)


def test_the_grid_has_42_days_from_the_monday_before_the_first(town):
    month = view(town, town.martin, town.lea, activity=town.alsh)
    assert len(month.cells) == 42
    assert month.cells[0].day == date(2026, 8, 31)
    assert [c.in_month for c in month.cells].count(True) == 30
    assert cell(month, date(2026, 9, 14)).is_today
    assert cell(month, date(2026, 9, 11)).is_past


def test_activity_states_reasons_deadlines_and_prices(town):
    month = view(town, town.martin, town.lea, activity=town.alsh)
    wednesday = cell(month, WED).cell
    assert wednesday.state is CellState.AVAILABLE and wednesday.places_left == 2
    assert wednesday.price == Decimal("6.00")
    assert wednesday.booking_deadline.isoformat() == "2026-09-24T12:00:00+02:00"
    assert cell(month, date(2026, 9, 29)).cell.closed_reason is ClosedReason.NOT_OPEN
    # Wednesday 16: its deadline (Thursday 10 September 12:00) is gone
    assert cell(month, date(2026, 9, 16)).cell.closed_reason is ClosedReason.DEADLINE_PASSED
    assert cell(month, date(2026, 9, 9)).cell.closed_reason is ClosedReason.PAST


def test_states_follow_the_bookings_of_others_and_the_draft(town):
    with town.uow(write=True) as uow:
        confirm(uow, town.clock, town.dubois,
                Draft((DraftLine(LineKind.BOOK, town.zoe, town.alsh, WED),)), uuid.uuid4().hex)
    with town.uow(write=True) as uow:
        confirm(uow, town.clock, town.martin,
                Draft((DraftLine(LineKind.BOOK, town.tom, town.alsh, WED),)), uuid.uuid4().hex)
    lea = cell(view(town, town.martin, town.lea, activity=town.alsh), WED).cell
    assert lea.state is CellState.WAITLIST_OPEN and lea.places_left == 0
    tom = cell(view(town, town.martin, town.tom, activity=town.alsh), WED).cell
    assert tom.state is CellState.BOOKED
    draft = Draft((DraftLine(LineKind.CANCEL, town.tom, town.alsh, WED),))
    assert cell(view(town, town.martin, town.tom, activity=town.alsh, draft=draft), WED).cell.pending is LineKind.CANCEL


def test_day_mode_combines_the_activities(town):
    month = view(town, town.martin, town.lea)
    assert [a.label for a in month.activities] == ["APS MATIN", "ALSH MERCREDI"]
    assert cell(month, WED).day_state is DayState.OPEN
    assert cell(month, date(2026, 9, 19)).day_state is DayState.NONE_OPEN  # a Saturday
    with town.uow(write=True) as uow:
        confirm(uow, town.clock, town.martin, Draft((
            DraftLine(LineKind.BOOK, town.lea, town.aps, date(2026, 10, 1), time(7, 0), time(8, 20)),
        )), uuid.uuid4().hex)
    booked = cell(view(town, town.martin, town.lea, month=10), date(2026, 10, 1))
    assert booked.day_state is DayState.BOOKED
    assert booked.activities[0].arrival == time(7, 0) and booked.activities[0].price == Decimal("2.40")


def test_a_fixed_small_number_of_queries_per_month(town):
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(town.ctx.db.engine, "before_cursor_execute", count)
    try:
        view(town, town.martin, town.lea, month=9)
        first = len(statements)
        statements.clear()
        view(town, town.martin, town.lea, month=10)
        assert len(statements) == first <= 12
    finally:
        event.remove(town.ctx.db.engine, "before_cursor_execute", count)


def test_access_and_bad_requests(town):
    with pytest.raises(NotAuthorizedError):
        view(town, town.dubois, town.lea)
    with pytest.raises(NotFoundError):
        view(town, town.martin, 4242)
    with pytest.raises(NotFoundError):
        view(town, town.martin, town.lea, activity=town.other_activity)
    with pytest.raises(ValidationError):
        view(town, town.martin, town.lea, month=13)
    assert view(town, town.staff, town.lea).child_id == town.lea


def test_a_pending_change_of_times_shows_the_new_price(town):
    thursday = date(2026, 10, 1)
    with town.uow(write=True) as uow:
        confirm(uow, town.clock, town.martin, Draft((
            DraftLine(LineKind.BOOK, town.lea, town.aps, thursday, time(7, 0), time(8, 20)),
        )), uuid.uuid4().hex)
    draft = Draft((DraftLine(LineKind.CHANGE_TIMES, town.lea, town.aps, thursday, time(8, 0), time(8, 20)),))
    changed = cell(view(town, town.martin, town.lea, month=10, activity=town.aps, draft=draft), thursday).cell
    assert changed.pending is LineKind.CHANGE_TIMES and changed.price == Decimal("0.80")
    assert changed.arrival == time(7, 0)  # the booked times, beside the pending ones
