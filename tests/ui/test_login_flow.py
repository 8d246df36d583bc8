"""Login, the main window's header and news, switching structure, logout, the first
password after a one-time one, a staff PC's remembered login: a real SQLite file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QApplication

from famdesk.i18n import _
from famdesk.services.tracking import TrackingFilter
from famdesk.ui import theme
from famdesk.ui.first_password_dialog import FirstPasswordDialog
from famdesk.ui.formats import last_update_text
from famdesk.ui.gateway_accounts import REMEMBERED_LOGIN
from famdesk.ui.shell import AppShell
from tests.ui.accounts_factories import NEW_PASSWORD, add_town_families, staff_login
from tests.ui.factories import (
    APS,
    CENTRE,
    CENTRE_NEWS,
    FAMILY_LOGIN,
    FAMILY_NAME,
    FAMILY_PASSWORD,
    LAST_TRANSMISSION,
    LEA,
    MEALS,
    STAFF_LOGIN,
    STAFF_NAME,
    STAFF_PASSWORD,
    TOWN,
    TOWN_NEWS,
)
from tests.ui.helpers import ManualRunner, run, visible_texts, widget_texts


@pytest.fixture
def shell(qtbot, gateway, sync_runner):
    # windows earlier tests closed and handed to deleteLater() go now: "nothing left on
    # screen" is about this test's windows
    QApplication.sendPostedEvents(None, int(QEvent.Type.DeferredDelete))
    shell = AppShell(gateway, sync_runner)
    qtbot.addWidget(shell.login_window)
    shell.start()
    yield shell
    if shell.main_window is not None:
        shell.main_window.close()
        shell.main_window.deleteLater()


def type_credentials(qtbot, shell, login, password):
    window = shell.login_window
    window.login_edit.clear()
    qtbot.keyClicks(window.login_edit, login)
    qtbot.keyClicks(window.password_edit, password)


def news_titles(main_window) -> list[str]:
    model = main_window.home_panel.news_model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_wrong_password_shows_the_message_and_stays(qtbot, shell):
    type_credentials(qtbot, shell, FAMILY_LOGIN, "not-the-password")
    qtbot.mouseClick(shell.login_window.login_button, Qt.MouseButton.LeftButton)

    assert shell.main_window is None
    assert shell.login_window.isVisible()
    assert shell.login_window.error_label.isVisible()
    assert shell.login_window.error_label.text() == _("Incorrect login or password.")
    assert shell.login_window.password_edit.text() == ""
    assert shell.login_window.login_edit.text() == FAMILY_LOGIN


def test_unknown_login_says_the_same_as_a_wrong_password(qtbot, shell):
    type_credentials(qtbot, shell, "nobody", "whatever")
    qtbot.keyClick(shell.login_window.password_edit, Qt.Key.Key_Return)
    assert shell.login_window.error_label.text() == _("Incorrect login or password.")


def test_repeated_failures_show_the_lock(qtbot, shell):
    for _attempt in range(5):
        type_credentials(qtbot, shell, FAMILY_LOGIN, "wrong")
        qtbot.keyClick(shell.login_window.password_edit, Qt.Key.Key_Return)
    text = shell.login_window.error_label.text()
    assert text != _("Incorrect login or password.")
    assert ":" in text and shell.main_window is None  # "... locked until HH:MM."


def test_an_empty_login_is_shown_next_to_its_field(qtbot, shell):
    qtbot.keyClicks(shell.login_window.password_edit, "secret")
    qtbot.keyClick(shell.login_window.password_edit, Qt.Key.Key_Return)
    field_error = shell.login_window._field_errors["login"]
    assert field_error.isVisible() and field_error.text() == _("Enter your login.")


def test_the_right_password_opens_the_portal(qtbot, shell, portal):
    type_credentials(qtbot, shell, FAMILY_LOGIN, FAMILY_PASSWORD)
    qtbot.keyClick(shell.login_window.password_edit, Qt.Key.Key_Return)

    window = shell.main_window
    assert window is not None and window.isVisible()
    assert not shell.login_window.isVisible()
    assert window.user_label.text() == FAMILY_NAME
    combo = window.structure_combo
    assert combo.isVisible()
    assert [combo.itemText(i) for i in range(combo.count())] == [CENTRE, TOWN]
    # the first structure, the leisure centre: never transmitted
    assert window.current_structure_id() == portal.centre_id
    assert window.home_panel.title_label.text() == CENTRE
    assert news_titles(window) == [CENTRE_NEWS]
    assert window.last_update_label.text() == _("Site updated: {when}").format(when=_("never"))
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert tabs == [_("Home"), _("Booking management"), _("Booking requests"), _("Annual enrollments"),
                    _("Balances and payments"), _("Histories"), _("Profile")]
    assert window.transmit_button is None


def test_switching_structure_shows_its_news(qtbot, shell, portal):
    type_credentials(qtbot, shell, FAMILY_LOGIN, FAMILY_PASSWORD)
    qtbot.keyClick(shell.login_window.password_edit, Qt.Key.Key_Return)
    window = shell.main_window

    with qtbot.waitSignal(window.structure_changed) as changed:
        window.structure_combo.setCurrentIndex(window.structure_combo.findText(TOWN))

    assert changed.args == [portal.town_id]
    assert window.home_panel.title_label.text() == TOWN
    titles = news_titles(window)
    assert titles[0] == TOWN_NEWS and CENTRE_NEWS not in titles
    assert "Ancienne actualité" not in titles  # its publication ended
    paris = LAST_TRANSMISSION.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    assert last_update_text(paris) in window.last_update_label.text()
    assert "27/11/2026" in window.last_update_label.text()
    assert "06:00" in window.last_update_label.text()
    assert not window.home_panel.shows_empty_state()


def test_logout_returns_to_an_empty_login_window(qtbot, shell, gateway, booked):
    type_credentials(qtbot, shell, FAMILY_LOGIN, FAMILY_PASSWORD)
    qtbot.keyClick(shell.login_window.password_edit, Qt.Key.Key_Return)
    window = shell.main_window
    window.structure_combo.setCurrentIndex(window.structure_combo.findText(TOWN))
    window.tabs.setCurrentWidget(window.tracking_panel)
    filters = window.tracking_panel.filters
    filters.child_combo.setCurrentIndex(filters.child_combo.findText(LEA))
    filters.outcome_combo.setCurrentIndex(1)
    filters.whole_period_check.setChecked(False)
    assert window.tracking_panel.model.rowCount() > 0
    assert FAMILY_NAME in visible_texts() and LEA in visible_texts()

    qtbot.mouseClick(window.logout_button, Qt.MouseButton.LeftButton)

    assert shell.main_window is None
    assert not window.isVisible()
    assert shell.login_window.isVisible()
    assert gateway.session is None
    texts = visible_texts()
    for trace in (FAMILY_NAME, "MARTIN", FAMILY_LOGIN, TOWN_NEWS, CENTRE_NEWS, TOWN, CENTRE):
        assert not any(trace in text for text in texts), trace
    # the window that was left holds nothing either, should it be shown again
    assert window.user_label.text() == "" and window.home_panel.news_model.rowCount() == 0
    left = list(widget_texts(window))
    for trace in ("MARTIN", APS, MEALS, _("Not transmitted")):
        assert not any(trace in text for text in left), trace
    panel = window.tracking_panel
    assert panel.model.rowCount() == 0 and panel.proxy.rowCount() == 0
    assert panel.filters.current_filter() == TrackingFilter()
    assert panel.filters.child_combo.count() == 1
    assert panel.filters.activity_combo.count() == 1
    assert panel.filters.whole_period_check.isChecked()
    assert panel.shows_empty_state() and not panel.print_button.isEnabled()


def test_the_button_is_disabled_while_the_login_runs(qtbot, gateway):
    runner = ManualRunner()
    shell = AppShell(gateway, runner)
    qtbot.addWidget(shell.login_window)
    shell.start()
    runner.run_all()  # the demo accounts
    type_credentials(qtbot, shell, FAMILY_LOGIN, FAMILY_PASSWORD)
    button = shell.login_window.login_button

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(shell.login_window.password_edit, Qt.Key.Key_Return)

    assert len(runner.queue) == 1
    assert not button.isEnabled()
    runner.run_next()
    assert shell.main_window is not None
    runner.run_all()
    assert shell.main_window.user_label.text() == FAMILY_NAME
    shell.main_window.close()
    runner.close()


def test_a_late_answer_after_logout_is_ignored(qtbot, gateway):
    runner = ManualRunner()
    shell = AppShell(gateway, runner)
    qtbot.addWidget(shell.login_window)
    shell.start()
    runner.run_all()
    type_credentials(qtbot, shell, FAMILY_LOGIN, FAMILY_PASSWORD)
    qtbot.keyClick(shell.login_window.password_edit, Qt.Key.Key_Return)
    runner.run_next()  # login: the main window asks for its home page
    window = shell.main_window
    assert len(runner.queue) == 1
    qtbot.mouseClick(window.logout_button, Qt.MouseButton.LeftButton)
    runner.run_next(1)  # the logout ends before the home page arrives
    runner.run_all()
    assert shell.main_window is None
    assert window.user_label.text() == ""
    assert not any(FAMILY_NAME in text for text in visible_texts())
    runner.close()


# -- the first password -----------------------------------------------------------------


@pytest.fixture
def one_time(portal_ctx, portal, gateway):
    """Mme LEFÈVRE's new account, as the desk hands it over (login, one-time password)."""
    families = add_town_families(portal_ctx, portal)
    staff_login(gateway)
    handed = run(gateway.create_family_account(families.lefevre, "ines.lefevre"))
    run(gateway.logout())
    return handed.login, handed.password


