"""The "Paramétrage" tab of a manager's session: a list of sections on the left, the section
chosen on the right.

    | Structure                  |  (the section chosen)
    | Activités                  |
    | Calendrier d'ouverture     |
    | Listes d'attente           |
    | Importer des familles      |
    | Comptes et structures      |

`AdminPanel` follows the family tabs' protocol (`set_structure`, `mark_stale`,
`ensure_loaded`, `clear`): each section loads when shown if stale; a change saved in one
marks the others stale (a new activity shows in the calendar's list).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.services.family_import import FamilyImportReport
from famdesk.services.family_import_parse import OPTIONAL, REQUIRED
from famdesk.ui.admin.accounts_section import AccountsSection
from famdesk.ui.admin.activities_section import ActivitiesSection
from famdesk.ui.admin.openings_section import OpeningsSection
from famdesk.ui.admin.structure_section import StructureSection
from famdesk.ui.admin.waiting_section import WaitingSection
from famdesk.ui.admin.widgets import AdminSection, admin_stylesheet, card, hbox, title_label
from famdesk.ui.forms import hint_label
from famdesk.ui.gateway_admin import AdminGateway
from famdesk.ui.import_dialog import FamilyImportDialog
from famdesk.ui.runner import Runner

log = logging.getLogger(__name__)


class ImportSection(AdminSection):
    """ "Importer des familles": what the file holds, and the button to the import dialog."""

    def __init__(self, gateway: AdminGateway, runner: Runner,
                 parent: QWidget | None = None) -> None:
        super().__init__(gateway, runner, parent)
        self.setObjectName("importSection")
        self.dialog: FamilyImportDialog | None = None
        self.import_button = QPushButton(_("Import families…"))
        self.import_button.setObjectName("openImportButton")
        frame, inner = card()
        inner.addWidget(title_label(_("Import families from a spreadsheet")))
        inner.addWidget(hint_label(_(
            "Families, children and their registrations from a CSV file (one line per child). "
            "The file is checked first: every rejected line is listed with its number and why, "
            "and nothing is imported until none is.")))
        inner.addWidget(hint_label(_("Required columns: {required}. Optional: {optional}.")
                                   .format(required=", ".join(REQUIRED),
                                           optional=", ".join(OPTIONAL))))
        inner.addLayout(hbox(self.import_button))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(self.messages)
        layout.addWidget(frame)
        layout.addStretch(1)
        self.import_button.clicked.connect(self.open_dialog)

    def load(self) -> None:
        """Nothing to ask: the dialog reads the file."""

    def open_dialog(self) -> None:
        session = self._gateway.session
        if session is None:
            return
        structures = sorted(session.structures, key=lambda s: s.id != self.structure_id)
        self.dialog = FamilyImportDialog(self._gateway, self._runner, structures, self)
        self.dialog.families_imported.connect(self._on_families_imported)
        self.dialog.show()

    def _on_families_imported(self, report: FamilyImportReport) -> None:
        self.show_notice(_("Families imported: {summary}").format(
            summary=" ".join(report.summary_lines()[-1:])))
        self.changed.emit("families")

    def forget(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None


class AdminPanel(QWidget):
    settings_changed = Signal(str)
    """Something was saved: "structure", "news", "wallet", "activity", "openings"..."""
    structure_renamed = Signal(int, str)
    """(structure id, new name)."""
    structure_created = Signal(int, str)
    """(structure id, name): a structure the manager just created; their session sees it."""

    def __init__(self, gateway: AdminGateway, runner: Runner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminPanel")
        self.setStyleSheet(admin_stylesheet())
        self.structure_section = StructureSection(gateway, runner)
        self.activities_section = ActivitiesSection(gateway, runner)
        self.openings_section = OpeningsSection(gateway, runner)
        self.waiting_section = WaitingSection(gateway, runner)
        self.import_section = ImportSection(gateway, runner)
        self.accounts_section = AccountsSection(gateway, runner)
        self.sections: tuple[AdminSection, ...] = (
            self.structure_section, self.activities_section, self.openings_section,
            self.waiting_section, self.import_section, self.accounts_section)
        titles = (_("Structure"), _("Activities"), _("Opening calendar"), _("Waiting lists"),
                  _("Import families"), _("Accounts and structures"))
        self.section_list = QListWidget()
        self.section_list.setObjectName("adminSections")
        self.section_list.setAccessibleName(_("Settings"))
        self.stack = QStackedWidget()
        for title, section in zip(titles, self.sections, strict=True):
            self.section_list.addItem(title)
            self.stack.addWidget(section)
            section.changed.connect(self._on_section_changed)
        self.section_list.setFixedWidth(max(self.section_list.sizeHintForColumn(0) + 32, 200))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 0, 0)
        layout.setSpacing(0)
        side = QVBoxLayout()
        side.addWidget(self.section_list)
        layout.addLayout(side)
        layout.addWidget(self.stack, 1)
        self.section_list.currentRowChanged.connect(self._on_section_list_current_row_changed)
        self.section_list.setCurrentRow(0)
        self.structure_section.structure_renamed.connect(self.structure_renamed)
        self.accounts_section.structure_created.connect(self.structure_created)

    # -- the protocol of the tabs -----------------------------------------------------

    def set_structure(self, structure_id: int | None) -> None:
        for section in self.sections:
            section.set_structure(structure_id)

    def mark_stale(self) -> None:
        for section in self.sections:
            section.mark_stale()

    def ensure_loaded(self) -> None:
        self.current_section().ensure_loaded()

    def clear(self) -> None:
        for section in self.sections:
            section.clear()
        self.section_list.setCurrentRow(0)

    # -- sections ---------------------------------------------------------------------

    def current_section(self) -> AdminSection:
        return self.sections[self.stack.currentIndex()]

    def show_section(self, section: AdminSection) -> None:
        self.section_list.setCurrentRow(self.sections.index(section))

    def _on_section_list_current_row_changed(self, row: int) -> None:
        if row < 0:
            return
        self.stack.setCurrentIndex(row)
        self.sections[row].ensure_loaded()

    def _on_section_changed(self, what: str) -> None:
        sender = self.sender()
        for section in self.sections:
            if section is not sender:
                section.mark_stale()
        log.info("back office: %s changed", what)
        self.settings_changed.emit(what)
