"""Kiosk mode: full screen, the family cannot close the window, an idle session ends after a
visible countdown, and then nothing of the family remains — no widget text, no item model
data, no clipboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy.engine import make_url

from famdesk.config import DatabaseTarget
from famdesk.errors import FamdeskError
from famdesk.i18n import _
from famdesk.ui.errors import present_error
from famdesk.ui.kiosk import KioskController, check_kiosk_database
from famdesk.ui.recovery_dialog import RecoveryDialog
from famdesk.ui.shell import AppShell
from tests.ui.accounts_factories import AccountsLocalGateway, set_kiosk_idle
from tests.ui.factories import FAMILY_LOGIN, FAMILY_PASSWORD
from tests.ui.helpers import run
from tests.ui.traces import flush_deletions, held_texts, holding

CLICK = Qt.MouseButton.LeftButton
FAMILY_NAMES = ("Martin", "MARTIN", "Léa", "Tom", "Hugo", FAMILY_LOGIN)


@pytest.fixture
def accounts_gw(portal_ctx, portal):
    gw = AccountsLocalGateway(portal_ctx)
    yield gw
    gw.close()


@pytest.fixture
def kiosk_shell(qtbot, accounts_gw, sync_runner, booked):
    shell = AppShell(accounts_gw, sync_runner)
    # long enough to set a scene up; each test shortens it when the scene is ready
    kiosk = KioskController(idle_seconds=30, countdown_seconds=3, tick_ms=60)
    kiosk.attach(shell)
    # released before qtbot closes the login window: else it stays open (and on screen)
    # for the tests that follow
    qtbot.addWidget(shell.login_window, before_close_func=lambda _w: kiosk.release())
    shell.start()
    yield shell, kiosk
    kiosk.release()
    kiosk.countdown.deleteLater()
    if shell.main_window is not None:
        shell.main_window.close()
        shell.main_window.deleteLater()


def log_in(qtbot, shell):
    window = shell.login_window
    window.login_edit.clear()
    qtbot.keyClicks(window.login_edit, FAMILY_LOGIN)
    qtbot.keyClicks(window.password_edit, FAMILY_PASSWORD)
    qtbot.mouseClick(window.login_button, CLICK)
    assert shell.main_window is not None
    return shell.main_window


def names_left() -> list[str]:
    return holding(held_texts(), FAMILY_NAMES)


def test_windows_are_full_screen_without_chrome_and_cannot_be_closed(qtbot, kiosk_shell):
    shell, kiosk = kiosk_shell
    login_window = shell.login_window
    assert login_window.windowState() & Qt.WindowState.WindowFullScreen
    assert login_window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert not login_window.close()
    assert login_window.isVisible()

    window = log_in(qtbot, shell)
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    assert not window.close()
    assert window.isVisible()

    kiosk.release()  # the app quits: now they may
    assert window.close()


def test_an_idle_session_ends_after_the_countdown_and_leaves_nothing(
    qtbot, kiosk_shell, portal
):
    shell, kiosk = kiosk_shell
    window = log_in(qtbot, shell)
    assert kiosk.in_session()
    window.structure_combo.setCurrentIndex(window.structure_combo.findData(portal.town_id))
    window.tabs.setCurrentWidget(window.booking_panel)
    assert any("Léa" in text for text in held_texts())  # the children's calendar
    # what a family leaves behind: an open message, a copied name
    present_error(window, FamdeskError("Léa MARTIN est déjà inscrite ce jour-là."))
    QGuiApplication.clipboard().setText("MARTIN Léa")
    assert names_left()
    kiosk.set_idle_seconds(0.3)  # the family walks away

    qtbot.waitUntil(lambda: kiosk.countdown.isVisible(), timeout=3000)
    assert kiosk.countdown.label.text() == _("You will be logged out in {seconds} s…").format(
        seconds=3)
    assert shell.main_window is window  # still logged in while it counts

    qtbot.waitUntil(lambda: shell.main_window is None, timeout=3000)
    assert shell.login_window.isVisible()
    assert not kiosk.in_session() and not kiosk.countdown.isVisible()
    assert accounts_gw_session(shell) is None
    flush_deletions()

    assert names_left() == []
    assert QGuiApplication.clipboard().text() == ""
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [shell.login_window]


def accounts_gw_session(shell):
    return shell._gateway.session


def test_continue_keeps_the_session_and_activity_delays_the_countdown(qtbot, kiosk_shell):
    shell, kiosk = kiosk_shell
    window = log_in(qtbot, shell)
    kiosk.set_idle_seconds(0.4)
    for _step in range(6):  # 0.6 s of typing: longer than the idle time
        qtbot.wait(100)
        qtbot.keyClick(window, Qt.Key.Key_Shift)
    assert not kiosk.countdown.isVisible()

    qtbot.waitUntil(lambda: kiosk.countdown.isVisible(), timeout=3000)
    qtbot.mouseClick(kiosk.countdown.continue_button, CLICK)
    assert not kiosk.countdown.isVisible()
    qtbot.wait(250)  # several ticks: the countdown no longer runs
    assert shell.main_window is window and kiosk.in_session()
    assert not kiosk.countdown_running()


def test_idle_before_a_login_wipes_the_login_window_and_its_dialogs(
    qtbot, kiosk_shell, accounts_gw, sync_runner
):
    shell, kiosk = kiosk_shell
    qtbot.keyClicks(shell.login_window.login_edit, FAMILY_LOGIN)
    recovery = RecoveryDialog(accounts_gw, sync_runner, FAMILY_LOGIN, shell.login_window)
    recovery.show()
    QGuiApplication.clipboard().setText(FAMILY_LOGIN)

    with qtbot.waitSignal(kiosk.idle_cleared, timeout=3000):
        kiosk.set_idle_seconds(0.3)
    assert not recovery.isVisible()
    assert recovery.login_edit.text() == ""
    assert shell.login_window.login_edit.text() == ""
    assert QGuiApplication.clipboard().text() == ""
    assert not kiosk.countdown.isVisible()  # no session: nothing to count down


def test_the_structure_sets_the_idle_time(qtbot, accounts_gw, sync_runner, portal, portal_ctx):
    for structure_id in (portal.town_id, portal.centre_id):
        set_kiosk_idle(portal_ctx, structure_id, 45)
    shell = AppShell(accounts_gw, sync_runner)
    kiosk = KioskController(idle_seconds=120)
    kiosk.attach(shell, accounts_gw, sync_runner)
    qtbot.addWidget(shell.login_window, before_close_func=lambda _w: kiosk.release())
    shell.start()
    try:
        log_in(qtbot, shell)
        assert kiosk.idle_seconds() == 45
    finally:
        kiosk.release()
        kiosk.countdown.deleteLater()
        shell.main_window.close()
        shell.main_window.deleteLater()


def test_a_kiosk_refuses_a_shared_database():
    check_kiosk_database(DatabaseTarget(make_url("sqlite:////tmp/famdesk.db")))
    with pytest.raises(FamdeskError):
        check_kiosk_database(DatabaseTarget(make_url("postgresql+psycopg://desk@town/famdesk")))


def test_a_staff_pc_remembers_the_login_a_kiosk_never(accounts_gw, portal_ctx):
    run(accounts_gw.remember_login("accueil"))
    assert run(accounts_gw.remembered_login()) == "accueil"
    run(accounts_gw.remember_login(None))
    assert run(accounts_gw.remembered_login()) is None

    run(accounts_gw.remember_login("accueil"))
    accounts_gw.enter_kiosk_mode()
    assert run(accounts_gw.remembered_login()) is None
    run(accounts_gw.remember_login("hugo.martin"))
    assert portal_ctx.secrets.get("remembered_login") is None


def test_a_widget_outside_the_session_is_kept(qtbot, kiosk_shell):
    """`close_session_windows(keep=...)` leaves the given windows alone."""
    _shell, kiosk = kiosk_shell
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    kept = QWidget()
    qtbot.addWidget(kept)
    kept.show()
    assert kiosk.close_session_windows(keep=[kept]) >= 1
    assert not other.isVisible() and kept.isVisible()
