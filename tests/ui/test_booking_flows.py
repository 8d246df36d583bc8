"""The booking tab's harder paths: times, a confirm that lost a race, a database error, a
double click on Valider, staff passing a deadline, and the copy."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from famdesk.errors import DatabaseUnavailableError
from famdesk.models import Movement, Reservation
from famdesk.services.auth import SYSTEM
from famdesk.services.draft import DraftLine, LineKind
from famdesk.services.setup import people
from famdesk.services.states import CellState
from famdesk.services.uow import UnitOfWork
from famdesk.ui.calendar.panel import BookingPanel
from famdesk.ui.gateway import LocalGateway
from tests.ui.booking_helpers import click, click_day, click_section, show, state, week_row
from tests.ui.factories import (
    APS,
    FAMILY_LOGIN,
    FAMILY_PASSWORD,
    LEA,
    MEALS,
    STAFF_LOGIN,
    STAFF_PASSWORD,
    TOM,
    confirm_lines,
    family_session,
)
from tests.ui.helpers import ManualRunner, run

TUESDAY_1, THURSDAY_3 = date(2026, 12, 1), date(2026, 12, 3)
MONDAY_7, TUESDAY_8 = date(2026, 12, 7), date(2026, 12, 8)


def make_panel(qtbot, gateway, runner, structure_id: int) -> BookingPanel:
    panel = BookingPanel(gateway, runner)
    qtbot.addWidget(panel, before_close_func=BookingPanel.clear)
    panel.resize(1250, 800)
    panel.show()
    panel.set_structure(structure_id)
    panel.ensure_loaded()
    return panel


@pytest.fixture
def panel(qtbot, gateway, sync_runner, booked, portal):
    run(gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD))
    return make_panel(qtbot, gateway, sync_runner, portal.town_id)


def held(ctx, child_id: int, activity_id: int) -> dict[date, tuple]:
    with UnitOfWork(ctx.db) as uow:
        rows = uow.session.execute(
            select(Reservation.day, Reservation.status, Reservation.arrival, Reservation.departure)
            .where(Reservation.child_id == child_id, Reservation.activity_id == activity_id,
                   Reservation.status.in_(("booked", "waitlisted"))))
        return {day: (str(status), arrival, departure) for day, status, arrival, departure in rows}


# -- times -----------------------------------------------------------------------------------


def test_a_time_entry_day_asks_its_times_and_shows_their_cost(qtbot, panel):
    show(panel, LEA, APS)
    info = panel.info_widget
    assert info.allowed_label.text() == "07:00 ou 07:30 à 08:20 : lundi, mardi, jeudi, vendredi"
    assert info.rate_label.text() == "Tarif : 0,80\u00a0€ par tranche de 30 minutes"
    assert info.hours_label.text() == "Horaires : de 07:00 à 08:20"

    click_day(qtbot, panel, TUESDAY_8)
    dialog = panel.times.dialog
    assert dialog is not None and dialog.isVisible()
    assert [dialog.arrival_combo.itemText(i) for i in range(2)] == ["07:00", "07:30"]
    assert not dialog.cancel_booking_button.isVisible()
    assert dialog.cost_label.text() == "3 tranches de 30 minutes : 2,40\u00a0€ par jour"
    dialog.arrival_combo.setCurrentIndex(1)
    assert dialog.cost_label.text() == "2 tranches de 30 minutes : 1,60\u00a0€ par jour"
    click(qtbot, dialog.validate_button)

    line = panel.draft.lines[0]
    assert (line.kind, line.day, line.arrival, line.departure) == (
        LineKind.BOOK, TUESDAY_8, time(7, 30), time(8, 20))
    assert state(panel, TUESDAY_8) == (CellState.AVAILABLE, LineKind.BOOK)
    # the service prices the times chosen, and the cell tells it
    index = panel.model.index_of(TUESDAY_8)
    qtbot.waitUntil(lambda: "1,60\u00a0€" in index.data(Qt.ItemDataRole.ToolTipRole))


def test_new_times_on_a_booked_day_make_a_change_of_times(qtbot, panel, portal_ctx, booked):
    show(panel, LEA, APS)
    click_day(qtbot, panel, TUESDAY_1)  # booked 07:00-08:20
    dialog = panel.times.dialog
    assert dialog.cancel_booking_button.isVisible()
    assert dialog.chosen() == (time(7, 0), time(8, 20))
    dialog.arrival_combo.setCurrentIndex(1)
    click(qtbot, dialog.validate_button)
    assert [(ln.kind, ln.arrival) for ln in panel.draft] == [(LineKind.CHANGE_TIMES, time(7, 30))]
    assert state(panel, TUESDAY_1) == (CellState.BOOKED, LineKind.CHANGE_TIMES)

    click(qtbot, panel.validate_button)
    recap = panel.recap_flow.recap_dialog
    row = [recap.bookings_model.index(0, c).data() for c in (3, 4, 5)]
    assert row == ["Modification d'horaires", "07:30–08:20", "Horaires modifiés"]
    assert recap.total_label.text() == "Total : -0,80\u00a0€"
    click(qtbot, recap.confirm_button)
    assert held(portal_ctx, booked.lea, booked.aps)[TUESDAY_1] == ("booked", time(7, 30), time(8, 20))


def test_the_time_dialog_cancels_a_booked_day(qtbot, panel):
    show(panel, LEA, APS)
    click_day(qtbot, panel, TUESDAY_1)
    click(qtbot, panel.times.dialog.cancel_booking_button)
    assert [line.kind for line in panel.draft] == [LineKind.CANCEL]


def test_a_week_asks_the_times_once(qtbot, panel):
    show(panel, LEA, APS)
    click_section(qtbot, panel.calendar.verticalHeader(), week_row(panel, date(2026, 12, 14)))
    dialog = panel.times.dialog
    heading = dialog.findChild(type(panel.month_label), "dialogHeading")
    assert heading.text() == "4 jours, du lundi 14 décembre au vendredi 18 décembre"
    click(qtbot, dialog.validate_button)
    assert [(ln.day.day, ln.arrival) for ln in panel.draft] == [
        (14, time(7, 0)), (15, time(7, 0)), (17, time(7, 0)), (18, time(7, 0))]


def test_same_times_every_day_books_without_asking(qtbot, panel):
    show(panel, LEA, APS)
    assert panel.times_bar.isVisible()
    panel.same_times_check.setChecked(True)
    panel.arrival_combo.setCurrentIndex(panel.arrival_combo.findText("07:30"))
    assert panel.info_widget.cost_label.text() == (
        "Horaires choisis 07:30–08:20 : 2 tranches de 30 minutes : 1,60\u00a0€ par jour")
    click_section(qtbot, panel.calendar.verticalHeader(), week_row(panel, date(2026, 12, 14)))
    assert panel.times.dialog is None
    assert {(ln.arrival, ln.departure) for ln in panel.draft} == {(time(7, 30), time(8, 20))}
    assert len(panel.draft) == 4


# -- the confirm -----------------------------------------------------------------------------


def test_a_confirm_that_lost_a_race_shows_the_refused_line_and_keeps_the_rest(
        qtbot, panel, portal_ctx, portal, booked):
    show(panel, TOM, MEALS)
    click_day(qtbot, panel, MONDAY_7)
    click_day(qtbot, panel, TUESDAY_8)
    click(qtbot, panel.validate_button)
    recap = panel.recap_flow.recap_dialog
    assert [recap.bookings_model.index(r, 5).data() for r in range(2)] == ["Acceptée"] * 2
    # meanwhile, Léa takes Monday's only place and a cousin its waiting list
    with UnitOfWork(portal_ctx.db, write=True) as uow:
        zoe = people.add_child(uow, SYSTEM, booked.family_id, "Zoé", "Martin", date(2017, 1, 1))
        people.register_child(uow, SYSTEM, zoe, booked.meals, date(2026, 9, 1), date(2027, 7, 3))
        uow.commit()
    confirm_lines(portal_ctx, family_session(portal_ctx, portal),
                  DraftLine(LineKind.BOOK, booked.lea, booked.meals, MONDAY_7),
                  DraftLine(LineKind.BOOK, zoe, booked.meals, MONDAY_7))

    click(qtbot, recap.confirm_button)

    results = panel.recap_flow.results_dialog
    model = results.model
    assert [model.index(r, 5).data() for r in range(2)] == ["Refusée", "Acceptée"]
    assert model.index(0, 7).data() == "plus de place disponible"
    assert model.index(0, 5).data(Qt.ItemDataRole.FontRole).bold()
    assert results.warning_label.text() == (
        "\u26a0 1 jour n'a pas été réservé comme demandé : voir la ligne en gras.")
    assert state(panel, MONDAY_7) == (CellState.FULL, None)
    assert state(panel, TUESDAY_8) == (CellState.BOOKED, None)
    assert held(portal_ctx, booked.tom, booked.meals)[TUESDAY_8][0] == "booked"


class FailingOnce(LocalGateway):
    """A confirm that fails once as if the database were locked; remembers the keys sent."""

    def __init__(self, ctx):  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self.keys: list[str] = []

    async def confirm(self, draft, key, override_reason=None, source=None):  # type: ignore[no-untyped-def]
        self.keys.append(key)
        if len(self.keys) == 1:
            raise DatabaseUnavailableError("La base de données est occupée : réessayez.")
        return await super().confirm(draft, key, override_reason, source)


def test_a_database_error_keeps_the_draft_and_the_retry_sends_the_same_key(
        qtbot, portal_ctx, portal, booked, sync_runner):
    gateway = FailingOnce(portal_ctx)
    try:
        run(gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD))
        panel = make_panel(qtbot, gateway, sync_runner, portal.town_id)
        show(panel, LEA, MEALS)
        click_day(qtbot, panel, TUESDAY_8)
        click(qtbot, panel.validate_button)
        recap = panel.recap_flow.recap_dialog
        click(qtbot, recap.confirm_button)

        assert recap.isVisible()
        assert recap.error_label.text() == "La base de données est occupée : réessayez."
        assert recap.confirm_button.isEnabled()
        assert len(panel.draft) == 1
        assert state(panel, TUESDAY_8) == (CellState.AVAILABLE, LineKind.BOOK)

        click(qtbot, recap.confirm_button)
        assert gateway.keys[0] == gateway.keys[1]
        assert state(panel, TUESDAY_8) == (CellState.BOOKED, None)
    finally:
        gateway.close()


def test_a_double_click_on_confirm_books_once(qtbot, gateway, booked, portal, portal_ctx):
    run(gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD))
    runner = ManualRunner()
    panel = make_panel(qtbot, gateway, runner, portal.town_id)
    runner.run_all()
    show(panel, LEA, MEALS)
    runner.run_all()
    click_day(qtbot, panel, TUESDAY_8)
    click(qtbot, panel.validate_button)
    runner.run_all()
    recap = panel.recap_flow.recap_dialog
    draft = panel.draft
    qtbot.mouseClick(recap.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(recap.confirm_button, Qt.MouseButton.LeftButton)
    assert len(runner.queue) == 1 and not recap.confirm_button.isEnabled()
    runner.run_all()
    assert state(panel, TUESDAY_8) == (CellState.BOOKED, None)
    # the same request again (a retry after a lost answer) replays the first answer
    again = run(gateway.confirm(draft, recap.key))
    assert again.replayed
    with UnitOfWork(portal_ctx.db) as uow:
        count = len(uow.session.scalars(select(Movement).where(
            Movement.child_id == booked.lea, Movement.day == TUESDAY_8)).all())
    assert count == 1
    runner.close()


# -- staff past the deadline -------------------------------------------------------------------


def test_staff_pass_a_deadline_with_a_reason_families_cannot(
        qtbot, portal_ctx, portal, booked, sync_runner):
    portal_ctx.clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=UTC))  # Tuesday 1st, 08:00
    family_gateway, staff_gateway = LocalGateway(portal_ctx), LocalGateway(portal_ctx)
    try:
        run(family_gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD))
        family_panel = make_panel(qtbot, family_gateway, sync_runner, portal.town_id)
        show(family_panel, TOM, APS)
        assert state(family_panel, TUESDAY_1) == (CellState.CLOSED, None)
        click_day(qtbot, family_panel, TUESDAY_1)
        assert family_panel.times.reason_dialog is None and len(family_panel.draft) == 0
        assert family_panel.notice_label.text() == (
            "Mardi 1 décembre : hors délai pour réserver. "
            "Seul l'accueil peut encore modifier ce jour.")
        assert "hors délai" in family_panel.model.index_of(TUESDAY_1).data(
            Qt.ItemDataRole.ToolTipRole)

        run(staff_gateway.login(STAFF_LOGIN, STAFF_PASSWORD))
        panel = BookingPanel(staff_gateway, sync_runner)
        qtbot.addWidget(panel, before_close_func=BookingPanel.clear)
        panel.show()
        panel.set_family(run(staff_gateway.booking_family(portal.town_id, booked.family_id)))
        show(panel, TOM, APS)
        click_day(qtbot, panel, TUESDAY_1)
        dialog = panel.times.reason_dialog
        assert dialog is not None and dialog.isVisible()
        click(qtbot, dialog.validate_button)  # no reason: refused
        assert dialog.isVisible() and dialog.error_label.isVisible()
        qtbot.keyClicks(dialog.reason_edit, "Appel de la famille, enfant malade")
        click(qtbot, dialog.validate_button)
        click(qtbot, panel.times.dialog.validate_button)  # APS MATIN asks the times
        assert [(ln.kind, ln.day) for ln in panel.draft] == [(LineKind.BOOK, TUESDAY_1)]
        assert panel.override_label.isVisible()

        click(qtbot, panel.validate_button)
        click(qtbot, panel.recap_flow.recap_dialog.confirm_button)
        assert state(panel, TUESDAY_1)[0] is CellState.BOOKED_LOCKED
        with UnitOfWork(portal_ctx.db) as uow:
            movement = uow.session.scalars(select(Movement).where(
                Movement.child_id == booked.tom, Movement.activity_id == booked.aps)).one()
        assert movement.deadline_override_reason == "Appel de la famille, enfant malade"
        assert str(movement.source) == "desk"
    finally:
        family_gateway.close()
        staff_gateway.close()


# -- copy --------------------------------------------------------------------------------------


def test_copy_puts_pending_days_in_the_calendar_and_lists_those_not_copied(
        qtbot, panel, portal_ctx, booked):
    show(panel, TOM, MEALS)
    click(qtbot, panel.copy_button)
    dialog = panel.copy_flow.dialog
    assert dialog.child_combo.currentText() == LEA
    assert [dialog.activity_combo.itemText(i) for i in range(dialog.activity_combo.count())] == [MEALS]
    click(qtbot, dialog.copy_button)

    assert dialog.result_label.text() == (
        "1 jour recopié dans le calendrier, en attente de votre validation. "
        "Dont 1 en liste d'attente.")
    rows = dialog.not_copied_model
    assert [rows.index(0, c).data() for c in range(3)] == ["mar. 01/12/2026", "", "déjà réservé"]
    assert state(panel, THURSDAY_3) == (CellState.WAITLIST_OPEN, LineKind.BOOK)

    click(qtbot, dialog.close_button)
    click(qtbot, panel.validate_button)
    click(qtbot, panel.recap_flow.recap_dialog.confirm_button)
    with UnitOfWork(portal_ctx.db) as uow:
        source = uow.session.scalar(select(Reservation.source).where(
            Reservation.child_id == booked.tom, Reservation.day == THURSDAY_3))
    assert str(source) == "copy"
