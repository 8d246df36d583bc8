"""The editor of "Montant de votre règlement": a field that takes a number written the French
way ("12,50", "12,50 €"), right-aligned. It refuses letters as they are typed; whether the
amount may be paid is the service's to say (its French message shows under the table)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    Qt,
)
from PySide6.QtGui import QPainter, QPen, QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from famdesk.i18n import _
from famdesk.ui import theme
from famdesk.ui.models.balance_model import AMOUNT_PATTERN, WALLET_COLUMN

_Index = QModelIndex | QPersistentModelIndex


def amount_validator(parent: Any = None) -> QRegularExpressionValidator:
    return QRegularExpressionValidator(QRegularExpression(AMOUNT_PATTERN), parent)


class AmountDelegate(QStyledItemDelegate):
    """Edits the amount column of `BalanceTableModel` (the model parses and keeps it); an
    editable cell is drawn framed, like a field."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        super().paint(painter, option, index)
        if not index.flags() & Qt.ItemFlag.ItemIsEditable:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(theme.colour("muted_text"), 1))
        painter.drawRoundedRect(option.rect.adjusted(4, 3, -4, -3), 3, 3)  # type: ignore[attr-defined]
        painter.restore()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: _Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("amountEditor")
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setValidator(amount_validator(editor))
        editor.setMaxLength(20)
        wallet = index.model().index(index.row(), WALLET_COLUMN).data()
        editor.setAccessibleName(_("Amount of your payment – {wallet}").format(wallet=wallet))
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
