#!/usr/bin/env python3
"""Photograph "Paramétrage > Comptes et structures" on a fresh demo town, on a fixed day
(Friday 27 November 2026), logged in as the demo's manager:

    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python scripts/screenshots_accounts_admin.py OUT

Writes into OUT: accounts-section.png, accounts-new-dialog.png (a refusal under its field),
accounts-one-time-password.png, accounts-reset-question.png, accounts-edit-dialog.png,
accounts-edit-self.png, accounts-new-structure.png, accounts-structure-created.png; then a
new town made as `famdesk setup` makes it: first-run-password.png (the first-password
dialog after the login) and first-run-window.png (its manager in "Paramétrage"). The
databases are temporary: nothing is kept.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from famdesk.bootstrap import open_context
from famdesk.clock import FixedClock
from famdesk.secrets import MemorySecretStore
from famdesk.services.first_run import set_up_town
from famdesk.services.uow import UnitOfWork
from famdesk.ui.admin import AdminPanel
from famdesk.ui.admin.account_dialogs import AccountPasswordDialog
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.runner import SyncRunner
from famdesk.ui.shell import AppShell

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots_admin import (  # noqa: E402
    NOW,
    Photographer,
    demo_admin_panel,
    photographer,
)


def main(out: Path) -> int:
    photo = photographer(out)
    with tempfile.TemporaryDirectory() as folder:
        with demo_admin_panel(folder) as panel:
            photograph(photo.app, photo, panel)
        first_run(photo, folder)
    return 0


def first_run(photo: Photographer, folder: str) -> None:
    ctx = open_context(f"sqlite:///{folder}/mairie.db", clock=FixedClock(NOW),
                       secrets=MemorySecretStore())
    with UnitOfWork(ctx.db, write=True) as uow:
        done = set_up_town(uow, ctx.clock, "Mairie de Bellecombe", "A", "nroussel",
                           "Nathalie Roussel", "enfance@bellecombe.fr")
    gateway = LocalGateway(ctx)
    shell = AppShell(gateway, SyncRunner())
    shell.start()
    try:
        shell.login_window.login_edit.setText("nroussel")
        shell.login_window.password_edit.setText(done.manager.password)
        shell.login_window.login_button.click()
        dialog = shell.first_password_dialog
        assert dialog is not None
        photo.shot(dialog, "first-run-password.png")
        dialog.form.one_time_edit.setText(done.manager.password)
        dialog.form.new_edit.setText("Bellecombe-2026")
        dialog.form.again_edit.setText("Bellecombe-2026")
        dialog.change_button.click()
        window = shell.main_window
        assert window is not None and window.admin_panel is not None
        window.tabs.setCurrentWidget(window.admin_panel)
        window.admin_panel.show_section(window.admin_panel.accounts_section)
        photo.shot(window, "first-run-window.png")
        window.close()
    finally:
        gateway.close()
        ctx.close()


def photograph(app: QApplication, photo: Photographer, panel: AdminPanel) -> None:
    section = panel.accounts_section
    panel.show_section(section)
    section.table.selectRow(0)
    photo.shot(panel, "accounts-section.png")

    section.new_account()
    dialog = section.dialog
    dialog.login_edit.setText("accueil")  # taken: the refusal shows under the login
    dialog.name_edit.setText("Claire Dupont")
    dialog.email_edit.setText("claire.dupont@example.org")
    dialog.save()
    photo.shot(dialog, "accounts-new-dialog.png")
    dialog.login_edit.setText("claire.dupont")
    dialog.save()
    secret = next(w for w in app.topLevelWidgets()
                  if isinstance(w, AccountPasswordDialog) and w.isVisible())
    photo.shot(secret, "accounts-one-time-password.png")
    secret.accept()

    rows = [row.login for row in section.model.rows()]
    section.table.selectRow(rows.index("claire.dupont"))
    section.reset_password()
    question = section.findChild(QMessageBox, "resetPasswordBox")
    photo.shot(question, "accounts-reset-question.png")
    question.reject()

    section.edit_account()
    photo.shot(section.dialog, "accounts-edit-dialog.png")
    section.dialog.reject()
    section.table.selectRow(rows.index("admin"))
    section.edit_account()
    photo.shot(section.dialog, "accounts-edit-self.png")
    section.dialog.reject()

    section.new_structure()
    structure = section.dialog
    structure.name_edit.setText("Centre de loisirs des Pins")
    photo.shot(structure, "accounts-new-structure.png")
    structure.save()
    photo.shot(panel, "accounts-structure-created.png")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    raise SystemExit(main(Path(sys.argv[1])))
