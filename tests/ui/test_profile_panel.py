""" "Profil": the password (current one required), the e-mail, the security question; and
the first password forced after a one-time password. Refusals show under their field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from famdesk.errors import AuthenticationError
from famdesk.i18n import _
from famdesk.services.families import OneTimePassword
from famdesk.ui.first_password_dialog import FirstPasswordDialog
from famdesk.ui.profile_panel import ProfilePanel
from tests.ui.accounts_factories import (
    NEW_PASSWORD,
    AccountsLocalGateway,
    account_email,
    add_town_families,
    family_login,
    staff_login,
    type_text,
)
from tests.ui.factories import FAMILY_LOGIN, FAMILY_PASSWORD
from tests.ui.helpers import run, widget_texts

CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def accounts_gw(portal_ctx, portal):
    gw = AccountsLocalGateway(portal_ctx)
    yield gw
    gw.close()


@pytest.fixture
def panel(qtbot, accounts_gw, sync_runner):
    family_login(accounts_gw)
    panel = ProfilePanel(accounts_gw, sync_runner)
    qtbot.addWidget(panel)
    panel.resize(800, 900)
    panel.show()
    panel.ensure_loaded()
    return panel


def logs_in_with(gateway, login, password) -> bool:
    try:
        run(gateway.login(login, password))
    except AuthenticationError:
        return False
    return True


def test_the_panel_shows_the_account_and_its_e_mail(panel):
    assert FAMILY_LOGIN in panel.account_label.text()
    assert "Hugo Martin" in panel.account_label.text()
    assert panel.email_section.email_edit.text() == "hugo.martin@example.org"
    assert panel.question_section.question_combo.currentText() == ""


def test_a_wrong_current_password_shows_under_it_and_wipes_the_fields(
    qtbot, panel, accounts_gw
):
    section = panel.password_section
    qtbot.keyClicks(section.current_edit, "pas-le-bon-1")
    qtbot.keyClicks(section.new_edit, NEW_PASSWORD)
    qtbot.keyClicks(section.again_edit, NEW_PASSWORD)
    qtbot.mouseClick(section.button, CLICK)

    assert section.fields.error_text("current") == _("The current password is not correct.")
    assert section.current_edit.text() == section.new_edit.text() == ""
    assert not section.feedback.success_label.isVisible()
    assert logs_in_with(accounts_gw, FAMILY_LOGIN, FAMILY_PASSWORD)


def test_a_weak_or_mistyped_new_password_shows_under_its_field(qtbot, panel):
    section = panel.password_section
    qtbot.keyClicks(section.current_edit, FAMILY_PASSWORD)
    qtbot.keyClicks(section.new_edit, NEW_PASSWORD)
    qtbot.keyClicks(section.again_edit, NEW_PASSWORD + "x")
    qtbot.mouseClick(section.button, CLICK)
    assert section.fields.error_text("again") == _("The two new passwords differ: type it again.")

    section.wipe()
    qtbot.keyClicks(section.current_edit, FAMILY_PASSWORD)
    qtbot.keyClicks(section.new_edit, "abc")
    qtbot.keyClicks(section.again_edit, "abc")
    qtbot.keyClick(section.again_edit, Qt.Key.Key_Return)
    assert "10" in section.fields.error_text("new")
    assert section.fields.error_text("again") == ""


def test_the_password_changes_with_the_current_one(qtbot, panel, accounts_gw):
    section = panel.password_section
    qtbot.keyClicks(section.current_edit, FAMILY_PASSWORD)
    qtbot.keyClicks(section.new_edit, NEW_PASSWORD)
    qtbot.keyClicks(section.again_edit, NEW_PASSWORD)
    with qtbot.waitSignal(panel.profile_changed) as changed:
        qtbot.mouseClick(section.button, CLICK)

    assert changed.args == ["password"]
    assert section.feedback.success_label.isVisible()
    assert section.feedback.success_label.text() == _("Your password was changed.")
    assert NEW_PASSWORD not in widget_texts(panel)
    assert logs_in_with(accounts_gw, FAMILY_LOGIN, NEW_PASSWORD)
    assert not logs_in_with(accounts_gw, FAMILY_LOGIN, FAMILY_PASSWORD)


def test_the_e_mail_is_checked_then_saved(qtbot, panel, portal_ctx):
    section = panel.email_section
    section.email_edit.clear()
    qtbot.keyClicks(section.email_edit, "pas-une-adresse")
    qtbot.mouseClick(section.button, CLICK)
    assert section.fields.error_text("email") == _(
        "“{email}” is not a valid e-mail address.").format(email="pas-une-adresse")
    assert account_email(portal_ctx, FAMILY_LOGIN) == "hugo.martin@example.org"

    section.email_edit.clear()
    qtbot.keyClicks(section.email_edit, "hugo@martin.example")
    qtbot.keyClick(section.email_edit, Qt.Key.Key_Return)
    assert section.fields.error_text("email") == ""
    assert "hugo@martin.example" in section.feedback.success_label.text()
    assert account_email(portal_ctx, FAMILY_LOGIN) == "hugo@martin.example"


def test_the_security_question_needs_an_answer_and_the_password(qtbot, panel, accounts_gw):
    section = panel.question_section
    section.question_combo.setCurrentIndex(0)
    question = section.question_combo.currentText()
    assert question == _("What was the name of your first pet?")
    qtbot.keyClicks(section.answer_edit, "ab")
    qtbot.keyClicks(section.current_edit, FAMILY_PASSWORD)
    qtbot.mouseClick(section.button, CLICK)
    assert section.fields.error_text("answer") == _(
        "The answer needs at least {count} characters.").format(count=3)

    section.answer_edit.clear()
    type_text(qtbot, section.answer_edit, "Noisette")
    qtbot.keyClicks(section.current_edit, "pas-le-bon-1")
    qtbot.mouseClick(section.button, CLICK)
    assert section.fields.error_text("current") == _("The current password is not correct.")

    qtbot.keyClicks(section.current_edit, FAMILY_PASSWORD)
    with qtbot.waitSignal(panel.profile_changed):
        qtbot.mouseClick(section.button, CLICK)
    assert section.feedback.success_label.text() == _("Your security question is saved.")
    assert section.answer_edit.text() == section.current_edit.text() == ""
    # "Le retrouver" now asks it
    options = run(accounts_gw.recovery_options(FAMILY_LOGIN))
    assert options.question == question


def test_clear_forgets_the_account(qtbot, panel):
    qtbot.keyClicks(panel.password_section.current_edit, FAMILY_PASSWORD)
    panel.clear()
    texts = list(widget_texts(panel))
    assert not any(FAMILY_LOGIN in text or "hugo" in text.lower() for text in texts)
    assert panel.password_section.current_edit.text() == ""


# -- the first password ----------------------------------------------------------------


@pytest.fixture
def one_time(portal_ctx, portal, accounts_gw) -> OneTimePassword:
    """Inès LEFÈVRE's new account, made at the desk."""
    families = add_town_families(portal_ctx, portal)
    staff_login(accounts_gw)
    secret = run(accounts_gw.create_family_account(families.lefevre, "ines.lefevre"))
    run(accounts_gw.logout())
    return secret


