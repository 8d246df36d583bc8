"""The activity editor's composite fields: its colour, its tariff (per day or per slot, with
its quotient familial brackets) and its allowed arrival and departure times per weekday.

Each turns what was typed into the values of `ActivityForm`; text that is not a time or an
amount is refused here with a French `ValidationError` on the form's field ("brackets",
"time_options"). Whether the values hold together is the service's to say.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import time
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QRegularExpression,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from famdesk.errors import ValidationError
from famdesk.i18n import _
from famdesk.services.enrollments import weekday_names
from famdesk.ui.amount_delegate import amount_validator
from famdesk.ui.forms import hint_label
from famdesk.ui.models.opening_model import BracketTableModel

_Index = QModelIndex | QPersistentModelIndex
_TIME = re.compile(r"^([01]?[0-9]|2[0-3])\s*[:hH]\s*([0-5][0-9])?$")


class ColourEdit(QWidget):
    """ "#RRGGBB" typed, or picked in Qt's colour dialog (opened, never exec'd)."""

    changed = Signal()

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.edit = QLineEdit()
        self.edit.setObjectName(f"{name}Edit")
        self.edit.setMaxLength(7)
        self.edit.setMaximumWidth(100)
        self.swatch = QLabel()
        self.swatch.setObjectName("colourSwatch")
        self.swatch.setFixedSize(28, 22)
        self.pick_button = QPushButton(_("Choose…"))
        self.pick_button.setObjectName("pickColourButton")
        self.dialog: QColorDialog | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.swatch)
        layout.addWidget(self.edit)
        layout.addWidget(self.pick_button)
        layout.addStretch(1)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self.pick_button.clicked.connect(self._on_pick_button_clicked)

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 (Qt's name)
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)

    def colour(self) -> str:
        return self.edit.text().strip()

    def set_colour(self, colour: str) -> None:
        self.edit.setText(colour.upper())

    def _on_edit_text_changed(self, text: str) -> None:
        valid = QColor(text) if re.fullmatch(r"#[0-9A-Fa-f]{6}", text.strip()) else None
        border = "1px solid #555e69"
        fill = valid.name() if valid is not None else "transparent"
        self.swatch.setStyleSheet(f"background: {fill}; border: {border}; border-radius: 3px;")
        self.changed.emit()

    def _on_pick_button_clicked(self) -> None:
        self.dialog = QColorDialog(QColor(self.colour() or "#1f4e8c"), self)
        self.dialog.setObjectName("colourDialog")
        self.dialog.colorSelected.connect(lambda chosen: self.set_colour(chosen.name()))
        self.dialog.open()


# -- the tariff ------------------------------------------------------------------------


class BracketDelegate(QStyledItemDelegate):
    """Edits "QF up to" (digits) and the amount (a French number) of `BracketTableModel`."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: _Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if index.column() == BracketTableModel.AMOUNT_COLUMN:
            editor.setObjectName("bracketAmountEditor")
            editor.setValidator(amount_validator(editor))
            editor.setAccessibleName(_("Amount (€)"))
        else:
            editor.setObjectName("bracketMaxEditor")
            editor.setValidator(QRegularExpressionValidator(QRegularExpression(r"^[0-9]{0,6}$"),
                                                            editor))
            editor.setAccessibleName(_("QF up to"))
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, QLineEdit)
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)


class BracketsEdit(QWidget):
    """The brackets table with "Ajouter une tranche" and "Supprimer la tranche"."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("bracketsEdit")
        self.model = BracketTableModel(parent=self)
        self.table = QTableView()
        self.table.setObjectName("bracketsTable")
        self.table.setProperty("role", "adminTable")
        self.table.setModel(self.model)
        self.table.setItemDelegate(BracketDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(130)
        self.table.setMaximumHeight(230)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(_("Add a bracket"))
        self.add_button.setObjectName("addBracketButton")
        self.remove_button = QPushButton(_("Remove the bracket"))
        self.remove_button.setObjectName("removeBracketButton")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(hint_label(_(
            "One amount per quotient familial bracket, from 0 up: each bracket starts where the "
            "one above ends; the last one has no upper limit. A single bracket: the same price "
            "for everyone.")))
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 (Qt's name)
        super().setAccessibleName(name)
        self.table.setAccessibleName(name)

    def _on_add_button_clicked(self) -> None:
        row = self.model.add_bracket()
        self.table.setCurrentIndex(self.model.index(row - 1, BracketTableModel.QF_MAX_COLUMN))

    def _on_remove_button_clicked(self) -> None:
        current = self.table.currentIndex()
        self.model.remove_bracket(current.row() if current.isValid()
                                  else self.model.rowCount() - 1)


# -- the allowed times -----------------------------------------------------------------


def parse_times(text: str, weekday: int) -> tuple[time, ...]:
    """ "07:00, 7h30" -> (07:00, 07:30); a French refusal on "time_options" otherwise."""
    result = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        found = _TIME.match(part)
        if found is None:
            raise ValidationError(
                _("On {weekday}, “{text}” is not a time: write it like 07:30.").format(
                    weekday=weekday_names([weekday], "wide"), text=part), field="time_options")
        result.append(time(int(found.group(1)), int(found.group(2) or 0)))
    return tuple(sorted(set(result)))


def times_text(times: Sequence[time]) -> str:
    return ", ".join(f"{at:%H:%M}" for at in times)


class TimesEdit(QWidget):
    """Per weekday: open to time entry or not, its allowed arrivals and departures."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("timesEdit")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.addWidget(QLabel(_("Arrivals")), 0, 1)
        grid.addWidget(QLabel(_("Departures")), 0, 2)
        self.checks: list[QCheckBox] = []
        self.arrivals: list[QLineEdit] = []
        self.departures: list[QLineEdit] = []
        for day in range(7):
            check = QCheckBox(weekday_names([day], "wide"))
            check.setObjectName(f"timesDay{day}")
            arrivals, departures = QLineEdit(), QLineEdit()
            arrivals.setObjectName(f"arrivals{day}")
            departures.setObjectName(f"departures{day}")
            for edit, what in ((arrivals, _("Arrivals")), (departures, _("Departures"))):
                edit.setPlaceholderText("07:00, 07:30")
                edit.setAccessibleName(f"{what} – {weekday_names([day], 'wide')}")
                edit.setEnabled(False)
                check.toggled.connect(edit.setEnabled)
            grid.addWidget(check, day + 1, 0)
            grid.addWidget(arrivals, day + 1, 1)
            grid.addWidget(departures, day + 1, 2)
            self.checks.append(check)
            self.arrivals.append(arrivals)
            self.departures.append(departures)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 (Qt's name)
        super().setAccessibleName(name)
        self.checks[0].setAccessibleName(name)

    def set_times(self, options: Mapping[int, Any]) -> None:
        for day in range(7):
            arrivals, departures = options.get(day, ((), ()))
            self.checks[day].setChecked(day in options)
            self.arrivals[day].setText(times_text(arrivals))
            self.departures[day].setText(times_text(departures))

    def time_options(self) -> dict[int, tuple[tuple[time, ...], tuple[time, ...]]]:
        """Weekday -> (arrivals, departures) of the days ticked; empty: no time entry."""
        return {day: (parse_times(self.arrivals[day].text(), day),
                      parse_times(self.departures[day].text(), day))
                for day in range(7) if self.checks[day].isChecked()}
