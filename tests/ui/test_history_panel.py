"""'Historiques' on the demo database: this month first, every earlier month down to the
family's first entry by the arrows, never a later one; totals; "Imprimer" saves and opens a
PDF on a staff PC and goes straight to the printer on a kiosk (or says why it cannot);
"Exporter" writes CSV and XLSX, replaced on a kiosk by "Envoyer par e-mail"; staff cancel a
desk payment by a counter-entry and print the year's statement and attestation."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt

from famdesk.models.enums import PaymentStatus
from famdesk.ui.history_panel import HistoryPanel
from famdesk.ui.models.history_model import ConsumptionTableModel, HistoryRole, PaymentTableModel
from famdesk.ui.pdf_output import DocumentOutput, pdf_printing_available, print_pdf_directly
from tests.ui import money_helpers
from tests.ui.helpers import widget_texts
from tests.ui.money_helpers import (
    demo_family,
    ledger_cents,
    log_in,
)

# the demo database and its gateway (fixtures of money_helpers)
demo_template = money_helpers.demo_template
demo_ctx = money_helpers.demo_ctx
money_gateway = money_helpers.money_gateway
french = money_helpers.french

CLICK = Qt.MouseButton.LeftButton


class Desk(DocumentOutput):
    """The save dialog answers with a file of the test's folder; the viewer and the printer
    keep what they were given."""

    def __init__(self, tmp_path: Path, printer: bool = True) -> None:
        self.folder = folder = tmp_path / "documents"
        folder.mkdir(exist_ok=True)
        self.opened: list[Path] = []
        self.printed: list[bytes] = []
        super().__init__(
            choose_path=lambda _parent, _title, suggested, _filter: str(folder / Path(suggested).name),
            open_file=self.opened.append,
            print_pdf=(lambda data: self.printed.append(data)) if printer else print_pdf_directly)


def pdf_text(path_or_data: Path | bytes) -> str:
    data = path_or_data.read_bytes() if isinstance(path_or_data, Path) else path_or_data
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def make_panel(qtbot, gateway, runner, login, output, *, family_login=None, kiosk=False):
    session = log_in(gateway, login)
    gateway.kiosk = kiosk
    panel = HistoryPanel(gateway, runner, output=output)
    qtbot.addWidget(panel)
    panel.resize(1100, 650)
    panel.show()
    structure = next(s.id for s in session.structures if s.name == "Mairie de Démoville")
    panel.set_structure(structure)
    if family_login is not None:
        panel.set_family(demo_family(gateway._ctx, family_login).family_id)
    panel.ensure_loaded()
    return panel


@pytest.fixture
def family_panel(qtbot, money_gateway, sync_runner, tmp_path):
    return make_panel(qtbot, money_gateway, sync_runner, "martin", Desk(tmp_path))


@pytest.fixture
def staff_panel(qtbot, money_gateway, sync_runner, tmp_path):
    return make_panel(qtbot, money_gateway, sync_runner, "accueil", Desk(tmp_path),
                      family_login="martin")


def test_the_history_models_pass_the_model_tester(qtmodeltester, staff_panel):
    staff_panel.show_month(2026, 10)
    view = staff_panel.view
    for model, rows in ((ConsumptionTableModel(), view.consumptions),
                        (PaymentTableModel(), view.payments)):
        model.set_rows(rows)
        assert model.rowCount() > 0
        qtmodeltester.check(model)


def test_it_opens_on_this_month_and_reaches_every_earlier_one(qtbot, family_panel):
    panel = family_panel
    assert panel.month_combo.currentText() == "Novembre 2026"
    assert not panel.next_button.isEnabled() and panel.prev_button.isEnabled()
    assert [panel.month_combo.itemText(i) for i in range(panel.month_combo.count())] == [
        "Novembre 2026", "Octobre 2026", "Septembre 2026"]

    qtbot.mouseClick(panel.prev_button, CLICK)
    assert panel.month_combo.currentText() == "Octobre 2026" and panel.next_button.isEnabled()
    qtbot.mouseClick(panel.prev_button, CLICK)
    assert panel.view.first.month == 9 and not panel.prev_button.isEnabled()
    qtbot.mouseClick(panel.next_button, CLICK)
    assert panel.view.first.month == 10

    consumed = sum((line.cost for line in panel.view.consumptions), Decimal("0"))
    assert panel.consumption_total.text() == (
        f"Total des consommations de octobre 2026 : {format(consumed, '.2f').replace('.', ',')}\xa0€")
    assert panel.tabs.tabText(0) == f"Consommations ({len(panel.view.consumptions)})"
    headers = [panel.payment_model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["Date", "Reçu", "Règlement", "Porte-monnaie", "État", "Montant"]


def test_a_family_sees_its_payments_but_cannot_cancel_them(family_panel):
    panel = family_panel
    panel.show_month(2026, 10)
    statuses = [panel.payment_model.index(r, 4).data() for r in range(panel.payment_model.rowCount())]
    assert "Réglé" in statuses and "Annulé" in statuses  # the cheque typed twice
    assert not panel.cancel_button.isVisible() and not panel.documents_box.isVisible()
    panel.select_payment(0)
    assert panel.receipt_button.isEnabled()


def test_print_on_a_staff_pc_saves_the_shown_list_and_opens_it(qtbot, family_panel, tmp_path):
    panel = family_panel
    panel.show_month(2026, 10)
    qtbot.mouseClick(panel.print_button, CLICK)
    panel.tabs.setCurrentIndex(1)
    qtbot.mouseClick(panel.print_button, CLICK)

    consumptions, payments = panel.delivery.output.opened
    assert consumptions.name == "historique-consommations-2026-10.pdf"
    assert payments.name == "historique-reglements-2026-10.pdf"
    assert "Historique des consommations" in pdf_text(consumptions)
    text = pdf_text(payments)
    assert "Historique des règlements" in text and "2026-000001" in text
    assert "Enregistré dans" in panel.notice_label.text()


def test_export_writes_csv_and_xlsx(family_panel, tmp_path):
    panel = family_panel
    panel.show_month(2026, 10)
    panel.csv_action.trigger()
    panel.xlsx_action.trigger()
    csv_path, xlsx_path = panel.delivery.output.opened
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Type", "Date"] and len(rows) > 10
    sheets = load_workbook(xlsx_path).sheetnames
    assert sheets == ["Consommations", "Règlements"]


def test_a_kiosk_prints_straight_away_and_e_mails_instead_of_exporting(
        qtbot, money_gateway, sync_runner, tmp_path, smtp_server):
    desk = Desk(tmp_path)
    panel = make_panel(qtbot, money_gateway, sync_runner, "martin", desk, kiosk=True)
    assert not panel.export_button.isVisible() and panel.mail_button.isVisible()

    qtbot.mouseClick(panel.print_button, CLICK)
    [printed] = desk.printed
    assert "Historique des consommations" in pdf_text(printed)
    assert desk.opened == [] and list(desk.folder.iterdir()) == []  # no file left behind
    assert panel.notice_label.text() == "Le document part à l’imprimante."

    qtbot.mouseClick(panel.mail_button, CLICK)
    assert panel.notice_label.text() == ("L’historique de novembre 2026 a été envoyé à "
                                         "m•••n@example.org.")
    [mail] = smtp_server.inbox.to("martin@example.org")
    assert "novembre 2026" in mail["Subject"]


@pytest.mark.skipif(pdf_printing_available(), reason="Qt's PDF module is installed here")
def test_a_kiosk_that_cannot_print_says_so(qtbot, money_gateway, sync_runner, tmp_path):
    panel = make_panel(qtbot, money_gateway, sync_runner, "martin", Desk(tmp_path, printer=False),
                       kiosk=True)
    qtbot.mouseClick(panel.print_button, CLICK)
    assert panel.notice_label.isVisible()
    assert panel.notice_label.text() == ("Cet ordinateur ne peut pas imprimer : demandez le "
                                         "document à l’accueil, ou faites-le envoyer par e-mail.")


def test_staff_cancel_a_desk_payment_by_a_counter_entry(qtbot, staff_panel, demo_ctx):
    panel = staff_panel
    family = demo_family(demo_ctx, "martin")
    before = ledger_cents(demo_ctx, family.family_id)
    panel.show_month(2026, 11)
    rows = range(panel.payment_model.rowCount())
    row = next(r for r in rows if panel.payment_model.index(r, 0).data(HistoryRole.CANCELLABLE))
    line = panel.payment_model.index(row, 0).data(HistoryRole.LINE)
    panel.select_payment(row)
    assert panel.cancel_button.isVisible() and panel.cancel_button.isEnabled()

    qtbot.mouseClick(panel.cancel_button, CLICK)
    dialog = panel.cancel_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.mouseClick(dialog.confirm_button, CLICK)
    assert dialog.error_label.text() == "Indiquez le motif de l’annulation du règlement."
    dialog.reason_edit.insert("Chèque revenu impayé")  # typed (QTest types ASCII only)
    with qtbot.waitSignal(panel.payment_cancelled):
        qtbot.mouseClick(dialog.confirm_button, CLICK)

    assert ledger_cents(demo_ctx, family.family_id) == before - int(line.credit * 100)
    lines = [panel.payment_model.index(r, 0).data(HistoryRole.LINE)
             for r in range(panel.payment_model.rowCount())]
    assert any(p.payment_id == line.payment_id and p.status is PaymentStatus.CANCELLED
               for p in lines)
    assert any(p.credit == -line.credit and "Chèque revenu impayé" in p.reason for p in lines)
    assert panel.notice_label.text().startswith(f"Reçu {line.receipt} annulé")


def test_staff_print_the_years_statement_and_attestation(qtbot, staff_panel):
    panel = staff_panel
    assert panel.documents_box.isVisible() and panel.year_combo.currentText() == "2026"
    qtbot.mouseClick(panel.statement_button, CLICK)
    qtbot.mouseClick(panel.attestation_button, CLICK)
    statement, attestation = panel.delivery.output.opened
    assert statement.name == "releve-annuel-2026.pdf"
    assert "Relevé annuel 2026" in pdf_text(statement)
    assert attestation.name == "attestation-frais-de-garde-2026.pdf"
    assert "2026" in pdf_text(attestation)


def test_clear_forgets_the_family(staff_panel):
    staff_panel.show_month(2026, 10)
    staff_panel.clear()
    texts = " ".join(widget_texts(staff_panel))
    assert staff_panel.view is None and staff_panel.payment_model.rowCount() == 0
    assert "MARTIN" not in texts and "Octobre" not in texts and "€" not in texts
