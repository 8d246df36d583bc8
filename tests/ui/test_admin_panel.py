"""The "Paramétrage" panel follows the family tabs' protocol: a section loads when shown, a
change in one section shows in the others, clearing forgets everything; the families import
opens from it."""

from __future__ import annotations

from PySide6.QtCore import QTime

from famdesk.ui.admin import AdminPanel
from famdesk.ui.import_dialog import FamilyImportDialog
from tests.ui import admin_helpers
from tests.ui.admin_helpers import CLICK
from tests.ui.helpers import ManualRunner

town, gateway = admin_helpers.town, admin_helpers.gateway


def test_sections_load_when_shown(qtbot, gateway, town):
    runner = ManualRunner()
    panel = AdminPanel(gateway, runner)
    qtbot.addWidget(panel)
    assert [panel.section_list.item(i).text() for i in range(5)] == [
        "Structure", "Activités", "Calendrier d'ouverture", "Listes d'attente",
        "Importer des familles"]
    panel.set_structure(town.structure_id)
    assert runner.queue == []  # nothing asked before the tab is shown
    panel.ensure_loaded()
    assert len(runner.queue) == 3  # the structure section only: today, settings, news
    runner.run_all()
    assert panel.structure_section.structure_card.name_edit.text() == "Mairie de Testville"

    panel.show_section(panel.waiting_section)
    assert len(runner.queue) == 1
    panel.clear()  # logout while it runs: the answer is dropped
    runner.run_all()
    assert panel.waiting_section.filter_combo.count() == 0
    assert panel.structure_section.structure_card.name_edit.text() == ""
    assert panel.section_list.currentRow() == 0
    runner.close()


def test_a_new_activity_shows_in_the_calendar(qtbot, gateway, town, sync_runner):
    panel = AdminPanel(gateway, sync_runner)
    qtbot.addWidget(panel)
    panel.set_structure(town.structure_id)
    panel.show_section(panel.openings_section)
    combo = panel.openings_section.activity_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["APS MATIN", "ALSH MERCREDI"]

    panel.show_section(panel.activities_section)
    qtbot.mouseClick(panel.activities_section.new_button, CLICK)
    editor = panel.activities_section.editor
    editor.label_edit.setText("ÉTUDE SURVEILLÉE")
    editor.booking_rule.cutoff_edit.setTime(QTime(9, 0))
    editor.end_edit.setDate(editor.end_edit.date().addDays(120))
    qtbot.mouseClick(editor.save_button, CLICK)
    assert not editor.isVisible()

    panel.show_section(panel.openings_section)
    assert "ÉTUDE SURVEILLÉE" in [combo.itemText(i) for i in range(combo.count())]


def test_the_families_import_opens_from_the_panel(qtbot, gateway, town, sync_runner):
    panel = AdminPanel(gateway, sync_runner)
    qtbot.addWidget(panel)
    panel.set_structure(town.structure_id)
    panel.show_section(panel.import_section)
    qtbot.mouseClick(panel.import_section.import_button, CLICK)
    dialog = panel.import_section.dialog
    assert isinstance(dialog, FamilyImportDialog) and dialog.isVisible()
    assert dialog.structure_combo.currentText() == "Mairie de Testville"
    panel.clear()
    assert not dialog.isVisible()
