"""The recap's tables ("Réservations", "Annulations") and the confirm's results: one row per
`RecapLine`. Lines that wait or are refused stand out (bold, coloured, and said in words)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from famdesk.i18n import N_, _
from famdesk.services.booking import MOVEMENT_KIND, MOVEMENT_OUTCOME, RecapLine
from famdesk.services.formatting import money, weekday_date
from famdesk.services.planning import Outcome
from famdesk.services.tracking import kind_text, outcome_text
from famdesk.ui import theme
from famdesk.ui.calendar.texts import times_text
from famdesk.ui.models.roles import RecapRole

_Index = QModelIndex | QPersistentModelIndex
STANDS_OUT = frozenset({Outcome.WAITLISTED, Outcome.REFUSED})
COLUMNS = (
    N_("Date"), N_("Child"), N_("Activity"), N_("Request"), N_("Times"), N_("Outcome"),
    N_("Price"), N_("Remark"),
)
EXPECTED_TITLE = N_("Expected outcome")
OUTCOME_COLUMN, PRICE_COLUMN, REMARK_COLUMN = 5, 6, 7


def line_outcome_text(line: RecapLine) -> str:
    if line.outcome is Outcome.TIMES_CHANGED:
        return _("Times changed")
    return outcome_text(MOVEMENT_OUTCOME[line.outcome])


def price_text(line: RecapLine) -> str:
    if line.outcome is Outcome.REFUSED:
        return "—"
    if line.outcome is Outcome.CANCELLED:
        return money(-line.price)
    if line.outcome is Outcome.WAITLISTED:
        return _("{price} if a place is freed").format(price=money(line.price))
    return money(line.price)


def cell_text(line: RecapLine, column: int) -> str:
    if column == 0:
        return weekday_date(line.day)
    if column == 1:
        return line.child_name
    if column == 2:
        return line.activity_label
    if column == 3:
        return kind_text(MOVEMENT_KIND[line.kind])
    if column == 4:
        return times_text(line.arrival, line.departure)
    if column == OUTCOME_COLUMN:
        return line_outcome_text(line)
    if column == PRICE_COLUMN:
        return price_text(line)
    return line.reason or ""


class RecapTableModel(QAbstractTableModel):
    """`expected`: the recap (what confirming would do now); else the confirm's answer."""

    def __init__(self, rows: Iterable[RecapLine] = (), *, expected: bool = True,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[RecapLine, ...] = tuple(rows)
        self._expected = expected

    def set_rows(self, rows: Iterable[RecapLine]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self.endResetModel()

    def rows(self) -> tuple[RecapLine, ...]:
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
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.AccessibleTextRole):
            return cell_text(line, column)
        if role == RecapRole.LINE:
            return line
        if role == RecapRole.OUTCOME:
            return line.outcome
        if role == RecapRole.STANDS_OUT:
            return line.outcome in STANDS_OUT
        if line.outcome in STANDS_OUT and column in (OUTCOME_COLUMN, REMARK_COLUMN):
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole:
                name = "error_text" if line.outcome is Outcome.REFUSED else "warning_text"
                return theme.colour(name)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == PRICE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == OUTCOME_COLUMN and self._expected:
                return _(EXPECTED_TITLE)
            return _(COLUMNS[section])
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        for role in RecapRole:
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names
