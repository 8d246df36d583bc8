"""The money PDFs read back with pypdf: histories, receipt, annual statement, attestation de
frais de garde — on the shared page template (structure, family, period, page x/y, date)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import insert, text

from famdesk.clock import FixedClock
from famdesk.models import LedgerEntry
from famdesk.models.enums import LedgerKind
from famdesk.services.histories import history
from famdesk.services.payments import cancel_payment, receipt, record_payment
from famdesk.services.reports.history_pdf import consumption_history_pdf, payment_history_pdf
from famdesk.services.reports.receipt_pdf import receipt_pdf
from famdesk.services.reports.statement_pdf import attestation_pdf, statement_pdf
from famdesk.services.statements import annual_statement, childcare_attestation
from tests.conftest import CLOCK_START
from tests.integration.money import Meals, act, book, money_story, night
from tests.integration.town import Town, build_town

D = Decimal
PRINTED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
MORNING = (time(7, 0), time(8, 20))


@pytest.fixture
def town(sqlite_url: str):
    town = build_town(sqlite_url, FixedClock(CLOCK_START))
    yield town
    town.ctx.close()


@pytest.fixture
def story(town: Town) -> Meals:
    return money_story(town)


def pages(data: bytes) -> list[str]:
    """Each page's text, spaces made plain (Babel's narrow no-break space in "1 234,50 €")."""
    reader = PdfReader(BytesIO(data))
    return [" ".join(page.extract_text().replace("\u202f", " ").replace("\xa0", " ").split())
            for page in reader.pages]


def test_the_consumption_history_month_by_month(town: Town, story: Meals) -> None:
    with town.uow() as uow:
        view = history(uow, town.clock, town.martin, town.structure_id, year=2026)
    (page,) = pages(consumption_history_pdf(view, PRINTED))
    assert "Mairie de Testville" in page and "M. MARTIN Hugo" in page and "Année 2026" in page
    assert "Historique des consommations" in page
    assert "Septembre 2026" in page and "Octobre 2026" in page and "Janvier 2026" not in page
    assert "lun. 28/09 MARTIN Tom APS MATIN 07:00–08:20 Périscolaire Consommation 2,40 €" in page
    assert "Remboursement (annulation) -2,40 €" in page
    assert "Total septembre 2026 9,20 €" in page and "Total de la période : 18,40 €" in page
    assert "Page 1/1" in page and "Imprimé le 20/11/2026 10:00" in page


def test_the_payment_history(town: Town, story: Meals) -> None:
    with town.uow() as uow:
        view = history(uow, town.clock, town.staff, town.structure_id, town.martin_family,
                       year=2026, month=10)
    (page,) = pages(payment_history_pdf(view, PRINTED))
    assert "Historique des règlements" in page and "octobre 2026" in page
    assert "02/10/2026 2026-000001 Chèque n° 42" in page
    assert "Annulé 50,00 €" in page  # the cash typed by mistake, cancelled since
    assert "Annulation du reçu 2026-000002 : Saisi par erreur" in page and "-50,00 €" in page
    assert "Régularisation : Geste commercial" in page
    assert "Total octobre 2026 13,60 €" in page


def test_a_receipt_and_a_cancelled_one(town: Town, story: Meals) -> None:
    with town.uow() as uow:
        first = receipt(uow, town.martin, 1)
        cancelled = receipt(uow, town.martin, 2)
    (page,) = pages(receipt_pdf(first, PRINTED))
    assert "Reçu n° 2026-000001" in page and "Reçu de M. MARTIN Hugo" in page.replace("\n", " ")
    assert "Périscolaire 8,40 €" in page and "Restauration 3,20 €" in page
    assert "Somme reçue 11,60 €" in page
    assert "Chèque" in page and "N° de chèque 42" in page and "Reçu par Accueil" in page
    assert "ANNULÉ" not in page
    (page,) = pages(receipt_pdf(cancelled, PRINTED))
    assert "ANNULÉ le 02/10/2026" in page and "Motif : Saisi par erreur" in page


def test_the_annual_statement(town: Town, story: Meals) -> None:
    with town.uow() as uow:
        statement = annual_statement(uow, town.clock, town.martin, town.structure_id, year=2026)
    assert (statement.total.opening, statement.total.closing) == (D("0.00"), D("-4.80"))
    assert statement.lines[-1].balance == D("-4.80")
    (page,) = pages(statement_pdf(statement, PRINTED))
    assert "Relevé annuel 2026" in page and "Du 01/01/2026 au 20/11/2026" in page
    assert "Solde au 01/01/2026" in page and "Solde au 20/11/2026" in page  # the year is not over
    assert "Total 0,00 € -18,40 € 11,60 € 2,00 € -4,80 €" in page
    assert "Règlement, reçu 2026-000001 – Chèque n° 42" in page


def test_a_statement_of_400_lines_runs_over_pages(town: Town) -> None:
    with town.uow(write=True) as uow:
        wallet = uow.session.execute(text("SELECT min(id) FROM wallet")).scalar()
        uow.session.execute(insert(LedgerEntry), [
            {"family_id": town.martin_family, "wallet_id": wallet, "kind": LedgerKind.ADJUSTMENT,
             "amount_cents": -320 if n % 4 else 1500, "reservation_id": None, "payment_id": None,
             "label": f"Ligne {n}", "created_at": datetime(2026, 1, 2, 9, tzinfo=UTC).replace(
                 month=1 + n // 40, day=1 + n % 28)}
            for n in range(400)
        ])
        uow.commit()
    town.clock.set(PRINTED)
    with town.uow() as uow:
        statement = annual_statement(uow, town.clock, town.staff, town.structure_id,
                                     town.martin_family, year=2026)
    assert len(statement.lines) == 400
    texts = pages(statement_pdf(statement, PRINTED))
    assert len(texts) >= 6
    assert all(f"Page {n}/{len(texts)}" in page for n, page in enumerate(texts, start=1))
    assert all("Mairie de Testville" in page and "M. MARTIN Hugo" in page for page in texts)
    assert all("Date Libellé Porte-monnaie Débit Crédit Solde" in page for page in texts[1:])


def test_the_attestation_de_frais_de_garde(town: Town, story: Meals) -> None:
    # Noé (born 2021) is under 6 on 1 January 2026: his care counts, his meals do not
    act(town, town.martin, book(story.noe, town.aps, date(2026, 12, 7), MORNING),
        book(story.noe, story.activity, date(2026, 12, 7)), book(story.noe, town.alsh, date(2026, 12, 9)))
    night(town, date(2026, 12, 9))
    with town.uow() as uow:
        attestation = childcare_attestation(uow, town.clock, town.martin, town.structure_id, year=2026)
    (noe,) = attestation.children
    assert (noe.name, noe.days, noe.amount) == ("MARTIN Noé", 2, D("8.40"))  # 2,40 + 6,00
    assert noe.activities == ("APS MATIN", "ALSH MERCREDI")
    (page,) = pages(attestation_pdf(attestation, PRINTED))
    assert "Attestation de frais de garde" in page and "Année 2026" in page
    assert "moins de 6 ans au 1er janvier 2026" in page
    assert "MARTIN Noé 01/05/2021 APS MATIN, ALSH MERCREDI 2 8,40 €" in page
    assert "Léa" not in page and "Tom" not in page
    assert "repas" in page.lower() and "200 quater B" in page
    with town.uow() as uow:
        nobody = childcare_attestation(uow, town.clock, town.dubois, town.structure_id, year=2026)
    assert nobody.children == ()
    assert "Aucun enfant" in pages(attestation_pdf(nobody, PRINTED))[0]


def test_a_cancelled_payment_receipt_through_the_desk(town: Town) -> None:
    with town.uow() as uow:
        wallet = uow.session.execute(text("SELECT min(id) FROM wallet")).scalar()
    with town.uow(write=True) as uow:
        paid = record_payment(uow, town.clock, town.staff, town.dubois_family, "transfer",
                              {wallet: D("1234.50")}, bank="Crédit Mutuel")
    with town.uow(write=True) as uow:
        done = cancel_payment(uow, town.clock, town.staff, paid.payment_id, "Virement rejeté")
    (page,) = pages(receipt_pdf(done, PRINTED))
    assert "1 234,50 €" in page and "Virement" in page and "Crédit Mutuel" in page
    assert "ANNULÉ" in page and "Virement rejeté" in page
