"""The front desk's "Enregistrer un paiement" on the demo database: cash, cheque (number and
bank), card terminal, transfer, for several wallets at once, on a date; a refusal shows under
its field and records nothing; the receipt comes next, numbered without gaps, as a PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from famdesk.models import Payment
from famdesk.models.enums import PaymentMethod
from famdesk.services.uow import UnitOfWork
from famdesk.ui.desk_payment_dialog import DeskPaymentDialog
from famdesk.ui.pdf_output import DocumentOutput
from tests.ui import money_helpers
from tests.ui.helpers import ManualRunner
from tests.ui.money_helpers import (
    demo_family,
    ledger_cents,
    log_in,
    payment_count,
)

# the demo database and its gateway (fixtures of money_helpers)
demo_template = money_helpers.demo_template
demo_ctx = money_helpers.demo_ctx
money_gateway = money_helpers.money_gateway
french = money_helpers.french

CLICK = Qt.MouseButton.LeftButton


def make_dialog(qtbot, gateway, runner, tmp_path: Path, login: str = "petit") -> DeskPaymentDialog:
    log_in(gateway, "accueil")
    family = demo_family(gateway._ctx, login)
    opened: list[Path] = []
    output = DocumentOutput(
        choose_path=lambda _p, _t, suggested, _f: str(tmp_path / Path(suggested).name),
        open_file=opened.append)
    dialog = DeskPaymentDialog(gateway, runner, family.structure_id, family.family_id,
                               output=output)
    dialog.opened = opened  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def wallets(dialog: DeskPaymentDialog) -> dict[str, int]:
    assert dialog.view is not None
    return {row.label: row.wallet_id for row in dialog.view.rows}


def set_amount(dialog: DeskPaymentDialog, wallet: str, text: str) -> None:
    edit = dialog.amount_edits[wallets(dialog)[wallet]]
    edit.clear()
    edit.insert(text)


@pytest.fixture
def dialog(qtbot, money_gateway, sync_runner, tmp_path):
    return make_dialog(qtbot, money_gateway, sync_runner, tmp_path)


def test_it_starts_with_what_is_due_in_each_wallet(dialog):
    assert dialog.family_label.text() == "M. PETIT Karim – Mairie de Démoville"
    assert dialog.windowTitle() == "Enregistrer un paiement"
    due = {row.label: row.amount_due for row in dialog.view.rows}
    for label, wallet in wallets(dialog).items():
        assert dialog.amount_edits[wallet].text() == f"{due[label]:.2f}".replace(".", ",")
    assert dialog.total_label.text() == f"{sum(due.values()):.2f}".replace(".", ",") + "\xa0€"
    assert dialog.method() is PaymentMethod.CASH and not dialog.cheque_edit.isVisible()
    assert dialog.date_edit.date() == QDate(2026, 11, 27)
    assert dialog.date_edit.maximumDate() == QDate(2026, 11, 27)


def test_a_cheque_needs_its_number_then_records_both_wallets_with_a_receipt(
        qtbot, dialog, demo_ctx):
    family = demo_family(demo_ctx, "petit")
    before = ledger_cents(demo_ctx, family.family_id)
    qtbot.mouseClick(dialog.method_buttons[PaymentMethod.CHEQUE], CLICK)
    assert dialog.cheque_edit.isVisible() and dialog.bank_edit.isVisible()
    set_amount(dialog, "Restauration", "12,50")
    set_amount(dialog, "Périscolaire", "30")
    assert dialog.total_label.text() == "42,50\xa0€"

    qtbot.mouseClick(dialog.record_button, CLICK)
    assert dialog.errors["cheque_number"].text() == "Saisissez le numéro du chèque."
    assert ledger_cents(demo_ctx, family.family_id) == before

    qtbot.keyClicks(dialog.cheque_edit, "7654321")
    dialog.bank_edit.insert("Crédit Mutuel")
    with qtbot.waitSignal(dialog.payment_recorded) as recorded:
        qtbot.mouseClick(dialog.record_button, CLICK)

    receipt = recorded.args[0]
    assert receipt.cheque_number == "7654321" and receipt.bank == "Crédit Mutuel"
    assert [(line.wallet_label, str(line.amount)) for line in receipt.lines] == [
        ("Restauration", "12.50"), ("Périscolaire", "30.00")]
    assert ledger_cents(demo_ctx, family.family_id) == before + 4250
    assert dialog.done_label.text() == (f"Règlement enregistré : reçu n° {receipt.receipt}, "
                                        "42,50\xa0€ (Chèque).\nRestauration : 12,50\xa0€\n"
                                        "Périscolaire : 30,00\xa0€")


def test_receipts_are_numbered_without_gaps_and_saved_as_pdf(qtbot, dialog, demo_ctx, tmp_path):
    with UnitOfWork(demo_ctx.db) as uow:
        last = max(uow.session.scalars(select(Payment.receipt_number).where(
            Payment.structure_id == dialog.structure_id, Payment.receipt_year == 2026)))
    numbers = []
    for method in (PaymentMethod.CASH, PaymentMethod.CARD_TERMINAL, PaymentMethod.TRANSFER):
        qtbot.mouseClick(dialog.method_buttons[method], CLICK)
        set_amount(dialog, "Restauration", "5")
        set_amount(dialog, "Périscolaire", "")
        with qtbot.waitSignal(dialog.payment_recorded) as recorded:
            qtbot.mouseClick(dialog.record_button, CLICK)
        numbers.append(recorded.args[0].receipt_number)
        if method is not PaymentMethod.TRANSFER:
            qtbot.mouseClick(dialog.another_button, CLICK)
    assert numbers == [last + 1, last + 2, last + 3]

    qtbot.mouseClick(dialog.save_receipt_button, CLICK)
    path = tmp_path / f"recu-2026-{last + 3:06d}.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert f"Reçu n° 2026-{last + 3:06d}" in text and "Virement" in text and "5,00" in text
    assert dialog.notice_label.text() == f"Enregistré dans {path}."


def test_a_bad_amount_shows_under_its_wallet_and_records_nothing(qtbot, dialog, demo_ctx):
    family = demo_family(demo_ctx, "petit")
    before = payment_count(demo_ctx, family.family_id)
    set_amount(dialog, "Restauration", "10,005")
    qtbot.mouseClick(dialog.record_button, CLICK)
    error = dialog.amount_errors[wallets(dialog)["Restauration"]]
    assert error.isVisible()
    assert error.text() == "Un montant a au plus deux décimales (centimes)."
    set_amount(dialog, "Restauration", "0")
    set_amount(dialog, "Périscolaire", "0")
    qtbot.mouseClick(dialog.record_button, CLICK)
    assert dialog.errors["amount"].text() == "Le montant doit être supérieur à zéro."
    assert payment_count(demo_ctx, family.family_id) == before


def test_a_payment_received_earlier_is_dated_that_day(qtbot, dialog):
    dialog.date_edit.setDate(QDate(2026, 11, 23))
    set_amount(dialog, "Périscolaire", "")
    with qtbot.waitSignal(dialog.payment_recorded) as recorded:
        qtbot.mouseClick(dialog.record_button, CLICK)
    assert recorded.args[0].paid_at.date().isoformat() == "2026-11-23"
    dialog.reload()
    dialog.date_edit.setDate(QDate(2026, 10, 1))
    qtbot.mouseClick(dialog.record_button, CLICK)
    assert dialog.errors["paid_on"].text() == ("La date du règlement remonte au plus à 31 jours, "
                                               "dans l’année en cours.")


def test_a_double_click_on_record_records_once(qtbot, money_gateway, tmp_path, demo_ctx):
    runner = ManualRunner()
    dialog = make_dialog(qtbot, money_gateway, runner, tmp_path)
    runner.run_all()
    family = demo_family(demo_ctx, "petit")
    before = payment_count(demo_ctx, family.family_id)
    qtbot.mouseClick(dialog.record_button, CLICK)
    qtbot.mouseClick(dialog.record_button, CLICK)
    assert len(runner.queue) == 1 and not dialog.record_button.isEnabled()
    runner.run_all()
    assert payment_count(demo_ctx, family.family_id) == before + 1


def test_a_family_account_cannot_record_a_desk_payment(qtbot, money_gateway, sync_runner, demo_ctx):
    family = demo_family(demo_ctx, "petit")
    log_in(money_gateway, "petit")
    dialog = DeskPaymentDialog(money_gateway, sync_runner, family.structure_id, family.family_id)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.record_button, CLICK)
    assert dialog.error_label.text() == "Seul le personnel de l’accueil peut faire cela."
    assert payment_count(demo_ctx, family.family_id) == 1


def test_staff_open_it_from_the_balances_of_the_family_they_act_for(
        qtbot, money_gateway, sync_runner, demo_ctx):
    from famdesk.ui.balances_panel import BalancesPanel
    from tests.ui.money_helpers import CapturingOpener

    family = demo_family(demo_ctx, "petit")
    log_in(money_gateway, "accueil")
    panel = BalancesPanel(money_gateway, sync_runner, opener=CapturingOpener())
    qtbot.addWidget(panel)
    panel.show()
    panel.set_family(family.family_id)
    assert not panel.record_button.isVisible()  # no structure yet: nothing shown
    panel.set_structure(family.structure_id)
    panel.set_family(family.family_id)
    panel.ensure_loaded()
    assert panel.record_button.isVisible() and panel.record_button.text() == "Enregistrer un paiement…"
    before = panel.view.total.balance

    qtbot.mouseClick(panel.record_button, CLICK)
    dialog = panel.record_dialog
    assert dialog is not None and dialog.isVisible()
    set_amount(dialog, "Restauration", "7")
    set_amount(dialog, "Périscolaire", "")
    with qtbot.waitSignal(panel.money_changed):
        qtbot.mouseClick(dialog.record_button, CLICK)
    assert panel.view.total.balance == before + 7

    panel.clear()
    assert panel.record_dialog is None and not dialog.isVisible()


def test_a_family_has_no_record_button(qtbot, money_gateway, sync_runner, demo_ctx):
    from famdesk.ui.balances_panel import BalancesPanel
    from tests.ui.money_helpers import CapturingOpener

    family = demo_family(demo_ctx, "petit")
    log_in(money_gateway, "petit")
    panel = BalancesPanel(money_gateway, sync_runner, opener=CapturingOpener())
    qtbot.addWidget(panel)
    panel.show()
    panel.set_structure(family.structure_id)
    panel.ensure_loaded()
    assert panel.view is not None and not panel.record_button.isVisible()
