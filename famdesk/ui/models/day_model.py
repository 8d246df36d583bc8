"""One day's activities for the child (day mode): one row per `ActivityCell`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt

from famdesk.services.month import ActivityCell
from famdesk.ui.calendar.texts import activity_facts
from famdesk.ui.models.roles import DayActivityRole

_Index = QModelIndex | QPersistentModelIndex


class DayActivitiesModel(QAbstractListModel):
    def __init__(self, rows: Iterable[ActivityCell] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[ActivityCell, ...] = tuple(rows)

    def set_rows(self, rows: Iterable[ActivityCell]) -> None:
        """Another day (or the same activities with other states): a reset when the activities
        differ, `dataChanged` on the rows that changed otherwise."""
        rows = tuple(rows)
        if [r.activity_id for r in rows] != [r.activity_id for r in self._rows]:
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
            return
        previous, self._rows = self._rows, rows
        for row, (old, new) in enumerate(zip(previous, rows, strict=True)):
            if old != new:
                index = self.index(row)
                self.dataChanged.emit(index, index)

    def rows(self) -> tuple[ActivityCell, ...]:
        return self._rows

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        cell = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.label
        if role == DayActivityRole.ACTIVITY:
            return cell
        if role == DayActivityRole.STATE:
            return cell.state
        if role == DayActivityRole.DETAILS:
            return ", ".join(activity_facts(cell))
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return ", ".join([cell.label, *activity_facts(cell)])
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        for role in DayActivityRole:
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names
