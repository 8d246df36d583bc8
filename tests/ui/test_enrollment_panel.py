"""The "Inscriptions à l'année" tab of a family, on a real SQLite file, through the gateway:
the list, the form (earliest start, times when needed, one week in two), refusals beside
their field, an enrollment made, transmitted and stopped."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from sqlalchemy import select, update

from famdesk.models import Activity, AnnualEnrollment, Reservation
from famdesk.models.enums import ReservationSource
from famdesk.models.values import DeadlineRule
from famdesk.services.auth import SYSTEM
from famdesk.services.enrollments import EnrollmentLine
from famdesk.services.setup import activities, people
from famdesk.services.states import CellState
from famdesk.services.transmission import transmit
from famdesk.services.uow import UnitOfWork
from famdesk.ui.calendar.panel import BookingPanel
from famdesk.ui.enrollment_panel import EnrollmentPanel
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.models.enrollment_model import (
    EVERY_OTHER_COLUMN,
    PERIOD_COLUMN,
    STATE_COLUMN,
    TIMES_COLUMN,
    EnrollmentRole,
    EnrollmentTableModel,
)
from tests.ui.booking_helpers import show, state
from tests.ui.factories import (
    APS,
    FAMILY_LOGIN,
    FAMILY_PASSWORD,
    LEA,
    MEALS,
    STAFF_LOGIN,
    STAFF_PASSWORD,
    TOM,
)
from tests.ui.helpers import ManualRunner, column_texts, run

MON, TUE, WED, THU, FRI = range(5)
ALSH = "ALSH MERCREDI"


_Gateway = LocalGateway  # it carries the enrollment calls (EnrollmentsGatewayMixin)


@pytest.fixture
def enrollable(portal_ctx, portal, booked):
    """Meals and morning care take annual enrollments (lead time of 2 working days, at
    10:00); the Wednesday centre does not. Today: Saturday 28 November 2026, 09:00."""
    rule = DeadlineRule.days_before(2, "working", time(10, 0))
    with UnitOfWork(portal_ctx.db, write=True) as uow:
        uow.session.execute(update(Activity).where(Activity.id.in_((booked.meals, booked.aps)))
                            .values(annual_allowed=True, lead_days=2, booking_rule=rule))
        wallet = uow.session.scalar(select(Activity.wallet_id).where(Activity.id == booked.meals))
        alsh = activities.create_activity(
            uow, SYSTEM, structure_id=portal.town_id, wallet_id=wallet, label=ALSH,
            colour="#457B9D", display_order=3, period_start=date(2026, 9, 1),
            period_end=date(2027, 7, 3), tariff_mode="unit", slot_minutes=None,
            brackets=[(0, None, Decimal("9.50"))], booking_rule=rule)
        people.register_child(uow, SYSTEM, booked.lea, alsh, date(2026, 9, 1), date(2027, 7, 3))
        uow.commit()
    return booked


@pytest.fixture
def gateway(portal_ctx, portal):  # the gateway with the enrollments' methods
    gw = _Gateway(portal_ctx)
    yield gw
    gw.close()


@pytest.fixture
def panel(qtbot, gateway, sync_runner, enrollable, portal):
    run(gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD))
    panel = EnrollmentPanel(gateway, sync_runner)
    qtbot.addWidget(panel, before_close_func=EnrollmentPanel.clear)
    panel.resize(1300, 760)
    panel.show()
    panel.set_structure(portal.town_id)
    panel.ensure_loaded()
    return panel


def tick(panel, *days):
    for day in days:
        panel.form_widget.weekday_checks[day].setChecked(True)


def choose(combo, text):
    position = combo.findText(text)
    assert position >= 0, [combo.itemText(i) for i in range(combo.count())]
    combo.setCurrentIndex(position)


def set_date(edit, day: date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


def confirm(qtbot, panel):
    qtbot.mouseClick(panel.form_widget.enroll_button, Qt.MouseButton.LeftButton)


def errors(panel) -> dict[str, str]:
    """The messages shown under the form's fields."""
    return {field: label.text() for field, label in panel.form_widget.errors.items()
            if label.isVisible()}


