"""'Historiques': a month's consumptions (`ConsumptionTableModel`) and payments
(`PaymentTableModel`), one `ConsumptionLine` / `PaymentLine` per row, amounts right-aligned."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt

from famdesk.i18n import N_
from famdesk.models.enums import LedgerKind, PaymentStatus
from famdesk.services.formatting import long_day, money, numeric_date, weekday_date
from famdesk.services.histories import ConsumptionLine, PaymentLine
from famdesk.services.payments import status_text
from famdesk.ui import theme
from famdesk.ui.models.column_model import Column, ColumnTableModel

_USER = int(Qt.ItemDataRole.UserRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class HistoryRole(IntEnum):
    """Roles of the history models (DisplayRole is the cell's text)."""

    LINE = _USER + 1
    """The row's `ConsumptionLine` or `PaymentLine` DTO."""
    AMOUNT = _USER + 2
    """The row's money (`Decimal`): a consumption's cost, a payment's credit."""
    CANCELLABLE = _USER + 3
    """A desk payment staff may still cancel."""


def payment_status(line: PaymentLine) -> str:
    """A payment's status now ("Annulé" on one cancelled since); "" on other lines."""
    if line.kind is LedgerKind.PAYMENT and line.status is not None:
        return status_text(line.status)
    return ""


def payment_text(line: PaymentLine) -> str:
    return f"{line.description} : {line.reason}" if line.reason else line.description


CONSUMPTION_COLUMNS = (
    Column(N_("Date"), lambda line: weekday_date(line.day), lambda line: long_day(line.day)),
    Column(N_("Child"), lambda line: line.child_name),
    Column(N_("Activity"), lambda line: line.activity_label),
    Column(N_("Times"), lambda line: line.times_text),
    Column(N_("Wallet"), lambda line: line.wallet_label),
    Column(N_("Entry"), lambda line: line.kind_text),
    Column(N_("Amount"), lambda line: money(line.cost)),
)
PAYMENT_COLUMNS = (
    Column(N_("Date"), lambda line: numeric_date(line.day), lambda line: long_day(line.day)),
    Column(N_("Receipt"), lambda line: line.receipt),
    Column(N_("Payment"), payment_text),
    Column(N_("Wallet"), lambda line: line.wallets_text),
    Column(N_("Status"), payment_status),
    Column(N_("Amount"), lambda line: money(line.credit)),
)
PAYMENT_TEXT_COLUMN = 2


class _HistoryModel(ColumnTableModel):
    ROLES = HistoryRole

    def _amount(self, line: Any) -> Any:
        raise NotImplementedError

    def role_data(self, line: Any, column: Column, role: int) -> Any:
        last = column is self.COLUMNS[-1]
        if role == HistoryRole.LINE:
            return line
        if role == HistoryRole.AMOUNT:
            return self._amount(line)
        if role == HistoryRole.CANCELLABLE:
            return bool(getattr(line, "cancellable", False))
        if role == Qt.ItemDataRole.TextAlignmentRole and last:
            return _RIGHT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal
                and section == len(self.COLUMNS) - 1):
            return _RIGHT
        return super().headerData(section, orientation, role)


class ConsumptionTableModel(_HistoryModel):
    COLUMNS = CONSUMPTION_COLUMNS

    def _amount(self, line: ConsumptionLine) -> Any:
        return line.cost


class PaymentTableModel(_HistoryModel):
    COLUMNS = PAYMENT_COLUMNS

    def _amount(self, line: PaymentLine) -> Any:
        return line.credit

    def role_data(self, line: Any, column: Column, role: int) -> Any:
        # a cancellation, and a payment cancelled since, stand out
        if role == Qt.ItemDataRole.ForegroundRole and (
                line.credit < 0 or line.status is PaymentStatus.CANCELLED):
            return theme.colour("error_text")
        return super().role_data(line, column, role)
