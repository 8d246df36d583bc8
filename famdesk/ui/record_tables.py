"""Small read-only tables of the family file (quotients, children, registrations): a row
per item, its key in the first cell's UserRole."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem


def readonly_table(
    name: str, headers: Iterable[str], accessible: str, stretch: int | None = None
) -> QTableWidget:
    """A small list to read and pick a row from (a family file's quotients, children...);
    column `stretch` (else the last) takes the room left."""
    headers = list(headers)
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    return table


def fill_table(table: QTableWidget, rows: Iterable[tuple[object, Iterable[str]]]) -> None:
    """(key, texts) per row; the key is the row's UserRole data (`selected_key`)."""
    rows = list(rows)
    table.clearContents()
    table.setRowCount(len(rows))
    for row, (key, texts) in enumerate(rows):
        for column, text in enumerate(texts):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(text)
            table.setItem(row, column, item)


def selected_key(table: QTableWidget) -> Any:
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    item = table.item(rows[0].row(), 0)
    return None if item is None else item.data(Qt.ItemDataRole.UserRole)
