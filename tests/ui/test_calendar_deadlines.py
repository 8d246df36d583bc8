"""Until when a day can be changed, and from when it can be booked, where a family sees it
without hovering (a kiosk has no pointer): the side panel, the cell itself when it is large
enough, the tooltip, the accessible name and the day page; and a cancelled day's times in the
recap."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from sqlalchemy import update

from famdesk.models import Activity
from famdesk.services.states import CellState, ClosedReason
from famdesk.services.uow import UnitOfWork
from famdesk.ui.calendar.day_cell import paint_day_cell
from famdesk.ui.calendar.info import ActivityInfoWidget, deadline_line
from famdesk.ui.calendar.panel import BookingPanel
from famdesk.ui.calendar.texts import deadline_sentence, deadline_text, short_deadline_text
from famdesk.ui.models.roles import DayActivityRole
from famdesk.ui.theme import CALENDAR_LIGHT
from tests.ui.booking_helpers import click, click_day, show
from tests.ui.calendar_data import PARIS, activity, month
from tests.ui.factories import APS, FAMILY_LOGIN, FAMILY_PASSWORD, LEA, MEALS
from tests.ui.helpers import run

TUESDAY_8 = date(2026, 12, 8)
NOON_3 = datetime(2026, 12, 3, 12, 0, tzinfo=PARIS)


def day_cell(state: CellState, **changes):  # type: ignore[no-untyped-def]
    """Tuesday 8 December in `state`, its deadlines Thursday 3 December at noon."""
    cell = next(c for c in month().cells if c.day == TUESDAY_8)
    values = {"booking_deadline": NOON_3, "cancellation_deadline": NOON_3,
              "closed_reason": None, "closed_text": None, **changes}
    item = activity(state, TUESDAY_8, **values)
    return replace(cell, activity_state=item.state, activities=(item,))


# -- the words -------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "changes", "sentence", "short"), [
    (CellState.BOOKED, {}, "Modifiable jusqu'au jeudi 3 décembre à 12:00", "jusqu'au 03/12 12:00"),
    (CellState.WAITLISTED, {}, "Modifiable jusqu'au jeudi 3 décembre à 12:00", "jusqu'au 03/12 12:00"),
    (CellState.AVAILABLE, {}, "Modifiable jusqu'au jeudi 3 décembre à 12:00", "jusqu'au 03/12 12:00"),
    (CellState.WAITLIST_OPEN, {}, "Modifiable jusqu'au jeudi 3 décembre à 12:00", "jusqu'au 03/12 12:00"),
    (CellState.BOOKED_LOCKED, {}, "Hors délai depuis le jeudi 3 décembre à 12:00", ""),
    (CellState.WAITLISTED_LOCKED, {}, "Hors délai depuis le jeudi 3 décembre à 12:00", ""),
    (CellState.CLOSED, {"closed_reason": ClosedReason.DEADLINE_PASSED},
     "Hors délai depuis le jeudi 3 décembre à 12:00", ""),
    (CellState.FULL, {}, "", ""),  # nothing to book or cancel: no deadline to give
    (CellState.CLOSED, {"closed_reason": ClosedReason.NOT_OPEN}, "", ""),
    (CellState.CLOSED, {"closed_reason": ClosedReason.PAST}, "", ""),
])
def test_the_deadline_in_the_side_panel_and_in_the_cell(state, changes, sentence, short):
    cell = day_cell(state, **changes)
    assert deadline_sentence(cell.cell) == sentence
    assert deadline_line(cell) == sentence
    assert short_deadline_text(cell.cell) == short


def test_a_full_day_says_no_deadline_in_its_tooltip_either():
    assert deadline_text(day_cell(CellState.FULL).cell) == ""
    assert deadline_text(day_cell(CellState.AVAILABLE).cell) == "modifiable jusqu'au 3 décembre 12:00"


def test_outside_the_booking_window_the_panel_says_from_when():
    cell = day_cell(CellState.CLOSED, closed_reason=ClosedReason.BEYOND_HORIZON,
                    closed_text="réservable à partir du lundi 30 novembre 2026",
                    bookable_from=datetime(2026, 11, 30, tzinfo=PARIS))
    assert deadline_line(cell) == "Réservable à partir du lundi 30 novembre 2026"
    assert deadline_line(replace(cell, activity_state=None)) == ""  # every activity: no panel line


def test_the_info_widget_shows_the_line_only_when_there_is_one(qtbot):
    widget = ActivityInfoWidget()
    qtbot.addWidget(widget)
    widget.set_day(day_cell(CellState.BOOKED))
    assert widget.deadline_label.text() == "Modifiable jusqu'au jeudi 3 décembre à 12:00"
    assert not widget.deadline_label.isHidden()
    widget.set_day(day_cell(CellState.FULL))
    assert widget.deadline_label.isHidden()
    widget.set_day(day_cell(CellState.BOOKED))
    widget.set_info(None)  # the panel cleared: nothing of the last day stays
    assert widget.deadline_label.text() == "" and widget.places_label.text() == ""


# -- the cell --------------------------------------------------------------------------------


def render(cell, size: QSize) -> QImage:  # type: ignore[no-untyped-def]
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    paint_day_cell(painter, QRect(0, 0, size.width(), size.height()), cell, CALENDAR_LIGHT)
    painter.end()
    return image


def other_deadline(cell):  # type: ignore[no-untyped-def]
    later = NOON_3.replace(day=4, hour=18)
    item = replace(cell.cell, booking_deadline=later, cancellation_deadline=later)
    return replace(cell, activities=(item,))


LARGE, DEFAULT = QSize(140, 94), QSize(99, 70)


@pytest.mark.parametrize("state", [CellState.BOOKED, CellState.AVAILABLE, CellState.WAITLISTED])
def test_a_large_cell_draws_its_deadline_a_small_one_leaves_it_to_the_panel(qapp, state):
    cell = day_cell(state, arrival=time(7, 0), departure=time(8, 20))
    assert render(cell, LARGE) != render(other_deadline(cell), LARGE)
    assert render(cell, DEFAULT) == render(other_deadline(cell), DEFAULT)
    # too narrow for the text at a legible size
    assert render(cell, QSize(80, 94)) == render(other_deadline(cell), QSize(80, 94))


@pytest.mark.parametrize("state", [CellState.FULL, CellState.BOOKED_LOCKED, CellState.CLOSED])
def test_no_deadline_drawn_on_a_day_that_cannot_be_changed(qapp, state):
    cell = day_cell(state)
    assert render(cell, LARGE) == render(other_deadline(cell), LARGE)


def test_no_deadline_drawn_on_another_month_s_day(qapp):
    cell = replace(day_cell(CellState.AVAILABLE), in_month=False)
    assert render(cell, LARGE) == render(other_deadline(cell), LARGE)


# -- in the booking tab ----------------------------------------------------------------------


@pytest.fixture
def panel(qtbot, gateway, sync_runner, booked, portal):
    run(gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD))
    panel = BookingPanel(gateway, sync_runner)
    qtbot.addWidget(panel, before_close_func=BookingPanel.clear)
    panel.resize(1250, 800)
    panel.show()
    panel.set_structure(portal.town_id)
    panel.ensure_loaded()
    return panel


def test_the_side_panel_follows_the_day_in_focus(qtbot, panel):
    show(panel, LEA, APS)  # no deadline rule: a day can be changed until it starts
    panel.calendar.setCurrentIndex(panel.model.index_of(date(2026, 12, 1)))  # booked
    label = panel.info_widget.deadline_label
    assert label.text() == "Modifiable jusqu'au mardi 1 décembre à 00:00"
    assert label.isVisible()
    panel.calendar.setCurrentIndex(panel.model.index_of(TUESDAY_8))  # free
    assert label.text() == "Modifiable jusqu'au mardi 8 décembre à 00:00"
    panel.calendar.setCurrentIndex(panel.model.index_of(date(2026, 12, 5)))  # a Saturday: closed
    assert not label.isVisible()


def test_a_day_beyond_the_horizon_says_from_when_everywhere(qtbot, panel, portal_ctx, booked):
    # the clock: Saturday 28 November 2026; meals may be booked 10 days ahead
    with UnitOfWork(portal_ctx.db, write=True) as uow:
        uow.session.execute(update(Activity).where(Activity.id == booked.meals)
                            .values(booking_horizon_days=10))
        uow.commit()
    show(panel, LEA, MEALS)
    thursday = date(2026, 12, 10)
    index = panel.model.index_of(thursday)
    assert panel.model.cell_at(index).cell.state is CellState.CLOSED
    said = "réservable à partir du lundi 30 novembre 2026"
    assert f"fermé ({said})" in index.data(Qt.ItemDataRole.ToolTipRole).split("\n")
    assert f"fermé ({said})" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    panel.calendar.setCurrentIndex(index)
    assert panel.info_widget.deadline_label.text() == "Réservable à partir du lundi 30 novembre 2026"
    # the day page says it too
    show(panel, LEA, "Toutes les activités")
    click_day(qtbot, panel, thursday)
    page = panel.day_page
    rows = {page.model.index(r).data(): page.model.index(r).data(DayActivityRole.DETAILS)
            for r in range(page.model.rowCount())}
    assert rows[MEALS] == f"fermé ({said})"


def test_a_cancelled_day_keeps_its_times_in_the_recap(qtbot, panel):
    show(panel, LEA, APS)
    click_day(qtbot, panel, date(2026, 12, 1))  # booked 07:00-08:20
    click(qtbot, panel.times.dialog.cancel_booking_button)
    click(qtbot, panel.validate_button)
    recap = panel.recap_flow.recap_dialog
    row = [recap.cancellations_model.index(0, c).data() for c in (3, 4, 5)]
    assert row == ["Annulation", "07:00–08:20", "Annulée"]
    click(qtbot, recap.confirm_button)
    results = panel.recap_flow.results_dialog.model
    assert [results.index(0, c).data() for c in (3, 4, 5)] == ["Annulation", "07:00–08:20", "Annulée"]
