"""The structure's news on the home page, one row per `NewsItem`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt

from famdesk.services.home import NewsItem
from famdesk.ui.formats import published_text
from famdesk.ui.models.roles import NewsRole

_Index = QModelIndex | QPersistentModelIndex


class NewsListModel(QAbstractListModel):
    def __init__(self, rows: Iterable[NewsItem] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[NewsItem, ...] = tuple(rows)

    def set_rows(self, rows: Iterable[NewsItem]) -> None:
        """Replace every row (a clean reset: views drop their selection and scroll state)."""
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[NewsItem, ...]:
        return self._rows

    # -- Qt -----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        item = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, NewsRole.TITLE):
            return item.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return published_text(item.published_from)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{item.title}, {published_text(item.published_from)}. {item.body}"
        if role == NewsRole.ITEM:
            return item
        if role == NewsRole.BODY:
            return item.body
        if role == NewsRole.PUBLISHED_FROM:
            return item.published_from
        if role == NewsRole.PUBLISHED_TEXT:
            return published_text(item.published_from)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemNeverHasChildren

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        for role in NewsRole:
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names
