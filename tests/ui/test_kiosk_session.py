"""A family's whole session on the kiosk, wired as `famdesk --kiosk` wires it
(`app.open_shell`): full screen, windows that do not close, the structure's idle time,
the countdown, the logout — after which nothing anywhere holds the family's or the
children's names: no widget, no item model, no window title, no clipboard, no file in the
temporary folder."""

from __future__ import annotations

import tempfile
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QToolTip
from sqlalchemy import select

from famdesk.errors import FamdeskError
from famdesk.models import Reservation
from famdesk.services.states import CellState
from famdesk.services.uow import UnitOfWork
from famdesk.ui.app import open_shell
from famdesk.ui.errors import present_error
from famdesk.ui.gateway_accounts import REMEMBERED_LOGIN
from tests.ui.accounts_factories import set_kiosk_idle
from tests.ui.booking_helpers import click, click_day, show, state
from tests.ui.factories import FAMILY_LOGIN, FAMILY_PASSWORD, LEA, MEALS, TOWN
from tests.ui.traces import (
    clipboard_texts,
    files_holding,
    flush_deletions,
    held_texts,
    holding,
)

CLICK = Qt.MouseButton.LeftButton
NAMES = ("Martin", "MARTIN", "Léa", "Tom", "Hugo", FAMILY_LOGIN)
MONDAY_7 = date(2026, 12, 7)
COUNTDOWN = 3


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The temporary folder Python and Qt hand out, for this test alone."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def kiosk_app(qtbot, gateway, sync_runner, booked, portal, portal_ctx, private_tmp):
    for structure_id in (portal.town_id, portal.centre_id):
        set_kiosk_idle(portal_ctx, structure_id, 15)  # the shortest a structure may set
    shell, kiosk = open_shell(gateway, sync_runner, kiosk=True,
                              countdown_seconds=COUNTDOWN, tick_ms=100)
    # the kiosk lets its windows close once released (qtbot closes them before teardown)
    qtbot.addWidget(shell.login_window, before_close_func=lambda _w: kiosk.release())
    shell.start()
    yield shell, kiosk
    kiosk.release()
    kiosk.countdown.deleteLater()
    if shell.main_window is not None:
        shell.main_window.clear()
        shell.main_window.close()
        shell.main_window.deleteLater()


def refused_close(window) -> bool:
    """A close request (Alt+F4, the window manager) the window ignores."""
    event = QCloseEvent()
    QApplication.sendEvent(window, event)
    return not event.isAccepted() and window.isVisible()


def full_screen_without_chrome(window) -> bool:
    screen = window.screen().geometry()
    return bool(window.isVisible()
                and window.windowState() & Qt.WindowState.WindowFullScreen
                and window.windowFlags() & Qt.WindowType.FramelessWindowHint
                and window.geometry() == screen)


def test_the_kiosk_windows_are_full_screen_and_refuse_to_close(qtbot, kiosk_app, portal_ctx):
    shell, _kiosk = kiosk_app
    login = shell.login_window
    assert full_screen_without_chrome(login) and login.isVisible()
    assert not login.remember_check.isVisible()
    assert refused_close(login) and not login.close()

    qtbot.keyClicks(login.login_edit, FAMILY_LOGIN)
    qtbot.keyClicks(login.password_edit, FAMILY_PASSWORD)
    qtbot.mouseClick(login.login_button, CLICK)
    window = shell.main_window
    assert window is not None and full_screen_without_chrome(window)
    assert refused_close(window) and not window.close()
    assert portal_ctx.secrets.get(REMEMBERED_LOGIN) is None