def enrollments(ctx) -> list[AnnualEnrollment]:
    with UnitOfWork(ctx.db) as uow:
        return list(uow.session.scalars(select(AnnualEnrollment)))


def test_the_tab_shows_the_children_and_a_form_for_the_activities_that_allow_it(panel):
    assert [panel.child_combo.itemText(i) for i in range(panel.child_combo.count())] == [LEA, TOM]
    assert panel.list_title.text() == "Inscriptions à l'année de MARTIN Léa"
    assert panel.empty_label.isVisible()
    assert panel.empty_label.text() == "Pas encore d'inscription à l'année pour cet enfant."
    form = panel.form_widget
    offered = [form.activity_combo.itemText(i) for i in range(form.activity_combo.count())]
    assert offered == [APS, MEALS]  # not the Wednesday centre
    choose(form.activity_combo, MEALS)
    # Monday's J-2 working days at 10:00 was Thursday: Wednesday 2 is the first (and the
    # meals open Monday, Tuesday, Thursday and Friday only)
    assert form.start_hint.text() == "au plus tôt le mercredi 2 décembre 2026"
    assert form.start_edit.date() == QDate(2026, 12, 2)
    assert [c.text() for c in form.weekday_checks if c.isVisibleTo(form)] == [
        "lun.", "mar.", "jeu.", "ven."]
    assert form.year_end_check.isChecked() and not form.end_edit.isEnabled()
    assert form.end_edit.date() == QDate(2027, 7, 2)
    assert form.every_other_check.text() == "Une semaine sur 2"
    assert "première semaine de présence" in form.findChild(QLabel, "everyOtherWeekHint").text()
    assert not form.times_box.isVisibleTo(form)
    assert form.enroll_button.text() == "Valider l'inscription"
    assert "calendrier" in form.calendar_label.text()


def test_times_are_asked_when_the_activity_needs_them(panel):
    form = panel.form_widget
    choose(form.activity_combo, APS)
    assert form.times_box.isVisibleTo(form)
    assert [form.arrival_combo.itemText(i) for i in range(form.arrival_combo.count())] == ["07:00", "07:30"]
    assert [form.departure_combo.itemText(i) for i in range(form.departure_combo.count())] == ["08:20"]
    choose(form.activity_combo, MEALS)
    assert not form.times_box.isVisibleTo(form)
    assert form.times() == (None, None)


def test_bad_input_shows_beside_its_field_and_nothing_is_saved(qtbot, panel, portal_ctx):
    form = panel.form_widget
    choose(form.activity_combo, MEALS)
    confirm(qtbot, panel)
    assert errors(panel) == {"weekdays": "Cochez au moins un jour de la semaine."}

    tick(panel, MON, THU)
    set_date(form.start_edit, date(2026, 12, 1))  # inside the lead time
    confirm(qtbot, panel)
    assert errors(panel) == {"starts_on": "Le début est au plus tôt le mercredi 2 décembre 2026 : "
                                          "les jours plus proches se réservent dans le calendrier."}

    set_date(form.start_edit, date(2026, 12, 7))
    form.year_end_check.setChecked(False)
    assert form.end_edit.isEnabled()
    set_date(form.end_edit, date(2026, 12, 4))
    confirm(qtbot, panel)
    assert errors(panel) == {"ends_on": "La fin est avant le début."}

    choose(form.activity_combo, APS)
    tick(panel, MON)
    form.year_end_check.setChecked(True)
    form.departure_combo.clear()  # no departure chosen
    confirm(qtbot, panel)
    assert errors(panel) == {"times": "Choisissez l'heure de départ."}
    assert not panel.error_label.isVisible()
    assert enrollments(portal_ctx) == []
    assert panel.model.rowCount() == 0


