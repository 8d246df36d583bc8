"""The real thing: the gateway's worker thread and the qasync loop inside Qt's event loop."""

from __future__ import annotations

import asyncio

import pytest
import qasync
from PySide6.QtCore import Qt

from famdesk.ui.runner import QasyncRunner
from famdesk.ui.shell import AppShell
from tests.ui.factories import CENTRE_NEWS, FAMILY_LOGIN, FAMILY_NAME, FAMILY_PASSWORD


@pytest.fixture
def qasync_loop(qapp):
    """An asyncio loop that runs whenever Qt processes events (qtbot.wait*, clicks)."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    # Detach without stop(): stop() would exit the QApplication that pytest-qt keeps for the
    # whole session. The loop was never started by us, so it is only marked stopped here.
    qapp.aboutToQuit.disconnect(loop._after_run_forever)
    asyncio.events._set_running_loop(None)
    loop._QEventLoop__is_running = False
    loop.close()
    asyncio.set_event_loop(None)


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
