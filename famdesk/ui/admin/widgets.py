"""What the back-office sections share: their look, their tables, a number-or-unlimited
field, the question boxes and the reason dialog (opened with `open()`, never `exec()`), and
`AdminSection`, the base of a section that loads for one structure.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QAbstractItemModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.ui import theme
from famdesk.ui.errors import present_error
from famdesk.ui.forms import Feedback, button_row
from famdesk.ui.runner import Job, Runner


def admin_stylesheet(palette: theme.ThemePalette | None = None) -> str:
    c = (palette or theme.current()).colours
    return f"""
QWidget#adminPanel, QWidget#adminContent {{ background: {c["window"]}; }}
QFrame#formCard, QFrame#adminCard {{
    background: {c["surface"]}; border: 1px solid {c["separator"]}; border-radius: 4px;
}}
QFrame#formCard QLabel, QFrame#adminCard QLabel {{ border: none; }}
QLabel#sectionTitle {{ font-weight: 600; color: {c["text"]}; }}
QTableView[role="adminTable"] {{
    background: {c["surface"]}; border: 1px solid {c["separator"]};
    gridline-color: {c["separator"]};
}}
QTableView[role="adminTable"]::item {{ padding: 2px 6px; }}
QTableView[role="adminTable"] QHeaderView::section {{ padding: 4px 6px; }}
QLabel#adminNotice {{
    background: {c["surface"]}; color: {c["text"]}; border: 1px solid {c["accent"]};
    border-radius: 3px; padding: 5px 8px;
}}
QLabel#previewSummary {{
    background: {c["surface"]}; color: {c["text"]}; border: 1px solid {c["warning_text"]};
    border-radius: 3px; padding: 6px 10px; font-weight: 600;
}}
QLabel#testerResult {{ color: {c["text"]}; }}
QPushButton#saveButton:enabled, QPushButton#applyButton:enabled,
QPushButton#confirmButton:enabled {{
    background: {c["accent"]}; color: {c["accent_text"]}; border: none; border-radius: 3px;
    padding: 6px 18px; font-weight: 600;
}}
QListWidget#adminSections {{
    background: {c["surface"]}; border: 1px solid {c["separator"]}; font-size: 11pt;
}}
QListWidget#adminSections::item {{ padding: 8px 10px; }}
QListWidget#adminSections::item:selected {{
    background: {c["accent"]}; color: {c["accent_text"]};
}}
"""


def admin_table(name: str, model: QAbstractItemModel, accessible: str, *,
                contiguous: bool = False) -> QTableView:
    """A read-only table of rows, chosen whole (one, or a contiguous run of them)."""
    table = QTableView()
    table.setObjectName(name)
    table.setProperty("role", "adminTable")
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection if contiguous
                           else QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 12)
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


def selected_rows(table: QTableView) -> list[int]:
    return sorted(index.row() for index in table.selectionModel().selectedRows())


def label_on_top(label: QLabel) -> QLabel:
    """A form's label level with the top of a tall field (a text, a table)."""
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setContentsMargins(0, 4, 0, 0)
    return label


def fixed_width(*widgets: QWidget) -> None:
    """Fields at their own width (a date, a number), not stretched across the form."""
    for widget in widgets:
        widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)


def card(name: str = "adminCard") -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName(name)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 12, 16, 12)
    layout.setSpacing(8)
    return frame, layout


def title_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def hbox(*items: QWidget | int, stretch: bool = True) -> QHBoxLayout:
    """Widgets in a row (an int is a spacing), then the room left."""
    row = QHBoxLayout()
    row.setSpacing(8)
    for item in items:
        if isinstance(item, int):
            row.addSpacing(item)
        else:
            row.addWidget(item)
    if stretch:
        row.addStretch(1)
    return row


def inline(*items: QWidget | int) -> QWidget:
    """Widgets side by side as one form field."""
    box = QWidget()
    row = hbox(*items)
    row.setContentsMargins(0, 0, 0, 0)
    box.setLayout(row)
    return box


class LimitEdit(QWidget):
    """A count, or no limit: a spin box and a "no limit" box. `zero_text` names 0."""

    changed = Signal()

    def __init__(self, name: str, unlimited_text: str, zero_text: str | None = None,
                 maximum: int = 9999) -> None:
        super().__init__()
        self.setObjectName(name)
        self.spin = QSpinBox()
        self.spin.setObjectName(f"{name}Spin")
        self.spin.setRange(0, maximum)
        self.spin.setMinimumWidth(90)
        if zero_text:
            self.spin.setSpecialValueText(zero_text)
        self.unlimited = QCheckBox(unlimited_text)
        self.unlimited.setObjectName(f"{name}Unlimited")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.spin)
        layout.addWidget(self.unlimited)
        layout.addStretch(1)
        self.unlimited.toggled.connect(self._on_unlimited_toggled)
        self.spin.valueChanged.connect(lambda _value: self.changed.emit())

    def setAccessibleName(self, name: str) -> None:  # noqa: N802 (Qt's name)
        super().setAccessibleName(name)
        self.spin.setAccessibleName(name)

    def value(self) -> int | None:
        return None if self.unlimited.isChecked() else self.spin.value()

    def set_value(self, value: int | None) -> None:
        self.unlimited.setChecked(value is None)
        if value is not None:
            self.spin.setValue(value)

    def _on_unlimited_toggled(self, checked: bool) -> None:
        self.spin.setEnabled(not checked)
        self.changed.emit()


