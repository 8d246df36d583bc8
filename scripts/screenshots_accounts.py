#!/usr/bin/env python3
"""Photograph the account, front-desk and kiosk screens on a fresh demo town, on a fixed
day (Friday 27 November 2026, with a clock that stays there):

    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python scripts/screenshots_accounts.py OUT

Writes into OUT: login-remembered.png (a staff PC that remembers "accueil"),
recovery-*.png ("Le retrouver": login, choice, answer, code, front desk),
profile.png (the "Profil" tab), family-search.png (the "Familles" tab with results),
acting-banner.png (acting for the MARTIN family, over its calendar), family-record-*.png,
one-time-password.png, first-password.png, kiosk-countdown.png (the countdown over a
kiosk's full-screen window: a photograph of the whole screen, so under Xvfb).
E-mails go to an in-memory mailer; secrets to an in-memory store.
"""

from __future__ import annotations

import gc
import sys
import tempfile
from datetime import date, datetime, time
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from famdesk.bootstrap import open_context
from famdesk.clock import FixedClock
from famdesk.secrets import MemorySecretStore
from famdesk.services.demo import DEMO_PASSWORD, build_demo
from famdesk.ui.app import create_application, install_qt_translations, open_shell
from famdesk.ui.family_record_dialog import FamilyRecordDialog
from famdesk.ui.first_password_dialog import FirstPasswordDialog
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.gateway_accounts import REMEMBERED_LOGIN
from famdesk.ui.main_window import MainWindow
from famdesk.ui.recovery_dialog import RecoveryDialog
from famdesk.ui.runner import SyncRunner
from famdesk.ui.theme import apply_theme

TODAY = date(2026, 11, 27)
NOW = datetime.combine(TODAY, time(10, 0), tzinfo=ZoneInfo("Europe/Paris"))
CLICK = Qt.MouseButton.LeftButton
NEW_PASSWORD = "Nouveau-Depart-77"


class Outbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    def __call__(self, _structure: object) -> Outbox:
        return self

    def send(self, message: EmailMessage) -> None:
        self.messages.append(message)


def settle(app: QApplication) -> None:
    # the windows dropped so far go here, on the GUI thread (not when the collector happens
    # to run on the gateway's worker thread)
    gc.collect()
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


def choose(combo, text: str) -> None:  # type: ignore[no-untyped-def]
    position = combo.findText(text)
    if position < 0:
        raise SystemExit(f"{text!r} not offered: {[combo.itemText(i) for i in range(combo.count())]}")
    combo.setCurrentIndex(position)


class Photographer:
    def __init__(self, app: QApplication, out: Path) -> None:
        self.app = app
        self.out = out

    def shot(self, widget: QWidget, name: str) -> None:
        settle(self.app)
        self._save(widget.grab(), name)

    def screen(self, name: str) -> None:
        """The whole screen: windows over windows (needs a real display, e.g. Xvfb)."""
        settle(self.app)
        screen = QGuiApplication.primaryScreen()
        self._save(screen.grabWindow(0), name)

    def _save(self, pixmap, name: str) -> None:  # type: ignore[no-untyped-def]
        path = self.out / name
        if pixmap.isNull() or not pixmap.save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(path)


def log_in(runner: SyncRunner, gateway: LocalGateway, login: str, password: str = DEMO_PASSWORD):  # type: ignore[no-untyped-def]
    return call(runner, gateway.login(login, password))


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = create_application(["famdesk"])
    install_qt_translations(app, "fr")
    apply_theme(app)
    photo = Photographer(app, out)
    with tempfile.TemporaryDirectory() as folder:
        secrets = MemorySecretStore()
        ctx = open_context(f"sqlite:///{folder}/demo.db", clock=FixedClock(NOW), secrets=secrets)
        build_demo(ctx, today=TODAY, reset=False)
        gateway = LocalGateway(ctx, mailers=Outbox())
        runner = SyncRunner()
        try:
            one_time = desk_screens(photo, gateway, runner, secrets)
            family_screens(photo, gateway, runner, one_time)
            kiosk_screens(photo, app, ctx, runner)
        finally:
            gateway.close()
            ctx.close()
    return 0


def desk_screens(photo: Photographer, gateway: LocalGateway, runner: SyncRunner,
                 secrets: MemorySecretStore) -> tuple[str, str]:
    # -- a staff PC that remembers its login ----------------------------------------------
    secrets.set(REMEMBERED_LOGIN, "accueil")
    shell, _none = open_shell(gateway, runner)
    shell.login_window.resize(1100, 800)
    shell.start()
    photo.shot(shell.login_window, "login-remembered.png")
    type_into(shell.login_window.password_edit, DEMO_PASSWORD)
    QTest.mouseClick(shell.login_window.login_button, CLICK)
    window = shell.main_window
    if window is None or window.front_desk is None:
        raise SystemExit("the staff login did not open the desk")
    window.resize(1360, 860)
    combo = window.structure_combo
    combo.setCurrentIndex(next(i for i in range(combo.count())
                               if combo.itemText(i).startswith("Mairie")))
    desk = window.front_desk

    # -- "Familles": the search, then acting for MARTIN over its calendar ------------------
    window.tabs.setCurrentWidget(desk.search_panel)
    type_into(desk.search_panel.search_edit, "mar")
    desk.search_panel.search_now()
    photo.shot(window, "family-search.png")
    hits = desk.search_panel.model.rows()
    martin = next(hit for hit in hits if hit.holder_name.startswith("M. MARTIN"))
    desk.open_family(martin)
    panel = window.booking_panel
    choose(panel.child_combo, "MARTIN Léa")
    choose(panel.activity_combo, "APS MATIN")
    panel.show_month(2026, 12)
    photo.shot(window, "acting-banner.png")

    # -- the family file ----------------------------------------------------------------
    desk.open_record(martin.family_id)
    record = desk.record_dialog
    assert record is not None
    record.resize(1040, 660)
    photo.shot(record, "family-record-family.png")
    record.tabs.setCurrentWidget(record.quotients_tab)
    photo.shot(record, "family-record-quotients.png")
    record.tabs.setCurrentWidget(record.children_tab)
    record.children_tab.table.selectRow(0)
    photo.shot(record, "family-record-children.png")
    record.tabs.setCurrentWidget(record.account_tab)
    photo.shot(record, "family-record-account.png")
    desk.leave()
    one_time = new_family(photo, desk)
    QTest.mouseClick(window.logout_button, CLICK)
    shell.login_window.close()
    shell.login_window.deleteLater()
    settle(photo.app)
    return one_time


