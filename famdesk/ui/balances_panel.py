"""The "Soldes et paiements" tab: the family's balance in each wallet, and "Paiement CB".

    Calculer vos réservations jusqu'au : [30/11/2026]       Soldes au … (mise à jour …)
    | Porte-monnaie | Solde | Coût estimé | Solde estimé | Montant de votre règlement |
    | Restauration  | …     | …           | …            | [ 25,60 € ]  (editable)    |
    | Total         | …     | …           | …            |   25,60 €                  |
    Votre adresse e-mail : [           ]     (only when none is known)
    À régler : 25,60 €                       [Enregistrer un paiement…] [Paiement CB]
    notice: a payment under way, its outcome, or why card payment is not offered here

"Paiement CB" hands the amounts to a `CardPaymentFlow` (one payment may cover several
wallets): it opens the payment page, then asks what became of the payment until it is
settled; the balances are then asked again. The button is off while a start is under way,
and the service opens a pending payment again rather than a second one.
Every rule is the service's: a refused amount or e-mail shows its French message.
Staff acting for a family also get "Enregistrer un paiement…" (`DeskPaymentDialog`).
After a payment, `money_changed` tells the other money tabs.

Panel protocol (as the other family tabs, `MoneyPanelState`): `set_structure()`,
`set_family()`, `mark_stale()`, `ensure_loaded()`, `clear()`.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.models.enums import PaymentStatus
from famdesk.services.balances import BalanceView
from famdesk.services.formatting import date_time
from famdesk.services.online_checkout import CheckoutOptions
from famdesk.services.online_outcomes import PaymentState
from famdesk.ui.amount_delegate import AmountDelegate
from famdesk.ui.card_payment import CardPaymentFlow
from famdesk.ui.desk_payment_dialog import DeskPaymentDialog
from famdesk.ui.errors import present_error
from famdesk.ui.formats import last_update_text
from famdesk.ui.gateway_money import MoneyGateway
from famdesk.ui.models.balance_model import (
    AMOUNT_COLUMN,
    BalanceTableModel,
    pydate,
    total_due_text,
)
from famdesk.ui.money_panels import MoneyPanelState
from famdesk.ui.money_theme import money_stylesheet
from famdesk.ui.payment_window import PageMode, PaymentPageOpener
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class BalancesPanel(MoneyPanelState, QWidget):
    balances_loaded = Signal(object)
    """The `BalanceView` shown."""
    payment_started = Signal(object)
    """The `OnlinePaymentStarted` whose page was opened."""
    payment_settled = Signal(object)
    """The `PaymentState` of a payment that ended (paid, refused, abandoned, expired)."""
    money_changed = Signal()
    """A payment was credited or recorded here: the other money tabs are out of date."""

    def __init__(self, gateway: MoneyGateway, runner: Runner, parent: QWidget | None = None,
                 *, opener: PaymentPageOpener | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("balancesPanel")
        self.setStyleSheet(money_stylesheet())
        self._gateway = gateway
        self._runner = runner
        self.opener = opener or PaymentPageOpener(bool(getattr(gateway, "kiosk", False)))
        self.flow = CardPaymentFlow(gateway, runner, self.opener, self)
        self._structure_id: int | None = None
        self.family_id: int | None = None
        self._stale = False
        self._generation = 0
        """Counts `clear()`: an answer asked before is ignored."""
        self._balances_request = 0
        self._jobs: list[Job] = []
        self.view: BalanceView | None = None
        self.options: CheckoutOptions | None = None

        self.until_edit = QDateEdit()
        self.until_edit.setObjectName("untilEdit")
        self.until_edit.setCalendarPopup(True)
        self.until_edit.setDisplayFormat("dd/MM/yyyy")
        self.until_edit.setAccessibleName(_("Calculate your bookings up to"))
        until_caption = QLabel(_("Calculate your bookings up to") + " :")
        until_caption.setBuddy(self.until_edit)
        self.as_of_label = QLabel()
        self.as_of_label.setObjectName("asOfLabel")
        self.as_of_label.setProperty("role", "hint")
        self.as_of_label.setWordWrap(True)

        self.model = BalanceTableModel(parent=self)
        self.table = QTableView()
        self.table.setObjectName("balancesTable")
        self.table.setAccessibleName(_("Balances"))
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(AMOUNT_COLUMN, AmountDelegate(self.table))
        triggers = QAbstractItemView.EditTrigger
        self.table.setEditTriggers(triggers.DoubleClicked | triggers.SelectedClicked
                                   | triggers.EditKeyPressed | triggers.AnyKeyPressed)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.hint_label = QLabel(_("Click an amount of your payment to change it: you may pay "
                                   "more, ahead."))
        self.hint_label.setProperty("role", "hint")
        self.hint_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.email_edit = QLineEdit()
        self.email_edit.setObjectName("paymentEmailEdit")
        self.email_edit.setMaxLength(80)
        self.email_edit.setMaximumWidth(420)
        self.email_edit.setPlaceholderText("nom@exemple.fr")
        self.email_edit.setAccessibleName(_("Your e-mail address"))
        email_caption = QLabel(_("Your e-mail address (the payment service sends its receipt "
                                 "there):"))
        email_caption.setBuddy(self.email_edit)
        email_caption.setWordWrap(True)
        self.email_error = QLabel()
        self.email_error.setProperty("role", "fieldError")
        self.email_error.hide()
        self.email_box = QWidget()
        email_layout = QVBoxLayout(self.email_box)
        email_layout.setContentsMargins(0, 0, 0, 0)
        email_layout.addWidget(email_caption)
        email_layout.addWidget(self.email_edit)
        email_layout.addWidget(self.email_error)

        self.total_label = QLabel()
        self.total_label.setObjectName("totalLabel")
        self.pay_button = QPushButton(_("Card payment"))
        self.pay_button.setObjectName("payButton")
        self.pay_button.setToolTip(_("Pay these amounts by card on the payment service's page"))
        self.record_button = QPushButton(_("Record a payment…"))
        self.record_button.setObjectName("recordPaymentButton")
        self.record_button.setToolTip(_("Cash, cheque, card terminal or transfer received at "
                                        "the desk, with its receipt"))
        self.record_dialog: DeskPaymentDialog | None = None
        self.notice_label = QLabel()
        self.notice_label.setObjectName("moneyNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()

        until_row = QHBoxLayout()
        until_row.addWidget(until_caption)
        until_row.addWidget(self.until_edit)
        until_row.addSpacing(16)
        until_row.addWidget(self.as_of_label, 1)
        pay_row = QHBoxLayout()
        pay_row.addWidget(self.total_label, 1)
        pay_row.addWidget(self.record_button)
        pay_row.addWidget(self.pay_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        layout.addLayout(until_row)
        layout.addWidget(self.table)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.email_box)
        layout.addLayout(pay_row)
        layout.addWidget(self.notice_label)
        layout.addStretch(1)

        self._until_timer = QTimer(self)
        self._until_timer.setSingleShot(True)
        self._until_timer.setInterval(350)
        self._until_timer.timeout.connect(self.reload_balances)
        self.until_edit.dateChanged.connect(lambda _day: self._until_timer.start())
        self.model.amounts_changed.connect(self._on_model_amounts_changed)
        self.pay_button.clicked.connect(self._on_pay_button_clicked)
        self.record_button.clicked.connect(self.open_record_dialog)
        self.flow.notice.connect(self.show_notice)
        self.flow.busy_changed.connect(lambda _busy: self._update_pay_button())
        self.flow.started.connect(self.payment_started)
        self.flow.settled.connect(self._on_flow_settled)
        self.flow.failed.connect(self._on_flow_failed)
        self.clear()

    # -- the panel protocol ---------------------------------------------------------------

    def clear(self) -> None:
        """Forget the family (kiosk logout): no figure, no e-mail, the payment window closed;
        late answers are ignored."""
        self._generation += 1
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        self.flow.stop()
        if self.record_dialog is not None:
            self.record_dialog.clear()
            self.record_dialog.close()
            self.record_dialog = None
        self._until_timer.stop()
        self._structure_id = self.family_id = None
        self.view = self.options = None
        self._stale = False
        self.model.set_rows(())
        self.until_edit.setEnabled(False)  # until the family's balances come
        self.as_of_label.clear()
        self.email_edit.clear()
        self.email_box.hide()
        self.total_label.clear()
        self.show_error("")
        self.show_notice("")
        self._update_pay_button()

    # -- messages (present_error) -----------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_field_error(self, field: str, message: str) -> None:
        if field == "email":
            self.email_box.show()
            self.email_error.setText(message)
            self.email_error.setVisible(bool(message))
            self.email_edit.setFocus()
        else:
            self.show_error(message)

    def show_notice(self, message: str, tone: str = "") -> None:
        self.notice_label.setText(message)
        self.notice_label.setProperty("tone", tone)
        self.notice_label.style().unpolish(self.notice_label)
        self.notice_label.style().polish(self.notice_label)
        self.notice_label.setVisible(bool(message))

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """The balances and whether (and how) the family may pay online."""
        if self._structure_id is None:
            return
        self._stale = False
        self.reload_balances()
        generation = self._generation
        self._submit(self._gateway.checkout_options(self._structure_id, self.family_id),
                     lambda options: self._on_options_loaded(generation, options),
                     lambda exc: self._on_failed(generation, exc))

    def reload_balances(self) -> None:
        if self._structure_id is None:
            return
        self._balances_request += 1
        asked = (self._generation, self._balances_request)
        until = pydate(self.until_edit.date()) if self.view is not None else None
        self._submit(self._gateway.balances(self._structure_id, self.family_id, until),
                     lambda view: self._on_balances_loaded(asked, view),
                     lambda exc: self._on_failed(asked[0], exc))

    def _on_balances_loaded(self, asked: tuple[int, int], view: BalanceView) -> None:
        if asked != (self._generation, self._balances_request):
            return  # an older answer, or the panel was cleared meanwhile
        self.view = view
        self.show_error("")
        today = _qdate(view.computed_at.date())
        self.until_edit.blockSignals(True)
        self.until_edit.setMinimumDate(today)
        self.until_edit.setMaximumDate(today.addYears(1))
        self.until_edit.setDate(_qdate(view.until))
        self.until_edit.blockSignals(False)
        self.until_edit.setEnabled(True)
        self.as_of_label.setText(_("Balances on {now}; days debited up to the last update "
                                   "({update}).").format(now=date_time(view.computed_at),
                                                        update=last_update_text(
                                                            view.last_transmission_at)))
        self.flow.zone = view.computed_at.tzinfo
        self.model.set_view(view)
        self._fit_table()
        self._update_pay_button()
        self.balances_loaded.emit(view)

    def _on_options_loaded(self, generation: int, options: CheckoutOptions) -> None:
        if generation != self._generation:
            return
        self.options = options
        self.email_box.setVisible(options.available and options.email is None)
        if not options.available:
            self.show_notice(_("This structure does not take card payments online: pay at the "
                               "front desk."), "warning")
        elif self.opener.mode is PageMode.UNAVAILABLE:
            self.show_notice(_("Card payment is not available on this kiosk: pay at the front "
                               "desk (cash, cheque or card)."), "warning")
        elif options.pending_payment_id is not None and self.flow.payment_id is None:
            self.flow.follow(options.pending_payment_id)
            self.show_notice(_("A card payment is under way: its outcome is being asked."))
        self._update_pay_button()

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            present_error(self, exc, retry=self.reload)

    def _fit_table(self) -> None:
        header = self.table.horizontalHeader()
        height = header.height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.model.rowCount()))
        self.table.setFixedHeight(height + 2)

    # -- paying -------------------------------------------------------------------------------

    def _update_pay_button(self) -> None:
        options = self.options
        offered = (options is not None and options.available
                   and self.opener.mode is not PageMode.UNAVAILABLE)
        self.pay_button.setVisible(offered or options is None)
        self.pay_button.setEnabled(offered and self.view is not None and not self.flow.busy)
        session = self._gateway.session
        staff = session is not None and session.is_staff and not self._gateway.kiosk
        self.record_button.setVisible(staff and self.family_id is not None)
        self.record_button.setEnabled(self.view is not None)

    def _on_model_amounts_changed(self) -> None:
        self.total_label.setText(total_due_text(self.model.total_amount()) if self.view else "")

    def _on_pay_button_clicked(self) -> None:
        if self.flow.busy or self._structure_id is None or self.options is None:
            return
        typed = self.model.allocations()
        # a wallet left at zero is not paid; all at zero, the service says what is wrong
        allocations = {wallet: amount for wallet, amount in typed.items() if amount != 0} or typed
        email = self.options.email or self.email_edit.text().strip()
        self.show_error("")
        self.email_error.hide()
        self.flow.start(self._structure_id, self.family_id, allocations, email)

    def _on_flow_settled(self, state: PaymentState) -> None:
        self.reload_balances()
        self.payment_settled.emit(state)
        if state.status is PaymentStatus.PAID:
            self.money_changed.emit()

    # -- the front desk ---------------------------------------------------------------------

    def open_record_dialog(self) -> None:
        """Staff acting for a family: "Enregistrer un paiement" (non-modal, one at a time)."""
        if self._structure_id is None or self.family_id is None:
            return
        if self.record_dialog is not None:
            self.record_dialog.close()
        self.record_dialog = DeskPaymentDialog(self._gateway, self._runner, self._structure_id,
                                               self.family_id, self)
        self.record_dialog.payment_recorded.connect(self._on_record_dialog_payment_recorded)
        self.record_dialog.show()
        self.record_dialog.raise_()

    def _on_record_dialog_payment_recorded(self, _receipt: object) -> None:
        self.reload_balances()
        self.money_changed.emit()

    def _on_flow_failed(self, exc: BaseException) -> None:
        present_error(self, exc)

    # -- helpers ----------------------------------------------------------------------------------

    def _submit(self, coro, on_success, on_error) -> None:  # type: ignore[no-untyped-def]
        self._jobs = [job for job in self._jobs if not job.done()]
        self._jobs.append(self._runner.submit(coro, on_success, on_error))