def test_the_first_password_replaces_the_one_time_password(
    qtbot, accounts_gw, sync_runner, one_time
):
    session = run(accounts_gw.login(one_time.login, one_time.password))
    assert session.must_change_password
    dialog = FirstPasswordDialog(accounts_gw, sync_runner, session.login)
    qtbot.addWidget(dialog)
    dialog.show()
    assert any(one_time.login in text for text in widget_texts(dialog))
    assert one_time.password not in widget_texts(dialog)

    qtbot.keyClicks(dialog.form.one_time_edit, "faux-mot-de-passe-1")
    qtbot.keyClicks(dialog.form.new_edit, NEW_PASSWORD)
    qtbot.keyClicks(dialog.form.again_edit, NEW_PASSWORD)
    qtbot.mouseClick(dialog.change_button, CLICK)
    assert dialog.form.fields.error_text("one_time_password") == _(
        "The current password is not correct.")
    assert dialog.form.one_time_edit.text() == dialog.form.new_edit.text() == ""

    qtbot.keyClicks(dialog.form.one_time_edit, one_time.password)
    qtbot.keyClicks(dialog.form.new_edit, NEW_PASSWORD)
    qtbot.keyClicks(dialog.form.again_edit, NEW_PASSWORD)
    with qtbot.waitSignal(dialog.password_set) as done:
        qtbot.mouseClick(dialog.change_button, CLICK)

    assert not done.args[0].must_change_password
    assert not accounts_gw.session.must_change_password
    assert not dialog.isVisible()
    assert logs_in_with(accounts_gw, one_time.login, NEW_PASSWORD)


def test_closing_the_first_password_dialog_declines(qtbot, accounts_gw, sync_runner, one_time):
    session = run(accounts_gw.login(one_time.login, one_time.password))
    dialog = FirstPasswordDialog(accounts_gw, sync_runner, session.login)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.form.one_time_edit, one_time.password)
    with qtbot.waitSignal(dialog.declined):
        qtbot.mouseClick(dialog.logout_button, CLICK)
    assert dialog.form.one_time_edit.text() == ""
    assert accounts_gw.session.must_change_password
