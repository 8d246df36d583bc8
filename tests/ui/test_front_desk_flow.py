"""Staff at the desk, through the whole app on a real SQLite file: find a family as they
type, act for it (the banner, then its calendar, requests and enrollments), book for a
child, pass a deadline with a reason, open and save the family file, switch structure,
leave, log out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy import select

from famdesk.i18n import _
from famdesk.models import Account, Movement, Structure
from famdesk.services.states import CellState
from famdesk.services.uow import UnitOfWork
from famdesk.ui.balances_panel import BalancesPanel
from famdesk.ui.calendar.panel import BookingPanel
from famdesk.ui.enrollment_panel import EnrollmentPanel
from famdesk.ui.family_record_dialog import FamilyRecordDialog
from famdesk.ui.history_panel import HistoryPanel
from famdesk.ui.models.family_model import NAME_COLUMN
from famdesk.ui.shell import AppShell
from famdesk.ui.tracking_panel import TrackingPanel
from tests.ui.accounts_factories import add_town_families, type_text
from tests.ui.booking_helpers import click, click_day, show, state
from tests.ui.factories import (
    APS,
    CENTRE,
    LEA,
    MEALS,
    STAFF_LOGIN,
    STAFF_NAME,
    STAFF_PASSWORD,
    TOM,
    TOWN,
)
from tests.ui.helpers import ManualRunner, column_texts, widget_texts

CLICK = Qt.MouseButton.LeftButton
MARTIN = "M. MARTIN Hugo"
MONDAY_7, TUESDAY_1 = date(2026, 12, 7), date(2026, 12, 1)


@pytest.fixture
def families(portal_ctx, portal):
    return add_town_families(portal_ctx, portal)


@pytest.fixture
def shell(qtbot, gateway, sync_runner, booked, families):
    shell = AppShell(gateway, sync_runner)
    qtbot.addWidget(shell.login_window)
    shell.start()
    yield shell
    if shell.main_window is not None:
        shell.main_window.clear()
        shell.main_window.close()
        shell.main_window.deleteLater()


def log_in(qtbot, shell):
    window = shell.login_window
    qtbot.keyClicks(window.login_edit, STAFF_LOGIN)
    qtbot.keyClicks(window.password_edit, STAFF_PASSWORD)
    qtbot.mouseClick(window.login_button, CLICK)
    main = shell.main_window
    assert main is not None and main.user_label.text() == STAFF_NAME
    main.resize(1300, 860)
    return main


def flush_deletions() -> None:
    QApplication.sendPostedEvents(None, int(QEvent.Type.DeferredDelete))


def shown_tabs(window) -> list[str]:
    tabs = window.tabs
    return [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)]


def search(qtbot, window, text: str) -> list[str]:
    """Type `text` in the "Families" tab and wait for the answer (no Enter: as you type)."""
    desk = window.front_desk
    window.tabs.setCurrentWidget(desk.search_panel)
    edit = desk.search_panel.search_edit
    edit.clear()
    type_text(qtbot, edit, text)
    qtbot.waitUntil(lambda: desk.search_panel.searched_text() == text, timeout=3000)
    return column_texts(desk.search_panel.table, NAME_COLUMN)


def act_for(qtbot, window, text: str, holder: str) -> None:
    assert holder in search(qtbot, window, text)
    panel = window.front_desk.search_panel
    panel.table.selectRow(column_texts(panel.table, NAME_COLUMN).index(holder))
    click(qtbot, panel.act_button)


def test_staff_find_the_family_act_for_it_book_and_leave(qtbot, shell, portal_ctx, booked):
    window = log_in(qtbot, shell)
    desk = window.front_desk
    assert shown_tabs(window) == ["Accueil", "Familles", "Profil"]  # no empty family tab
    assert not desk.banner.isVisible()

    assert search(qtbot, window, "martin") == [MARTIN]
    assert search(qtbot, window, "MÀRTIN") == [MARTIN]  # accents and case do not count
    assert search(qtbot, window, "léa") == [MARTIN]  # a child's name finds the family
    assert search(qtbot, window, "lefevre") == ["Mme LEFÈVRE Inès"]
    act_for(qtbot, window, "martin", MARTIN)

    assert desk.banner.isVisible()
    assert desk.banner.label.text() == "Vous agissez pour la famille MARTIN"
    assert desk.banner.leave_button.text() == "Quitter"
    assert shown_tabs(window) == ["Accueil", "Familles", "Gestion des réservations",
                                  "Suivi des réservations", "Inscriptions à l'année", "Soldes et paiements",
                                  "Historiques", "Profil"]
    panel = window.booking_panel
    assert window.tabs.currentWidget() is panel
    assert [panel.child_combo.itemText(i) for i in range(panel.child_combo.count())] == [LEA, TOM]

    show(panel, LEA, MEALS)
    assert state(panel, MONDAY_7) == (CellState.AVAILABLE, None)
    click_day(qtbot, panel, MONDAY_7)
    click(qtbot, panel.validate_button)
    recap = panel.recap_flow.recap_dialog
    assert recap is not None and recap.isVisible()
    click(qtbot, recap.confirm_button)
    assert state(panel, MONDAY_7)[0] is CellState.BOOKED
    with UnitOfWork(portal_ctx.db) as uow:
        movement = uow.session.scalars(select(Movement).where(
            Movement.child_id == booked.lea, Movement.day == MONDAY_7)).one()
        staff_id = uow.session.scalar(select(Account.id).where(Account.login == STAFF_LOGIN))
    assert str(movement.source) == "desk"
    assert movement.actor_account_id == staff_id
    assert movement.on_behalf_family_id == booked.family_id

    # the family's requests, its new one first
    window.tabs.setCurrentWidget(window.tracking_panel)
    tracking = window.tracking_panel
    assert tracking.model.rowCount() == 5
    assert column_texts(tracking.table, 0)[0].startswith("lun. 07/12/2026")

    click(qtbot, desk.banner.leave_button)
    assert not desk.banner.isVisible()
    assert shown_tabs(window) == ["Accueil", "Familles", "Profil"]
    assert window.tabs.currentWidget() is desk.search_panel
    flush_deletions()  # the recap and results dialogs go
    for family_tab in window.family_panels:
        left = list(widget_texts(family_tab))
        for trace in (LEA, TOM, "MARTIN", MEALS, APS):
            assert not any(trace in text for text in left), (type(family_tab).__name__, trace)


def test_the_family_tabs_are_the_same_panels_as_a_family_account_has(qtbot, shell):
    window = log_in(qtbot, shell)
    kinds = [type(panel) for panel in window.family_panels]
    assert kinds == [BookingPanel, TrackingPanel, EnrollmentPanel, BalancesPanel, HistoryPanel]
    assert window.family_panel(EnrollmentPanel) is window.enrollment_panel


def test_annual_enrollments_are_the_family_s(qtbot, shell):
    window = log_in(qtbot, shell)
    act_for(qtbot, window, "martin", MARTIN)
    window.tabs.setCurrentWidget(window.enrollment_panel)
    combo = window.enrollment_panel.child_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [LEA, TOM]


def test_staff_pass_a_deadline_after_giving_a_reason(qtbot, shell, portal_ctx, booked):
    portal_ctx.clock.set(datetime(2026, 12, 1, 7, 0, tzinfo=UTC))  # Tuesday 1st, 08:00
    window = log_in(qtbot, shell)
    act_for(qtbot, window, "tom", MARTIN)
    panel = window.booking_panel
    show(panel, TOM, APS)
    assert state(panel, TUESDAY_1) == (CellState.CLOSED, None)  # past the families' deadline

    click_day(qtbot, panel, TUESDAY_1)
    reason = panel.times.reason_dialog
    assert reason is not None and reason.isVisible()
    qtbot.keyClicks(reason.reason_edit, "Appel de la famille")
    click(qtbot, reason.validate_button)
    click(qtbot, panel.times.dialog.validate_button)  # APS MATIN asks the times
    assert panel.override_label.isVisible()
    assert "Appel de la famille" in panel.override_label.text()
    click(qtbot, panel.validate_button)
    click(qtbot, panel.recap_flow.recap_dialog.confirm_button)

    assert state(panel, TUESDAY_1)[0] is CellState.BOOKED_LOCKED
    with UnitOfWork(portal_ctx.db) as uow:
        movement = uow.session.scalars(select(Movement).where(
            Movement.child_id == booked.tom, Movement.activity_id == booked.aps)).one()
    assert movement.deadline_override_reason == "Appel de la famille"
    assert movement.on_behalf_family_id == booked.family_id


def test_the_family_file_opens_from_the_banner_and_a_new_family_is_found_once_saved(
        qtbot, shell):
    window = log_in(qtbot, shell)
    desk = window.front_desk
    act_for(qtbot, window, "martin", MARTIN)
    click(qtbot, desk.banner.record_button)
    record = desk.record_dialog
    assert isinstance(record, FamilyRecordDialog) and record.isVisible()
    assert record.family_id() == desk.family_id()
    assert record.windowTitle() == "Fiche famille — M. MARTIN Hugo"

    assert search(qtbot, window, "bernard") == []
    click(qtbot, desk.search_panel.new_button)
    new = desk.record_dialog
    assert new is not record and not record.isVisible()  # one family file at a time
    assert new.windowTitle() == "Nouvelle famille"
    form = new.family_tab
    form.civility_combo.setCurrentText("Mme")
    type_text(qtbot, form.last_name_edit, "Bernard")
    type_text(qtbot, form.first_name_edit, "Alice")
    click(qtbot, form.save_button)
    assert new.windowTitle() == "Fiche famille — Mme BERNARD Alice"
    # the search ran again: the new family is there
    assert column_texts(desk.search_panel.table, NAME_COLUMN) == ["Mme BERNARD Alice"]


def test_a_structure_switch_changes_every_view(qtbot, shell, portal_ctx, portal):
    with UnitOfWork(portal_ctx.db, write=True) as uow:
        staff = uow.session.scalars(select(Account).where(Account.login == STAFF_LOGIN)).one()
        staff.structures.append(uow.session.get(Structure, portal.centre_id))
        uow.commit()
    window = log_in(qtbot, shell)
    window.structure_combo.setCurrentIndex(window.structure_combo.findText(TOWN))
    assert window.home_panel.title_label.text() == TOWN
    act_for(qtbot, window, "martin", MARTIN)
    assert window.booking_panel.child_combo.count() == 2

    window.structure_combo.setCurrentIndex(window.structure_combo.findText(CENTRE))

    desk = window.front_desk
    assert window.home_panel.title_label.text() == CENTRE
    assert not desk.banner.isVisible()  # that family belongs to the town
    assert shown_tabs(window) == ["Accueil", "Familles", "Profil"]
    assert window.booking_panel.child_combo.count() == 0
    # the text typed stays and is searched in the centre: its own MARTIN family, no child
    assert desk.search_panel.search_edit.text() == "martin"
    assert column_texts(desk.search_panel.table, NAME_COLUMN) == [MARTIN]
    assert column_texts(desk.search_panel.table, 1) == [""]
    act_for(qtbot, window, "martin", MARTIN)
    assert window.booking_panel.child_combo.count() == 0
    assert window.booking_panel.empty_label.isVisible()


def test_a_late_family_answer_after_leaving_is_ignored(qtbot, gateway, booked, families):
    runner = ManualRunner()
    shell = AppShell(gateway, runner)
    qtbot.addWidget(shell.login_window)
    shell.start()
    runner.run_all()
    qtbot.keyClicks(shell.login_window.login_edit, STAFF_LOGIN)
    qtbot.keyClicks(shell.login_window.password_edit, STAFF_PASSWORD)
    qtbot.mouseClick(shell.login_window.login_button, CLICK)
    runner.run_all()
    window = shell.main_window
    desk = window.front_desk
    window.show()
    window.tabs.setCurrentWidget(desk.search_panel)
    desk.search_panel.search_edit.setText("martin")
    desk.search_panel.search_now()
    runner.run_all()
    click(qtbot, desk.search_panel.act_button)
    assert desk.banner.isVisible() and len(runner.queue) == 1  # the family is being asked
    click(qtbot, desk.banner.leave_button)
    runner.run_all()  # its answer comes after the desk left

    assert not desk.banner.isVisible() and desk.family is None
    assert shown_tabs(window) == ["Accueil", "Familles", "Profil"]
    assert window.booking_panel.child_combo.count() == 0
    window.clear()
    window.close()
    window.deleteLater()
    runner.close()


def test_logging_out_while_acting_leaves_nothing_of_the_family(qtbot, shell, gateway):
    window = log_in(qtbot, shell)
    act_for(qtbot, window, "martin", MARTIN)
    show(window.booking_panel, LEA, MEALS)
    click_day(qtbot, window.booking_panel, MONDAY_7)  # a draft, not confirmed
    click(qtbot, window.front_desk.banner.record_button)
    record = window.front_desk.record_dialog

    click(qtbot, window.logout_button)

    assert shell.main_window is None and gateway.session is None
    assert not record.isVisible()
    assert window.booking_panel.draft.lines == ()
    for trace in ("MARTIN", "Martin", "Hugo", LEA, TOM, "martin"):
        left = [text for text in widget_texts(window) if trace in text]
        assert left == [], trace
        assert not any(trace in text for text in widget_texts(record)), trace
    assert _("You are acting for the family {name}").format(name="MARTIN") not in widget_texts(
        window)


def test_leaving_a_family_with_changes_not_confirmed_asks_first(qtbot, shell):
    window = log_in(qtbot, shell)
    desk = window.front_desk
    act_for(qtbot, window, "martin", MARTIN)
    panel = window.booking_panel
    show(panel, LEA, MEALS)
    click_day(qtbot, panel, MONDAY_7)  # a draft, not confirmed

    click(qtbot, desk.banner.leave_button)
    box = desk.drop_box
    assert box is not None and box.isVisible()
    assert box.text() == "Abandonner 1 modification pas encore validée ?"
    click(qtbot, box.button(QMessageBox.StandardButton.No))
    assert desk.banner.isVisible() and len(panel.draft) == 1  # still acting, draft kept

    act_for(qtbot, window, "lefevre", "Mme LEFÈVRE Inès")  # another family: the same question
    box = desk.drop_box
    assert box.isVisible() and desk.banner.label.text() == "Vous agissez pour la famille MARTIN"
    click(qtbot, box.button(QMessageBox.StandardButton.Yes))
    qtbot.waitUntil(lambda: desk.banner.label.text() == "Vous agissez pour la famille LEFÈVRE")
    assert len(panel.draft) == 0

    click(qtbot, desk.banner.leave_button)  # no change pending: no question
    assert not desk.banner.isVisible()
