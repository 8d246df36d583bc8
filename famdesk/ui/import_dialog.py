"""Managers: import families, children and registrations from a spreadsheet's CSV file.

`FamilyImportDialog` (non-modal): choose the file and the structure, "Vérifier" runs the
dry run and shows every rejected line (its number in the file and why) and what the file
would create; "Importer" is offered only when no line is rejected, and imports exactly the
bytes that were checked — all or nothing (the service checks them again under its write
lock; if the database changed meanwhile, the lines it now rejects show in the same table).
The file dialog is opened from a slot, never inside a coroutine; tests pass `choose_file`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from famdesk.errors import FamdeskError
from famdesk.i18n import _
from famdesk.services.auth import StructureChoice
from famdesk.services.family_import import FamilyImportReport, ImportRejectedError
from famdesk.services.family_import_parse import OPTIONAL, REQUIRED, read_import_file
from famdesk.ui.errors import present_error
from famdesk.ui.forms import CallGuard, Feedback, hint_label
from famdesk.ui.gateway_admin_import import AdminImportGateway
from famdesk.ui.models.import_model import RejectedRowTableModel
from famdesk.ui.pdf_output import documents_folder
from famdesk.ui.runner import Runner

log = logging.getLogger(__name__)

FileChooser = Callable[[QWidget, str], str | None]
"""(parent, dialog title) -> the path of the file chosen, or None."""


def choose_csv_file(parent: QWidget, title: str) -> str | None:
    path, _selected = QFileDialog.getOpenFileName(
        parent, title, str(documents_folder()),
        _("CSV files (*.csv *.txt);;All files (*)"),
    )
    return path or None


class FamilyImportDialog(QDialog):
    """Check then import a families file; emits `families_imported(report)` once imported."""

    families_imported = Signal(object)

    def __init__(
        self,
        gateway: AdminImportGateway,
        runner: Runner,
        structures: Iterable[StructureChoice],
        parent: QWidget | None = None,
        *,
        choose_file: FileChooser = choose_csv_file,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("familyImportDialog")
        self.setWindowTitle(_("Import families"))
        self.setModal(False)
        self.resize(860, 560)
        self._gateway = gateway
        self._choose_file = choose_file
        self._data: bytes | None = None
        """The bytes checked last, which "Import" sends."""
        self.report: FamilyImportReport | None = None
        self.calls = CallGuard(runner, self._on_call_failed, self._on_busy)
        self.feedback = Feedback(_("Import error"))

        title = QLabel(_("Import families from a spreadsheet"))
        title.setObjectName("panelTitle")
        intro = hint_label(_(
            "A CSV file (UTF-8 or Latin-1, comma or semicolon separated), one line per child. "
            "Required columns: {required}. Optional: {optional}. Nothing is imported while a "
            "line is rejected."
        ).format(required=", ".join(REQUIRED), optional=", ".join(OPTIONAL)))
        self.structure_combo = QComboBox()
        self.structure_combo.setObjectName("structureCombo")
        for choice in structures:
            self.structure_combo.addItem(choice.name, choice.id)
        self.file_edit = QLineEdit()
        self.file_edit.setObjectName("fileEdit")
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(_("No file chosen"))
        self.choose_button = QPushButton(_("Choose…"))
        self.choose_button.setObjectName("chooseFileButton")
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)
        form = QFormLayout()
        form.addRow(_("Structure:"), self.structure_combo)
        form.addRow(_("File:"), file_row)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("importSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.hide()
        self.model = RejectedRowTableModel(parent=self)
        self.table = QTableView()
        self.table.setObjectName("rejectedTable")
        self.table.setAccessibleName(_("Rejected lines"))
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.hide()

        self.check_button = QPushButton(_("Check"))
        self.check_button.setObjectName("checkButton")
        self.check_button.setDefault(True)
        self.import_button = QPushButton(_("Import"))
        self.import_button.setObjectName("importButton")
        self.close_button = QPushButton(_("Close"))
        self.close_button.setObjectName("closeButton")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.check_button, self.import_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.feedback.error_label)
        layout.addWidget(self.feedback.success_label)
        layout.addStretch(0)
        layout.addLayout(buttons)

        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.close)
        self.structure_combo.currentIndexChanged.connect(self._on_structure_combo_changed)
        self._update_buttons()

    # -- present_error ------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.feedback.show_error(message)

    # -- the steps ----------------------------------------------------------------

    def set_file(self, path: str) -> None:
        """The file to check next (what was checked before no longer counts)."""
        self.file_edit.setText(path)
        self.file_edit.setCursorPosition(0)
        self._forget_report()

    def check(self) -> None:
        """Read the chosen file and run the dry run on it."""
        path = self.file_edit.text()
        if not path:
            self.show_error(_("Choose the file to import first."))
            return
        self._forget_report()
        try:
            data = read_import_file(path)
        except FamdeskError as exc:
            present_error(self, exc)
            return
        structure_id = self.structure_combo.currentData()
        log.info("families file checked from the screen for structure %s", structure_id)
        self.calls.run(self._gateway.check_family_import(structure_id, data),
                       lambda report: self._on_checked(data, report))

    def start_import(self) -> None:
        """Import the bytes checked last (offered only when no line was rejected)."""
        if self._data is None or self.report is None or not self.report.ok:
            return
        structure_id = self.structure_combo.currentData()
        source = Path(self.file_edit.text()).name
        self.calls.run(self._gateway.import_families(structure_id, self._data, source),
                       self._on_imported)

    # -- answers ------------------------------------------------------------------

    def _on_checked(self, data: bytes, report: FamilyImportReport) -> None:
        self._data = data
        self._show_report(report)
        if report.ok:
            self.import_button.setFocus()

    def _on_imported(self, report: FamilyImportReport) -> None:
        self._show_report(report)
        self._data = None  # imported: the same bytes are not offered twice
        self.feedback.show_success(_("The families are imported."))
        self._update_buttons()
        self.close_button.setFocus()
        self.families_imported.emit(report)

    def _on_call_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ImportRejectedError):  # the database changed since the check
            self._show_report(exc.report)
        present_error(self, exc)

    def _show_report(self, report: FamilyImportReport) -> None:
        self.report = report
        self.model.set_rows(report.rejected)
        self.table.setVisible(bool(report.rejected))
        self.table.resizeRowsToContents()
        self.summary_label.setText("\n".join(report.summary_lines()))
        self.summary_label.show()
        self.feedback.clear()
        self._update_buttons()

    def _forget_report(self) -> None:
        self._data = None
        self.report = None
        self.model.set_rows(())
        self.table.hide()
        self.summary_label.clear()
        self.summary_label.hide()
        self.feedback.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self.calls.busy
        ready = (self._data is not None and self.report is not None and self.report.ok
                 and self.report.children > 0)
        self.import_button.setEnabled(ready and not busy)
        self.check_button.setEnabled(bool(self.file_edit.text()) and not busy)
        self.choose_button.setEnabled(not busy)
        self.structure_combo.setEnabled(not busy)

    def _on_busy(self, _busy: bool) -> None:
        self._update_buttons()

    # -- slots --------------------------------------------------------------------

    def _on_choose_button_clicked(self) -> None:
        path = self._choose_file(self, _("Choose the families file"))
        if path:
            self.set_file(path)

    def _on_structure_combo_changed(self, _index: int) -> None:
        self._forget_report()
