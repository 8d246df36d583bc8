"""'Historiques': consumptions and payments month by month, every earlier month reachable,
and their CSV and XLSX exports read back."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from famdesk.clock import FixedClock
from famdesk.errors import NotAuthorizedError, ValidationError
from famdesk.models.enums import LedgerKind
from famdesk.services.histories import HistoryView, history
from famdesk.services.ledger import adjust
from famdesk.services.reports.history_export import history_csv, history_xlsx
from tests.conftest import CLOCK_START
from tests.integration.money import Meals, money_story
from tests.integration.town import Town, build_town

D = Decimal


@pytest.fixture
def town(sqlite_url: str):
    town = build_town(sqlite_url, FixedClock(CLOCK_START))
    yield town
    town.ctx.close()


@pytest.fixture
def story(town: Town) -> Meals:
    return money_story(town)


def shown(town: Town, session=None, **period) -> HistoryView:  # type: ignore[no-untyped-def]
    with town.uow() as uow:
        return history(uow, town.clock, session or town.martin, town.structure_id, **period)


def test_a_month_of_consumptions_dated_the_day_consumed(town: Town, story: Meals) -> None:
    september = shown(town, year=2026, month=9)
    assert september.period_text == "septembre 2026"
    (month,) = september.months
    assert [(line.day, line.activity_label, line.child_name, line.kind, line.cost)
            for line in month.consumptions] == [
        (date(2026, 9, 28), "APS MATIN", "MARTIN Tom", LedgerKind.CONSUMPTION, D("2.40")),
        (date(2026, 9, 28), "APS MATIN", "MARTIN Tom", LedgerKind.REFUND, D("-2.40")),
        (date(2026, 9, 28), "RESTAURATION", "MARTIN Léa", LedgerKind.CONSUMPTION, D("3.20")),
        (date(2026, 9, 30), "ALSH MERCREDI", "MARTIN Léa", LedgerKind.CONSUMPTION, D("6.00")),
    ]
    assert month.consumptions[0].times_text == "07:00–08:20"
    assert month.consumptions[1].posted_on == date(2026, 10, 8)  # refunded by that night
    assert month.consumed == D("9.20") and month.payments == () and month.paid == D("0.00")


def test_a_month_of_payments_with_a_cancelled_one_and_an_adjustment(town: Town, story: Meals) -> None:
    (october,) = shown(town, year=2026, month=10).months
    assert [(line.day, line.cost) for line in october.consumptions] == [
        (date(2026, 10, 1), D("3.20")), (date(2026, 10, 7), D("6.00"))]
    assert [(line.day, line.description, line.credit, line.receipt) for line in october.payments] == [
        (date(2026, 10, 2), "Chèque n° 42", D("11.60"), "2026-000001"),
        (date(2026, 10, 2), "Espèces", D("50.00"), "2026-000002"),
        (date(2026, 10, 2), "Annulation du reçu 2026-000002", D("-50.00"), "2026-000002"),
        (date(2026, 10, 8), "Régularisation", D("2.00"), ""),
    ]
    cheque, cash, cancelled, gesture = october.payments
    assert cheque.wallets == (("Périscolaire", D("8.40")), ("Restauration", D("3.20")))
    assert cash.status is not None and cash.status.value == "cancelled"
    assert cancelled.reason == "Saisi par erreur" and gesture.reason == "Geste commercial"
    assert october.paid == D("13.60")


def test_a_year_and_every_month_since_the_first_entry(town: Town, story: Meals) -> None:
    year = shown(town, year=2026)
    assert year.period_text == "Année 2026" and len(year.months) == 12
    assert (year.consumed, year.paid) == (D("18.40"), D("13.60"))
    assert year.available == ((2026, 11), (2026, 10), (2026, 9))
    now = shown(town)
    assert (now.first, now.last) == (date(2026, 11, 1), date(2026, 11, 30))
    assert now.consumptions == () and now.payments == ()


def test_months_long_past_stay_reachable(town: Town) -> None:
    town.clock.set(datetime(2025, 3, 10, 9, 0, tzinfo=UTC))
    with town.uow() as uow:
        wallet = uow.session.execute(text("SELECT min(id) FROM wallet")).scalar()
    with town.uow(write=True) as uow:
        adjust(uow, town.clock, town.staff, town.martin_family, wallet, D("-12.00"), "Reprise de l'ancien logiciel")
    town.clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    view = shown(town)
    assert view.available[-1] == (2025, 3) and len(view.available) == 21
    (march,) = shown(town, year=2025, month=3).months
    assert [line.credit for line in march.payments] == [D("-12.00")]
    with pytest.raises(ValidationError):
        shown(town, year=2026, month=13)
    with pytest.raises(NotAuthorizedError):
        shown(town, town.dubois, family_id=town.martin_family, year=2026)


def test_the_csv_opens_in_a_french_spreadsheet(town: Town, story: Meals) -> None:
    data = history_csv(shown(town, year=2026))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Type", "Date", "Enfant", "Activité", "Horaires", "Porte-monnaie", "Détail",
                       "Reçu", "Débit (€)", "Crédit (€)"]
    assert len(rows) == 1 + 6 + 4
    assert rows[1] == ["Consommation", "28/09/2026", "MARTIN Tom", "APS MATIN", "07:00–08:20",
                       "Périscolaire", "", "", "2,40", ""]
    assert rows[2][0] == "Remboursement (annulation)" and rows[2][8:] == ["", "2,40"]
    assert rows[7][0] == "Règlement" and rows[7][6:] == ["Chèque n° 42", "2026-000001", "", "11,60"]
    assert rows[9][8:] == ["50,00", ""] and "Saisi par erreur" in rows[9][6]
    debit = sum(D(r[8].replace(",", ".")) for r in rows[1:] if r[8])
    credit = sum(D(r[9].replace(",", ".")) for r in rows[1:] if r[9])
    assert credit - debit == D("-4.80")  # the family's balance: 13,60 paid − 18,40 consumed


def test_the_xlsx_has_a_sheet_each_with_dates_amounts_and_totals(town: Town, story: Meals) -> None:
    book_ = load_workbook(io.BytesIO(history_xlsx(shown(town, year=2026))))
    assert book_.sheetnames == ["Consommations", "Règlements"]
    consumptions, payments = book_["Consommations"], book_["Règlements"]
    assert "M. MARTIN Hugo" in consumptions["A1"].value and "Année 2026" in consumptions["A1"].value
    assert consumptions["A2"].value == "Type" and consumptions["I2"].value == "Débit (€)"
    assert consumptions["B3"].value == datetime(2026, 9, 28) and consumptions["B3"].number_format == "DD/MM/YYYY"
    assert consumptions["I3"].value == 2.4 and "€" in consumptions["I3"].number_format
    total = consumptions[consumptions.max_row]
    assert (total[0].value, total[8].value, total[9].value) == ("Total", 20.8, 2.4)
    total = payments[payments.max_row]
    assert (total[8].value, total[9].value) == (50, 63.6)
    assert payments.max_row == 2 + 4 + 1
