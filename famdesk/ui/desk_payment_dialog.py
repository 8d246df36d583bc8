"""The front desk's "Enregistrer un paiement": cash, cheque (number, bank), card terminal or
transfer, for one or several wallets of the family, on a date; then its receipt.

    M. MARTIN Hugo – Mairie de Démoville
    Mode de règlement  (•) Espèces ( ) Chèque ( ) CB (TPE) ( ) Virement
    N° du chèque [    ]  Banque [        ]          (as the method wants them)
    Date du règlement [27/11/2026]
    Porte-monnaie    Solde        Montant
    Restauration     -25,00 €     [27,00]
    Périscolaire     -79,60 €     [82,00]
    Total                          109,00 €
                                    [Fermer] [Enregistrer le règlement]

The amounts start at what is due. The service checks everything (amounts, cheque number,
date, wallets) and numbers the receipt without gaps; a refusal shows under its field. Once
recorded, the dialog shows the receipt's number and offers it as a PDF (saved, or printed:
straight to the printer when Qt's PDF module is there, else opened in the viewer).
"""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from famdesk.errors import FamdeskError
from famdesk.i18n import _
from famdesk.models.enums import PaymentMethod
from famdesk.services.balances import BalanceView
from famdesk.services.formatting import money
from famdesk.services.payments import (
    DESK_METHODS,
    MAX_BANK,
    MAX_CHEQUE_NUMBER,
    PaymentReceipt,
    method_text,
)
from famdesk.ui.amount_delegate import amount_validator
from famdesk.ui.errors import present_error
from famdesk.ui.forms import field_error_label
from famdesk.ui.gateway_money import MoneyGateway
from famdesk.ui.models.balance_model import amount_text, parse_amount, pydate, shown_amount
from famdesk.ui.money_theme import money_stylesheet
from famdesk.ui.pdf_output import DocumentOutput, pdf_printing_available, viewer_copy
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)

AMOUNT_WIDTH = 120