def ask(parent: QWidget, title: str, text: str, yes_text: str, on_yes: Callable[[], object],
        *, informative: str = "", name: str = "confirmBox") -> QMessageBox:
    """A non-modal question: `on_yes()` runs when `yes_text` is clicked."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName(name)
    if informative:
        box.setInformativeText(informative)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    yes.setObjectName("yesButton")
    no = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    no.setObjectName("noButton")
    box.setDefaultButton(no)
    box.finished.connect(lambda _result: on_yes() if box.clickedButton() is yes else None)
    box.open()
    return box


class ReasonDialog(QDialog):
    """Asks a reason (told to the family): emits `reason_given(text)` on "OK"."""

    reason_given = Signal(str)

    def __init__(self, parent: QWidget, title: str, text: str, ok_text: str) -> None:
        super().__init__(parent)
        self.setObjectName("reasonDialog")
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(460)
        message = QLabel(text)
        message.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reasonEdit")
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setAccessibleName(_("Reason"))
        caption = QLabel(_("Reason (told to the family):"))
        caption.setBuddy(self.reason_edit)
        self.ok_button = QPushButton(ok_text)
        self.ok_button.setObjectName("confirmButton")
        self.ok_button.setDefault(True)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(message)
        layout.addWidget(caption)
        layout.addWidget(self.reason_edit)
        layout.addLayout(button_row(None, self.ok_button, self.cancel_button))
        self.ok_button.clicked.connect(self._on_ok_button_clicked)
        self.cancel_button.clicked.connect(self.reject)

    def _on_ok_button_clicked(self) -> None:
        self.accept()
        self.reason_given.emit(self.reason_edit.text())


class AdminSection(QWidget):
    """A section of the back office for one structure: loads when shown if stale (like the
    family tabs), shows a notice or an error at its top, ignores late answers once cleared.

    Subclasses build their widgets, put `self.messages` at the top and implement `load()`
    and `forget()`."""

    changed = Signal(str)
    """Something was saved here: what (the panel tells the other sections)."""

    def __init__(self, gateway: Any, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self._runner = runner
        self.structure_id: int | None = None
        self._stale = False
        self._request = 0
        self._jobs: list[Job] = []
        self.feedback = Feedback()
        self.notice_label = QLabel()
        self.notice_label.setObjectName("adminNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()
        self.messages = QVBoxLayout()
        self.messages.setContentsMargins(0, 0, 0, 0)
        self.messages.addWidget(self.notice_label)
        self.messages.addWidget(self.feedback.error_label)

    # -- the protocol -----------------------------------------------------------------

    def set_structure(self, structure_id: int | None) -> None:
        self.clear()
        self.structure_id = structure_id
        self._stale = structure_id is not None

    def mark_stale(self) -> None:
        self._stale = self.structure_id is not None

    def ensure_loaded(self) -> None:
        if self._stale:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        if self.structure_id is not None:
            self.load()

    def clear(self) -> None:
        self._request += 1
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        self.structure_id = None
        self._stale = False
        self.show_notice("")
        self.feedback.clear()
        self.forget()

    def load(self) -> None:
        raise NotImplementedError

    def forget(self) -> None:
        """Drop what is shown (a new structure, a logout)."""

    # -- calls ------------------------------------------------------------------------

    def submit(self, coro: Coroutine[Any, Any, Any], on_success: Callable[[Any], object],
               on_error: Callable[[BaseException], object] | None = None) -> None:
        """Run a gateway call; its answer is dropped once the section is cleared."""
        request = self._request
        job = self._runner.submit(
            coro,
            lambda value: on_success(value) if request == self._request else None,
            lambda exc: (on_error or self.on_failed)(exc) if request == self._request else None,
        )
        self._jobs = [j for j in self._jobs if not j.done()]
        self._jobs.append(job)

    def on_failed(self, exc: BaseException) -> None:
        present_error(self, exc, retry=self.reload)

    # -- messages (present_error) -----------------------------------------------------

    def show_notice(self, message: str) -> None:
        self.feedback.clear()
        self.notice_label.setText(message)
        self.notice_label.setVisible(bool(message))

    def show_error(self, message: str) -> None:
        self.notice_label.hide()
        self.feedback.show_error(message)