def log_in_with(qtbot, shell, login, password):
    type_credentials(qtbot, shell, login, password)
    qtbot.keyClick(shell.login_window.password_edit, Qt.Key.Key_Return)


def test_a_one_time_password_asks_for_the_user_s_own_before_the_portal(
        qtbot, shell, gateway, one_time):
    log_in_with(qtbot, shell, *one_time)

    dialog = shell.first_password_dialog
    assert isinstance(dialog, FirstPasswordDialog) and dialog.isVisible()
    assert shell.main_window is None  # the portal stays closed meanwhile
    assert dialog.windowTitle() == "Choisir votre mot de passe"
    qtbot.keyClicks(dialog.form.one_time_edit, one_time[1])
    qtbot.keyClicks(dialog.form.new_edit, NEW_PASSWORD)
    qtbot.keyClicks(dialog.form.again_edit, NEW_PASSWORD)
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)

    window = shell.main_window
    assert window is not None and window.isVisible()
    assert not dialog.isVisible() and shell.first_password_dialog is None
    assert not gateway.session.must_change_password
    assert window.user_label.text() == "Mme LEFÈVRE Inès"
    qtbot.mouseClick(window.logout_button, Qt.MouseButton.LeftButton)
    log_in_with(qtbot, shell, one_time[0], NEW_PASSWORD)  # now with the new one
    assert shell.main_window is not None and shell.first_password_dialog is None