class DeskPaymentDialog(QDialog):
    payment_recorded = Signal(object)
    """The `PaymentReceipt` of the payment recorded (the balances changed)."""

    def __init__(self, gateway: MoneyGateway, runner: Runner, structure_id: int, family_id: int,
                 parent: QWidget | None = None, *, output: DocumentOutput | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deskPaymentDialog")
        self.setWindowTitle(_("Record a payment"))
        self.setStyleSheet(money_stylesheet())
        self.setMinimumWidth(560)
        self._gateway = gateway
        self._runner = runner
        self.structure_id = structure_id
        self.family_id = family_id
        self.output = output or DocumentOutput()
        self.view: BalanceView | None = None
        self.receipt: PaymentReceipt | None = None
        self._jobs: list[Job] = []
        self._recording = False
        self.amount_edits: dict[int, QLineEdit] = {}
        self.amount_errors: dict[int, QLabel] = {}

        self.family_label = QLabel()
        self.family_label.setObjectName("sectionTitle")
        self.method_group = QButtonGroup(self)
        self.method_buttons: dict[PaymentMethod, QRadioButton] = {}
        methods = QHBoxLayout()
        for method in DESK_METHODS:
            button = QRadioButton(method_text(method))
            button.setObjectName(f"method_{method.value}")
            self.method_group.addButton(button)
            self.method_buttons[method] = button
            methods.addWidget(button)
        methods.addStretch(1)
        self.method_buttons[PaymentMethod.CASH].setChecked(True)
        self.cheque_edit = QLineEdit()
        self.cheque_edit.setObjectName("chequeNumberEdit")
        self.cheque_edit.setMaxLength(MAX_CHEQUE_NUMBER)
        self.bank_edit = QLineEdit()
        self.bank_edit.setObjectName("bankEdit")
        self.bank_edit.setMaxLength(MAX_BANK)
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("paidOnEdit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.errors = {name: field_error_label() for name in
                       ("method", "cheque_number", "bank", "paid_on", "amount")}

        self.form = QGridLayout()
        self.form.setHorizontalSpacing(12)
        self.cheque_caption = QLabel(_("Cheque no."))
        self.bank_caption = QLabel(_("Bank"))
        self.form.addWidget(QLabel(_("Payment method")), 0, 0)
        self.form.addLayout(methods, 0, 1, 1, 2)
        self.form.addWidget(self.errors["method"], 1, 1, 1, 2)
        fields: tuple[tuple[QLabel, QWidget, str], ...] = (
            (self.cheque_caption, self.cheque_edit, "cheque_number"),
            (self.bank_caption, self.bank_edit, "bank"),
            (QLabel(_("Payment date")), self.date_edit, "paid_on"))
        for position, (label, field, error) in enumerate(fields, start=1):
            label.setBuddy(field)
            self.form.addWidget(label, 2 * position, 0)
            self.form.addWidget(field, 2 * position, 1, 1, 2)
            self.form.addWidget(self.errors[error], 2 * position + 1, 1, 1, 2)
        self.wallet_grid = QGridLayout()
        self.wallet_grid.setHorizontalSpacing(24)
        self.wallet_grid.setColumnStretch(3, 1)
        self.total_label = QLabel()
        self.total_label.setObjectName("totalLabel")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.record_button = QPushButton(_("Record the payment"))
        self.record_button.setObjectName("recordButton")
        self.close_button = QPushButton(_("Close"))

        entry = QWidget()
        entry_layout = QVBoxLayout(entry)
        entry_layout.setContentsMargins(0, 0, 0, 0)
        entry_layout.addLayout(self.form)
        entry_layout.addSpacing(6)
        entry_layout.addLayout(self.wallet_grid)
        entry_layout.addWidget(self.errors["amount"])
        entry_layout.addWidget(self.error_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.record_button)
        entry_layout.addLayout(buttons)

        done = QWidget()
        self.done_label = QLabel()
        self.done_label.setObjectName("moneyNotice")
        self.done_label.setProperty("tone", "success")
        self.done_label.setWordWrap(True)
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.save_receipt_button = QPushButton(_("Save the receipt (PDF)…"))
        self.save_receipt_button.setObjectName("saveReceiptButton")
        self.print_receipt_button = QPushButton(_("Print the receipt"))
        self.print_receipt_button.setObjectName("printReceiptButton")
        self.another_button = QPushButton(_("Another payment"))
        self.done_close_button = QPushButton(_("Close"))
        done_layout = QVBoxLayout(done)
        done_layout.setContentsMargins(0, 0, 0, 0)
        done_layout.addWidget(self.done_label)
        done_layout.addWidget(self.notice_label)
        receipt_row = QHBoxLayout()
        receipt_row.addWidget(self.save_receipt_button)
        receipt_row.addWidget(self.print_receipt_button)
        receipt_row.addStretch(1)
        receipt_row.addWidget(self.another_button)
        receipt_row.addWidget(self.done_close_button)
        done_layout.addLayout(receipt_row)
        done_layout.addStretch(1)

        self.stack = QStackedWidget()
        self.stack.addWidget(entry)
        self.stack.addWidget(done)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.family_label)
        layout.addWidget(self.stack)

        self.method_group.buttonToggled.connect(lambda *_args: self._update_method_fields())
        self.record_button.clicked.connect(self._on_record_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.done_close_button.clicked.connect(self.accept)
        self.another_button.clicked.connect(self.reload)
        self.save_receipt_button.clicked.connect(self._on_save_receipt_button_clicked)
        self.print_receipt_button.clicked.connect(self._on_print_receipt_button_clicked)
        self._update_method_fields()
        self.record_button.setEnabled(False)
        self.reload()

    # -- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        """The family's balances: its wallets and what is due in each."""
        self.stack.setCurrentIndex(0)
        self.receipt = None
        self._submit(self._gateway.balances(self.structure_id, self.family_id),
                     self._on_balances_loaded, self._on_failed)

    def _on_balances_loaded(self, view: BalanceView) -> None:
        self.view = view
        self.family_label.setText(f"{view.family_name} – {view.structure_name}")
        today = QDate(view.computed_at.year, view.computed_at.month, view.computed_at.day)
        self.date_edit.setMaximumDate(today)
        self.date_edit.setDate(today)
        self.cheque_edit.clear()
        self.bank_edit.clear()
        self._fill_wallets(view)
        self.record_button.setEnabled(True)
        self.clear_errors()

    def _fill_wallets(self, view: BalanceView) -> None:
        while self.wallet_grid.count():
            item = self.wallet_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.amount_edits.clear()
        self.amount_errors.clear()
        for column, title in enumerate((_("Wallet"), _("Balance"), _("Amount"))):
            header = QLabel(title)
            header.setObjectName("sectionTitle")
            if column:
                header.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.wallet_grid.addWidget(header, 0, column)
        for position, row in enumerate(view.rows, start=1):
            edit = QLineEdit(amount_text(row.amount_due) if row.amount_due else "")
            edit.setObjectName(f"amountEdit_{row.wallet_id}")
            edit.setValidator(amount_validator(edit))
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            edit.setFixedWidth(AMOUNT_WIDTH)
            edit.setAccessibleName(_("Amount – {wallet}").format(wallet=row.label))
            edit.textChanged.connect(lambda _text: self._update_total())
            error = field_error_label()
            assert row.wallet_id is not None
            self.amount_edits[row.wallet_id] = edit
            self.amount_errors[row.wallet_id] = error
            caption = QLabel(row.label)
            caption.setBuddy(edit)
            self.wallet_grid.addWidget(caption, 2 * position - 1, 0)
            balance = QLabel(money(row.balance))
            balance.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.wallet_grid.addWidget(balance, 2 * position - 1, 1)
            self.wallet_grid.addWidget(edit, 2 * position - 1, 2)
            self.wallet_grid.addWidget(error, 2 * position, 0, 1, 3)
        self.wallet_grid.addWidget(QLabel(_("Total")), 2 * len(view.rows) + 1, 0)
        self.wallet_grid.addWidget(self.total_label, 2 * len(view.rows) + 1, 2)
        self._update_total()

    def _update_total(self) -> None:
        amounts = [parse_amount(edit.text()) for edit in self.amount_edits.values()]
        total = sum((a for a in amounts if a is not None), Decimal("0.00"))
        self.total_label.setText(shown_amount(total))

    def method(self) -> PaymentMethod:
        for method, button in self.method_buttons.items():
            if button.isChecked():
                return method
        return PaymentMethod.CASH

    def _update_method_fields(self) -> None:
        method = self.method()
        cheque = method is PaymentMethod.CHEQUE
        bank = method in (PaymentMethod.CHEQUE, PaymentMethod.TRANSFER)
        for widget, shown in ((self.cheque_caption, cheque), (self.cheque_edit, cheque),
                              (self.bank_caption, bank), (self.bank_edit, bank)):
            widget.setVisible(shown)

    # -- errors (present_error) -------------------------------------------------------------

    def clear_errors(self) -> None:
        for label in (*self.errors.values(), *self.amount_errors.values()):
            label.hide()
        self.show_error("")

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_field_error(self, field: str, message: str) -> None:
        label = self.errors.get(field)
        if field.startswith("wallet_") and field.removeprefix("wallet_").isdigit():
            label = self.amount_errors.get(int(field.removeprefix("wallet_")))
        if label is None:
            self.show_error(message)
            return
        label.setText(message)
        label.show()

    # -- recording ------------------------------------------------------------------------

    def _on_record_button_clicked(self) -> None:
        if self._recording or self.view is None:
            return
        method = self.method()
        allocations = {wallet: edit.text() for wallet, edit in self.amount_edits.items()}
        self._recording = True
        self.record_button.setEnabled(False)
        self.clear_errors()
        self._submit(self._gateway.record_payment(
            self.family_id, method, allocations,
            cheque_number=self.cheque_edit.text() if method is PaymentMethod.CHEQUE else None,
            bank=self.bank_edit.text() if method in (PaymentMethod.CHEQUE,
                                                     PaymentMethod.TRANSFER) else None,
            paid_on=pydate(self.date_edit.date())),
            self._on_recorded, self._on_record_failed)

    def _on_recorded(self, receipt: PaymentReceipt) -> None:
        self._recording = False
        self.receipt = receipt
        lines = "\n".join(f"{line.wallet_label} : {money(line.amount)}" for line in receipt.lines)
        self.done_label.setText(_("Payment recorded: receipt no. {receipt}, {amount} ({method}).")
                                .format(receipt=receipt.receipt, amount=money(receipt.amount),
                                        method=receipt.method_text) + "\n" + lines)
        self.notice_label.clear()
        self.stack.setCurrentIndex(1)
        log.info("desk payment %s recorded (receipt %s)", receipt.payment_id, receipt.receipt)
        self.payment_recorded.emit(receipt)

    def _on_record_failed(self, exc: BaseException) -> None:
        self._recording = False
        self.record_button.setEnabled(True)
        present_error(self, exc)

    # -- the receipt ------------------------------------------------------------------------

    def _receipt_name(self) -> str:
        assert self.receipt is not None
        return _("receipt-{number}.pdf").format(number=self.receipt.receipt)

    def _on_save_receipt_button_clicked(self) -> None:
        if self.receipt is None:
            return
        path = self.output.ask_path(self, _("Save the receipt"), self._receipt_name(),
                                    "PDF (*.pdf)", ".pdf")
        if path is not None:
            self._submit(self._gateway.receipt_pdf(self.receipt.payment_id),
                         lambda data: self._on_receipt_saved(path, data), self._on_failed)

    def _on_receipt_saved(self, path: Path, data: bytes) -> None:
        try:
            self.output.save(path, data, open_it=False)
        except FamdeskError as exc:
            present_error(self, exc)
            return
        self.notice_label.setText(_("Saved in {path}.").format(path=path))

    def _on_print_receipt_button_clicked(self) -> None:
        if self.receipt is not None:
            self._submit(self._gateway.receipt_pdf(self.receipt.payment_id),
                         self._on_receipt_printable, self._on_failed)

    def _on_receipt_printable(self, data: bytes) -> None:
        if pdf_printing_available():
            problem = self.output.print_pdf(data)
            self.notice_label.setText(problem or _("The receipt is on its way to the printer."))
            return
        self.output.open_file(viewer_copy(data, self._receipt_name()))
        self.notice_label.setText(_("The receipt is open: print it from the viewer."))

    def _on_failed(self, exc: BaseException) -> None:
        present_error(self, exc)

    # -- forgetting ---------------------------------------------------------------------------

    def clear(self) -> None:
        """The session ends: forget the family and ignore late answers."""
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        self.view = self.receipt = None
        self.family_label.clear()
        for edit in (self.cheque_edit, self.bank_edit, *self.amount_edits.values()):
            edit.clear()

    def _submit(self, coro, on_success, on_error) -> None:  # type: ignore[no-untyped-def]
        self._jobs = [job for job in self._jobs if not job.done()]
        self._jobs.append(self._runner.submit(coro, on_success, on_error))
