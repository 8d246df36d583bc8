"""'Soldes et paiements': one row per wallet and a total row, the last column the amount the
family will pay ("Montant de votre règlement"), editable on the wallet rows.

The amounts start at what is due (`BalanceRow.amount_due`) and take what the family types
(`setData` with a French number: "12,50", "12.50 €"); the total row adds them. The model
reads the text as a number only: whether an amount may be paid (more than zero, cents, a
limit) is the service's to say when the payment starts.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from famdesk.i18n import N_, _
from famdesk.services.balances import BalanceRow, BalanceView
from famdesk.services.formatting import money
from famdesk.ui import theme
from famdesk.ui.models.column_model import Column, ColumnTableModel

_Index = QModelIndex | QPersistentModelIndex
_USER = int(Qt.ItemDataRole.UserRole)
ZERO = Decimal("0.00")
_SPACES = re.compile(r"[\s\u202f\xa0]")
AMOUNT_PATTERN = r"^\s*-?\s*[0-9][0-9 \x{202F}\x{A0}]{0,11}([,.][0-9]{0,4})?\s*€?\s*$|^\s*$"
"""What the amount editor lets one type: a number, French or not, a euro sign at most."""


class BalanceRole(IntEnum):
    """Roles of `BalanceTableModel` (DisplayRole is the cell's text)."""

    ROW = _USER + 1
    """The row's `BalanceRow` DTO."""
    IS_TOTAL = _USER + 2
    AMOUNT = _USER + 3
    """The money the cell shows (`Decimal`): the column's figure, or the amount to pay."""


def parse_amount(text: str | Decimal) -> Decimal | None:
    """'12,50 €' -> Decimal('12.50'); '' -> 0; None when the text is not a number."""
    if isinstance(text, Decimal):
        return text
    cleaned = _SPACES.sub("", str(text)).removesuffix("€").replace(",", ".")
    if not cleaned:
        return ZERO
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def pydate(day: QDate) -> date:
    """A `QDate` as a `datetime.date`."""
    return date(day.year(), day.month(), day.day())


def shown_amount(amount: Decimal) -> str:
    """'12,50 €'; an amount typed with more decimals keeps them ('10,005 €'): what the
    family typed is what it sees, and the service says what is wrong with it."""
    return amount_text(amount) + "\xa0€" if _more_than_cents(amount) else money(amount)


def _more_than_cents(amount: Decimal) -> bool:
    return amount.as_tuple().exponent < -2  # type: ignore[operator]


def amount_text(amount: Decimal) -> str:
    """What the editor starts with: '12,50' (no euro sign, no thousands space)."""
    return (format(amount, "f") if _more_than_cents(amount) else f"{amount:.2f}").replace(".", ",")


COLUMNS = (
    Column(N_("Wallet"), lambda row: row.label),
    Column(N_("Balance"), lambda row: money(row.balance)),
    Column(N_("Estimated cost"), lambda row: money(row.estimated_cost)),
    Column(N_("Estimated balance"), lambda row: money(row.estimated_balance)),
    Column(N_("Amount of your payment"), lambda row: money(row.amount_due)),
)
WALLET_COLUMN, BALANCE_COLUMN, COST_COLUMN, ESTIMATED_COLUMN, AMOUNT_COLUMN = range(5)
_FIGURES = {BALANCE_COLUMN: "balance", COST_COLUMN: "estimated_cost",
            ESTIMATED_COLUMN: "estimated_balance"}


class BalanceTableModel(ColumnTableModel):
    COLUMNS = COLUMNS
    ROLES = BalanceRole

    amounts_changed = Signal()
    """The amount of a wallet was typed (the total to pay changed)."""

    def __init__(self, rows: Any = (), parent: Any = None) -> None:
        super().__init__(rows, parent)
        self._amounts: dict[int, Decimal] = {}

    def set_view(self, view: BalanceView) -> None:
        """The family's balances; each amount to pay back at what is due."""
        self._amounts = {row.wallet_id: row.amount_due for row in view.rows
                         if row.wallet_id is not None}
        self.set_rows((*view.rows, view.total))
        self.amounts_changed.emit()

    def set_rows(self, rows: Any) -> None:
        rows = tuple(rows)
        self._amounts = {row.wallet_id: self._amounts.get(row.wallet_id, row.amount_due)
                         for row in rows if row.wallet_id is not None}
        super().set_rows(rows)

    # -- the amounts ------------------------------------------------------------------

    def allocations(self) -> dict[int, Decimal]:
        """Wallet id -> the amount typed (zero included), in the rows' order."""
        return {row.wallet_id: self._amounts[row.wallet_id] for row in self._rows
                if row.wallet_id is not None}

    def total_amount(self) -> Decimal:
        return sum(self._amounts.values(), ZERO)

    def amount(self, row: BalanceRow) -> Decimal:
        if row.wallet_id is None:
            return self.total_amount()
        return self._amounts.get(row.wallet_id, row.amount_due)

    # -- Qt -----------------------------------------------------------------------------

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.COLUMNS):
            return None
        row = self._rows[index.row()]
        if index.column() == AMOUNT_COLUMN:
            shown = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole,
                     Qt.ItemDataRole.ToolTipRole)
            if role in shown:
                return shown_amount(self.amount(row))
            if role == Qt.ItemDataRole.EditRole:
                return amount_text(self.amount(row)) if row.wallet_id is not None else None
        return super().data(index, role)

    def role_data(self, row: Any, column: Column, role: int) -> Any:
        position = self.COLUMNS.index(column)
        if role == BalanceRole.ROW:
            return row
        if role == BalanceRole.IS_TOTAL:
            return row.wallet_id is None
        if role == BalanceRole.AMOUNT:
            if position == AMOUNT_COLUMN:
                return self.amount(row)
            return getattr(row, _FIGURES[position]) if position in _FIGURES else None
        if role == Qt.ItemDataRole.TextAlignmentRole and position != WALLET_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.wallet_id is None:
            font = QFont()
            font.setBold(True)
            return font
        if (role == Qt.ItemDataRole.ForegroundRole and position in (BALANCE_COLUMN,
                                                                     ESTIMATED_COLUMN)
                and getattr(row, _FIGURES[position]) < 0):
            return theme.colour("error_text")  # a debt
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if (index.isValid() and index.column() == AMOUNT_COLUMN
                and 0 <= index.row() < len(self._rows)
                and self._rows[index.row()].wallet_id is not None):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index)
                                                    & Qt.ItemFlag.ItemIsEditable):
            return False
        amount = parse_amount(value)
        if amount is None:
            return False
        row = self._rows[index.row()]
        self._amounts[row.wallet_id] = amount
        self.dataChanged.emit(index, index)
        total = self.index(len(self._rows) - 1, AMOUNT_COLUMN)
        self.dataChanged.emit(total, total)
        self.amounts_changed.emit()
        return True

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal
                and 0 < section < len(self.COLUMNS)):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().headerData(section, orientation, role)


def total_due_text(amount: Decimal) -> str:
    return _("To pay: {amount}").format(amount=shown_amount(amount))