def new_family(photo: Photographer, desk) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    desk.open_record(None)
    new: FamilyRecordDialog = desk.record_dialog
    new.resize(1040, 660)
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
    photo.shot(new, "family-record-new-child.png")
    new.tabs.setCurrentWidget(new.account_tab)
    QTest.mouseClick(new.account_tab.create_button, CLICK)
    secret = new.account_tab.secret_dialog
    assert secret is not None
    one_time = (secret.login_label.text().split()[-1], secret.password_label.text())
    photo.shot(secret, "one-time-password.png")
    secret.accept()
    photo.shot(new, "family-record-account-new.png")
    new.close()
    new.deleteLater()
    return one_time


def family_screens(photo: Photographer, gateway: LocalGateway, runner: SyncRunner,
                   one_time: tuple[str, str]) -> None:
    # -- "Le retrouver" -----------------------------------------------------------------
    log_in(runner, gateway, "martin")
    call(runner, gateway.change_security_question(
        DEMO_PASSWORD, "Quel était le nom de votre premier animal ?", "Pâquerette"))
    call(runner, gateway.logout())
    dialog = RecoveryDialog(gateway, runner, "martin")
    dialog.show()
    photo.shot(dialog, "recovery-login.png")
    QTest.mouseClick(dialog.next_button, CLICK)
    photo.shot(dialog, "recovery-choice.png")
    QTest.mouseClick(dialog.answer_choice, CLICK)
    type_into(dialog.answer_edit, "Médor")
    type_into(dialog.answer_new, NEW_PASSWORD)
    type_into(dialog.answer_again, NEW_PASSWORD)
    QTest.mouseClick(dialog.next_button, CLICK)
    photo.shot(dialog, "recovery-answer.png")
    QTest.mouseClick(dialog.back_button, CLICK)
    QTest.mouseClick(dialog.code_choice, CLICK)
    type_into(dialog.code_edit, "123 45")
    type_into(dialog.code_new, NEW_PASSWORD)
    photo.shot(dialog, "recovery-code.png")
    dialog.clear()
    type_into(dialog.login_edit, "inconnu")
    QTest.mouseClick(dialog.next_button, CLICK)
    photo.shot(dialog, "recovery-front-desk.png")
    dialog.reject()
    dialog.deleteLater()

    # -- "Profil", in the family's window -------------------------------------------------
    session = log_in(runner, gateway, "martin")
    window = MainWindow(gateway, runner, session)
    window.resize(1100, 900)
    window.show()
    window.tabs.setCurrentWidget(window.profile_panel)
    section = window.profile_panel.password_section
    type_into(section.current_edit, "pas-le-bon-1")
    type_into(section.new_edit, NEW_PASSWORD)
    type_into(section.again_edit, NEW_PASSWORD)
    QTest.mouseClick(section.button, CLICK)
    photo.shot(window, "profile.png")
    window.clear()
    window.close()
    window.deleteLater()
    call(runner, gateway.logout())

    # -- the first password after a one-time one -------------------------------------------
    log_in(runner, gateway, *one_time)
    first = FirstPasswordDialog(gateway, runner, one_time[0])
    first.show()
    type_into(first.form.one_time_edit, one_time[1])
    type_into(first.form.new_edit, "court1")
    type_into(first.form.again_edit, "court1")
    QTest.mouseClick(first.change_button, CLICK)
    photo.shot(first, "first-password.png")
    first.reject()
    first.deleteLater()
    call(runner, gateway.logout())
    settle(photo.app)


def kiosk_screens(photo: Photographer, app: QApplication, ctx, runner: SyncRunner) -> None:  # type: ignore[no-untyped-def]
    """A family on the kiosk, idle: the countdown over its full-screen window."""
    gateway = LocalGateway(ctx)
    shell, kiosk = open_shell(gateway, runner, kiosk=True, app=app, tick_ms=3_600_000)
    assert kiosk is not None
    try:
        shell.start()
        login = shell.login_window
        type_into(login.login_edit, "martin")
        type_into(login.password_edit, DEMO_PASSWORD)
        QTest.mouseClick(login.login_button, CLICK)
        window = shell.main_window
        assert window is not None
        window.tabs.setCurrentWidget(window.booking_panel)
        settle(app)
        kiosk.set_idle_seconds(0.2)
        QTest.qWait(400)  # idle: the countdown opens (its ticks are held back)
        kiosk.countdown.show_remaining(12, 15)
        center = window.geometry().center()
        kiosk.countdown.move(center - QPoint(kiosk.countdown.width() // 2,
                                             kiosk.countdown.height() // 2))
        photo.screen("kiosk-countdown.png")
    finally:
        kiosk.release()
        if shell.main_window is not None:
            shell.main_window.clear()
            shell.main_window.close()
        shell.login_window.close()
        gateway.close()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(main(Path(sys.argv[1])))
