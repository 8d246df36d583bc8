"""The "Comptes et structures" section on the test town's real SQLite file: the staff listed in
French; a new account whose one-time password is shown once and logs in; a refusal under
its field; a new password after a question; a new role; a new structure the gateway's
session sees at once; an account seeing another manager's structure listed, not changed.
The table model passes qtmodeltester."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from famdesk.errors import AuthenticationError
from famdesk.models.enums import Role
from famdesk.services.auth import SYSTEM, StructureChoice, authenticate
from famdesk.services.backoffice import StaffAccountRow
from famdesk.services.setup import people
from famdesk.ui.admin.account_dialogs import AccountPasswordDialog
from famdesk.ui.models.admin_model import AdminRole
from famdesk.ui.models.staff_account_model import StaffAccountTableModel
from tests.integration.town import PASSWORD
from tests.ui import admin_helpers
from tests.ui.admin_helpers import CLICK, top_dialog
from tests.ui.helpers import column_texts

town, gateway, panel = admin_helpers.town, admin_helpers.gateway, admin_helpers.panel

TESTVILLE = "Mairie de Testville"
HEADERS = ["Nom et e-mail", "Identifiant", "Rôle", "Structures", "État", "Dernière connexion"]


@pytest.fixture
def section(panel):
    panel.show_section(panel.accounts_section)
    return panel.accounts_section


def log_in(town, login, password):  # type: ignore[no-untyped-def]
    with town.uow(write=True) as uow:
        return authenticate(uow, town.clock, login, password)


def select(section, login):  # type: ignore[no-untyped-def]
    rows = [row.login for row in section.model.rows()]
    section.table.selectRow(rows.index(login))


def secret_shown(qtbot):  # type: ignore[no-untyped-def]
    """The login and password the visible one-time password dialog shows, then closes it."""
    dialog = top_dialog(AccountPasswordDialog)
    shown = (dialog.login_label.text(), dialog.password_label.text())
    texts = [label.text() for label in dialog.findChildren(type(dialog.login_label))]
    assert any(text.startswith("Remettez-le à la personne maintenant") for text in texts)
    qtbot.mouseClick(dialog.done_button, CLICK)
    assert dialog.password_label.text() == ""  # wiped as it closes
    return shown


def test_the_model_passes_qtmodeltester_and_speaks_french(qtmodeltester):
    testville = StructureChoice(1, TESTVILLE, "Europe/Paris")
    voisin = StructureChoice(2, "Centre voisin", "Europe/Paris")
    rows = (
        StaffAccountRow(1, "gestion", "Gestion", Role.ADMIN, "g@example.org", (testville,),
                        None, False, datetime(2026, 9, 14, 8, 0, tzinfo=UTC), True, True),
        StaffAccountRow(2, "accueil", "Accueil", Role.STAFF, None, (testville,),
                        datetime(2026, 9, 14, 8, 15, tzinfo=UTC), True, None, True, False),
        StaffAccountRow(3, "chef", "Chef", Role.ADMIN, None, (voisin, testville), None, False,
                        None, False, False),
    )
    model = StaffAccountTableModel(rows)
    qtmodeltester.check(model)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == HEADERS
    assert [model.index(0, c).data() for c in range(6)] == [
        "Gestion (vous)\ng@example.org", "gestion", "Gestionnaire", TESTVILLE, "actif",
        "14/09/2026 10:00"]
    assert [model.index(1, c).data() for c in (0, 2, 4, 5)] == [
        "Accueil", "Accueil", "verrouillé jusqu'au 14/09/2026 10:15\nmot de passe provisoire",
        "jamais"]
    assert model.index(1, 4).data(Qt.ItemDataRole.ToolTipRole) == (
        "Verrouillé après des échecs de connexion : un nouveau mot de passe lève le "
        "verrouillage. Un mot de passe provisoire, que la personne remplace à sa prochaine "
        "connexion.")
    assert model.index(2, 3).data() == "Centre voisin\nMairie de Testville"
    assert model.index(2, 3).data(Qt.ItemDataRole.ToolTipRole).endswith(
        "il voit aussi une structure que vous ne gérez pas : seul un gestionnaire de toutes "
        "ses structures peut le modifier.")
    assert model.index(2, 0).data(AdminRole.ROW) is rows[2]
    model.set_rows(rows[:1])
    qtmodeltester.check(model)


def test_the_section_lists_the_staff_and_who_may_be_changed(qtbot, panel, section, town):
    titles = [panel.section_list.item(i).text() for i in range(panel.section_list.count())]
    assert titles[-1] == "Comptes et structures"
    with town.uow(write=True) as uow:  # a manager of the neighbouring centre too
        people.create_account(uow, SYSTEM, "chef", PASSWORD, "Chef de service", Role.ADMIN,
                              None, [town.structure_id, town.other_structure_id],
                              clock=town.clock)
        uow.commit()
    section.reload()
    assert column_texts(section.table, 0) == ["Accueil\naccueil@example.org", "Chef de service",
                                              "Gestion (vous)\ngestion@example.org"]
    assert column_texts(section.table, 2) == ["Accueil", "Gestionnaire", "Gestionnaire"]
    assert section.structures_label.text().startswith(f"Vos structures : {TESTVILLE}.")

    select(section, "chef")
    assert not section.edit_button.isEnabled() and not section.reset_button.isEnabled()
    assert section.reset_button.toolTip().startswith("Ce compte voit aussi une structure")
    select(section, "gestion")
    assert section.edit_button.isEnabled() and not section.reset_button.isEnabled()
    assert section.reset_button.toolTip() == "Changez votre propre mot de passe dans votre profil."
    select(section, "accueil")
    assert section.edit_button.isEnabled() and section.reset_button.isEnabled()


def test_a_new_account_shows_its_one_time_password_once(qtbot, section, town):
    qtbot.mouseClick(section.new_button, CLICK)
    dialog = section.dialog
    assert dialog.windowTitle() == "Nouveau compte"
    assert dialog.structures.ids() == (town.structure_id,)
    dialog.login_edit.setText("accueil")  # taken
    dialog.name_edit.setText("Claire Dupont")
    dialog.email_edit.setText("claire.dupont@example.org")
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.isVisible()
    assert dialog.fields.error_text("login") == "Cet identifiant est déjà pris."

    dialog.login_edit.setText("claire.dupont")
    dialog.structures.boxes[town.structure_id].setChecked(False)
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.fields.error_text("structure_ids") == "Choisissez au moins une structure."
    assert dialog.fields.error_text("login") == ""

    dialog.structures.boxes[town.structure_id].setChecked(True)
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert not dialog.isVisible()
    login, password = secret_shown(qtbot)
    assert login == "Identifiant : claire.dupont"
    assert section.notice_label.text() == "Le compte claire.dupont est créé."
    assert "Claire Dupont\nclaire.dupont@example.org" in column_texts(section.table, 0)
    assert log_in(town, "claire.dupont", password).must_change_password


def test_a_new_password_after_the_question(qtbot, section, town):
    select(section, "accueil")
    qtbot.mouseClick(section.reset_button, CLICK)
    box = section.findChild(QMessageBox, "resetPasswordBox")
    assert box.text() == "Donner un nouveau mot de passe provisoire à Accueil ?"
    qtbot.mouseClick(box.findChild(QPushButton, "yesButton"), CLICK)
    _login, password = secret_shown(qtbot)
    assert section.notice_label.text() == "Accueil a un nouveau mot de passe provisoire."
    with pytest.raises(AuthenticationError):
        log_in(town, "accueil", PASSWORD)
    assert log_in(town, "accueil", password).must_change_password
    assert column_texts(section.table, 4)[0] == "mot de passe provisoire"


def test_the_role_and_structures_of_an_account(qtbot, section, town, gateway):
    select(section, "gestion")
    section.edit_account()
    own = section.dialog
    assert not own.role.isEnabled()  # no way to take away one's own role
    own.reject()

    select(section, "accueil")
    section.edit_account()
    dialog = section.dialog
    assert dialog.windowTitle() == "Modifier le compte"
    dialog.role.admin_radio.setChecked(True)
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert not dialog.isVisible()
    assert section.notice_label.text() == "Le compte accueil est enregistré."
    assert column_texts(section.table, 2)[0] == "Gestionnaire"
    assert section.selected().login == "accueil"
    assert log_in(town, "accueil", PASSWORD).role is Role.ADMIN


def test_a_new_structure_is_seen_by_the_session_at_once(qtbot, panel, section, town, gateway):
    created = []
    panel.structure_created.connect(lambda sid, name: created.append(name))
    qtbot.mouseClick(section.new_structure_button, CLICK)
    dialog = section.dialog
    dialog.name_edit.setText("Centre voisin")
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert dialog.fields.error_text("name") == "Une structure porte déjà ce nom."

    dialog.name_edit.setText("Centre de loisirs des Pins")
    dialog.zone_combo.setCurrentIndex(dialog.zone_combo.findText("Zone C"))
    qtbot.mouseClick(dialog.save_button, CLICK)
    assert not dialog.isVisible()
    assert section.notice_label.text() == (
        "La structure Centre de loisirs des Pins est créée : choisissez-la en haut de la fenêtre.")
    assert created == ["Centre de loisirs des Pins"]
    assert [s.name for s in gateway.session.structures] == ["Centre de loisirs des Pins",
                                                            TESTVILLE]
    assert "Centre de loisirs des Pins" in section.structures_label.text()

    new_id = next(s.id for s in gateway.session.structures if s.name.startswith("Centre"))
    panel.set_structure(new_id)  # the section works for it at once
    panel.ensure_loaded()
    assert column_texts(section.table, 1) == ["gestion"]


def test_a_lock_shows_in_the_structures_time(qtbot, section, town):
    town.clock.advance(timedelta(minutes=1))
    for _attempt in range(5):
        with pytest.raises(AuthenticationError):
            log_in(town, "accueil", "pas le bon")
    section.reload()
    assert column_texts(section.table, 4)[0] == "verrouillé jusqu'au 14/09/2026 10:16"
