"""Managers import families from the screen: choose the file, "Vérifier" lists every rejected
line with its number and reason, "Importer" only when none is, and imports all or nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from famdesk.models import Child, Family
from famdesk.models.enums import Role
from famdesk.services.auth import SYSTEM
from famdesk.services.family_import import import_families
from famdesk.services.setup import people
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.import_dialog import FamilyImportDialog
from famdesk.ui.models.import_model import RejectedRowTableModel
from tests.integration.town import PASSWORD, Town, build_town
from tests.ui.helpers import column_texts, run

HEADER = "dossier;civilite;nom;prenom;email;quotient;enfant_prenom;enfant_naissance;activites\n"
GOOD = (HEADER
        + "F1;Mme;Bernard;Élodie;elodie@example.org;520;Chloé;12/04/2017;APS MATIN\n"
        + "F1;Mme;Bernard;Élodie;elodie@example.org;520;Louis;03/09/2021;ALSH MERCREDI\n"
        + "F2;M.;Nguyen;Thanh;;;Mai;21/01/2016;\n")
BAD = (GOOD
       + "F3;Mme;Faure;Julie;julie@example.org;720;Lucas;31/02/2019;APS MATIN\n"
       + "F4;M.;Blanc;Marc;marc@;;Zoé;10/10/2016;PISCINE\n")
CLICK = Qt.MouseButton.LeftButton


@pytest.fixture
def town(sqlite_url, clock) -> Iterator[Town]:
    town = build_town(sqlite_url, clock)
    with town.uow(write=True) as uow:
        people.create_account(uow, SYSTEM, "gestion", PASSWORD, "Gestion", Role.ADMIN, None,
                              [town.structure_id], clock=clock)
        uow.commit()
    yield town
    town.ctx.close()


@pytest.fixture
def gateway(town) -> Iterator[LocalGateway]:
    gw = LocalGateway(town.ctx)
    yield gw
    gw.close()


def open_dialog(qtbot, gateway, sync_runner, path: Path, login="gestion") -> FamilyImportDialog:
    session = run(gateway.login(login, PASSWORD))
    dialog = FamilyImportDialog(gateway, sync_runner, session.structures,
                                choose_file=lambda parent, title: str(path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.choose_button, CLICK)
    return dialog


def families(town) -> int:
    with town.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Family))


def csv(tmp_path: Path, text: str, name="familles.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_check_lists_the_rejected_lines_and_offers_no_import(qtbot, qtmodeltester, town,
                                                            gateway, sync_runner, tmp_path):
    dialog = open_dialog(qtbot, gateway, sync_runner, csv(tmp_path, BAD, encoding="cp1252"))
    assert dialog.windowTitle() == "Importer des familles"
    assert dialog.file_edit.text().endswith("familles.csv")
    assert dialog.check_button.isEnabled() and not dialog.import_button.isEnabled()

    qtbot.mouseClick(dialog.check_button, CLICK)

    assert dialog.table.isVisible()
    assert column_texts(dialog.table, 0) == ["5", "6"]
    assert column_texts(dialog.table, 1) == [
        "date de naissance « 31/02/2019 » invalide (JJ/MM/AAAA)",
        "email : « marc@ » n'est pas une adresse e-mail valide ; activité inconnue « PISCINE » "
        "(activités : APS MATIN, ALSH MERCREDI)",
    ]
    assert [dialog.model.headerData(i, Qt.Orientation.Horizontal) for i in (0, 1)] == [
        "Ligne", "Motif"]
    assert dialog.summary_label.text().splitlines() == [
        "5 lignes de données lues (Windows-1252, séparateur point-virgule).",
        "2 lignes refusées : rien n'est importé tant qu'elles ne sont pas corrigées.",
        "Les lignes acceptées contiennent 2 familles, 3 enfants, 2 inscriptions, "
        "1 quotient familial.",
    ]
    assert not dialog.import_button.isEnabled()
    qtmodeltester.check(dialog.model)
    assert families(town) == 2


def test_a_clean_file_is_checked_then_imported_once(qtbot, town, gateway, sync_runner,
                                                   tmp_path):
    dialog = open_dialog(qtbot, gateway, sync_runner, csv(tmp_path, GOOD))
    qtbot.mouseClick(dialog.check_button, CLICK)
    assert not dialog.table.isVisible()
    assert dialog.summary_label.text().splitlines()[-1] == (
        "Aucune ligne refusée. L'import créerait 2 familles, 3 enfants, 2 inscriptions, "
        "1 quotient familial.")
    assert dialog.import_button.isEnabled()
    assert families(town) == 2  # the check wrote nothing

    with qtbot.waitSignal(dialog.families_imported) as imported:
        qtbot.mouseClick(dialog.import_button, CLICK)

    assert imported.args[0].imported and imported.args[0].children == 3
    assert dialog.summary_label.text().splitlines()[-1] == (
        "Importé : 2 familles, 3 enfants, 2 inscriptions, 1 quotient familial.")
    assert dialog.feedback.success_label.text() == "Les familles sont importées."
    assert not dialog.import_button.isEnabled()
    with town.uow() as uow:
        assert set(uow.session.scalars(select(Child.first_name))) >= {"Chloé", "Louis", "Mai"}
    assert families(town) == 4

    qtbot.mouseClick(dialog.check_button, CLICK)  # checked again: they are there now
    assert column_texts(dialog.table, 0) == ["2", "3", "4"]
    assert "existe déjà" in column_texts(dialog.table, 1)[0]
    assert not dialog.import_button.isEnabled()


def test_lines_rejected_at_import_time_show_in_the_table(qtbot, town, gateway, sync_runner,
                                                       tmp_path):
    dialog = open_dialog(qtbot, gateway, sync_runner, csv(tmp_path, GOOD))
    qtbot.mouseClick(dialog.check_button, CLICK)
    assert dialog.import_button.isEnabled()
    with town.uow(write=True) as uow:  # another desk imports the same file meanwhile
        import_families(uow, town.clock, SYSTEM, town.structure_id, GOOD.encode())
    before = families(town)

    qtbot.mouseClick(dialog.import_button, CLICK)

    assert dialog.feedback.error_label.text() == "3 lignes refusées : rien n'a été importé."
    assert column_texts(dialog.table, 0) == ["2", "3", "4"]
    assert not dialog.import_button.isEnabled()
    assert families(town) == before


@pytest.mark.parametrize(("text", "message"), [
    (HEADER, "Le fichier ne contient que la ligne d'en-tête : aucune famille à importer."),
    ("nom;prenom\nBernard;Élodie\n", "Ligne 1 (en-tête) : les colonnes obligatoires "
     "« civilite », « enfant_prenom », « enfant_naissance » sont absentes."),
    ("", "Le fichier est vide."),
])
def test_a_file_refused_as_a_whole_says_why(qtbot, gateway, sync_runner, tmp_path, text,
                                            message):
    dialog = open_dialog(qtbot, gateway, sync_runner, csv(tmp_path, text))
    qtbot.mouseClick(dialog.check_button, CLICK)
    assert dialog.feedback.error_label.isVisible()
    assert dialog.feedback.error_label.text() == message
    assert not dialog.import_button.isEnabled() and not dialog.summary_label.isVisible()


def test_a_missing_file_and_the_front_desk_are_refused(qtbot, gateway, sync_runner, tmp_path):
    dialog = open_dialog(qtbot, gateway, sync_runner, tmp_path / "absent.csv")
    qtbot.mouseClick(dialog.check_button, CLICK)
    assert "n'existe pas" in dialog.feedback.error_label.text()

    desk = open_dialog(qtbot, gateway, sync_runner, csv(tmp_path, GOOD), login="accueil")
    qtbot.mouseClick(desk.check_button, CLICK)
    assert desk.feedback.error_label.text() == "Seul un gestionnaire peut faire cela."
    assert not desk.import_button.isEnabled()


def test_choosing_another_file_forgets_the_check(qtbot, gateway, sync_runner, tmp_path):
    dialog = open_dialog(qtbot, gateway, sync_runner, csv(tmp_path, GOOD))
    qtbot.mouseClick(dialog.check_button, CLICK)
    assert dialog.import_button.isEnabled()
    dialog.set_file(str(csv(tmp_path, BAD, name="autre.csv")))
    assert not dialog.import_button.isEnabled() and not dialog.summary_label.isVisible()


def test_the_model_alone(qtmodeltester):
    from famdesk.services.family_import_parse import RejectedRow

    model = RejectedRowTableModel([RejectedRow(7, ("a", "b")), RejectedRow(12, ("c",))])
    qtmodeltester.check(model)
    assert model.index(0, 1).data() == "a ; b"
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == "a\nb"
