"""The opening calendar on the test town's real SQLite file: openings generated after their
preview, a day opened by hand, a day with reservations closed after showing who is affected
(the reservations cancelled, the families' e-mails in the outbox), and a capacity lowered
below what is booked — refused, or the last booked moved to the head of the waiting list."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from famdesk.models import ActivityDay, Reservation
from famdesk.models.enums import ReservationStatus
from famdesk.ui.admin.closing_dialog import ClosureDialog
from famdesk.ui.admin.openings_dialog import OpenDayDialog, OpeningsDialog
from famdesk.ui.admin.places_dialog import PlacesDialog
from tests.ui import admin_helpers
from tests.ui.admin_helpers import CLICK, WED, book, outbox
from tests.ui.helpers import column_texts

town, gateway, panel = admin_helpers.town, admin_helpers.gateway, admin_helpers.panel

STRIKE = "Grève du personnel"


def calendar(panel, activity="ALSH MERCREDI", year=2026, month=9):
    panel.show_section(panel.openings_section)
    section = panel.openings_section
    section.activity_combo.setCurrentIndex(section.activity_combo.findText(activity))
    section.show_month(year, month)
    return section


def state_of(section, day: date) -> list[str]:
    row = section.model.row_of_day(day)
    return [section.model.index(row, column).data() for column in range(6)]


def statuses(town) -> dict[int, ReservationStatus]:
    with town.uow() as uow:
        return {r.child_id: r.status for r in uow.session.scalars(
            select(Reservation).where(Reservation.day == WED))}


def test_the_month_shows_each_day_with_its_places(panel, town):
    assert book(town, town.martin, town.lea) == "booked"
    section = calendar(panel)
    assert section.month_label.text() == "Septembre 2026"
    assert section.model.rowCount() == 30
    assert state_of(section, WED) == ["mer. 30/09/2026", "Ouvert", "2", "1", "0", "1"]
    assert state_of(section, date(2026, 9, 29))[1] == "Fermé"
    assert state_of(section, date(2026, 9, 2))[1] == "Ouvert (passé)"
    section.move_month(1)
    assert section.month_label.text() == "Octobre 2026"
    assert section.model.index(section.model.row_of_day(date(2026, 10, 21)), 6).data() == (
        "Vacances de la Toussaint")


def test_openings_are_generated_after_their_preview(qtbot, panel, town):
    section = calendar(panel)
    qtbot.mouseClick(section.generate_button, CLICK)
    dialog = section.dialog
    assert isinstance(dialog, OpeningsDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Générer les ouvertures – ALSH MERCREDI"
    dialog.last_edit.setDate(date(2026, 11, 6))
    for day, check in enumerate(dialog.weekday_checks):
        check.setChecked(day in (2, 4))  # Wednesdays (open already) and Fridays
    dialog.capacity_edit.set_value(12)
    dialog.waitlist_edit.set_value(2)
    assert not dialog.apply_button.isEnabled()  # nothing previewed yet

    qtbot.mouseClick(dialog.preview_button, CLICK)
    assert dialog.summary_label.text() == (
        "6 jours à ouvrir ; 10 jours laissés fermés (ci-dessous)")
    assert dialog.days_label.text() == (
        "ven. 18/09, ven. 25/09, ven. 02/10, ven. 09/10, ven. 16/10, ven. 06/11")
    skipped = dict(zip(column_texts(dialog.skipped_table, 0),
                       column_texts(dialog.skipped_table, 1), strict=True))
    assert skipped["mer. 16/09/2026"] == (
        "déjà ouvert (2 places, liste d'attente de 1) : laissé tel quel")
    assert skipped["ven. 23/10/2026"] == "vacances scolaires : Vacances de la Toussaint"
    assert dialog.apply_button.isEnabled()
    dialog.capacity_edit.set_value(10)  # changed after the preview: previewed again first
    assert not dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.preview_button, CLICK)

    qtbot.mouseClick(dialog.apply_button, CLICK)
    assert not dialog.isVisible()
    assert section.notice_label.text() == "6 jours ouverts."
    assert state_of(section, date(2026, 9, 18))[:3] == ["ven. 18/09/2026", "Ouvert", "10"]
    assert state_of(section, date(2026, 9, 18))[5] == "2"
    assert state_of(section, date(2026, 9, 16))[2] == "2"  # left as it was


def test_a_day_is_opened_by_hand(qtbot, panel, town):
    section = calendar(panel)
    section.select_days(date(2026, 9, 26), date(2026, 9, 26))  # a Saturday
    assert section.selection_label.text() == "sam. 26/09/2026 : 0 jour ouvert"
    assert section.open_button.isEnabled() and not section.close_button.isEnabled()
    qtbot.mouseClick(section.open_button, CLICK)
    dialog = section.dialog
    assert isinstance(dialog, OpenDayDialog)
    dialog.capacity_edit.unlimited.setChecked(True)
    qtbot.mouseClick(dialog.open_button, CLICK)
    assert section.notice_label.text() == "sam. 26/09/2026 est ouvert."
    assert state_of(section, date(2026, 9, 26))[1:3] == ["Ouvert", "sans limite"]


def test_closing_a_day_with_reservations_shows_who_then_cancels_and_tells(qtbot, panel,
                                                                         town):
    assert [book(town, town.martin, town.lea), book(town, town.dubois, town.zoe),
            book(town, town.martin, town.tom)] == ["booked", "booked", "waitlisted"]
    section = calendar(panel)
    section.select_days(WED, WED)
    qtbot.mouseClick(section.close_button, CLICK)
    dialog = section.dialog
    assert isinstance(dialog, ClosureDialog) and dialog.isVisible()
    assert dialog.summary_label.text() == (
        "1 jour ouvert ferme. 3 réservations sont annulées sans frais "
        "(2 familles, prévenues par e-mail).")
    assert column_texts(dialog.table, 1) == ["DUBOIS Zoé", "MARTIN Léa", "MARTIN Tom"]
    assert column_texts(dialog.table, 3) == ["réservé", "réservé", "en liste d'attente"]
    assert set(column_texts(dialog.table, 4)) == {"par e-mail"}
    assert not dialog.without_label.isVisible()
    assert dialog.close_button.text() == "Fermer et annuler 3 réservations"
    assert outbox(town) == {}

    qtbot.mouseClick(dialog.close_button, CLICK)  # no reason: refused, nothing done
    assert dialog.isVisible()
    assert dialog.section.fields.error_text("reason") == (
        "Indiquez le motif : il est communiqué aux familles.")
    assert set(statuses(town).values()) == {ReservationStatus.BOOKED,
                                            ReservationStatus.WAITLISTED}

    dialog.reason_edit.setText(STRIKE)
    qtbot.mouseClick(dialog.close_button, CLICK)
    assert not dialog.isVisible()
    assert section.notice_label.text() == (
        "1 jour fermé. 3 réservations annulées, 2 e-mail(s) à envoyer.")
    assert state_of(section, WED)[1:3] == ["Fermé", ""]
    assert set(statuses(town).values()) == {ReservationStatus.CANCELLED}
    mails = outbox(town)
    assert set(mails) == {"martin@example.org", "dubois@example.org"}
    assert mails["martin@example.org"].subject == "ALSH MERCREDI : fermeture"
    assert f"Motif : {STRIKE}" in mails["martin@example.org"].body_text
    with town.uow() as uow:
        assert uow.session.scalar(select(ActivityDay.id).where(
            ActivityDay.activity_id == town.alsh, ActivityDay.day == WED)) is None


def test_a_closure_counted_before_another_booking_is_counted_again(qtbot, panel, town):
    assert book(town, town.martin, town.lea) == "booked"
    section = calendar(panel)
    section.select_days(WED, WED)
    qtbot.mouseClick(section.close_button, CLICK)
    dialog = section.dialog
    assert dialog.close_button.text() == "Fermer et annuler 1 réservation"
    assert book(town, town.dubois, town.zoe) == "booked"  # another desk, meanwhile
    dialog.reason_edit.setText(STRIKE)
    qtbot.mouseClick(dialog.close_button, CLICK)
    assert dialog.isVisible()
    assert dialog.section.feedback.error_label.text().startswith(
        "Les réservations de ces jours ont changé depuis leur décompte (1 alors, 2 maintenant)")
    assert dialog.close_button.text() == "Fermer et annuler 2 réservations"
    assert set(statuses(town).values()) == {ReservationStatus.BOOKED}


def test_lowering_the_capacity_below_the_booked_asks_refuse_or_move(qtbot, panel, town):
    assert [book(town, town.martin, town.lea), book(town, town.dubois, town.zoe)] == [
        "booked", "booked"]
    section = calendar(panel)
    section.select_days(WED, WED)
    qtbot.mouseClick(section.places_button, CLICK)
    dialog = section.dialog
    assert isinstance(dialog, PlacesDialog)
    assert dialog.capacity_edit.value() == 2
    dialog.capacity_edit.set_value(1)
    dialog.load_preview()
    assert dialog.summary_label.text() == (
        "1 jour ouvert change. 1 enfant réservé dépasse la nouvelle capacité (1 famille) : "
        "refuser le changement, ou le placer en tête de la liste d'attente ?")
    assert dialog.choice_box.isVisible()
    assert dialog.refuse_button.isChecked()
    assert dialog.move_button.text() == (
        "Mettre 1 enfant, le dernier inscrit (1 famille), en tête de la liste d'attente")

    qtbot.mouseClick(dialog.apply_button, CLICK)  # refuse: nothing changes
    assert dialog.isVisible()
    assert dialog.section.fields.error_text("capacity") == (
        "mer. 30/09/2026 : 2 enfants sont réservés ce jour-là : la capacité ne peut pas être "
        "inférieure.")
    assert statuses(town) == {town.lea: ReservationStatus.BOOKED,
                              town.zoe: ReservationStatus.BOOKED}

    dialog.move_button.setChecked(True)
    qtbot.mouseClick(dialog.apply_button, CLICK)
    assert not dialog.isVisible()
    assert section.notice_label.text() == (
        "1 jour modifié. 1 enfant mis en tête de la liste d'attente.")
    assert statuses(town) == {town.lea: ReservationStatus.BOOKED,
                              town.zoe: ReservationStatus.WAITLISTED}
    assert state_of(section, WED)[2:5] == ["1", "1", "1"]


def test_a_negative_capacity_cannot_be_typed_and_a_raise_promotes(qtbot, panel, town):
    assert [book(town, town.martin, town.lea), book(town, town.dubois, town.zoe),
            book(town, town.martin, town.tom)] == ["booked", "booked", "waitlisted"]
    section = calendar(panel)
    section.select_days(WED, WED)
    qtbot.mouseClick(section.places_button, CLICK)
    dialog = section.dialog
    assert dialog.capacity_edit.spin.minimum() == 0
    dialog.capacity_edit.set_value(3)
    dialog.load_preview()
    assert dialog.summary_label.text() == (
        "1 jour ouvert change. 1 enfant en attente obtient une place.")
    assert not dialog.choice_box.isVisible()
    qtbot.mouseClick(dialog.apply_button, CLICK)
    assert section.notice_label.text() == (
        "1 jour modifié. 1 enfant en attente a obtenu une place.")
    assert statuses(town)[town.tom] is ReservationStatus.BOOKED
