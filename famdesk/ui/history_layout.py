"""The widgets of the "Historiques" tab and where they sit (`HistoryPanel` adds the
behaviour): the month bar, the two lists, the payment actions, the staff's documents."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.ui.money_theme import money_stylesheet


def history_table(name: str, accessible: str, stretch: int) -> QTableView:
    """A read-only list; the column `stretch` takes the width the others leave."""
    table = QTableView()
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setProperty("stretch", stretch)
    return table


def stretch_column(table: QTableView) -> None:
    """Once the model is set: the text column takes the width left."""
    table.horizontalHeader().setSectionResizeMode(int(table.property("stretch")),
                                                  QHeaderView.ResizeMode.Stretch)


def _page(table: QTableView, total: QLabel, *below: QWidget) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(8, 8, 8, 8)
    layout.addWidget(table, 1)
    row = QHBoxLayout()
    row.addWidget(total, 1)
    for widget in below:
        row.addWidget(widget)
    layout.addLayout(row)
    return page


class HistoryLayout(QWidget):
    def __init__(self, kiosk: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self.setStyleSheet(money_stylesheet())
        self.kiosk = kiosk

        self.prev_button = QToolButton()
        self.prev_button.setObjectName("previousMonthButton")
        self.prev_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.prev_button.setToolTip(_("Previous month"))
        self.prev_button.setAccessibleName(_("Previous month"))
        self.month_combo = QComboBox()
        self.month_combo.setObjectName("monthCombo")
        self.month_combo.setAccessibleName(_("Month"))
        self.month_combo.setMinimumContentsLength(14)
        self.next_button = QToolButton()
        self.next_button.setObjectName("nextMonthButton")
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setToolTip(_("Next month"))
        self.next_button.setAccessibleName(_("Next month"))

        self.print_button = QPushButton(_("Print"))
        self.print_button.setObjectName("printButton")
        self.print_button.setToolTip(_("Straight to the printer") if kiosk
                                     else _("The list shown, as a PDF, saved and opened"))
        self.export_button = QPushButton(_("Export"))
        self.export_button.setObjectName("exportButton")
        menu = QMenu(self.export_button)
        self.csv_action = QAction(_("CSV (spreadsheet)"), menu)
        self.xlsx_action = QAction(_("Excel workbook (XLSX)"), menu)
        menu.addAction(self.csv_action)
        menu.addAction(self.xlsx_action)
        self.export_button.setMenu(menu)
        self.mail_button = QPushButton(_("Send by e-mail"))
        self.mail_button.setObjectName("mailButton")
        self.mail_button.setToolTip(_("The month's history, to your family's e-mail address"))
        self.export_button.setVisible(not kiosk)
        self.mail_button.setVisible(kiosk)

        self.consumptions_table = history_table("consumptionsTable", _("Consumptions"), 2)
        self.payments_table = history_table("paymentsTable", _("Payments"), 2)
        self.consumption_total = QLabel()
        self.consumption_total.setObjectName("totalLabel")
        self.payment_total = QLabel()
        self.payment_total.setObjectName("totalLabel")
        self.receipt_button = QPushButton(_("Receipt"))
        self.receipt_button.setObjectName("receiptButton")
        self.receipt_button.setToolTip(_("The receipt of the selected payment"))
        self.cancel_button = QPushButton(_("Cancel this payment…"))
        self.cancel_button.setObjectName("cancelPaymentButton")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("historyTabs")
        self.tabs.addTab(_page(self.consumptions_table, self.consumption_total), _("Consumptions"))
        self.tabs.addTab(_page(self.payments_table, self.payment_total, self.receipt_button,
                               self.cancel_button), _("Payments"))

        self.documents_box = QFrame()
        self.documents_box.setObjectName("moneyCard")
        self.year_combo = QComboBox()
        self.year_combo.setObjectName("yearCombo")
        self.year_combo.setAccessibleName(_("Year"))
        self.statement_button = QPushButton(_("Annual statement"))
        self.statement_button.setObjectName("statementButton")
        self.attestation_button = QPushButton(_("Childcare costs attestation"))
        self.attestation_button.setObjectName("attestationButton")
        self.attestation_button.setToolTip(_("For the tax credit: children under 6 on 1 January, "
                                             "meals excluded"))
        year_caption = QLabel(_("Documents of the year"))
        year_caption.setObjectName("sectionTitle")
        year_caption.setBuddy(self.year_combo)
        documents = QHBoxLayout(self.documents_box)
        documents.setContentsMargins(12, 8, 12, 8)
        documents.addWidget(year_caption)
        documents.addWidget(self.year_combo)
        documents.addWidget(self.statement_button)
        documents.addWidget(self.attestation_button)
        documents.addStretch(1)

        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.notice_label = QLabel()
        self.notice_label.setObjectName("moneyNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice_label.hide()

        bar = QHBoxLayout()
        bar.addWidget(self.prev_button)
        bar.addWidget(self.month_combo)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.export_button)
        bar.addWidget(self.mail_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(self.error_label)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.documents_box)

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_notice(self, message: str, tone: str = "") -> None:
        self.notice_label.setText(message)
        self.notice_label.setProperty("tone", tone)
        self.notice_label.style().unpolish(self.notice_label)
        self.notice_label.style().polish(self.notice_label)
        self.notice_label.setVisible(bool(message))