def test_a_weak_new_password_is_refused_and_the_dialog_stays(qtbot, shell, gateway, one_time):
    log_in_with(qtbot, shell, *one_time)
    dialog = shell.first_password_dialog
    qtbot.keyClicks(dialog.form.one_time_edit, one_time[1])
    qtbot.keyClicks(dialog.form.new_edit, "court1")
    qtbot.keyClicks(dialog.form.again_edit, "court1")
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and shell.main_window is None
    assert gateway.session.must_change_password


def test_declining_the_first_password_logs_out(qtbot, shell, gateway, one_time):
    log_in_with(qtbot, shell, *one_time)
    dialog = shell.first_password_dialog
    qtbot.keyClicks(dialog.form.one_time_edit, one_time[1])

    qtbot.mouseClick(dialog.logout_button, Qt.MouseButton.LeftButton)

    assert gateway.session is None
    assert shell.main_window is None and shell.first_password_dialog is None
    assert not dialog.isVisible() and dialog.form.one_time_edit.text() == ""
    window = shell.login_window
    assert window.isVisible()
    assert window.login_edit.text() == "" and window.password_edit.text() == ""


# -- the remembered login ---------------------------------------------------------------


def tick(qtbot, check) -> None:
    """A click on the box itself (the row is wider than its text)."""
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))


