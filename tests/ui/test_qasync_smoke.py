"""The real thing: the gateway's worker thread and the qasync loop inside Qt's event loop."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from PySide6.QtCore import Qt

from famdesk.i18n import _
from famdesk.services.draft import LineKind
from famdesk.services.states import CellState
from famdesk.ui.calendar.panel import BookingPanel
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.main_window import MainWindow
from famdesk.ui.runner import QasyncRunner
from famdesk.ui.shell import AppShell
from tests.ui.booking_helpers import click_day, show, state
from tests.ui.factories import (
    CENTRE_NEWS,
    FAMILY_LOGIN,
    FAMILY_NAME,
    FAMILY_PASSWORD,
    LEA,
    MEALS,
    STAFF_LOGIN,
    STAFF_NAME,
    STAFF_PASSWORD,
)


def test_login_through_qasync_opens_the_portal(qtbot, qasync_loop, gateway):
    runner = QasyncRunner(qasync_loop)
    shell = AppShell(gateway, runner)
    qtbot.addWidget(shell.login_window)
    shell.start()
    qtbot.keyClicks(shell.login_window.login_edit, FAMILY_LOGIN)
    qtbot.keyClicks(shell.login_window.password_edit, FAMILY_PASSWORD)

    qtbot.mouseClick(shell.login_window.login_button, Qt.MouseButton.LeftButton)
    # the click returned at once: the login runs on the worker thread
    assert not shell.login_window.login_button.isEnabled()

    def portal_shown() -> bool:
        window = shell.main_window
        return (
            window is not None
            and window.isVisible()
            and window.user_label.text() == FAMILY_NAME
            and window.home_panel.news_model.rowCount() == 1
        )

    qtbot.waitUntil(portal_shown, timeout=10_000)
    window = shell.main_window
    assert window.home_panel.news_model.index(0, 0).data() == CENTRE_NEWS

    qtbot.mouseClick(window.logout_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.main_window is None and shell.login_window.isVisible())
    assert runner.pending() == 0


def test_the_desk_keeps_working_while_a_transmission_runs(qtbot, qasync_loop, portal_ctx, booked):
    release = threading.Event()
    sent: list[str] = []

    class SlowServer:
        def send(self, message):
            assert release.wait(10), "the test never released the mail server"
            sent.append(message["To"])

    gateway = LocalGateway(portal_ctx, mailers=lambda structure: SlowServer())
    runner = QasyncRunner(qasync_loop)
    try:
        sessions: list = []
        runner.submit(gateway.login(STAFF_LOGIN, STAFF_PASSWORD), sessions.append, pytest.fail)
        qtbot.waitUntil(lambda: bool(sessions), timeout=10_000)
        window = MainWindow(gateway, runner, sessions[0])
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.user_label.text() == STAFF_NAME, timeout=10_000)

        qtbot.mouseClick(window.transmit_button, Qt.MouseButton.LeftButton)
        dialog = window.transmission_dialog
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)

        # the reports are written (progress reached the dialog), the run waits on the server
        writing = _("Writing the reports to the families")
        qtbot.waitUntil(lambda: dialog.step_label.text().startswith(writing), timeout=10_000)
        assert dialog.is_running() and dialog.progress_bar.value() == 1
        # ... and meanwhile the desk's own calls go through on their thread
        pages: list = []
        runner.submit(gateway.home(window.current_structure_id()), pages.append, pytest.fail)
        qtbot.waitUntil(lambda: bool(pages), timeout=10_000)
        assert dialog.is_running() and sent == []

        release.set()
        qtbot.waitUntil(lambda: dialog.summary is not None, timeout=10_000)
        assert sent == ["hugo.martin@example.org"] and dialog.summary.emails_sent == 1
        assert dialog.step_label.text() == _("Transmission finished.")
        qtbot.waitUntil(lambda: "28/11/2026" in window.last_update_label.text())
    finally:
        release.set()
        gateway.close()


def test_the_booking_tab_books_through_qasync(qtbot, qasync_loop, gateway, booked, portal):
    runner = QasyncRunner(qasync_loop)
    sessions: list = []
    runner.submit(gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD), sessions.append, pytest.fail)
    qtbot.waitUntil(lambda: bool(sessions), timeout=10_000)
    panel = BookingPanel(gateway, runner)
    qtbot.addWidget(panel, before_close_func=BookingPanel.clear)
    panel.show()
    panel.set_structure(portal.town_id)
    panel.ensure_loaded()
    qtbot.waitUntil(lambda: panel.child_combo.count() == 2, timeout=10_000)
    show(panel, LEA, MEALS)
    qtbot.waitUntil(lambda: panel.month_label.text() == "Décembre 2026"
                    and panel.model.view() is not None and panel.model.view().month == 12,
                    timeout=10_000)
    tuesday = date(2026, 12, 8)
    click_day(qtbot, panel, tuesday)  # the draft is the panel's: shown at once
    assert state(panel, tuesday) == (CellState.AVAILABLE, LineKind.BOOK)

    qtbot.mouseClick(panel.validate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.recap_flow.recap_dialog is not None, timeout=10_000)
    qtbot.mouseClick(panel.recap_flow.recap_dialog.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: state(panel, tuesday) == (CellState.BOOKED, None), timeout=10_000)
    assert panel.recap_flow.results_dialog.isVisible()
