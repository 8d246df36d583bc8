"""The booking window in the month view and the recap: a day outside it is CLOSED with the
instant families may book it from, said in French ("réservations ouvertes à partir du ...",
"réservable à partir du ..."), and a booking refused for it says the same."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from famdesk.models import Activity, Movement
from famdesk.services.booking import confirm, preview
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.month import month_view
from famdesk.services.planning import Outcome
from famdesk.services.states import CellState, ClosedReason
from tests.integration.town import build_town

PARIS = ZoneInfo("Europe/Paris")
# the clock: Monday 14 September 2026, 10:00 in Paris; ALSH closes the Thursday before at 12:00
OPENS_AT = datetime(2026, 9, 21, 6, 0, tzinfo=UTC)  # Monday 21 September, 08:00 in Paris


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    yield town
    town.ctx.close()


def set_window(town, opens_at: datetime | None = None, horizon_days: int | None = None) -> None:
    with town.uow(write=True) as uow:
        uow.session.execute(update(Activity).where(Activity.id == town.alsh).values(
            booking_opens_at=opens_at, booking_horizon_days=horizon_days))
        uow.commit()


def alsh_cell(town, day: date):  # type: ignore[no-untyped-def]
    with town.uow() as uow:
        view = month_view(uow, town.clock, town.martin, town.lea, day.year, day.month, town.alsh)
    found = next(c for c in view.cells if c.day == day).cell
    assert found is not None
    return found


def test_a_day_before_the_opening_says_when_bookings_open(town):
    set_window(town, opens_at=OPENS_AT)
    wednesday = alsh_cell(town, date(2026, 9, 30))  # its deadline: Thursday 24 September 12:00
    assert (wednesday.state, wednesday.closed_reason) == (CellState.CLOSED, ClosedReason.NOT_OPEN_YET)
    assert wednesday.bookable_from == datetime(2026, 9, 21, 8, 0, tzinfo=PARIS)
    assert wednesday.closed_text == "réservations ouvertes à partir du lundi 21 septembre 2026 à 08:00"
    # once open, the day can be booked
    town.clock.set(OPENS_AT)
    opened = alsh_cell(town, date(2026, 9, 30))
    assert (opened.state, opened.bookable_from, opened.closed_text) == (CellState.AVAILABLE, None, None)


def test_a_day_whose_deadline_comes_before_the_opening_gives_no_date(town):
    set_window(town, opens_at=OPENS_AT)
    wednesday = alsh_cell(town, date(2026, 9, 23))  # closes Thursday 17 September, before the opening
    assert wednesday.closed_reason is ClosedReason.NOT_OPEN_YET
    assert (wednesday.bookable_from, wednesday.closed_text) == (None, "réservations pas encore ouvertes")


def test_a_day_beyond_the_horizon_says_from_which_date_it_can_be_booked(town):
    set_window(town, horizon_days=20)  # up to Sunday 4 October
    assert alsh_cell(town, date(2026, 9, 30)).state is CellState.AVAILABLE
    october = alsh_cell(town, date(2026, 10, 7))
    assert (october.state, october.closed_reason) == (CellState.CLOSED, ClosedReason.BEYOND_HORIZON)
    assert october.bookable_from == datetime(2026, 9, 17, 0, 0, tzinfo=PARIS)
    assert october.closed_text == "réservable à partir du jeudi 17 septembre 2026"
    # a horizon shorter than the deadline's lead: the day never opens to families
    set_window(town, horizon_days=3)
    never = alsh_cell(town, date(2026, 9, 30))
    assert never.closed_reason is ClosedReason.BEYOND_HORIZON
    assert (never.bookable_from, never.closed_text) == (None, "trop loin pour réserver")


def test_the_later_of_the_opening_and_the_horizon_counts(town):
    set_window(town, opens_at=OPENS_AT, horizon_days=20)
    cell = alsh_cell(town, date(2026, 10, 14))  # the horizon reaches it on Thursday 24 September
    assert cell.closed_reason is ClosedReason.NOT_OPEN_YET
    assert cell.bookable_from == datetime(2026, 9, 24, 0, 0, tzinfo=PARIS)
    assert cell.closed_text == "réservable à partir du jeudi 24 septembre 2026"


def test_the_recap_and_the_confirm_refuse_with_the_date(town):
    set_window(town, opens_at=OPENS_AT, horizon_days=20)
    draft = Draft((DraftLine(LineKind.BOOK, town.lea, town.alsh, date(2026, 9, 30)),
                   DraftLine(LineKind.BOOK, town.tom, town.alsh, date(2026, 10, 14))))
    with town.uow() as uow:
        recap = preview(uow, town.clock, town.martin, draft)
    assert [(line.outcome, line.reason) for line in recap.bookings] == [
        (Outcome.REFUSED, "réservations ouvertes à partir du lundi 21 septembre 2026 à 08:00"),
        (Outcome.REFUSED, "réservable à partir du jeudi 24 septembre 2026"),
    ]
    with town.uow(write=True) as uow:
        result = confirm(uow, town.clock, town.martin, draft, uuid.uuid4().hex)
    assert [line.reason for line in result.recap.lines] == [line.reason for line in recap.bookings]
    with town.uow() as uow:
        remarks = uow.session.scalars(select(Movement.remark).order_by(Movement.id)).all()
    assert remarks == [line.reason for line in recap.bookings]
