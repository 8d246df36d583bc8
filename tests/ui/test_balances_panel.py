"""'Soldes et paiements' on the demo database: a family pays 10,00 € by card through the
local test provider (its page answered by a real HTTP request, as the payer's browser would)
and its Solde rises by exactly that; bad amounts are refused with the service's French
message and nothing is credited; a double click starts one payment; the e-mail is asked
when none is known; a kiosk without an in-app browser says to pay at the desk."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit
from sqlalchemy import update

from famdesk.models import Account, Family, Payment
from famdesk.models.enums import PaymentStatus
from famdesk.models.online import OnlinePaymentSettings
from famdesk.services.uow import UnitOfWork
from famdesk.ui.balances_panel import BalancesPanel
from famdesk.ui.models.balance_model import (
    AMOUNT_COLUMN,
    BALANCE_COLUMN,
    COST_COLUMN,
    BalanceRole,
    BalanceTableModel,
)
from famdesk.ui.payment_window import PageMode, PaymentPageOpener, web_engine_available
from tests.ui import money_helpers
from tests.ui.helpers import ManualRunner, widget_texts
from tests.ui.money_helpers import (
    CapturingOpener,
    click_on_page,
    demo_family,
    euros,
    ledger_cents,
    log_in,
    payment_count,
)

# the demo database and its gateway (fixtures of money_helpers)
demo_template = money_helpers.demo_template
demo_ctx = money_helpers.demo_ctx
money_gateway = money_helpers.money_gateway
french = money_helpers.french

MEALS, CARE, TOTAL = 0, 1, 2  # Restauration, Périscolaire, Total (Démoville's wallets)


def make_panel(qtbot, gateway, runner, login: str, *, kiosk: bool = False) -> BalancesPanel:
    session = log_in(gateway, login)
    panel = BalancesPanel(gateway, runner, opener=CapturingOpener(kiosk))
    panel.flow.poll_timer.setInterval(20)
    qtbot.addWidget(panel)
    panel.resize(1000, 600)
    panel.show()
    panel.set_structure(next(s.id for s in session.structures if s.name == "Mairie de Démoville"))
    panel.ensure_loaded()
    return panel


def cell(panel: BalancesPanel, row: int, column: int) -> str:
    return panel.model.index(row, column).data()


def type_amount(qtbot, panel: BalancesPanel, row: int, text: str) -> None:
    """Type into the amount cell's editor as a user does, then press Enter."""
    index = panel.model.index(row, AMOUNT_COLUMN)
    before = set(panel.table.findChildren(QLineEdit, "amountEditor"))
    panel.table.setCurrentIndex(index)
    panel.table.edit(index)
    [editor] = set(panel.table.findChildren(QLineEdit, "amountEditor")) - before
    assert editor.isVisible()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the view commits and closes the editor on its next turn of the event loop
    editing = QAbstractItemView.State.EditingState
    qtbot.waitUntil(lambda: panel.table.state() != editing, timeout=2000)


@pytest.fixture
def petit(qtbot, money_gateway, sync_runner):
    """The PETIT family (in debt), logged in on a staff PC without Qt WebEngine."""
    return make_panel(qtbot, money_gateway, sync_runner, "petit")


def test_the_balances_model_passes_the_model_tester(qtmodeltester, petit):
    model = BalanceTableModel()
    model.set_view(petit.view)
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.index(TOTAL, 0).data(BalanceRole.IS_TOTAL)
    assert model.flags(model.index(MEALS, AMOUNT_COLUMN)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(TOTAL, AMOUNT_COLUMN)) & Qt.ItemFlag.ItemIsEditable