def test_a_staff_pc_remembers_the_login_when_asked(qtbot, gateway, sync_runner, portal_ctx):
    shell = AppShell(gateway, sync_runner)
    qtbot.addWidget(shell.login_window)
    shell.start()
    window = shell.login_window
    assert window.remember_check.isVisible() and not window.remember_check.isChecked()
    assert window.remember_check.text() == "Se souvenir de mon identifiant"
    type_credentials(qtbot, shell, STAFF_LOGIN, STAFF_PASSWORD)
    tick(qtbot, window.remember_check)
    qtbot.keyClick(window.password_edit, Qt.Key.Key_Return)
    assert shell.main_window.user_label.text() == STAFF_NAME
    assert portal_ctx.secrets.get(REMEMBERED_LOGIN) == STAFF_LOGIN  # the name, nothing else

    qtbot.mouseClick(shell.main_window.logout_button, Qt.MouseButton.LeftButton)
    assert window.login_edit.text() == STAFF_LOGIN and window.password_edit.text() == ""
    assert window.remember_check.isChecked()

    # the next start of the app
    again = AppShell(gateway, sync_runner)
    qtbot.addWidget(again.login_window)
    again.start()
    assert again.login_window.login_edit.text() == STAFF_LOGIN
    assert again.login_window.password_edit.hasFocus() or not again.login_window.isActiveWindow()

    # unticked at the next login: forgotten
    tick(qtbot, again.login_window.remember_check)
    qtbot.keyClicks(again.login_window.password_edit, STAFF_PASSWORD)
    qtbot.keyClick(again.login_window.password_edit, Qt.Key.Key_Return)
    assert again.main_window is not None
    assert portal_ctx.secrets.get(REMEMBERED_LOGIN) is None
    qtbot.mouseClick(again.main_window.logout_button, Qt.MouseButton.LeftButton)
    assert again.login_window.login_edit.text() == ""
    if shell.main_window is not None:
        shell.main_window.deleteLater()


def test_nothing_is_remembered_unless_ticked(qtbot, shell, portal_ctx):
    type_credentials(qtbot, shell, STAFF_LOGIN, STAFF_PASSWORD)
    qtbot.keyClick(shell.login_window.password_edit, Qt.Key.Key_Return)
    assert shell.main_window is not None
    assert portal_ctx.secrets.get(REMEMBERED_LOGIN) is None
    qtbot.mouseClick(shell.main_window.logout_button, Qt.MouseButton.LeftButton)
    assert shell.login_window.login_edit.text() == ""


def test_a_kiosk_never_remembers_a_login(qtbot, gateway, sync_runner, portal_ctx):
    portal_ctx.secrets.set(REMEMBERED_LOGIN, STAFF_LOGIN)  # from before it became a kiosk
    gateway.enter_kiosk_mode()
    shell = AppShell(gateway, sync_runner)
    qtbot.addWidget(shell.login_window)
    shell.start()
    window = shell.login_window
    assert window.login_edit.text() == ""
    assert not window.remember_check.isVisible()
    window.remember_check.setChecked(True)  # even if it were ticked somehow
    type_credentials(qtbot, shell, FAMILY_LOGIN, FAMILY_PASSWORD)
    qtbot.keyClick(window.password_edit, Qt.Key.Key_Return)
    assert shell.main_window is not None
    qtbot.mouseClick(shell.main_window.logout_button, Qt.MouseButton.LeftButton)
    assert window.login_edit.text() == ""
    assert portal_ctx.secrets.get(REMEMBERED_LOGIN) is None


@pytest.fixture
def light_theme_after():
    yield
    theme.apply_theme(QApplication.instance(), theme.LIGHT)


def test_high_contrast_is_chosen_on_the_login_window_and_reaches_the_calendar(
        qtbot, gateway, sync_runner, portal, light_theme_after):
    gateway.enter_kiosk_mode()
    shell = AppShell(gateway, sync_runner)
    qtbot.addWidget(shell.login_window)
    shell.start()
    window = shell.login_window
    app = QApplication.instance()
    assert window.contrast_check.text() == "Contraste élevé"
    light_window = theme.LIGHT.colour("window").name()

    window.contrast_check.setChecked(True)
    assert theme.current() is theme.HIGH_CONTRAST
    assert app.palette().window().color().name() != light_window
    type_credentials(qtbot, shell, FAMILY_LOGIN, FAMILY_PASSWORD)
    qtbot.keyClick(window.password_edit, Qt.Key.Key_Return)
    assert shell.main_window is not None
    assert shell.main_window.booking_panel.palette_.name == "high_contrast"

    # a kiosk: the next family starts from the usual colours
    qtbot.mouseClick(shell.main_window.logout_button, Qt.MouseButton.LeftButton)
    assert not window.contrast_check.isChecked()
    assert theme.current() is theme.LIGHT
    assert app.palette().window().color().name() == light_window
