"""Staff create and edit a family file: the family, its quotients, its children and their
registrations, its account — whose one-time password is shown once and then nowhere."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from famdesk.errors import AuthenticationError
from famdesk.i18n import _
from famdesk.ui.family_record_dialog import FamilyRecordDialog
from famdesk.ui.family_record_tabs import suggested_login
from famdesk.ui.one_time_password_dialog import OneTimePasswordDialog
from tests.ui.accounts_factories import (
    AccountsLocalGateway,
    add_town_families,
    staff_login,
    type_text,
)
from tests.ui.helpers import run, widget_texts

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def accounts_gw(portal_ctx, portal):
    gw = AccountsLocalGateway(portal_ctx)
    yield gw
    gw.close()


@pytest.fixture
def families(portal_ctx, portal):
    return add_town_families(portal_ctx, portal)


@pytest.fixture
def open_record(qtbot, accounts_gw, sync_runner, portal, families):
    staff_login(accounts_gw)
    dialogs = []

    def open_(family_id=None):
        dialog = FamilyRecordDialog(accounts_gw, sync_runner, portal.town_id, family_id)
        qtbot.addWidget(dialog)
        dialog.show()
        dialogs.append(dialog)
        return dialog

    yield open_
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, OneTimePasswordDialog | QMessageBox):
            widget.close()


def texts_outside(shown=None) -> list[str]:
    """What every widget of the application but `shown` and its children holds."""
    inside = set()
    if shown is not None:
        inside = {id(shown), *(id(child) for child in shown.findChildren(QWidget))}
    texts = []
    for widget in QApplication.allWidgets():
        if id(widget) not in inside:
            texts.extend([widget.windowTitle(), widget.toolTip(), widget.accessibleName()])
            text = getattr(widget, "text", None)
            if callable(text) and isinstance(widget, QLabel | QLineEdit | QAbstractButton):
                texts.append(text())
    return texts


def test_a_new_family_is_saved_first_then_gets_the_other_tabs(qtbot, open_record, accounts_gw,
                                                              portal):
    dialog = open_record()
    assert dialog.heading.text() == _("New family")
    assert [dialog.tabs.isTabEnabled(i) for i in range(4)] == [True, False, False, False]
    tab = dialog.family_tab
    tab.civility_combo.setCurrentText("Mme")
    type_text(qtbot, tab.first_name_edit, "Anaïs")
    qtbot.mouseClick(tab.save_button, CLICK)
    assert tab.fields.error_text("last_name") == _("This field is required.")
    assert dialog.record is None

    type_text(qtbot, tab.last_name_edit, "Bérard")
    qtbot.keyClicks(tab.email_edit, "pas une adresse")
    qtbot.mouseClick(tab.save_button, CLICK)
    assert tab.fields.error_text("email") == _(
        "“{email}” is not a valid e-mail address.").format(email="pas une adresse")
    assert tab.fields.error_text("last_name") == ""

    tab.email_edit.clear()
    qtbot.keyClicks(tab.email_edit, "anais.berard@example.org")
    with qtbot.waitSignal(dialog.family_saved) as saved:
        qtbot.mouseClick(tab.save_button, CLICK)

    assert dialog.record is not None and dialog.record.id == saved.args[0]
    assert dialog.heading.text().endswith("Mme BÉRARD Anaïs")
    assert all(dialog.tabs.isTabEnabled(i) for i in range(4))
    hits = run(accounts_gw.search_families(portal.town_id, "berard"))
    assert [hit.holder_name for hit in hits] == ["Mme BÉRARD Anaïs"]


def test_an_existing_family_is_edited(qtbot, open_record, families):
    dialog = open_record(families.dupont)
    tab = dialog.family_tab
    assert tab.last_name_edit.text() == "Dupont"
    qtbot.keyClicks(tab.phone_edit, "01 02 03 04 05")
    qtbot.keyClick(tab.phone_edit, Qt.Key.Key_Return)
    assert tab.feedback.success_label.text() == _("The family is saved.")
    assert dialog.record.phone == "01 02 03 04 05"


def test_quotients_are_added_with_their_dates(qtbot, open_record, families):
    dialog = open_record(families.lefevre)
    tab = dialog.quotients_tab
    tab.value_spin.setValue(850)
    tab.from_edit.setDate(QDate(2026, 9, 1))
    qtbot.mouseClick(tab.add_button, CLICK)
    tab.value_spin.setValue(620)
    tab.from_edit.setDate(QDate(2027, 1, 1))
    qtbot.mouseClick(tab.add_button, CLICK)

    assert [(q.value, q.valid_from, q.valid_until) for q in dialog.record.quotients] == [
        (850, date(2026, 9, 1), date(2026, 12, 31)), (620, date(2027, 1, 1), None)]
    assert tab.table.item(0, 0).text() == "620"
    assert tab.table.item(1, 2).text() == "31/12/2026"

    tab.value_spin.setValue(700)
    tab.from_edit.setDate(QDate(2026, 10, 1))
    tab.open_check.setChecked(False)
    tab.until_edit.setDate(QDate(2026, 11, 30))
    qtbot.mouseClick(tab.add_button, CLICK)
    assert tab.fields.error_text("valid_from").startswith(
        _("This period overlaps the quotient familial valid from {start}.").split("{")[0])
    assert len(dialog.record.quotients) == 2


def test_children_are_added_edited_and_registered(qtbot, open_record, families):
    dialog = open_record(families.dupont)
    tab = dialog.children_tab
    assert tab.table.rowCount() == 1
    qtbot.mouseClick(tab.new_button, CLICK)
    assert tab.child_form.last_name_edit.text() == "Dupont"
    assert not tab.registrations.isEnabled()
    qtbot.mouseClick(tab.child_form.save_button, CLICK)
    assert tab.child_form.fields.error_text("first_name") == _("This field is required.")

    type_text(qtbot, tab.child_form.first_name_edit, "Élise")
    tab.child_form.birth_edit.setDate(QDate(2020, 5, 17))
    qtbot.keyClicks(tab.child_form.school_edit, "Ecole du Centre")
    qtbot.keyClicks(tab.child_form.class_edit, "GS")
    qtbot.mouseClick(tab.child_form.save_button, CLICK)

    assert [c.first_name for c in dialog.record.children] == ["Zoé", "Élise"]
    assert tab.selected_child().first_name == "Élise"
    assert tab.child_form.feedback.success_label.text() == _("The child is added.")
    assert tab.child_form.title_label.text() == _("{name}'s details").format(name="Élise")
    assert tab.registrations.isEnabled()

    box = tab.registrations
    assert box.activity_combo.currentText() == "ALSH MERCREDI"
    assert box.starts_edit.date() == QDate(2026, 11, 28)  # today, inside the period
    assert box.ends_edit.date() == QDate(2027, 7, 3)
    qtbot.mouseClick(box.register_button, CLICK)
    [registration] = tab.selected_child().registrations
    assert registration.activity_label == "ALSH MERCREDI"
    assert box.table.item(0, 1).text() == "28/11/2026"

    qtbot.mouseClick(box.register_button, CLICK)  # the same period again
    assert box.fields.error_text("starts_on") == _(
        "The child is already registered to this activity over part of this period.")

    box.table.selectRow(0)
    qtbot.mouseClick(box.end_button, CLICK)
    assert tab.selected_child().registrations == ()
    assert box.table.rowCount() == 0


def test_the_account_password_is_shown_once_and_then_nowhere(
    qtbot, open_record, families, accounts_gw
):
    dialog = open_record(families.lefevre)
    tab = dialog.account_tab
    assert tab.login_edit.text() == suggested_login("Inès", "Lefèvre") == "ines.lefevre"
    qtbot.mouseClick(tab.create_button, CLICK)

    shown = tab.secret_dialog
    assert shown is not None and shown.isVisible()
    password = shown.password_label.text()
    assert len(password) == 14 and password.count("-") == 2
    assert password in widget_texts(shown)
    assert password not in texts_outside(shown)
    assert dialog.record.account.login == "ines.lefevre"
    assert dialog.record.account.must_change_password
    assert _("The family has not replaced its one-time password yet.") in tab.state_label.text()

    qtbot.mouseClick(shown.done_button, CLICK)
    qtbot.waitUntil(lambda: tab.secret_dialog is None)
    assert not any(password in text for text in texts_outside())
    staff = accounts_gw.session
    session = run(accounts_gw.login("ines.lefevre", password))
    assert session.must_change_password
    accounts_gw._session = staff


def test_a_taken_login_shows_under_the_login(qtbot, open_record, families):
    dialog = open_record(families.dupont)
    tab = dialog.account_tab
    tab.login_edit.clear()
    qtbot.keyClicks(tab.login_edit, "hugo.martin")
    qtbot.mouseClick(tab.create_button, CLICK)
    assert tab.fields.error_text("login") == _("This login is already taken.")
    assert tab.secret_dialog is None


def test_a_new_one_time_password_after_confirming(qtbot, open_record, families, accounts_gw):
    dialog = open_record(families.lefevre)
    tab = dialog.account_tab
    qtbot.mouseClick(tab.create_button, CLICK)
    first = tab.secret_dialog.password_label.text()
    tab.secret_dialog.accept()
    qtbot.waitUntil(lambda: tab.secret_dialog is None)
    assert tab.create_button.isHidden() and not tab.reset_button.isHidden()

    qtbot.mouseClick(tab.reset_button, CLICK)
    box = tab.confirm_box
    assert box is not None and "Mme LEFÈVRE Inès" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), CLICK)
    assert tab.secret_dialog is None

    qtbot.mouseClick(tab.reset_button, CLICK)
    qtbot.mouseClick(tab.confirm_box.button(QMessageBox.StandardButton.Yes), CLICK)
    second = tab.secret_dialog.password_label.text()
    assert second and second != first
    tab.secret_dialog.accept()
    staff = accounts_gw.session
    with pytest.raises(AuthenticationError):
        run(accounts_gw.login("ines.lefevre", first))
    assert run(accounts_gw.login("ines.lefevre", second)).must_change_password
    accounts_gw._session = staff


def test_closing_forgets_the_family(qtbot, open_record, families):
    dialog = open_record(families.lefevre)
    dialog.children_tab.table.selectRow(0)
    dialog.close()
    texts = list(widget_texts(dialog))
    assert not any("Lef" in text or "Chlo" in text or "Inès" in text for text in texts)