def test_one_row_per_wallet_and_a_total_in_french(petit):
    headers = [petit.model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["Porte-monnaie", "Solde", "Coût estimé", "Solde estimé",
                       "Montant de votre règlement"]
    assert [cell(petit, r, 0) for r in range(3)] == ["Restauration", "Périscolaire", "Total"]
    # a debt is negative; what is due starts at minus the estimated balance
    assert euros(cell(petit, TOTAL, BALANCE_COLUMN)) < 0
    for row in (MEALS, CARE):
        assert euros(cell(petit, row, AMOUNT_COLUMN)) == -euros(cell(petit, row, 3))
    assert cell(petit, MEALS, BALANCE_COLUMN).endswith("\xa0€") and "," in cell(petit, MEALS, 1)
    assert petit.total_label.text() == f"À régler : {cell(petit, TOTAL, AMOUNT_COLUMN)}"
    assert "Calculer vos réservations jusqu’au :" in widget_texts(petit)


def test_a_family_pays_10_euros_online_and_its_balance_rises_by_exactly_that(
        qtbot, petit, demo_ctx):
    family = demo_family(demo_ctx, "petit")
    before = euros(cell(petit, MEALS, BALANCE_COLUMN))
    total_before = euros(cell(petit, TOTAL, BALANCE_COLUMN))
    ledger_before = ledger_cents(demo_ctx, family.family_id)
    type_amount(qtbot, petit, MEALS, "10,00")
    type_amount(qtbot, petit, CARE, "0")
    assert petit.total_label.text() == "À régler : 10,00\xa0€"

    qtbot.mouseClick(petit.pay_button, Qt.MouseButton.LeftButton)

    [page] = petit.opener.pages
    assert page.startswith("http://127.0.0.1:")
    assert "Paiement de 10,00\xa0€ en cours" in petit.notice_label.text()
    # the payer clicks "Payer" on the provider's page (a real request to the loopback server)
    assert click_on_page(page, "pay").status_code == 200
    qtbot.waitUntil(lambda: "reçu" in petit.notice_label.text(), timeout=5000)

    assert petit.notice_label.text() == "Paiement de 10,00\xa0€ reçu : merci ! Votre solde est à jour."
    assert euros(cell(petit, MEALS, BALANCE_COLUMN)) == before + Decimal("10.00")
    assert euros(cell(petit, TOTAL, BALANCE_COLUMN)) == total_before + Decimal("10.00")
    assert ledger_cents(demo_ctx, family.family_id) == ledger_before + 1000
    with UnitOfWork(demo_ctx.db) as uow:
        online = uow.session.query(Payment).filter(Payment.method == "online_card").one()
        assert online.status is PaymentStatus.PAID and online.amount_cents == 1000
    assert not petit.flow.poll_timer.isActive()


@pytest.mark.parametrize("typed, message", [
    ("0", "Le montant doit être supérieur à zéro."),
    ("-5", "Le montant doit être supérieur à zéro."),
    ("12000", "Un paiement en ligne est d’au plus 10\u202f000,00\xa0€."),
    ("10,005", "Un montant a au plus deux décimales (centimes)."),
])
def test_a_bad_amount_is_refused_with_the_french_message_and_nothing_is_credited(
        qtbot, petit, demo_ctx, typed, message):
    family = demo_family(demo_ctx, "petit")
    ledger_before = ledger_cents(demo_ctx, family.family_id)
    payments_before = payment_count(demo_ctx, family.family_id)
    type_amount(qtbot, petit, MEALS, typed)
    type_amount(qtbot, petit, CARE, "0")
    # the family sees what it typed, every decimal of it
    assert euros(cell(petit, MEALS, AMOUNT_COLUMN)) == Decimal(typed.replace(",", "."))

    qtbot.mouseClick(petit.pay_button, Qt.MouseButton.LeftButton)

    assert petit.error_label.isVisible() and petit.error_label.text() == message
    assert petit.opener.pages == []
    assert payment_count(demo_ctx, family.family_id) == payments_before
    assert ledger_cents(demo_ctx, family.family_id) == ledger_before
    assert petit.pay_button.isEnabled()  # the family may correct and try again


def test_letters_cannot_be_typed_as_an_amount(qtbot, petit):
    due = cell(petit, MEALS, AMOUNT_COLUMN)
    type_amount(qtbot, petit, MEALS, "abc")
    assert cell(petit, MEALS, AMOUNT_COLUMN) in (due, "0,00\xa0€")


def test_a_double_click_on_card_payment_starts_one_payment(qtbot, petit, demo_ctx):
    family = demo_family(demo_ctx, "petit")
    before = payment_count(demo_ctx, family.family_id)

    # a double click as a button gets it: two clicks, the second while the first payment is
    # pending (the service opens that payment again rather than a second one)
    qtbot.mouseClick(petit.pay_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(petit.pay_button, Qt.MouseButton.LeftButton)

    assert payment_count(demo_ctx, family.family_id) == before + 1
    assert len(petit.opener.pages) == 2 and len(set(petit.opener.pages)) == 1  # the same page
    assert "déjà en cours" in petit.notice_label.text()


def test_the_button_is_off_while_the_payment_starts(qtbot, money_gateway, demo_ctx):
    runner = ManualRunner()
    panel = make_panel(qtbot, money_gateway, runner, "petit")
    runner.run_all()
    family = demo_family(demo_ctx, "petit")
    before = payment_count(demo_ctx, family.family_id)

    qtbot.mouseClick(panel.pay_button, Qt.MouseButton.LeftButton)
    assert not panel.pay_button.isEnabled()
    qtbot.mouseClick(panel.pay_button, Qt.MouseButton.LeftButton)
    assert len(runner.queue) == 1
    runner.run_all()

    assert payment_count(demo_ctx, family.family_id) == before + 1
    assert len(panel.opener.pages) == 1 and panel.pay_button.isEnabled()
    panel.clear()
    runner.close()


def test_a_refused_payment_credits_nothing(qtbot, petit, demo_ctx):
    family = demo_family(demo_ctx, "petit")
    before = ledger_cents(demo_ctx, family.family_id)
    qtbot.mouseClick(petit.pay_button, Qt.MouseButton.LeftButton)
    click_on_page(petit.opener.pages[0], "refuse")
    qtbot.waitUntil(lambda: "refusé" in petit.notice_label.text(), timeout=5000)
    assert ledger_cents(demo_ctx, family.family_id) == before


def test_the_e_mail_is_asked_when_none_is_known(qtbot, money_gateway, sync_runner, demo_ctx):
    family = demo_family(demo_ctx, "petit")
    with UnitOfWork(demo_ctx.db, write=True) as uow:
        uow.session.execute(update(Account).where(Account.id == family.account_id)
                            .values(email=None))
        uow.session.execute(update(Family).where(Family.id == family.family_id).values(email=None))
        uow.commit()
    panel = make_panel(qtbot, money_gateway, sync_runner, "petit")
    assert panel.email_box.isVisible()

    qtbot.mouseClick(panel.pay_button, Qt.MouseButton.LeftButton)
    assert panel.email_error.text() == ("Saisissez une adresse e-mail : le service de paiement y "
                                        "envoie son reçu.")
    assert panel.opener.pages == []

    qtbot.keyClicks(panel.email_edit, "karim.petit@example.org")
    qtbot.mouseClick(panel.pay_button, Qt.MouseButton.LeftButton)
    assert len(panel.opener.pages) == 1


def test_where_the_page_opens_depends_on_the_computer():
    assert PaymentPageOpener(kiosk=True, web_engine=False).mode is PageMode.UNAVAILABLE
    assert PaymentPageOpener(kiosk=False, web_engine=False).mode is PageMode.SYSTEM_BROWSER
    assert PaymentPageOpener(kiosk=True, web_engine=True).mode is PageMode.IN_APP
    assert PaymentPageOpener(kiosk=False, web_engine=True).mode is PageMode.IN_APP
    assert not PaymentPageOpener(kiosk=True, web_engine=False).open("http://127.0.0.1:1/pay/x")


def test_a_kiosk_without_an_in_app_browser_says_to_pay_at_the_desk(
        qtbot, money_gateway, sync_runner):
    panel = make_panel(qtbot, money_gateway, sync_runner, "petit", kiosk=True)
    assert not panel.pay_button.isVisible()
    assert panel.notice_label.text() == ("Le paiement par carte n’est pas disponible sur cette "
                                         "borne : réglez à l’accueil (espèces, chèque ou carte).")


def test_a_structure_without_online_payment_says_so(qtbot, money_gateway, sync_runner, demo_ctx):
    with UnitOfWork(demo_ctx.db, write=True) as uow:
        uow.session.query(OnlinePaymentSettings).delete()
        uow.commit()
    panel = make_panel(qtbot, money_gateway, sync_runner, "petit")
    assert not panel.pay_button.isVisible()
    assert "ne propose pas le paiement en ligne" in panel.notice_label.text()


def test_a_later_date_counts_more_bookings(qtbot, petit):
    today_cost = euros(cell(petit, TOTAL, COST_COLUMN))
    later = petit.until_edit.date().addMonths(1)
    petit.until_edit.setDate(later)
    qtbot.waitUntil(lambda: petit.view.until == later.toPython(), timeout=3000)
    assert euros(cell(petit, TOTAL, COST_COLUMN)) > today_cost


def test_staff_pay_online_for_the_family_they_act_for(qtbot, money_gateway, sync_runner, demo_ctx):
    family = demo_family(demo_ctx, "petit")
    panel = make_panel(qtbot, money_gateway, sync_runner, "accueil")
    panel.set_family(family.family_id)
    panel.ensure_loaded()
    assert panel.view.family_name == "M. PETIT Karim"
    qtbot.mouseClick(panel.pay_button, Qt.MouseButton.LeftButton)
    assert len(panel.opener.pages) == 1


def test_a_payment_left_pending_is_followed_when_the_tab_opens_again(
        qtbot, money_gateway, sync_runner, demo_ctx):
    first = make_panel(qtbot, money_gateway, sync_runner, "petit")
    qtbot.mouseClick(first.pay_button, Qt.MouseButton.LeftButton)
    page = first.opener.pages[0]
    first.clear()  # the tab is left before the outcome is known

    panel = BalancesPanel(money_gateway, sync_runner, opener=CapturingOpener())
    panel.flow.poll_timer.setInterval(20)
    qtbot.addWidget(panel)
    panel.set_structure(demo_family(demo_ctx, "petit").structure_id)
    panel.ensure_loaded()
    assert panel.flow.poll_timer.isActive()
    assert panel.notice_label.text() == ("Un paiement par carte est en cours : son résultat est "
                                         "demandé.")
    click_on_page(page, "pay")
    qtbot.waitUntil(lambda: "reçu" in panel.notice_label.text(), timeout=5000)


def test_clear_forgets_the_family_and_stops_following_the_payment(qtbot, petit):
    qtbot.mouseClick(petit.pay_button, Qt.MouseButton.LeftButton)
    assert petit.flow.poll_timer.isActive()

    petit.clear()

    assert petit.model.rowCount() == 0 and petit.view is None
    assert not petit.flow.poll_timer.isActive() and petit.flow.payment_id is None
    texts = " ".join(widget_texts(petit))
    assert "Restauration" not in texts and "€" not in texts and "PETIT" not in texts


@pytest.mark.skipif(not web_engine_available(), reason="Qt WebEngine (PySide6-Addons) is not installed")
def test_the_in_app_payment_window_pays_by_a_click_in_the_page(qtbot, money_gateway, sync_runner,
                                                                 demo_ctx):
    family = demo_family(demo_ctx, "petit")
    session = log_in(money_gateway, "petit")
    panel = BalancesPanel(money_gateway, sync_runner)  # the real opener: famdesk's own window
    panel.flow.poll_timer.setInterval(50)
    qtbot.addWidget(panel)
    panel.show()
    panel.set_structure(next(s.id for s in session.structures if s.name == "Mairie de Démoville"))
    panel.ensure_loaded()
    before = ledger_cents(demo_ctx, family.family_id)
    type_amount(qtbot, panel, MEALS, "10,00")
    type_amount(qtbot, panel, CARE, "0")

    qtbot.mouseClick(panel.pay_button, Qt.MouseButton.LeftButton)
    window = panel.opener.window
    assert window is not None and window.isVisible()
    with qtbot.waitSignal(window.view.loadFinished, timeout=20000):
        pass
    window.view.page().runJavaScript("document.querySelector(\"button[value='pay']\").click()")
    qtbot.waitUntil(lambda: "reçu" in panel.notice_label.text(), timeout=20000)

    assert ledger_cents(demo_ctx, family.family_id) == before + 1000
    assert panel.opener.window is None  # closed once paid