def test_an_idle_session_logs_out_after_the_countdown_and_leaves_no_name_anywhere(
        qtbot, kiosk_app, gateway, portal, portal_ctx, booked, private_tmp):
    shell, kiosk = kiosk_app
    login = shell.login_window
    qtbot.keyClicks(login.login_edit, FAMILY_LOGIN)
    qtbot.keyClicks(login.password_edit, FAMILY_PASSWORD)
    qtbot.mouseClick(login.login_button, CLICK)
    window = shell.main_window
    assert kiosk.in_session() and kiosk.idle_seconds() == 15  # the structure's idle time

    # the family at work: its requests, its calendar, a draft, the recap open, a message,
    # a tooltip, a name copied
    window.structure_combo.setCurrentIndex(window.structure_combo.findText(TOWN))
    window.tabs.setCurrentWidget(window.tracking_panel)
    assert window.tracking_panel.model.rowCount() == 4
    window.tabs.setCurrentWidget(window.booking_panel)
    panel = window.booking_panel
    show(panel, LEA, MEALS)
    click_day(qtbot, panel, MONDAY_7)
    assert state(panel, MONDAY_7) == (CellState.AVAILABLE, panel.draft.lines[0].kind)
    click(qtbot, panel.validate_button)
    recap = panel.recap_flow.recap_dialog
    assert recap is not None and recap.isVisible()
    present_error(window, FamdeskError("Léa MARTIN est déjà inscrite ce jour-là."))
    QToolTip.showText(window.mapToGlobal(QPoint(40, 40)), "MARTIN Léa", window)
    QGuiApplication.clipboard().setText("MARTIN Léa")
    assert holding(held_texts(), NAMES) and holding(clipboard_texts(), NAMES)

    # the family walks away (the test does not wait 15 s)
    kiosk.set_idle_seconds(0.5)
    qtbot.waitUntil(kiosk.countdown.isVisible, timeout=5000)
    assert kiosk.countdown.label.text() == f"Vous allez être déconnecté dans {COUNTDOWN}\u00a0s…"
    assert shell.main_window is window  # still logged in while it counts
    qtbot.waitUntil(lambda: shell.main_window is None, timeout=5000)

    assert gateway.session is None and not kiosk.in_session()
    assert login.isVisible() and full_screen_without_chrome(login)
    assert not kiosk.countdown.isVisible()
    flush_deletions()
    assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [login]
    assert holding(held_texts(), NAMES) == []
    assert clipboard_texts() == []
    assert files_holding(private_tmp, NAMES) == []
    with UnitOfWork(portal_ctx.db) as uow:  # the draft was dropped, never confirmed
        booked_days = uow.session.scalars(select(Reservation.day).where(
            Reservation.child_id == booked.lea, Reservation.activity_id == booked.meals)).all()
    assert MONDAY_7 not in booked_days


def test_continue_keeps_the_session(qtbot, kiosk_app):
    shell, kiosk = kiosk_app
    login = shell.login_window
    qtbot.keyClicks(login.login_edit, FAMILY_LOGIN)
    qtbot.keyClicks(login.password_edit, FAMILY_PASSWORD)
    qtbot.mouseClick(login.login_button, CLICK)
    window = shell.main_window
    kiosk.set_idle_seconds(0.5)
    qtbot.waitUntil(kiosk.countdown.isVisible, timeout=5000)
    qtbot.mouseClick(kiosk.countdown.continue_button, CLICK)
    qtbot.wait(400)  # longer than the countdown's ticks, shorter than the idle time
    assert shell.main_window is window and kiosk.in_session()
    assert not kiosk.countdown.isVisible() and not kiosk.countdown_running()


def test_printing_on_the_kiosk_goes_to_the_printer_without_a_file(
        qtbot, kiosk_app, private_tmp):
    shell, _kiosk = kiosk_app
    login = shell.login_window
    qtbot.keyClicks(login.login_edit, FAMILY_LOGIN)
    qtbot.keyClicks(login.password_edit, FAMILY_PASSWORD)
    qtbot.mouseClick(login.login_button, CLICK)
    window = shell.main_window
    window.structure_combo.setCurrentIndex(window.structure_combo.findText(TOWN))
    window.tabs.setCurrentWidget(window.tracking_panel)
    panel = window.tracking_panel
    printed: list[bytes] = []
    panel.choose_path = lambda *_args: pytest.fail("no file dialog on a kiosk")
    panel.open_file = lambda *_args: pytest.fail("no viewer on a kiosk")
    panel.print_pdf = lambda data: printed.append(data)

    click(qtbot, panel.print_button)

    assert len(printed) == 1 and printed[0].startswith(b"%PDF")
    assert panel.notice_label.text() == "Le document part à l’imprimante."
    assert list(private_tmp.rglob("*")) == []
    panel.print_pdf = lambda data: "Aucune imprimante n'est reliée à cet ordinateur."
    click(qtbot, panel.print_button)
    assert "Aucune imprimante" in panel.error_label.text()


# -- famdesk --kiosk ----------------------------------------------------------------------


def test_famdesk_kiosk_refuses_a_shared_database_before_opening_it(capsys, monkeypatch):
    from famdesk import bootstrap, cli

    monkeypatch.setattr(bootstrap, "open_context", pytest.fail)  # never reached
    code = cli.main(["--kiosk", "--database", "postgresql+psycopg://desk@town/famdesk"])
    assert code == cli.EXIT_FAILED
    assert "Une borne ne se connecte pas à une base partagée" in capsys.readouterr().err


def test_famdesk_kiosk_opens_the_app_in_kiosk_mode(sqlite_url, monkeypatch):
    from famdesk import cli
    from famdesk.ui import app

    opened: dict = {}
    monkeypatch.setattr(app, "run_app", lambda ctx, **options: opened.update(options) or 0)
    assert cli.main(["--kiosk", "--database", sqlite_url]) == cli.EXIT_OK
    assert opened["kiosk"] is True
    assert cli.main(["--database", sqlite_url]) == cli.EXIT_OK
    assert opened["kiosk"] is False
