"""A table of frozen DTO rows, one `Column` per field: the base of famdesk's list models.

A subclass sets `COLUMNS` and `ROLES` (its IntEnum of custom roles) and answers those roles
in `role_data()`; the display text, accessible text, tooltip, header, flags, role names and
the clean reset of `set_rows()` are shared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from famdesk.i18n import _

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    title: str
    """The header's msgid (translated when shown)."""
    text: Callable[[Any], str]
    tooltip: Callable[[Any], str | None] | None = None
    """The shown text (which a narrow column may cut) when None."""
    sort_key: Callable[[Any], Any] | None = None
    """Sorts by the shown text when None."""


class ColumnTableModel(QAbstractTableModel):
    COLUMNS: Sequence[Column] = ()
    ROLES: type[IntEnum] | None = None

    def __init__(self, rows: Iterable[Any] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[Any, ...] = tuple(rows)

    def set_rows(self, rows: Iterable[Any]) -> None:
        """Replace every row (a clean reset: views drop their selection and scroll state)."""
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[Any, ...]:
        return self._rows

    def role_data(self, row: Any, column: Column, role: int) -> Any:
        """The value of one of `ROLES` for `row` (None by default)."""
        return None

    # -- Qt -----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.COLUMNS):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = column.tooltip(row) if column.tooltip is not None else column.text(row)
            return tip or None
        return self.role_data(row, column, role)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self.COLUMNS[section].title)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        for role in self.ROLES or ():
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names
