"""The activity editor and its rule tester, on the test town's real SQLite file: a tariff and
a deadline rule changed, saved, shown again on reopening; a rule the service refuses shows
its French reason beside the field and nothing is saved; the tester computes the deadlines of
the rules as they are typed, for the day picked."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QLabel

from famdesk.models.values import Counting, RuleKind
from famdesk.services.auth import SYSTEM
from famdesk.services.backoffice import activity_definition, wallet_rows
from famdesk.ui.admin.activity_editor import ActivityEditorDialog
from famdesk.ui.forms import to_qdate
from tests.ui import admin_helpers
from tests.ui.admin_helpers import CLICK, WED
from tests.ui.helpers import column_texts

town, gateway, panel = admin_helpers.town, admin_helpers.gateway, admin_helpers.panel


def open_editor(panel, label="ALSH MERCREDI") -> ActivityEditorDialog:
    panel.show_section(panel.activities_section)
    section = panel.activities_section
    row = next(i for i, a in enumerate(section.activity_model.rows()) if a.label == label)
    section.activity_table.selectRow(row)
    section.edit_button.click()
    assert section.editor is not None and section.editor.isVisible()
    return section.editor


def saved(town, activity_id):
    with town.uow() as uow:
        return activity_definition(uow, SYSTEM, activity_id)


def error_beside(editor: ActivityEditorDialog, key: str) -> str:
    label = editor.findChild(QLabel, f"{key}Error")
    assert label is not None
    return "" if label.isHidden() else label.text()


def test_a_tariff_and_a_deadline_changed_are_saved_and_shown_again(qtbot, panel, town):
    editor = open_editor(panel)
    assert editor.windowTitle() == "Activité ALSH MERCREDI"
    assert editor.label_edit.text() == "ALSH MERCREDI"
    brackets = editor.brackets_edit.model
    assert column_texts(editor.brackets_edit.table, 1) == ["600", "et au-delà"]
    assert column_texts(editor.brackets_edit.table, 2) == ["6,00", "10,00"]
    assert editor.booking_rule.rule().kind == RuleKind.WEEKDAY_BEFORE

    editor.tabs.setCurrentIndex(1)
    assert brackets.setData(brackets.index(1, 2), "11,50")
    assert brackets.setData(brackets.index(0, 1), "700")
    assert column_texts(editor.brackets_edit.table, 0) == ["0", "701"]
    editor.tabs.setCurrentIndex(2)
    rule = editor.booking_rule
    rule.kind_combo.setCurrentIndex(rule.kind_combo.findData(RuleKind.DAYS_BEFORE))
    assert rule.days_spin.isVisible() and not rule.weekday_combo.isVisible()
    rule.days_spin.setValue(2)
    rule.counting_combo.setCurrentIndex(rule.counting_combo.findData(Counting.WORKING))
    rule.cutoff_edit.setTime(QTime(10, 0))
    qtbot.mouseClick(editor.save_button, CLICK)

    assert not editor.isVisible()
    section = panel.activities_section
    assert section.notice_label.text() == "L'activité ALSH MERCREDI est enregistrée."
    definition = saved(town, town.alsh)
    assert definition.form.brackets == ((0, 700, Decimal("6.00")), (701, None, Decimal("11.50")))
    assert definition.booking_rule_text == (
        "2 jours ouvrés avant (week-ends et jours fériés non comptés), à 10:00")
    assert definition.cancellation_rule_text == definition.booking_rule_text

    again = open_editor(panel)
    assert column_texts(again.brackets_edit.table, 1) == ["700", "et au-delà"]
    assert column_texts(again.brackets_edit.table, 2) == ["6,00", "11,50"]
    shown = again.booking_rule.rule()
    assert (shown.kind, shown.days, shown.counting, shown.cutoff) == (
        RuleKind.DAYS_BEFORE, 2, Counting.WORKING, time(10, 0))
    assert again.same_rule_check.isChecked()


def test_a_rule_the_service_refuses_shows_beside_it_and_nothing_is_saved(qtbot, panel, town):
    before = saved(town, town.alsh)
    editor = open_editor(panel)
    editor.tabs.setCurrentIndex(0)
    editor.booking_rule.weeks_spin.setValue(60)
    editor.brackets_edit.model.setData(editor.brackets_edit.model.index(0, 2), "7,00")
    qtbot.mouseClick(editor.save_button, CLICK)

    assert editor.isVisible()
    assert editor.tabs.currentIndex() == 2  # the deadlines' tab, where the field is
    assert error_beside(editor, "booking_rule") == (
        "Le nombre de semaines est compris entre 1 et 52.")
    assert saved(town, town.alsh) == before

    editor.booking_rule.weeks_spin.setValue(1)
    editor.brackets_edit.model.setData(editor.brackets_edit.model.index(0, 2), "abc")
    qtbot.mouseClick(editor.save_button, CLICK)
    assert editor.tabs.currentIndex() == 1
    assert error_beside(editor, "brackets") == (
        "« abc » n'est pas un montant : écrivez-le comme 2,50.")
    assert error_beside(editor, "booking_rule") == ""
    assert saved(town, town.alsh) == before


def test_the_tester_shows_the_deadlines_of_the_rules_being_typed(qtbot, panel):
    editor = open_editor(panel)
    editor.tabs.setCurrentIndex(2)
    tester = editor.tester
    tester.set_day(WED)
    tester.test_now()
    assert tester.day_label.text() == "mercredi 30 septembre 2026"
    assert tester.booking_label.text() == (
        "Réservations jusqu'au jeudi 24 septembre 2026 à 12:00 "
        "(jeudi de la semaine précédente, à 12:00)")
    assert tester.cancellation_label.text() == (
        "Annulations jusqu'au jeudi 24 septembre 2026 à 12:00 "
        "(jeudi de la semaine précédente, à 12:00)")

    # a rule typed: the tester follows once the typing settles (nothing saved)
    rule = editor.booking_rule
    rule.kind_combo.setCurrentIndex(rule.kind_combo.findData(RuleKind.DAYS_BEFORE))
    rule.days_spin.setValue(2)
    rule.counting_combo.setCurrentIndex(rule.counting_combo.findData(Counting.WORKING))
    qtbot.waitUntil(lambda: "lundi 28 septembre 2026" in tester.booking_label.text())
    assert tester.booking_label.text().startswith(
        "Réservations jusqu'au lundi 28 septembre 2026 à 12:00 (2 jours ouvrés avant")

    editor.same_rule_check.setChecked(False)
    cancel = editor.cancellation_rule
    cancel.kind_combo.setCurrentIndex(cancel.kind_combo.findData(RuleKind.NONE))
    qtbot.waitUntil(lambda: "mercredi 30 septembre 2026 à 00:00" in
                    tester.cancellation_label.text())
    assert "Les familles peuvent encore annuler après la clôture des réservations." in (
        tester.notes_label.text())

    rule.days_spin.setValue(400)  # beyond what a rule may be
    qtbot.waitUntil(lambda: tester.error_label.isVisible())
    assert tester.error_label.text() == "Le nombre de jours est compris entre 0 et 366."
    assert tester.booking_label.text() == ""
    assert error_beside(editor, "booking_rule") == (
        "Le nombre de jours est compris entre 0 et 366.")
    rule.days_spin.setValue(3)
    qtbot.waitUntil(lambda: not tester.error_label.isVisible())
    assert error_beside(editor, "booking_rule") == ""
    assert "vendredi 25 septembre 2026 à 12:00" in tester.booking_label.text()


def test_times_typed_wrong_are_refused_beside_them(qtbot, panel, town):
    editor = open_editor(panel, "APS MATIN")
    times = editor.times_edit
    assert times.checks[0].isChecked() and not times.checks[2].isChecked()
    assert times.arrivals[0].text() == "07:00, 07:30, 08:00"
    times.arrivals[0].setText("07:00, 7h75")
    qtbot.mouseClick(editor.save_button, CLICK)
    assert editor.tabs.currentIndex() == 3
    assert error_beside(editor, "time_options") == (
        "Le lundi, « 7h75 » n'est pas une heure : écrivez-la comme 07:30.")

    times.arrivals[0].setText("7h, 07:30, 8h")
    times.checks[2].setChecked(True)  # Wednesday without times: the service refuses
    qtbot.mouseClick(editor.save_button, CLICK)
    assert error_beside(editor, "time_options") == (
        "Le mercredi, indiquez au moins une heure d'arrivée et une heure de départ.")
    assert editor.isVisible()


def test_a_wallet_and_a_new_activity(qtbot, panel, town):
    panel.show_section(panel.activities_section)
    section = panel.activities_section
    form = section.wallet_form
    form.label_edit.setText("Sport")
    form.order_spin.setValue(5)
    qtbot.mouseClick(form.add_button, CLICK)
    assert section.notice_label.text() == "Le porte-monnaie « Sport » est ajouté."
    assert column_texts(section.wallet_table, 1) == ["Périscolaire", "Sport"]

    form.label_edit.setText("Périscolaire")  # taken
    qtbot.mouseClick(form.add_button, CLICK)
    assert form.fields.error_text("label") == "Ce libellé est déjà utilisé dans cette structure."

    qtbot.mouseClick(section.new_button, CLICK)
    editor = section.editor
    assert editor is not None and editor.windowTitle() == "Nouvelle activité"
    editor.label_edit.setText("CLUB SPORT")
    editor.wallet_combo.setCurrentIndex(editor.wallet_combo.findText("Sport"))
    editor.start_edit.setDate(to_qdate(date(2026, 9, 14)))
    editor.end_edit.setDate(to_qdate(date(2027, 6, 30)))
    qtbot.mouseClick(editor.brackets_edit.add_button, CLICK)
    model = editor.brackets_edit.model
    model.setData(model.index(0, 2), "3")
    model.setData(model.index(1, 2), "5,5")
    assert [model.index(r, 1).data() for r in range(2)] == ["499", "et au-delà"]
    qtbot.mouseClick(editor.save_button, CLICK)
    assert not editor.isVisible()
    assert section.notice_label.text() == "L'activité CLUB SPORT est enregistrée."
    assert "CLUB SPORT" in column_texts(section.activity_table, 1)
    with town.uow() as uow:
        wallets = {w.label: w.activities for w in wallet_rows(uow, SYSTEM, town.structure_id)}
    assert wallets["Sport"] == ("CLUB SPORT",)
    assert editor.definition is not None
    form = editor.definition.form
    assert form.brackets == ((0, 499, Decimal("3.00")), (500, None, Decimal("5.50")))
    assert (form.period_start, form.period_end) == (date(2026, 9, 14), date(2027, 6, 30))
