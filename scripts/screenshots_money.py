#!/usr/bin/env python3
"""Photograph the money screens and documents on a fresh demo town (27 November 2026):

    xvfb-run -a -s "-screen 0 1400x900x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python scripts/screenshots_money.py OUTDIR

Writes balances-debt.png (the PETIT family), balances-paying.png and balances-paid.png (it
pays 10,00 € through the local test provider: the page's "Payer" is clicked by an HTTP
request), balances-credit.png (MARTIN), balances-kiosk.png, history-*.png, desk-payment*.png,
cancel-payment.png, and the PDFs (receipt, histories, statement, attestation) with each page
as a PNG (pdftoppm).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget
from sqlalchemy import select

from famdesk.bootstrap import open_context
from famdesk.clock import FixedClock
from famdesk.models import Account, Family, Structure
from famdesk.models.enums import PaymentMethod
from famdesk.secrets import MemorySecretStore
from famdesk.services.demo import DEMO_PASSWORD, build_demo
from famdesk.services.demo_people import DEMOVILLE
from famdesk.services.uow import UnitOfWork
from famdesk.ui.app import create_application, install_qt_translations
from famdesk.ui.balances_panel import BalancesPanel
from famdesk.ui.desk_payment_dialog import DeskPaymentDialog
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.gateway_money import HistoryDocument
from famdesk.ui.history_panel import HistoryPanel
from famdesk.ui.models.balance_model import AMOUNT_COLUMN
from famdesk.ui.payment_window import PaymentPageOpener
from famdesk.ui.pdf_output import DocumentOutput
from famdesk.ui.runner import SyncRunner
from famdesk.ui.theme import apply_theme

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def settle(app: QApplication) -> None:
    for _ in range(8):
        app.processEvents()
        QTest.qWait(30)


def call(coro):  # type: ignore[no-untyped-def]
    box: dict = {}

    def failed(exc: BaseException) -> None:
        raise exc

    SyncRunner().submit(coro, lambda value: box.setdefault("value", value), failed)
    return box.get("value")


def family_id(ctx, login: str) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(ctx.db) as uow:
        return uow.session.scalars(
            select(Family.id).join(Account, Account.id == Family.account_id)
            .join(Structure, Structure.id == Family.structure_id)
            .where(Account.login == login, Structure.name == DEMOVILLE)).one()


class Frame(QWidget):
    """A window around a tab, the size of the main window's tab area."""

    def __init__(self, panel: QWidget, title: str) -> None:
        super().__init__()
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(panel)
        self.resize(1100, 620)