def test_an_enrollment_is_made_shows_not_transmitted_then_transmitted(
        qtbot, panel, portal_ctx, enrollable, portal, gateway, sync_runner):
    form = panel.form_widget
    choose(form.activity_combo, MEALS)
    set_date(form.start_edit, date(2026, 12, 2))  # Wednesday of week N
    tick(panel, MON, THU)
    form.every_other_check.setChecked(True)
    with qtbot.waitSignal(panel.enrollment_saved) as saved:
        confirm(qtbot, panel)
    line: EnrollmentLine = saved.args[0]
    assert line.every_other_week and line.weekdays == (MON, THU)
    assert panel.notice_label.isVisible() and "prochaine transmission" in panel.notice_label.text()
    assert not errors(panel)
    assert form.weekdays() == ()  # ready for another one
    assert panel.table.isVisible()
    assert column_texts(panel.table, PERIOD_COLUMN) == ["du 02/12/2026 au 02/07/2027"]
    assert column_texts(panel.table, EVERY_OTHER_COLUMN) == ["Oui"]
    assert column_texts(panel.table, STATE_COLUMN) == ["Non transmis"]
    assert panel.selected_line() == line

    transmit(portal_ctx.db, portal_ctx.clock, lambda _structure: None)
    panel.reload()

    assert column_texts(panel.table, STATE_COLUMN) == ["Transmis le 28/11/2026"]
    with UnitOfWork(portal_ctx.db) as uow:
        days = sorted(uow.session.scalars(select(Reservation.day).where(
            Reservation.child_id == enrollable.lea, Reservation.activity_id == enrollable.meals,
            Reservation.source == ReservationSource.ANNUAL)))
    # week N: Thursday 3 (Léa has it already, booked by hand); week N+1 skipped; week N+2:
    # 14 and 17; week N+4 is the Christmas holidays (and the meals open in December only)
    assert days == [date(2026, 12, 14), date(2026, 12, 17)]
    # and the calendar shows them booked
    calendar = BookingPanel(gateway, sync_runner)
    qtbot.addWidget(calendar, before_close_func=BookingPanel.clear)
    calendar.set_structure(portal.town_id)
    calendar.ensure_loaded()
    show(calendar, LEA, MEALS)
    assert [state(calendar, d)[0] for d in days] == [CellState.BOOKED, CellState.BOOKED]
    assert state(calendar, date(2026, 12, 7))[0] is CellState.AVAILABLE


def test_times_and_an_overlap_named_beside_the_start(qtbot, panel):
    form = panel.form_widget
    choose(form.activity_combo, APS)
    tick(panel, MON, TUE)
    choose(form.arrival_combo, "07:30")
    confirm(qtbot, panel)
    assert column_texts(panel.table, TIMES_COLUMN) == ["07:30–08:20"]

    choose(form.activity_combo, APS)
    set_date(form.start_edit, date(2027, 1, 4))
    tick(panel, FRI)
    confirm(qtbot, panel)
    assert errors(panel) == {"starts_on": "Cette période chevauche l'inscription à APS MATIN du "
                                          "02/12/2026 au 02/07/2027 : modifiez ou arrêtez-la d'abord."}
    assert panel.model.rowCount() == 1


def test_stopping_asks_first_then_shows_the_stop(qtbot, panel):
    choose(panel.form_widget.activity_combo, MEALS)
    tick(panel, TUE, FRI)
    confirm(qtbot, panel)
    assert panel.change_box.isVisible() and panel.stop_button.isEnabled()
    assert "mercredi 2 décembre 2026" in panel.actions_hint.text()

    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    box = panel.stop_box
    assert box is not None and box.isVisible()
    assert "à partir du mercredi 2 décembre 2026" in box.text()
    box.button(QMessageBox.StandardButton.No).click()
    assert column_texts(panel.table, STATE_COLUMN) == ["Non transmis"]

    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    panel.stop_box.button(QMessageBox.StandardButton.Yes).click()

    assert column_texts(panel.table, STATE_COLUMN) == ["Arrêtée — Non transmis"]
    assert column_texts(panel.table, PERIOD_COLUMN) == [
        "arrêtée avant son premier jour (02/12/2026)"]
    assert not panel.stop_button.isEnabled() and not panel.change_end_button.isEnabled()
    assert panel.actions_hint.text() == "Cette inscription est arrêtée."


