"""'Réservations non importées': the days a copy could not take, with why."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt

from famdesk.i18n import N_, _
from famdesk.services.copying import NotCopied
from famdesk.services.formatting import weekday_date
from famdesk.ui.calendar.texts import times_text
from famdesk.ui.models.roles import NotCopiedRole

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = (N_("Date"), N_("Times"), N_("Why"))


class NotCopiedTableModel(QAbstractTableModel):
    def __init__(self, rows: Iterable[NotCopied] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[NotCopied, ...] = tuple(rows)

    def set_rows(self, rows: Iterable[NotCopied]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[NotCopied, ...]:
        return self._rows

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(COLUMNS):
            return None
        line = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.AccessibleTextRole):
            return (weekday_date(line.day), times_text(line.arrival, line.departure),
                    line.text)[index.column()]
        if role == NotCopiedRole.LINE:
            return line
        if role == NotCopiedRole.REASON:
            return line.reason
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section])
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        for role in NotCopiedRole:
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names
