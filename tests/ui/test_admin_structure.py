"""The "Structure" section on the test town's real SQLite file: the structure's settings saved;
the SMTP password kept in the (in-memory) secret store, never in the database nor shown back;
online payments; the news of the home page added, taken off and deleted; the staff refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QPushButton
from sqlalchemy import select

from famdesk.models import Structure
from famdesk.models.enums import HolidayZone, SmtpSecurity
from famdesk.models.online import OnlineProviderKind
from famdesk.services.auth import SYSTEM
from famdesk.services.backoffice import NewsForm, save_news, structure_settings
from famdesk.ui.admin import AdminPanel
from famdesk.ui.admin.news_card import NewsDialog
from famdesk.ui.forms import to_qdate
from tests.integration.town import PASSWORD
from tests.ui import admin_helpers
from tests.ui.admin_helpers import CLICK, AdminTestGateway
from tests.ui.helpers import column_texts, run

town, gateway, panel = admin_helpers.town, admin_helpers.gateway, admin_helpers.panel

SECRET = "Mot-de-passe-SMTP-42"


def settings(town):
    with town.uow() as uow:
        return structure_settings(uow, SYSTEM, town.structure_id, secrets=town.ctx.secrets)


def database_bytes(town) -> bytes:
    """The SQLite file and its journal, as they are on disk."""
    path = Path(town.ctx.db.engine.url.database)
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_the_structure_is_renamed_with_its_zone_and_kiosk_time(qtbot, panel, town):
    card = panel.structure_section.structure_card
    assert card.name_edit.text() == "Mairie de Testville"
    card.name_edit.setText("Mairie de Testville-sur-Mer")
    card.zone_combo.setCurrentIndex(card.zone_combo.findText("Zone C"))
    card.idle_spin.setValue(300)
    qtbot.mouseClick(card.save_button, CLICK)
    assert card.feedback.success_label.text() == "Enregistré."
    saved = settings(town)
    assert (saved.name, saved.holiday_zone, saved.kiosk_idle_seconds) == (
        "Mairie de Testville-sur-Mer", HolidayZone.C, 300)

    card.name_edit.setText("Centre voisin")  # another structure's name
    qtbot.mouseClick(card.save_button, CLICK)
    assert card.fields.error_text("name") == "Une structure porte déjà ce nom."
    assert settings(town).name == "Mairie de Testville-sur-Mer"


def test_the_smtp_password_goes_to_the_secret_store_only(qtbot, panel, town):
    card = panel.structure_section.smtp_card
    assert card.password_hint.text() == "Aucun mot de passe enregistré."
    card.host_edit.setText("smtp.testville.example")
    card.port_spin.setValue(587)
    card.security_combo.setCurrentIndex(card.security_combo.findText("STARTTLS"))
    card.login_edit.setText("mairie")
    card.sender_edit.setText("enfance@testville.example")
    card.password_edit.setText(SECRET)
    qtbot.mouseClick(card.save_button, CLICK)

    assert card.feedback.success_label.text() == "Enregistré."
    assert town.ctx.secrets.get(f"smtp:{town.structure_id}") == SECRET
    assert card.password_edit.text() == ""  # never shown back
    assert card.password_hint.text() == (
        "Mot de passe enregistré (dans le trousseau du système) : laissez le champ vide pour "
        "le garder.")
    saved = settings(town)
    assert (saved.smtp_host, saved.smtp_port, saved.smtp_security, saved.smtp_login,
            saved.smtp_password_stored) == ("smtp.testville.example", 587,
                                            SmtpSecurity.STARTTLS, "mairie", True)
    with town.uow() as uow:
        row = uow.session.scalar(select(Structure).where(Structure.id == town.structure_id))
        assert SECRET not in repr(vars(row))
    assert SECRET.encode() not in database_bytes(town)

    # reopened: the field is empty, the stored password kept when saved again
    panel.clear()
    panel.set_structure(town.structure_id)
    panel.ensure_loaded()
    assert card.password_edit.text() == "" and card.forget_check.isVisible()
    card.port_spin.setValue(2525)
    qtbot.mouseClick(card.save_button, CLICK)
    assert town.ctx.secrets.get(f"smtp:{town.structure_id}") == SECRET

    card.forget_check.setChecked(True)
    qtbot.mouseClick(card.save_button, CLICK)
    assert town.ctx.secrets.get(f"smtp:{town.structure_id}") is None
    assert card.password_hint.text() == "Aucun mot de passe enregistré."

    card.host_edit.setText("pas un serveur!")
    card.password_edit.setText(SECRET)
    qtbot.mouseClick(card.save_button, CLICK)
    assert card.fields.error_text("host") == "« pas un serveur! » n'est pas un nom de serveur."
    assert card.password_edit.text() == ""  # wiped after a refusal too
    assert town.ctx.secrets.get(f"smtp:{town.structure_id}") is None


def test_online_payments(qtbot, panel, town):
    card = panel.structure_section.online_card
    card.provider_combo.setCurrentIndex(card.provider_combo.findData(OnlineProviderKind.PAYFIP))
    assert card.numcli_edit.isEnabled()
    card.numcli_edit.setText("12345")
    qtbot.mouseClick(card.save_button, CLICK)
    assert card.fields.error_text("payfip_numcli") == "Le numéro client PayFiP compte 6 chiffres."
    assert settings(town).online is None

    card.numcli_edit.setText("123456")
    card.mode_combo.setCurrentIndex(card.mode_combo.findText("X – activation"))
    card.notify_edit.setText("https://portail.testville.example/payfip/notification")
    card.return_edit.setText("https://portail.testville.example/payfip/retour")
    qtbot.mouseClick(card.save_button, CLICK)
    assert card.feedback.success_label.text() == "Enregistré."
    online = settings(town).online
    assert (online.provider, online.payfip_numcli, online.payfip_mode.value) == (
        OnlineProviderKind.PAYFIP, "123456", "X")

    card.provider_combo.setCurrentIndex(card.provider_combo.findData(OnlineProviderKind.LOCALTEST))
    assert not card.numcli_edit.isEnabled()
    qtbot.mouseClick(card.save_button, CLICK)
    assert settings(town).online.provider is OnlineProviderKind.LOCALTEST


def test_news_added_taken_off_and_deleted(qtbot, panel, town):
    with town.uow(write=True) as uow:
        save_news(uow, town.clock, SYSTEM, town.structure_id,
                  NewsForm("Rentrée", "Bonne rentrée à tous.", date(2026, 9, 1)))
    panel.structure_section.reload()
    news = panel.structure_section.news_card
    assert column_texts(news.table, 0) == ["Rentrée"]
    assert column_texts(news.table, 1) == ["à partir du 01/09/2026"]
    assert column_texts(news.table, 2) == ["Publié"]

    qtbot.mouseClick(news.add_button, CLICK)
    dialog = news.dialog
    assert isinstance(dialog, NewsDialog) and dialog.windowTitle() == "Nouveau message"
    assert dialog.from_edit.date() == to_qdate(date(2026, 9, 14))  # the structure's today
    qtbot.mouseClick(dialog.save_button, CLICK)  # no title
    assert dialog.section.fields.error_text("title") == "Ce champ est obligatoire."
    dialog.title_edit.setText("Vacances de la Toussaint")
    dialog.body_edit.setPlainText("Le centre de loisirs ouvre pendant les vacances.")
    dialog.from_edit.setDate(to_qdate(date(2026, 10, 1)))
    dialog.until_check.setChecked(True)
    dialog.until_edit.setDate(to_qdate(date(2026, 10, 31)))
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert not dialog.isVisible()
    assert panel.structure_section.notice_label.text() == (
        "Le message « Vacances de la Toussaint » est enregistré.")
    assert column_texts(news.table, 0) == ["Vacances de la Toussaint", "Rentrée"]
    assert column_texts(news.table, 2)[0] == "Programmé à partir du 01/10/2026"
    assert news.selected().title == "Vacances de la Toussaint"
    assert not news.unpublish_button.isEnabled()  # not shown yet: nothing to take off

    news.table.selectRow(1)
    assert news.unpublish_button.isEnabled()
    qtbot.mouseClick(news.unpublish_button, CLICK)
    yes = news.box.findChild(QPushButton, "yesButton")
    assert news.box.text() == "Retirer « Rentrée » de la page d'accueil dès aujourd'hui ?"
    qtbot.mouseClick(yes, CLICK)
    assert panel.structure_section.notice_label.text() == (
        "« Rentrée » ne s'affiche plus sur la page d'accueil.")
    assert column_texts(news.table, 2)[1] == "Terminé le 13/09/2026"

    news.table.selectRow(0)
    qtbot.mouseClick(news.delete_button, CLICK)
    assert isinstance(news.box, QMessageBox)
    qtbot.mouseClick(news.box.findChild(QPushButton, "yesButton"), CLICK)
    assert column_texts(news.table, 0) == ["Rentrée"]


def test_the_front_desk_is_refused(qtbot, town, sync_runner):
    desk = AdminTestGateway(town.ctx)
    try:
        run(desk.login("accueil", PASSWORD))
        panel = AdminPanel(desk, sync_runner)
        qtbot.addWidget(panel)
        panel.set_structure(town.structure_id)
        panel.ensure_loaded()
        section = panel.structure_section
        assert section.feedback.error_label.text() == "Seul un gestionnaire peut faire cela."
        assert section.structure_card.name_edit.text() == ""
    finally:
        desk.close()
