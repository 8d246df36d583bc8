"""Waiting lists on the test town's real SQLite file: the days where children wait, the day's
list in its order, a child promoted by hand once families may no longer cancel (after asking),
and a child removed with a reason the family reads in its e-mail."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from famdesk.models import AuditEntry, Reservation
from famdesk.models.enums import ReservationStatus
from famdesk.services.auth import SYSTEM
from famdesk.services.backoffice import set_places
from famdesk.ui.admin.widgets import ReasonDialog
from tests.ui import admin_helpers
from tests.ui.admin_helpers import CLICK, WED, book, outbox
from tests.ui.helpers import column_texts

town, gateway, panel = admin_helpers.town, admin_helpers.gateway, admin_helpers.panel

AFTER_DEADLINE = datetime(2026, 9, 25, 8, 0, tzinfo=UTC)
"""Friday 25 September: families can no longer cancel Wednesday 30 September."""


def status(town, child) -> ReservationStatus:
    with town.uow() as uow:
        return uow.session.scalar(select(Reservation.status).where(
            Reservation.child_id == child, Reservation.day == WED))


def audits(town, action):
    with town.uow() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def waiting(panel):
    panel.show_section(panel.waiting_section)
    return panel.waiting_section


def full_wednesday(town):
    """Léa and Tom booked; Zoé waits (the list holds one)."""
    assert [book(town, town.martin, town.lea), book(town, town.martin, town.tom),
            book(town, town.dubois, town.zoe)] == ["booked", "booked", "waitlisted"]


def test_the_days_and_the_list_in_its_order(panel, town):
    full_wednesday(town)
    section = waiting(panel)
    assert column_texts(section.day_table, 0) == ["mer. 30/09/2026"]
    assert column_texts(section.day_table, 2) == ["1"]
    assert column_texts(section.day_table, 3) == ["2 sur 2"]
    section.day_table.selectRow(0)
    assert section.list_title.text() == "ALSH MERCREDI – mercredi 30 septembre 2026 : 1 en attente"
    assert section.places_label.text().startswith(
        "2 places, 2 réservées, 0 libres. Les familles peuvent annuler jusqu'au jeudi "
        "24 septembre 2026 à 12:00")
    assert [column_texts(section.entry_table, c)[0] for c in range(4)] == [
        "1", "DUBOIS Zoé", "Mme DUBOIS Camille", "14/09/2026 10:03"]
    assert not section.promote_button.isEnabled() and section.remove_button.isEnabled()
    assert section.promote_hint.text().startswith("Aucune place libre")

    section.filter_combo.setCurrentIndex(section.filter_combo.findText("APS MATIN"))
    assert section.day_model.rowCount() == 0
    assert section.empty_label.text() == "Personne n'attend sur les jours à venir."


def test_a_child_is_promoted_by_hand_after_the_deadline(qtbot, panel, town):
    full_wednesday(town)
    town.clock.set(AFTER_DEADLINE)
    with town.uow(write=True) as uow:  # a place more, too late for the list to move itself
        set_places(uow, town.clock, SYSTEM, town.alsh, WED, WED, 3)
    assert status(town, town.zoe) is ReservationStatus.WAITLISTED
    section = waiting(panel)
    section.day_table.selectRow(0)
    assert "Les familles ne peuvent plus annuler" in section.places_label.text()
    assert section.promote_button.isEnabled()

    qtbot.mouseClick(section.promote_button, CLICK)
    box = section.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.text() == "Donner une place le mercredi 30 septembre 2026 à DUBOIS Zoé " \
        "(Mme DUBOIS Camille) ?"
    no = box.findChild(type(section.promote_button), "noButton")
    qtbot.mouseClick(no, CLICK)  # "Annuler": nothing happens
    assert status(town, town.zoe) is ReservationStatus.WAITLISTED

    qtbot.mouseClick(section.promote_button, CLICK)
    yes = section.dialog.findChild(type(section.promote_button), "yesButton")
    qtbot.mouseClick(yes, CLICK)
    assert section.notice_label.text() == "DUBOIS Zoé a une place le mercredi 30 septembre 2026."
    assert status(town, town.zoe) is ReservationStatus.BOOKED
    assert section.entry_model.rowCount() == 0
    assert section.day_model.rowCount() == 0  # nobody waits any more
    assert len(audits(town, "waitlist_promoted")) == 1


def test_a_child_is_removed_with_a_reason_told_to_the_family(qtbot, panel, town):
    full_wednesday(town)
    section = waiting(panel)
    section.day_table.selectRow(0)
    qtbot.mouseClick(section.remove_button, CLICK)
    dialog = section.dialog
    assert isinstance(dialog, ReasonDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Retirer de la liste d'attente"

    qtbot.mouseClick(dialog.ok_button, CLICK)  # no reason: refused
    assert section.feedback.error_label.text() == (
        "Indiquez le motif : il est communiqué aux familles.")
    assert status(town, town.zoe) is ReservationStatus.WAITLISTED

    qtbot.mouseClick(section.remove_button, CLICK)
    section.dialog.reason_edit.setText("Inscription en double")
    qtbot.mouseClick(section.dialog.ok_button, CLICK)
    assert section.notice_label.text() == (
        "DUBOIS Zoé est retiré(e) de la liste d'attente ; la famille est prévenue.")
    assert status(town, town.zoe) is ReservationStatus.CANCELLED
    mail = outbox(town)["dubois@example.org"]
    assert "DUBOIS Zoé" in mail.body_text and "Motif : Inscription en double" in mail.body_text
    [entry] = audits(town, "waitlist_removed")
    assert "Inscription en double" in entry.detail
    assert section.day_model.rowCount() == 0