def pdf_pages(path: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(path), str(path.with_suffix(""))],
                   check=True)
    for page in sorted(path.parent.glob(path.stem + "-*.png")):
        print(page)


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = create_application(["famdesk"])
    install_qt_translations(app, "fr")
    apply_theme(app)
    folder = tempfile.mkdtemp(prefix="famdesk-money-shots-")
    ctx = open_context(f"sqlite:///{folder}/demo.db", clock=FixedClock(NOW),
                       secrets=MemorySecretStore())
    build_demo(ctx, today=date(2026, 11, 27), reset=False)
    gateway = LocalGateway(ctx)
    runner = SyncRunner()
    pages: list[str] = []
    opener = PaymentPageOpener(False, web_engine=False,
                               open_url=lambda url: pages.append(url.toString()))
    output = DocumentOutput(choose_path=lambda _p, _t, suggested, _f: str(out / Path(suggested).name),
                            open_file=lambda _path: None)

    def shot(widget: QWidget, name: str) -> None:
        widget.show()
        settle(app)
        path = out / name
        if not widget.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        print(path)

    # -- "Soldes et paiements" ----------------------------------------------------------
    session = call(gateway.login("petit", DEMO_PASSWORD))
    demoville = next(s.id for s in session.structures if s.name == DEMOVILLE)
    balances = BalancesPanel(gateway, runner, opener=opener)
    frame = Frame(balances, "Soldes et paiements")
    balances.set_structure(demoville)
    balances.ensure_loaded()
    shot(frame, "balances-debt.png")
    balances.model.setData(balances.model.index(0, AMOUNT_COLUMN), "10,00")
    balances.model.setData(balances.model.index(1, AMOUNT_COLUMN), "0")
    balances.pay_button.click()
    shot(frame, "balances-paying.png")
    page = httpx.get(pages[-1])
    action = re.search(r"action='([^']+)'", page.text)
    assert action
    httpx.post(httpx.URL(pages[-1]).join(action.group(1)), data={"action": "pay"})
    balances.flow.poll_now()
    shot(frame, "balances-paid.png")
    balances.clear()
    call(gateway.logout())

    call(gateway.login("martin", DEMO_PASSWORD))
    balances.set_structure(demoville)
    balances.ensure_loaded()
    shot(frame, "balances-credit.png")
    balances.clear()
    frame.close()

    gateway.kiosk = True
    kiosk_balances = BalancesPanel(gateway, runner, opener=PaymentPageOpener(True, web_engine=False))
    kiosk_frame = Frame(kiosk_balances, "Soldes et paiements (borne)")
    kiosk_balances.set_structure(demoville)
    kiosk_balances.ensure_loaded()
    shot(kiosk_frame, "balances-kiosk.png")
    history = HistoryPanel(gateway, runner, output=output)
    history_frame = Frame(history, "Historiques (borne)")
    history.set_structure(demoville)
    history.ensure_loaded()
    shot(history_frame, "history-kiosk.png")
    kiosk_frame.close()
    history_frame.close()
    gateway.kiosk = False
    call(gateway.logout())

    # -- "Historiques", staff acting for the MARTIN family ---------------------------------
    call(gateway.login("accueil", DEMO_PASSWORD))
    martin = family_id(ctx, "martin")
    history = HistoryPanel(gateway, runner, output=output)
    frame = Frame(history, "Historiques")
    history.set_structure(demoville)
    history.set_family(martin)
    history.ensure_loaded()
    history.show_month(2026, 10)
    shot(frame, "history-consumptions.png")
    history.select_payment(0)
    shot(frame, "history-payments.png")
    history.cancel_button.click()
    assert history.cancel_dialog is not None
    history.cancel_dialog.reason_edit.insert("Chèque revenu impayé")
    shot(history.cancel_dialog, "cancel-payment.png")
    history.cancel_dialog.reject()
    frame.close()

    # -- "Enregistrer un paiement" -----------------------------------------------------------
    petit = family_id(ctx, "petit")
    dialog = DeskPaymentDialog(gateway, runner, demoville, petit, output=output)
    dialog.method_buttons[PaymentMethod.CHEQUE].click()
    dialog.cheque_edit.insert("7654321")
    dialog.bank_edit.insert("Crédit Mutuel")
    shot(dialog, "desk-payment.png")
    dialog.record_button.click()
    shot(dialog, "desk-payment-done.png")
    assert dialog.receipt is not None
    receipt = out / "recu.pdf"
    receipt.write_bytes(call(gateway.receipt_pdf(dialog.receipt.payment_id)))
    dialog.close()

    # -- the documents ------------------------------------------------------------------------
    documents = {
        "recu.pdf": None,
        "historique-consommations.pdf": call(gateway.history_pdf(
            demoville, martin, 2026, 10, HistoryDocument.CONSUMPTIONS)),
        "historique-reglements.pdf": call(gateway.history_pdf(
            demoville, martin, 2026, 10, HistoryDocument.PAYMENTS)),
        "releve-annuel.pdf": call(gateway.statement_pdf(demoville, martin, 2026)),
        "attestation.pdf": call(gateway.attestation_pdf(demoville, martin, 2026)),
    }
    for name, data in documents.items():
        if data is not None:
            (out / name).write_bytes(data)
        pdf_pages(out / name)
    gateway.close()
    ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots-money")))
