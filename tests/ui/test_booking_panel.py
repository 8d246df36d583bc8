"""The "Réservations" tab of a family, on a real SQLite file, through the gateway: quick
selection, recap, confirm, the waiting list, keyboard, Modifier / Abandonner / Annuler."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from famdesk.models import Reservation
from famdesk.services.draft import LineKind
from famdesk.services.states import CellState
from famdesk.services.uow import UnitOfWork
from famdesk.ui.calendar.panel import BookingPanel
from famdesk.ui.main_window import MainWindow
from tests.ui.booking_helpers import (
    choose,
    click,
    click_day,
    click_section,
    show,
    state,
    week_row,
)
from tests.ui.factories import FAMILY_LOGIN, FAMILY_PASSWORD, LEA, MEALS, TOM, TOWN
from tests.ui.helpers import run

WEEK = [date(2026, 12, d) for d in (7, 8, 10, 11)]  # Wednesday 9 is closed
WEDNESDAY = date(2026, 12, 9)


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


def statuses(ctx, child_id: int, activity_id: int) -> dict[date, str]:
    with UnitOfWork(ctx.db) as uow:
        rows = uow.session.execute(
            select(Reservation.day, Reservation.status).where(
                Reservation.child_id == child_id, Reservation.activity_id == activity_id,
                Reservation.status.in_(("booked", "waitlisted"))))
        return {day: str(status) for day, status in rows}


def test_the_tab_shows_the_family_children_and_their_activities(panel):
    children = [panel.child_combo.itemText(i) for i in range(panel.child_combo.count())]
    assert children == [LEA, TOM]
    activities = [panel.activity_combo.itemText(i) for i in range(panel.activity_combo.count())]
    assert activities == ["Toutes les activités", "APS MATIN", MEALS]
    assert panel.month_label.text() == "Novembre 2026"  # the clock's month
    assert panel.legend.texts()[0] == "Aucune activité ouverte, ou hors délai"  # day mode


def test_a_whole_week_booked_with_the_week_arrow_then_confirmed(qtbot, panel, portal_ctx, booked):
    show(panel, LEA, MEALS)
    assert [state(panel, d)[0] for d in WEEK] == [CellState.AVAILABLE] * 4
    assert panel.legend.texts()[4] == "Réservé, encore annulable"

    click_section(qtbot, panel.calendar.verticalHeader(), week_row(panel, WEEK[0]))

    assert [state(panel, d) for d in WEEK] == [(CellState.AVAILABLE, LineKind.BOOK)] * 4
    assert state(panel, WEDNESDAY) == (CellState.CLOSED, None)
    assert panel.draft_label.text() == "4 modifications en attente de validation"
    assert statuses(portal_ctx, booked.lea, booked.meals).keys() == {date(2026, 12, 1), date(2026, 12, 3)}

    click(qtbot, panel.validate_button)
    recap = panel.recap_flow.recap_dialog
    assert recap is not None and recap.isVisible()
    model = recap.bookings_model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
        "lun. 07/12/2026", "mar. 08/12/2026", "jeu. 10/12/2026", "ven. 11/12/2026"]
    assert {model.index(r, 5).data() for r in range(4)} == {"Acceptée"}
    assert recap.cancellations_model.rowCount() == 0
    assert recap.total_label.text() == "Total : 12,80\u00a0€"

    click(qtbot, recap.confirm_button)

    assert not recap.isVisible()
    results = panel.recap_flow.results_dialog
    assert results is not None and results.isVisible()
    assert results.summary_label.text() == "Enregistré : 4 acceptées."
    assert not results.warning_label.isVisible()
    assert [state(panel, d) for d in WEEK] == [(CellState.BOOKED, None)] * 4
    assert len(panel.draft) == 0 and not panel.validate_button.isEnabled()
    saved = statuses(portal_ctx, booked.lea, booked.meals)
    assert all(saved[d] == "booked" for d in WEEK)


def test_a_full_day_goes_to_the_waiting_list_and_the_results_say_so(qtbot, panel, portal_ctx, booked):
    show(panel, TOM, MEALS)
    thursday = date(2026, 12, 3)  # Léa holds the only place; one place on the waiting list
    assert state(panel, thursday) == (CellState.WAITLIST_OPEN, None)
    click_day(qtbot, panel, thursday)
    assert state(panel, thursday) == (CellState.WAITLIST_OPEN, LineKind.BOOK)

    click(qtbot, panel.validate_button)
    recap = panel.recap_flow.recap_dialog
    assert recap.bookings_model.index(0, 5).data() == "En liste d'attente"
    assert recap.total_label.text() == "Total : 0,00\u00a0€"
    click(qtbot, recap.confirm_button)

    results = panel.recap_flow.results_dialog
    assert "1 en liste d'attente" in results.summary_label.text()
    assert results.warning_label.isVisible()
    assert "voir la ligne en gras" in results.warning_label.text()
    assert results.model.index(0, 5).data() == "En liste d'attente"
    assert results.model.index(0, 5).data(Qt.ItemDataRole.FontRole).bold()
    assert state(panel, thursday) == (CellState.WAITLISTED, None)
    assert statuses(portal_ctx, booked.tom, booked.meals)[thursday] == "waitlisted"


def test_keyboard_moves_toggles_and_opens_the_day(qtbot, panel):
    show(panel, LEA, MEALS)
    view = panel.calendar
    view.setFocus()
    view.setCurrentIndex(panel.model.index_of(date(2026, 12, 7)))
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.currentIndex() == panel.model.index_of(date(2026, 12, 8))

    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert state(panel, date(2026, 12, 8)) == (CellState.AVAILABLE, LineKind.BOOK)
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert state(panel, date(2026, 12, 8)) == (CellState.AVAILABLE, None)
    qtbot.keyClick(view, Qt.Key.Key_Up)  # to Tuesday 1st, booked: Space asks to cancel it
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert state(panel, date(2026, 12, 1)) == (CellState.BOOKED, LineKind.CANCEL)

    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert panel.stack.currentWidget() is panel.day_page
    assert panel.day_page.model.rowCount() == 1
    qtbot.keyClick(panel.day_page.list, Qt.Key.Key_Escape)
    assert panel.stack.currentWidget() is panel.month_page


def test_modify_keeps_the_draft_and_abandon_drops_it(qtbot, panel, portal_ctx, booked):
    show(panel, LEA, MEALS)
    click_day(qtbot, panel, date(2026, 12, 8))
    click_day(qtbot, panel, date(2026, 12, 1))  # booked: a cancellation
    click(qtbot, panel.validate_button)
    recap = panel.recap_flow.recap_dialog
    assert recap.cancellations_model.rowCount() == 1
    assert recap.cancellations_model.index(0, 5).data() == "Annulée"
    assert recap.total_label.text() == "Total : 0,00\u00a0€"  # one meal booked, one cancelled

    click(qtbot, recap.modify_button)
    assert not recap.isVisible()
    assert len(panel.draft) == 2
    assert state(panel, date(2026, 12, 8)) == (CellState.AVAILABLE, LineKind.BOOK)

    click(qtbot, panel.validate_button)
    recap = panel.recap_flow.recap_dialog
    click(qtbot, recap.abandon_button)
    assert not recap.isVisible()
    assert len(panel.draft) == 0
    assert state(panel, date(2026, 12, 8)) == (CellState.AVAILABLE, None)
    assert state(panel, date(2026, 12, 1)) == (CellState.BOOKED, None)
    assert statuses(portal_ctx, booked.lea, booked.meals)[date(2026, 12, 1)] == "booked"


def test_cancel_beside_confirm_asks_before_dropping_the_draft(qtbot, panel):
    show(panel, LEA, MEALS)
    click_day(qtbot, panel, date(2026, 12, 8))
    click(qtbot, panel.cancel_button)
    box = panel.drop_box
    assert box is not None and box.isVisible()
    assert box.text() == "Abandonner 1 modification pas encore validée ?"
    click(qtbot, box.button(QMessageBox.StandardButton.No))
    assert len(panel.draft) == 1
    click(qtbot, panel.cancel_button)
    click(qtbot, panel.drop_box.button(QMessageBox.StandardButton.Yes))
    assert len(panel.draft) == 0


def test_a_click_on_a_closed_day_says_why(qtbot, panel):
    show(panel, LEA, MEALS)
    click_day(qtbot, panel, WEDNESDAY)
    assert state(panel, WEDNESDAY) == (CellState.CLOSED, None)
    assert panel.notice_label.isVisible()
    assert panel.notice_label.text() == "Mercredi 9 décembre : fermé ce jour-là."
    click_day(qtbot, panel, date(2026, 11, 30))  # another month's day: that month is shown
    assert panel.month_label.text() == "Novembre 2026"
    assert len(panel.draft) == 0


def test_quick_toggles_act_on_the_displayed_month_only(qtbot, panel):
    show(panel, LEA, MEALS)
    # the last row holds 28 to 31 December and 1 to 3 January
    click_section(qtbot, panel.calendar.verticalHeader(), week_row(panel, date(2026, 12, 31)))
    keys = sorted(line.day for line in panel.draft)
    assert keys == [date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 31)]
    # a weekday column: every Monday of December ... then again: all undone
    panel.set_draft(type(panel.draft)())
    click_section(qtbot, panel.calendar.horizontalHeader(), 0)
    assert sorted(line.day for line in panel.draft) == [date(2026, 12, d) for d in (7, 14, 21, 28)]
    click_section(qtbot, panel.calendar.horizontalHeader(), 0)
    assert len(panel.draft) == 0
    # the whole month: the first actionable day (Tuesday 1st) is booked, so all are unbooked
    click(qtbot, panel.month_button)
    assert [line.kind for line in panel.draft] == [LineKind.CANCEL, LineKind.CANCEL]


def test_day_mode_lists_the_day_and_toggles_one_activity(qtbot, panel):
    show(panel, LEA, "Toutes les activités")
    click_day(qtbot, panel, date(2026, 12, 3))
    assert panel.stack.currentWidget() is panel.day_page
    page = panel.day_page
    assert page.title_label.text() == f"Jeudi 3 décembre 2026 — {LEA}"
    rows = [page.model.index(r).data() for r in range(page.model.rowCount())]
    assert rows == ["APS MATIN", MEALS]
    assert page.model.index(1).data(0x0100 + 2) == CellState.BOOKED
    assert "3,20\u00a0€" in page.model.index(1).data(0x0100 + 3)
    qtbot.mouseClick(page.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.list.visualRect(page.model.index(1)).center())
    assert page.model.index(1).data(0x0100 + 1).pending is LineKind.CANCEL
    click(qtbot, page.back_button)
    assert panel.stack.currentWidget() is panel.month_page
    assert len(panel.draft) == 1


def test_see_my_bookings_opens_the_tracking_tab(qtbot, gateway, sync_runner, booked):
    session = run(gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD))
    window = MainWindow(gateway, sync_runner, session)
    qtbot.addWidget(window)
    window.show()
    choose(window.structure_combo, TOWN)
    window.tabs.setCurrentWidget(window.booking_panel)
    assert window.booking_panel.child_combo.count() == 2
    click(qtbot, window.booking_panel.tracking_button)
    assert window.tabs.currentWidget() is window.tracking_panel
    assert window.tracking_panel.model.rowCount() == 4
