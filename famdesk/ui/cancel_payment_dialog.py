"""Staff undo a desk payment: "Annuler ce règlement", with a reason and a confirmation.

Nothing is deleted: the service writes a counter-entry in each wallet the payment credited
and marks it cancelled; its receipt number stays taken. The dialog asks the gateway itself
and closes once the service agreed; a refusal shows in it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.services.formatting import money, numeric_date
from famdesk.services.histories import PaymentLine
from famdesk.services.payments import MAX_REASON, PaymentReceipt
from famdesk.ui.errors import present_error
from famdesk.ui.gateway_money import MoneyGateway
from famdesk.ui.money_theme import money_stylesheet
from famdesk.ui.runner import Job, Runner


class CancelPaymentDialog(QDialog):
    payment_cancelled = Signal(object)
    """The `PaymentReceipt` of the cancelled payment."""

    def __init__(self, gateway: MoneyGateway, runner: Runner, line: PaymentLine,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cancelPaymentDialog")
        self.setWindowTitle(_("Cancel a payment"))
        self.setStyleSheet(money_stylesheet())
        self.setMinimumWidth(520)
        self._gateway = gateway
        self._runner = runner
        self.line = line
        self._job: Job | None = None

        what = _("Receipt {receipt}: {what} of {amount}, {day}").format(
            receipt=line.receipt, what=line.description, amount=money(line.credit),
            day=numeric_date(line.day))
        self.what_label = QLabel(what)
        self.what_label.setObjectName("sectionTitle")
        self.what_label.setWordWrap(True)
        explanation = QLabel(_("The payment stays in the history, marked cancelled: a "
                               "counter-entry takes back what it credited to each wallet. "
                               "Nothing is deleted."))
        explanation.setWordWrap(True)
        explanation.setProperty("role", "hint")
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("cancelReasonEdit")
        self.reason_edit.setMaxLength(MAX_REASON)
        self.reason_edit.setPlaceholderText(_("Cheque returned unpaid, typing mistake…"))
        reason_caption = QLabel(_("Reason (required):"))
        reason_caption.setBuddy(self.reason_edit)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.confirm_button = QPushButton(_("Cancel the payment"))
        self.confirm_button.setObjectName("confirmCancelButton")
        self.keep_button = QPushButton(_("Keep it"))
        self.keep_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.confirm_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(self.what_label)
        layout.addWidget(explanation)
        layout.addWidget(reason_caption)
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.keep_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_field_error(self, _field: str, message: str) -> None:
        self.show_error(message)

    def clear(self) -> None:
        """The session ends: forget the reason, ignore a late answer."""
        if self._job is not None:
            self._job.cancel()
        self.reason_edit.clear()
        self.show_error("")

    def _on_confirm_button_clicked(self) -> None:
        if self.line.payment_id is None:
            return
        self.confirm_button.setEnabled(False)
        self.show_error("")
        self._job = self._runner.submit(
            self._gateway.cancel_payment(self.line.payment_id, self.reason_edit.text()),
            self._on_cancelled, self._on_failed)

    def _on_cancelled(self, receipt: PaymentReceipt) -> None:
        self.payment_cancelled.emit(receipt)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.confirm_button.setEnabled(True)
        present_error(self, exc)
