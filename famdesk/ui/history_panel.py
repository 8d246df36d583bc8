"""The "Historiques" tab: the family's consumptions and payments, month by month.

    [◀] [novembre 2026 ▾] [▶]                 [Imprimer] [Exporter ▾ | Envoyer par e-mail]
    [ Consommations (12) | Règlements (2) ]
    | Date | Enfant | Activité | Horaires | Porte-monnaie | Écriture | Montant |
    Total des consommations de novembre 2026 : 45,60 €
    (payments, staff) [Reçu] [Annuler ce règlement…]
    (staff) Documents de l'année [2026 ▾] [Relevé annuel] [Attestation de frais de garde]

It opens on this month (the service's clock); the arrows and the list reach every month
since the family's first entry, never after this one. "Imprimer" prints the shown list:
saved and opened on a staff PC, straight to the printer on a kiosk. "Exporter" writes CSV
or XLSX; on a kiosk it is "Envoyer par e-mail" instead. Staff may cancel a desk payment
(a counter-entry, `CancelPaymentDialog`) and print the year's statement and attestation.

Panel protocol: `set_structure()`, `set_family()`, `mark_stale()`, `ensure_loaded()`, `clear()`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from famdesk.i18n import _
from famdesk.services.formatting import money
from famdesk.services.histories import HistoryView, PaymentLine, month_title, period_name
from famdesk.services.payments import PaymentReceipt
from famdesk.services.reports.history_pdf import history_file_name
from famdesk.ui.cancel_payment_dialog import CancelPaymentDialog
from famdesk.ui.errors import present_error
from famdesk.ui.gateway_money import ExportFormat, HistoryDocument, MoneyGateway
from famdesk.ui.history_layout import HistoryLayout, stretch_column
from famdesk.ui.models.history_model import ConsumptionTableModel, HistoryRole, PaymentTableModel
from famdesk.ui.money_panels import MoneyPanelState
from famdesk.ui.pdf_output import DocumentDelivery, DocumentOutput
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)

Month = tuple[int, int]


class HistoryPanel(MoneyPanelState, HistoryLayout):
    history_loaded = Signal(object)
    """The `HistoryView` shown."""
    payment_cancelled = Signal(object)
    """The `PaymentReceipt` of a payment staff cancelled (the balances changed)."""
    money_changed = Signal()
    """A payment was cancelled here: the other money tabs are out of date."""

    def __init__(self, gateway: MoneyGateway, runner: Runner, parent: QWidget | None = None,
                 *, output: DocumentOutput | None = None) -> None:
        super().__init__(bool(getattr(gateway, "kiosk", False)), parent)
        self.consumption_model = ConsumptionTableModel(parent=self)
        self.payment_model = PaymentTableModel(parent=self)
        self.consumptions_table.setModel(self.consumption_model)
        self.payments_table.setModel(self.payment_model)
        stretch_column(self.consumptions_table)
        stretch_column(self.payments_table)
        self._gateway = gateway
        self._runner = runner
        self._structure_id: int | None = None
        self.family_id: int | None = None
        self.view: HistoryView | None = None
        self._month: Month | None = None
        self._stale = False
        self._generation = 0
        self._jobs: list[Job] = []
        self.cancel_dialog: CancelPaymentDialog | None = None
        self.delivery = DocumentDelivery(self, runner, output or DocumentOutput(),
                                         kiosk=self.kiosk, report=self.show_notice)

        self.prev_button.clicked.connect(lambda: self._step(+1))
        self.next_button.clicked.connect(lambda: self._step(-1))
        self.month_combo.activated.connect(self._on_month_combo_activated)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.csv_action.triggered.connect(lambda: self.export(ExportFormat.CSV))
        self.xlsx_action.triggered.connect(lambda: self.export(ExportFormat.XLSX))
        self.mail_button.clicked.connect(self._on_mail_button_clicked)
        self.receipt_button.clicked.connect(self._on_receipt_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.statement_button.clicked.connect(lambda: self._year_document("statement"))
        self.attestation_button.clicked.connect(lambda: self._year_document("attestation"))
        self.payments_table.selectionModel().selectionChanged.connect(
            lambda *_args: self._update_payment_actions())
        self.clear()

    def _models(self) -> tuple[ConsumptionTableModel, PaymentTableModel]:
        return self.consumption_model, self.payment_model

    @property
    def staff(self) -> bool:
        session = self._gateway.session
        return bool(session is not None and session.is_staff)

    # -- the panel protocol ---------------------------------------------------------------

    def clear(self) -> None:
        """Forget the family: no line, no month, no dialog; late answers are ignored."""
        self._generation += 1
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        self.delivery.cancel()
        if self.cancel_dialog is not None:
            self.cancel_dialog.clear()
            self.cancel_dialog.close()
            self.cancel_dialog = None
        self._structure_id = self.family_id = self.view = self._month = None
        self._stale = False
        for model in self._models():
            model.set_rows(())
        self.month_combo.clear()
        self.year_combo.clear()
        self.consumption_total.clear()
        self.payment_total.clear()
        self.tabs.setCurrentIndex(0)
        self.show_error("")
        self.show_notice("")
        self._update_actions()

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        if self._structure_id is None:
            return
        self._stale = False
        self._generation += 1
        generation = self._generation
        year, month = self._month or (None, None)
        self._submit(self._gateway.history(self._structure_id, self.family_id, year, month),
                     lambda view: self._on_history_loaded(generation, view),
                     lambda exc: self._on_failed(generation, exc))

    def show_month(self, year: int, month: int) -> None:
        self._month = (year, month)
        self.reload()

    def _on_history_loaded(self, generation: int, view: HistoryView) -> None:
        if generation != self._generation:
            return
        self.view = view
        self._month = (view.first.year, view.first.month)
        self.show_error("")
        self.month_combo.blockSignals(True)
        self.month_combo.clear()
        for year, month in view.available:
            self.month_combo.addItem(month_title(year, month).capitalize(), year * 100 + month)
        key = self._month[0] * 100 + self._month[1]
        self.month_combo.setCurrentIndex(max(0, self.month_combo.findData(key)))
        self.month_combo.blockSignals(False)
        years = sorted({year for year, _month in view.available}, reverse=True)
        chosen = self.year_combo.currentData()
        self.year_combo.clear()
        for year in years:
            self.year_combo.addItem(str(year), year)
        self.year_combo.setCurrentIndex(max(0, self.year_combo.findData(chosen)))
        self.consumption_model.set_rows(view.consumptions)
        self.payment_model.set_rows(view.payments)
        title = view.period_text
        self.consumption_total.setText(_("Consumptions of {month}: {amount}").format(
            month=title, amount=money(view.consumed)))
        self.payment_total.setText(_("Payments of {month}: {amount}").format(
            month=title, amount=money(view.paid)))
        self.tabs.setTabText(0, _("Consumptions ({count})").format(count=len(view.consumptions)))
        self.tabs.setTabText(1, _("Payments ({count})").format(count=len(view.payments)))
        self._update_actions()
        self.history_loaded.emit(view)

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            present_error(self, exc, retry=self.reload)

    # -- months -------------------------------------------------------------------------------

    def _step(self, offset: int) -> None:
        """+1: an older month; -1: a newer one (the list is newest first)."""
        position = self.month_combo.currentIndex() + offset
        if 0 <= position < self.month_combo.count():
            self.show_month(*divmod(self.month_combo.itemData(position), 100))

    def _on_month_combo_activated(self, position: int) -> None:
        key = self.month_combo.itemData(position)
        if key is not None and divmod(key, 100) != self._month:
            self.show_month(*divmod(key, 100))

    # -- actions ----------------------------------------------------------------------------

    def _update_actions(self) -> None:
        loaded = self.view is not None
        position, count = self.month_combo.currentIndex(), self.month_combo.count()
        self.prev_button.setEnabled(loaded and position < count - 1)
        self.next_button.setEnabled(loaded and position > 0)
        self.month_combo.setEnabled(loaded)
        for button in (self.print_button, self.export_button, self.mail_button):
            button.setEnabled(loaded)
        staff = self.staff
        self.cancel_button.setVisible(staff)
        self.documents_box.setVisible(staff and not self.kiosk)
        for widget in (self.statement_button, self.attestation_button, self.year_combo):
            widget.setEnabled(loaded and self.year_combo.count() > 0)
        self._update_payment_actions()

    def selected_payment(self) -> PaymentLine | None:
        rows = self.payments_table.selectionModel().selectedRows()
        return rows[0].data(HistoryRole.LINE) if rows else None

    def select_payment(self, row: int) -> None:
        self.tabs.setCurrentIndex(1)
        self.payments_table.selectRow(row)

    def _update_payment_actions(self) -> None:
        line = self.selected_payment()
        self.receipt_button.setEnabled(line is not None and bool(line.receipt)
                                       and line.payment_id is not None)
        self.cancel_button.setEnabled(self.staff and line is not None and line.cancellable)

    def _period(self) -> tuple[int, int | None]:
        assert self._month is not None
        return self._month

    def _period_name(self) -> str:
        return period_name(*self._period())

    def _on_print_button_clicked(self) -> None:
        if self._structure_id is None or self.view is None:
            return
        document = (HistoryDocument.CONSUMPTIONS if self.tabs.currentIndex() == 0
                    else HistoryDocument.PAYMENTS)
        name = history_file_name(self._period_name(),
                                 consumptions=document is HistoryDocument.CONSUMPTIONS)
        structure_id, family_id, (year, month) = self._structure_id, self.family_id, self._period()
        self.delivery.deliver(
            lambda: self._gateway.history_pdf(structure_id, family_id, year, month, document),
            title=_("Save the history"), name=name)

    def export(self, fmt: ExportFormat) -> None:
        """Save the month as CSV or XLSX (not on a kiosk: it e-mails instead)."""
        if self._structure_id is None or self.view is None or self.kiosk:
            return
        structure_id, family_id, (year, month) = self._structure_id, self.family_id, self._period()
        self.delivery.deliver(
            lambda: self._gateway.history_export(structure_id, family_id, year, month, fmt),
            title=_("Export the history"),
            name=_("history-{period}").format(period=self._period_name()) + f".{fmt.value}",
            file_filter=(_("CSV files (*.csv)") if fmt is ExportFormat.CSV
                         else _("Excel workbooks (*.xlsx)")),
            suffix=f".{fmt.value}")

    def _on_mail_button_clicked(self) -> None:
        if self._structure_id is None or self.view is None:
            return
        year, month = self._period()
        self.mail_button.setEnabled(False)
        self._submit(self._gateway.mail_history(self._structure_id, self.family_id, year, month),
                     self._on_mailed, self._on_mail_failed)

    def _on_mailed(self, address: str) -> None:
        self.mail_button.setEnabled(True)
        self.show_notice(_("The history of {period} was sent to {address}.").format(
            period=self.view.period_text if self.view else "", address=address), "success")

    def _on_mail_failed(self, exc: BaseException) -> None:
        self.mail_button.setEnabled(True)
        present_error(self, exc)

    def _on_receipt_button_clicked(self) -> None:
        line = self.selected_payment()
        if line is None or line.payment_id is None:
            return
        payment_id = line.payment_id
        self.delivery.deliver(lambda: self._gateway.receipt_pdf(payment_id),
                              title=_("Save the receipt"),
                              name=_("receipt-{number}.pdf").format(number=line.receipt))

    def _year_document(self, kind: str) -> None:
        year = self.year_combo.currentData()
        if self._structure_id is None or year is None:
            return
        structure_id, family_id = self._structure_id, self.family_id
        if kind == "statement":
            self.delivery.deliver(
                lambda: self._gateway.statement_pdf(structure_id, family_id, year),
                title=_("Save the annual statement"),
                name=_("annual-statement-{year}.pdf").format(year=year))
        else:
            self.delivery.deliver(
                lambda: self._gateway.attestation_pdf(structure_id, family_id, year),
                title=_("Save the childcare attestation"),
                name=_("childcare-attestation-{year}.pdf").format(year=year))

    def _on_cancel_button_clicked(self) -> None:
        line = self.selected_payment()
        if line is None or not line.cancellable:
            return
        if self.cancel_dialog is not None:
            self.cancel_dialog.close()
        self.cancel_dialog = CancelPaymentDialog(self._gateway, self._runner, line, self)
        self.cancel_dialog.payment_cancelled.connect(self._on_payment_cancelled)
        self.cancel_dialog.open()

    def _on_payment_cancelled(self, receipt: PaymentReceipt) -> None:
        self.show_notice(_("Receipt {receipt} cancelled: a counter-entry of {amount} was "
                           "written.").format(receipt=receipt.receipt,
                                              amount=money(-receipt.amount)), "success")
        self.reload()
        self.payment_cancelled.emit(receipt)
        self.money_changed.emit()

    # -- helpers ----------------------------------------------------------------------------

    def _submit(self, coro, on_success, on_error) -> None:  # type: ignore[no-untyped-def]
        self._jobs = [job for job in self._jobs if not job.done()]
        self._jobs.append(self._runner.submit(coro, on_success, on_error))

