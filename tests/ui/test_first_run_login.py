"""A real town's first run, end to end: `famdesk setup` on a new SQLite file prints the
manager's one-time password; the manager logs in with it in the login window, chooses their
own password in the first-password dialog, and finds their structure and themselves in
"Paramétrage > Comptes et structures"."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from famdesk.bootstrap import open_context
from famdesk.cli import main
from famdesk.clock import FixedClock
from famdesk.secrets import MemorySecretStore
from famdesk.ui.first_password_dialog import FirstPasswordDialog
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.shell import AppShell
from tests.conftest import CLOCK_START
from tests.ui.helpers import column_texts

OWN_PASSWORD = "Bellecombe-2026"


@pytest.fixture
def first_run(capsys, tmp_path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'mairie.db'}"
    assert main(["setup", "--structure", "Mairie de Bellecombe", "--zone", "A", "--admin",
                 "nroussel", "--name", "Nathalie Roussel", "--database", url]) == 0
    printed = capsys.readouterr().out
    password = re.search(r"notez-le maintenant\) : (\S+)$", printed, re.MULTILINE).group(1)  # type: ignore[union-attr]
    ctx = open_context(url, clock=FixedClock(CLOCK_START), secrets=MemorySecretStore())
    yield ctx, password
    ctx.close()


def test_the_first_manager_logs_in_and_chooses_a_password(qtbot, sync_runner, first_run):
    ctx, password = first_run
    QApplication.sendPostedEvents(None, int(QEvent.Type.DeferredDelete))
    gateway = LocalGateway(ctx)
    shell = AppShell(gateway, sync_runner)
    qtbot.addWidget(shell.login_window)
    shell.start()
    qtbot.keyClicks(shell.login_window.login_edit, "nroussel")
    qtbot.keyClicks(shell.login_window.password_edit, password)
    qtbot.keyClick(shell.login_window.password_edit, Qt.Key.Key_Return)

    dialog = shell.first_password_dialog
    assert isinstance(dialog, FirstPasswordDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.form.one_time_edit, password)
    qtbot.keyClicks(dialog.form.new_edit, OWN_PASSWORD)
    qtbot.keyClicks(dialog.form.again_edit, OWN_PASSWORD)
    qtbot.mouseClick(dialog.change_button, Qt.MouseButton.LeftButton)

    window = shell.main_window
    try:
        assert window is not None and window.isVisible()
        assert window.structure_label.text() == "Mairie de Bellecombe"
        panel = window.admin_panel
        window.tabs.setCurrentWidget(panel)
        panel.show_section(panel.accounts_section)
        section = panel.accounts_section
        assert column_texts(section.table, 0) == ["Nathalie Roussel (vous)"]
        assert column_texts(section.table, 2) == ["Gestionnaire"]
        assert column_texts(section.table, 4) == ["actif"]
    finally:
        if window is not None:
            window.close()
            window.deleteLater()
        gateway.close()
