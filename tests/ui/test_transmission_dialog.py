"""Staff run the transmission from the header; families cannot; failed e-mails show up."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from famdesk.errors import NotAuthorizedError
from famdesk.i18n import _
from famdesk.services.mail import PermanentFailure
from famdesk.services.tracking import TrackingFilter
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.main_window import MainWindow
from famdesk.ui.transmission_dialog import TransmissionDialog
from tests.ui.factories import (
    FAMILY_LOGIN,
    FAMILY_PASSWORD,
    STAFF_LOGIN,
    STAFF_PASSWORD,
)
from tests.ui.helpers import ManualRunner, run, widget_texts


def staff_window(qtbot, gateway, runner) -> MainWindow:
    session = run(gateway.login(STAFF_LOGIN, STAFF_PASSWORD))
    window = MainWindow(gateway, runner, session)
    qtbot.addWidget(window)
    window.show()
    return window


def tracking_lines(gateway, structure_id):
    """What the family sees, read as the family (the staff do not have the tab yet)."""
    run(gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD))
    return run(gateway.tracking(structure_id, TrackingFilter())).lines


def test_a_family_has_no_transmit_button_and_may_not_transmit(qtbot, gateway, sync_runner):
    session = run(gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD))
    window = MainWindow(gateway, sync_runner, session)
    qtbot.addWidget(window)
    assert window.transmit_button is None
    assert _("Transmit") not in list(widget_texts(window))
    with pytest.raises(NotAuthorizedError):
        run(gateway.transmit(lambda step, done, total: None))


def test_staff_see_no_empty_tracking_tab(qtbot, gateway, sync_runner):
    window = staff_window(qtbot, gateway, sync_runner)
    tabs = window.tabs
    shown = [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)]
    assert shown == [_("Home"), _("Families"), _("Profile")]  # the family tabs wait for a family
    assert window.transmit_button is not None and window.transmit_button.isVisible()
    assert window.transmit_button.text() == "Transmettre"


def test_staff_transmit_from_the_header_and_read_the_summary(
    qtbot, gateway, sync_runner, booked, portal
):
    window = staff_window(qtbot, gateway, sync_runner)
    before = window.last_update_label.text()
    assert "27/11/2026" in before

    qtbot.mouseClick(window.transmit_button, Qt.MouseButton.LeftButton)
    dialog = window.transmission_dialog
    assert isinstance(dialog, TransmissionDialog) and dialog.isVisible()
    assert not dialog.isModal()  # the desk keeps working meanwhile
    assert not dialog.summary_label.isVisible()

    with qtbot.waitSignal(dialog.transmission_finished) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)

    summary = finished.args[0]
    assert summary.movements == 4 and summary.families == 1
    assert dialog.summary_label.isVisible()
    assert dialog.summary_label.text().splitlines() == summary.lines()
    assert "Mouvements transmis : 4" in dialog.summary_label.text()
    assert dialog.step_label.text() == "Transmission terminée."
    assert dialog.progress_bar.value() == dialog.progress_bar.maximum()
    assert dialog.close_button.isEnabled() and dialog.start_button.isEnabled()
    # the header's "Site updated" was asked again: the run stamped it today
    assert "28/11/2026" in window.last_update_label.text()
    assert {line.transmission_text for line in tracking_lines(gateway, portal.town_id)} == {
        "Transmis le 28/11/2026"
    }

    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_the_transmission_runs_on_its_own_thread(gateway, booked):
    threads: list[str] = []
    run(gateway.login(STAFF_LOGIN, STAFF_PASSWORD))

    summary = run(gateway.transmit(lambda *_args: threads.append(threading.current_thread().name)))

    assert summary.movements == 4
    assert threads and all(name.startswith("famdesk-transmit") for name in threads)
    assert threading.current_thread().name not in threads


def test_progress_reported_from_another_thread_reaches_the_dialog(qtbot, gateway):
    runner = ManualRunner()
    window = staff_window(qtbot, gateway, runner)
    runner.run_all()
    window._on_transmit_button_clicked()
    dialog = window.transmission_dialog
    dialog.start()
    assert not dialog.start_button.isEnabled() and dialog.is_running()

    worker = threading.Thread(target=dialog.report_progress, args=("Marquage", 2000, 5000))
    worker.start()
    worker.join()

    qtbot.waitUntil(lambda: dialog.step_label.text() == "Marquage : 2000 sur 5000")
    assert (dialog.progress_bar.value(), dialog.progress_bar.maximum()) == (2000, 5000)
    runner.run_all()  # the run itself: nothing to transmit
    assert dialog.summary is not None and dialog.summary.movements == 0
    dialog.report_progress("Marquage", 1, 1)  # late, once the summary is shown
    qtbot.wait(20)
    assert dialog.step_label.text() == "Transmission terminée."
    runner.close()


def test_failed_emails_show_in_the_status_bar(qtbot, portal_ctx, booked, sync_runner):
    class Refusing:
        def send(self, message):
            raise PermanentFailure("550 mailbox unavailable")

    gateway = LocalGateway(portal_ctx, mailers=lambda structure: Refusing())
    try:
        window = staff_window(qtbot, gateway, sync_runner)
        assert not window.failures_label.isVisible()
        window._on_transmit_button_clicked()
        window.transmission_dialog.start()

        assert window.failures_label.isVisible()
        assert "1 e-mail en échec" in window.failures_label.text()
        window.failures_label.linkActivated.emit("#failures")
        table = window.failures_dialog.table
        assert window.failures_dialog.isVisible() and table.rowCount() == 1
        assert table.item(0, 0).text() == "hugo.martin@example.org"
        assert "550 mailbox unavailable" in table.item(0, 3).text()
    finally:
        gateway.close()


def test_logout_while_a_transmission_runs_forgets_the_dialog(qtbot, gateway, booked):
    runner = ManualRunner()
    window = staff_window(qtbot, gateway, runner)
    runner.run_all()
    window._on_transmit_button_clicked()
    dialog = window.transmission_dialog
    dialog.start()

    qtbot.mouseClick(window.logout_button, Qt.MouseButton.LeftButton)
    runner.run_all()

    assert not dialog.isVisible() and dialog.summary is None
    assert dialog.summary_label.text() == ""
    assert window.failures_label.text() == ""
    runner.close()
