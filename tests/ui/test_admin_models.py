"""The back office's Qt models, filled from the services on the test town's real SQLite file,
through qtmodeltester; the tariff brackets edited in place never leave a gap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from famdesk.errors import ValidationError
from famdesk.services import backoffice as bo
from famdesk.services.auth import SYSTEM
from famdesk.ui.models.admin_model import (
    ActivityTableModel,
    AdminRole,
    NewsTableModel,
    WaitingDayTableModel,
    WaitingEntryTableModel,
    WalletTableModel,
)
from famdesk.ui.models.opening_model import (
    AffectedReservationTableModel,
    BracketTableModel,
    OpeningDayTableModel,
    SkippedDayTableModel,
    affected_lines,
)
from tests.ui import admin_helpers
from tests.ui.admin_helpers import WED, book

town = admin_helpers.town
EDIT = Qt.ItemDataRole.EditRole


@pytest.fixture
def dtos(town):
    """One of each back-office DTO of the town, Wednesday 30 September full with one waiting."""
    assert [book(town, town.martin, town.lea), book(town, town.martin, town.tom),
            book(town, town.dubois, town.zoe)] == ["booked", "booked", "waitlisted"]
    with town.uow(write=True) as uow:
        bo.save_news(uow, town.clock, SYSTEM, town.structure_id,
                     bo.NewsForm("Rentrée", "Bonne rentrée.", date(2026, 9, 1)))
    with town.uow() as uow:
        clock, sid = town.clock, town.structure_id
        request = bo.OpeningRequest(date(2026, 10, 1), date(2026, 10, 31), frozenset({2, 4}))
        return {
            "wallets": bo.wallet_rows(uow, SYSTEM, sid),
            "activities": bo.activity_rows(uow, SYSTEM, sid),
            "news": bo.news_items(uow, clock, SYSTEM, sid),
            "days": bo.waiting_days(uow, clock, SYSTEM, sid),
            "entries": bo.waiting_list(uow, clock, SYSTEM, town.alsh, WED).entries,
            "calendar": bo.opening_calendar(uow, clock, SYSTEM, town.alsh, date(2026, 9, 1),
                                            date(2026, 9, 30)),
            "skipped": bo.preview_openings(uow, clock, SYSTEM, town.alsh, request).skipped,
            "closure": bo.closure_preview(uow, clock, SYSTEM, town.alsh, WED),
        }


@pytest.mark.parametrize(("model_class", "key"), [
    (WalletTableModel, "wallets"), (ActivityTableModel, "activities"), (NewsTableModel, "news"),
    (WaitingDayTableModel, "days"), (WaitingEntryTableModel, "entries"),
    (OpeningDayTableModel, "calendar"), (SkippedDayTableModel, "skipped"),
])
def test_each_list_model(qtmodeltester, dtos, model_class, key):
    rows = dtos[key]
    assert rows
    model = model_class(rows)
    qtmodeltester.check(model)
    assert model.index(0, 0).data(AdminRole.ROW) is rows[0]
    model.set_rows(())
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_the_closure_model_marks_the_families_to_call(qtmodeltester, dtos):
    preview = dtos["closure"]
    model = AffectedReservationTableModel(affected_lines(preview))
    qtmodeltester.check(model)
    assert [model.index(r, 1).data() for r in range(3)] == [
        "DUBOIS Zoé", "MARTIN Léa", "MARTIN Tom"]
    assert model.index(0, 4).data() == "par e-mail"
    assert model.row_of(preview.reservations[1].reservation_id) == 1


def test_the_models_texts(dtos):
    activities = ActivityTableModel(dtos["activities"])
    assert [activities.index(0, c).data() for c in range(7)] == [
        "1", "APS MATIN", "Périscolaire", "par tranche", "arrivée et départ",
        "du 01/09/2026 au 03/07/2027", "175"]
    assert activities.index(0, 1).data(Qt.ItemDataRole.DecorationRole).name() == "#2e86ab"
    days = OpeningDayTableModel(dtos["calendar"])
    wednesday = days.row_of_day(WED)
    assert [days.index(wednesday, c).data() for c in range(6)] == [
        "mer. 30/09/2026", "Ouvert", "2", "2", "1", "1"]
    assert days.index(wednesday, 0).data(Qt.ItemDataRole.ToolTipRole) == (
        "mercredi 30 septembre 2026")
    entries = WaitingEntryTableModel(dtos["entries"])
    assert [entries.index(0, c).data() for c in range(3)] == [
        "1", "DUBOIS Zoé", "Mme DUBOIS Camille"]


def test_the_brackets_follow_each_other(qtmodeltester):
    model = BracketTableModel()
    model.set_brackets(((0, 600, Decimal("6.00")), (601, None, Decimal("10.00"))))
    qtmodeltester.check(model)
    assert [[model.index(r, c).data() for c in range(3)] for r in range(2)] == [
        ["0", "600", "6,00"], ["601", "et au-delà", "10,00"]]
    assert not model.flags(model.index(1, 1)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(model.index(0, 1), "450", EDIT)
    assert model.index(1, 0).data() == "451"
    assert not model.setData(model.index(0, 1), "beaucoup", EDIT)
    assert not model.setData(model.index(1, 1), "900", EDIT)  # the last runs "and above"

    assert model.add_bracket() == 2
    assert [[model.index(r, c).data() for c in range(2)] for r in range(3)] == [
        ["0", "450"], ["451", "950"], ["951", "et au-delà"]]
    model.setData(model.index(2, 2), "12,5", EDIT)
    assert model.brackets() == ((0, 450, Decimal("6.00")), (451, 950, Decimal("10.00")),
                                (951, None, Decimal("12.5")))
    model.remove_bracket(0)
    assert model.brackets() == ((0, 950, Decimal("10.00")), (951, None, Decimal("12.5")))
    model.remove_bracket(1)
    assert model.brackets() == ((0, None, Decimal("10.00")),)
    model.remove_bracket(0)  # the one left stays
    assert model.rowCount() == 1
    qtmodeltester.check(model)

    model.setData(model.index(0, 2), "dix euros", EDIT)
    with pytest.raises(ValidationError) as refused:
        model.brackets()
    assert (refused.value.field, refused.value.message) == (
        "brackets", "« dix euros » n'est pas un montant : écrivez-le comme 2,50.")