def test_a_new_end_is_refused_beside_it_or_shown(qtbot, panel):
    choose(panel.form_widget.activity_combo, MEALS)
    tick(panel, MON)
    confirm(qtbot, panel)
    set_date(panel.new_end_edit, date(2026, 11, 30))
    qtbot.mouseClick(panel.change_end_button, Qt.MouseButton.LeftButton)
    assert panel.actions_error.isVisible()
    assert panel.actions_error.text() == "La fin est avant le début."
    set_date(panel.new_end_edit, date(2027, 1, 29))
    qtbot.mouseClick(panel.change_end_button, Qt.MouseButton.LeftButton)
    assert not panel.actions_error.isVisible()
    assert column_texts(panel.table, PERIOD_COLUMN) == ["du 02/12/2026 au 29/01/2027"]
    assert "se termine maintenant le vendredi 29 janvier 2027" in panel.notice_label.text()


def test_another_child_has_its_own_list(qtbot, panel):
    choose(panel.form_widget.activity_combo, MEALS)
    tick(panel, MON)
    confirm(qtbot, panel)
    choose(panel.child_combo, TOM)
    assert panel.model.rowCount() == 0 and panel.empty_label.isVisible()
    assert panel.list_title.text() == "Inscriptions à l'année de MARTIN Tom"
    choose(panel.child_combo, LEA)
    assert panel.model.rowCount() == 1


def test_the_calendar_link_asks_for_the_calendar(qtbot, panel):
    with qtbot.waitSignal(panel.calendar_requested):
        panel.form_widget.calendar_label.linkActivated.emit("#calendar")


def test_clear_forgets_the_family(panel):
    panel.clear()
    assert panel.child_combo.count() == 0 and panel.model.rowCount() == 0
    assert not panel.form_widget.isEnabled()


def test_the_model_passes_qt_model_tester_and_reads_through_roles(qtmodeltester, panel, qtbot):
    choose(panel.form_widget.activity_combo, MEALS)
    tick(panel, MON)
    confirm(qtbot, panel)
    line = panel.model.rows()[0]
    model = EnrollmentTableModel()
    qtmodeltester.check(model)
    model.set_rows([line])
    qtmodeltester.check(model)
    index = model.index(0, STATE_COLUMN)
    assert index.data(EnrollmentRole.LINE) == line
    assert index.data(EnrollmentRole.TRANSMITTED) is False
    assert index.data(EnrollmentRole.CHANGEABLE) is True
    assert "Ses réservations seront faites à la prochaine transmission." in index.data(
        Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(STATE_COLUMN, Qt.Orientation.Horizontal) == "État"


def test_the_desk_enrolls_a_child_of_the_family_it_acts_for(qtbot, gateway, sync_runner,
                                                             enrollable, portal, portal_ctx):
    run(gateway.login(STAFF_LOGIN, STAFF_PASSWORD))
    panel = EnrollmentPanel(gateway, sync_runner)
    qtbot.addWidget(panel, before_close_func=EnrollmentPanel.clear)
    panel.show()
    panel.set_family(run(gateway.booking_family(portal.town_id, enrollable.family_id)))
    choose(panel.child_combo, TOM)
    choose(panel.form_widget.activity_combo, MEALS)
    tick(panel, FRI)
    confirm(qtbot, panel)
    assert column_texts(panel.table, STATE_COLUMN) == ["Non transmis"]
    (made,) = enrollments(portal_ctx)
    assert made.child_id == enrollable.tom and made.created_by_account_id is not None


def test_the_button_waits_for_the_answer(qtbot, gateway, enrollable, portal):
    run(gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD))
    runner = ManualRunner()
    panel = EnrollmentPanel(gateway, runner)
    qtbot.addWidget(panel, before_close_func=EnrollmentPanel.clear)
    panel.show()
    panel.set_structure(portal.town_id)
    panel.ensure_loaded()
    runner.run_all()
    choose(panel.form_widget.activity_combo, MEALS)
    tick(panel, MON)
    confirm(qtbot, panel)
    assert not panel.form_widget.enroll_button.isEnabled()  # no second enrollment meanwhile
    runner.run_all()
    assert panel.form_widget.enroll_button.isEnabled()
    assert column_texts(panel.table, STATE_COLUMN) == ["Non transmis"]
    runner.close()
