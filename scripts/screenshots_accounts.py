#!/usr/bin/env python3
"""Photograph the account and family-file screens on a demo database:

    .venv/bin/famdesk demo --database sqlite:////tmp/acc/demo.db --reset
    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python scripts/screenshots_accounts.py sqlite:////tmp/acc/demo.db OUT

Changes the database (a security question for "martin", an account for a family, a
quotient): give it a demo made for the purpose. E-mails go to an in-memory mailer.
Writes recovery-*.png, first-password.png, profile.png, family-search.png,
family-record-*.png, one-time-password.png, acting-banner.png, kiosk-countdown.png.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from famdesk.bootstrap import open_context
from famdesk.secrets import MemorySecretStore
from famdesk.services.demo import DEMO_PASSWORD
from famdesk.ui.acting_banner import ActingBanner
from famdesk.ui.app import create_application, install_qt_translations
from famdesk.ui.family_record_dialog import FamilyRecordDialog
from famdesk.ui.family_search_panel import FamilySearchPanel
from famdesk.ui.first_password_dialog import FirstPasswordDialog
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.gateway_accounts import AccountsGatewayMixin
from famdesk.ui.kiosk import KioskController
from famdesk.ui.models.family_model import family_name
from famdesk.ui.profile_panel import ProfilePanel
from famdesk.ui.recovery_dialog import RecoveryDialog
from famdesk.ui.runner import SyncRunner
from famdesk.ui.theme import apply_theme

CLICK = Qt.MouseButton.LeftButton


class Gateway(AccountsGatewayMixin, LocalGateway):
    pass


class Outbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    def __call__(self, _structure: object) -> Outbox:
        return self

    def send(self, message: EmailMessage) -> None:
        self.messages.append(message)


def settle(app: QApplication) -> None:
    for _ in range(8):
        app.processEvents()
        QTest.qWait(30)


def call(runner: SyncRunner, coro):  # type: ignore[no-untyped-def]
    box: dict = {}

    def failed(exc: BaseException) -> None:
        raise exc

    runner.submit(coro, lambda value: box.setdefault("value", value), failed)
    return box.get("value")


def type_into(edit, text: str) -> None:  # type: ignore[no-untyped-def]
    edit.clear()
    edit.insert(text)


def main(url: str, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = create_application(["famdesk"])
    install_qt_translations(app, "fr")
    apply_theme(app)
    ctx = open_context(url, secrets=MemorySecretStore())
    ctx.terminal = f"screenshots-{time.time_ns()}"  # a fresh rate limit at every run
    outbox = Outbox()
    gateway = Gateway(ctx, mailers=outbox)
    runner = SyncRunner()

    def shot(widget: QWidget, name: str) -> None:
        settle(app)
        path = out / name
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(path)

    # -- "Le retrouver" ------------------------------------------------------------------
    call(runner, gateway.login("martin", DEMO_PASSWORD))
    call(runner, gateway.change_security_question(
        DEMO_PASSWORD, "Quel était le nom de votre premier animal ?", "Pâquerette"))
    call(runner, gateway.logout())

    dialog = RecoveryDialog(gateway, runner, "martin")
    dialog.show()
    shot(dialog, "recovery-login.png")
    QTest.mouseClick(dialog.next_button, CLICK)
    shot(dialog, "recovery-choice.png")
    QTest.mouseClick(dialog.answer_choice, CLICK)
    type_into(dialog.answer_edit, "Médor")
    type_into(dialog.answer_new, "Nouveau-Depart-77")
    type_into(dialog.answer_again, "Nouveau-Depart-77")
    QTest.mouseClick(dialog.next_button, CLICK)
    shot(dialog, "recovery-answer.png")
    QTest.mouseClick(dialog.back_button, CLICK)
    QTest.mouseClick(dialog.code_choice, CLICK)
    type_into(dialog.code_edit, "123 45")
    type_into(dialog.code_new, "Nouveau-Depart-77")
    shot(dialog, "recovery-code.png")
    dialog.clear()
    type_into(dialog.login_edit, "inconnu")
    QTest.mouseClick(dialog.next_button, CLICK)
    shot(dialog, "recovery-front-desk.png")
    dialog.reject()

    # -- "Profil" ------------------------------------------------------------------------
    call(runner, gateway.login("martin", DEMO_PASSWORD))
    profile = ProfilePanel(gateway, runner)
    profile.resize(900, 860)
    profile.show()
    profile.ensure_loaded()
    section = profile.password_section
    type_into(section.current_edit, "pas-le-bon-1")
    type_into(section.new_edit, "Nouveau-Depart-77")
    type_into(section.again_edit, "Nouveau-Depart-77")
    QTest.mouseClick(section.button, CLICK)
    QTest.mouseClick(profile.email_section.button, CLICK)
    shot(profile, "profile.png")
    profile.close()
    call(runner, gateway.logout())

    # -- the front desk ------------------------------------------------------------------
    session = call(runner, gateway.login("accueil", DEMO_PASSWORD))
    structure_id = next(s.id for s in session.structures if s.name.startswith("Mairie"))
    search = FamilySearchPanel(gateway, runner, debounce_ms=10)
    search.resize(1100, 520)
    search.show()
    search.set_structure(structure_id)
    type_into(search.search_edit, "e")
    search.search_now()
    shot(search, "family-search.png")
    hit = next(h for h in search.model.rows() if h.holder_name.startswith("M. MARTIN"))
    assert hit is not None

    record = FamilyRecordDialog(gateway, runner, structure_id, hit.family_id)
    record.resize(900, 640)
    record.show()
    shot(record, "family-record-family.png")
    record.tabs.setCurrentWidget(record.quotients_tab)
    shot(record, "family-record-quotients.png")
    record.tabs.setCurrentWidget(record.children_tab)
    record.children_tab.table.selectRow(0)
    shot(record, "family-record-children.png")
    record.tabs.setCurrentWidget(record.account_tab)
    shot(record, "family-record-account.png")
    record.close()

    new = FamilyRecordDialog(gateway, runner, structure_id)
    new.resize(900, 640)
    new.show()
    new.family_tab.civility_combo.setCurrentText("Mme")
    type_into(new.family_tab.last_name_edit, "Lefèvre")
    type_into(new.family_tab.first_name_edit, "Inès")
    type_into(new.family_tab.email_edit, "ines.lefevre@example.org")
    QTest.mouseClick(new.family_tab.save_button, CLICK)
    new.quotients_tab.value_spin.setValue(850)
    QTest.mouseClick(new.quotients_tab.add_button, CLICK)
    new.tabs.setCurrentWidget(new.children_tab)
    type_into(new.children_tab.child_form.first_name_edit, "Chloé")
    new.children_tab.child_form.birth_edit.setDate(date(2017, 4, 12))
    type_into(new.children_tab.child_form.school_edit, "École Jules-Ferry")
    type_into(new.children_tab.child_form.class_edit, "CM1")
    QTest.mouseClick(new.children_tab.child_form.save_button, CLICK)
    QTest.mouseClick(new.children_tab.registrations.register_button, CLICK)
    shot(new, "family-record-new-child.png")
    new.tabs.setCurrentWidget(new.account_tab)
    QTest.mouseClick(new.account_tab.create_button, CLICK)
    secret = new.account_tab.secret_dialog
    assert secret is not None
    one_time = (secret.login_label.text().split()[-1], secret.password_label.text())
    shot(secret, "one-time-password.png")
    secret.accept()
    shot(new, "family-record-account-new.png")
    new.close()

    holder = QWidget()
    holder.resize(1100, 60)
    column = QVBoxLayout(holder)
    banner = ActingBanner()
    banner.set_family(hit.family_id, family_name(hit.holder_name))
    column.addWidget(banner)
    holder.show()
    shot(holder, "acting-banner.png")
    holder.close()
    call(runner, gateway.logout())

    # -- the first password, the kiosk ---------------------------------------------------
    call(runner, gateway.login(*one_time))
    first = FirstPasswordDialog(gateway, runner, one_time[0])
    first.show()
    type_into(first.form.one_time_edit, one_time[1])
    type_into(first.form.new_edit, "court1")
    type_into(first.form.again_edit, "court1")
    QTest.mouseClick(first.change_button, CLICK)
    shot(first, "first-password.png")
    first.reject()

    kiosk = KioskController(app, idle_seconds=3600, countdown_seconds=15)
    kiosk.countdown.show_remaining(12, 15)
    kiosk.countdown.show()
    shot(kiosk.countdown, "kiosk-countdown.png")
    kiosk.release()
    gateway.close()
    ctx.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
