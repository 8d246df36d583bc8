"""Staff: a family's file — create or edit the family, its quotients familiaux, its
children and their registrations, and its account.

Non-modal (`show()`): the desk may look something up meanwhile. A new family has only its
"Family" tab until it is saved; every save reloads the whole file from the service and
emits `family_saved(family_id)` (the search results may change). A one-time password made
here is shown once, in its own dialog, never in this one.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.services.account_facts import RecordFacts
from famdesk.services.families import FamilyDetails, FamilyRecord
from famdesk.services.setup.people import CIVILITIES
from famdesk.ui.errors import present_error
from famdesk.ui.family_children_tab import ChildrenTab
from famdesk.ui.family_record_tabs import AccountTab, QuotientsTab
from famdesk.ui.forms import Feedback, FormFields, FormSection, button_row, line_edit
from famdesk.ui.gateway_accounts import AccountsGateway
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)


class FamilyTab(FormSection):
    """The family's own fields; `saved(family_id)` once the service took them."""

    saved = Signal(int)

    def __init__(self, gateway: AccountsGateway, runner: Runner, structure_id: int) -> None:
        super().__init__(gateway, runner)
        self.setObjectName("familyTab")
        self._structure_id = structure_id
        self._family_id: int | None = None
        self.civility_combo = QComboBox()
        self.civility_combo.setObjectName("civilityCombo")
        self.civility_combo.addItems(list(CIVILITIES))
        self.last_name_edit = line_edit("lastNameEdit", 80)
        self.first_name_edit = line_edit("firstNameEdit", 80)
        self.email_edit = line_edit("familyEmailEdit", 254)
        self.phone_edit = line_edit("phoneEdit", 32)
        self.address_edit = line_edit("addressEdit", 255)
        form = QFormLayout()
        self.fields = FormFields(form)
        self.fields.add("civility", _("Civility:"), self.civility_combo)
        self.fields.add("last_name", _("Last name:"), self.last_name_edit)
        self.fields.add("first_name", _("First name:"), self.first_name_edit)
        self.fields.add("email", _("E-mail:"), self.email_edit)
        self.fields.add("phone", _("Phone:"), self.phone_edit)
        self.fields.add("address", _("Address:"), self.address_edit)
        self.save_button = QPushButton(_("Save the family"))
        self.save_button.setObjectName("saveFamilyButton")
        self.buttons = [self.save_button]
        row = button_row(self.feedback.success_label, self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(form)
        layout.addWidget(self.feedback.error_label)
        layout.addLayout(row)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.submit)
        for edit in (self.last_name_edit, self.first_name_edit, self.email_edit,
                     self.phone_edit, self.address_edit):
            edit.returnPressed.connect(self.submit)

    def show_record(self, record: FamilyRecord) -> None:
        self._family_id = record.id
        self.civility_combo.setCurrentText(record.civility)
        self.last_name_edit.setText(record.last_name)
        self.first_name_edit.setText(record.first_name)
        self.email_edit.setText(record.email or "")
        self.phone_edit.setText(record.phone or "")
        self.address_edit.setText(record.address or "")
        for edit in (self.last_name_edit, self.first_name_edit, self.email_edit,
                     self.address_edit):
            edit.setCursorPosition(0)

    def details(self) -> FamilyDetails:
        return FamilyDetails(
            civility=self.civility_combo.currentText(),
            last_name=self.last_name_edit.text(),
            first_name=self.first_name_edit.text(),
            email=self.email_edit.text().strip() or None,
            phone=self.phone_edit.text().strip() or None,
            address=self.address_edit.text().strip() or None,
        )

    def submit(self) -> None:
        creating = self._family_id is None
        self.run(
            self._gateway.save_family(self._structure_id, self.details(), self._family_id),
            lambda family_id: self._on_saved(family_id, creating),
        )

    def _on_saved(self, family_id: int, creating: bool) -> None:
        self._family_id = family_id
        self.show_success(_("The family is created: add its quotient, children and account.")
                          if creating else _("The family is saved."))
        self.saved.emit(family_id)

    def wipe(self) -> None:
        self._family_id = None
        self.civility_combo.setCurrentIndex(0)
        for edit in (self.last_name_edit, self.first_name_edit, self.email_edit,
                     self.phone_edit, self.address_edit):
            edit.clear()


class FamilyRecordDialog(QDialog):
    family_saved = Signal(int)

    def __init__(
        self, gateway: AccountsGateway, runner: Runner, structure_id: int,
        family_id: int | None = None, parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("familyRecordDialog")
        self.setModal(False)
        self.setMinimumSize(760, 560)
        self.resize(1040, 660)  # room for a school name such as "École maternelle Les Coquelicots"
        self._gateway = gateway
        self._runner = runner
        self._structure_id = structure_id
        self._family_id = family_id
        self._request = 0
        self._jobs: list[Job] = []
        self.record: FamilyRecord | None = None
        self.facts: RecordFacts | None = None

        self.heading = QLabel()
        self.heading.setObjectName("dialogHeading")
        self.heading.setWordWrap(True)
        self.family_tab = FamilyTab(gateway, runner, structure_id)
        self.quotients_tab = QuotientsTab(gateway, runner)
        self.children_tab = ChildrenTab(gateway, runner)
        self.account_tab = AccountTab(gateway, runner)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("familyRecordTabs")
        self.tabs.addTab(self.family_tab, _("Family"))
        self.tabs.addTab(self.quotients_tab, _("Quotients familiaux"))
        self.tabs.addTab(self.children_tab, _("Children"))
        self.tabs.addTab(self.account_tab, _("Account"))
        self.feedback = Feedback()
        self.close_button = QPushButton(_("Close"))
        self.close_button.setObjectName("closeButton")
        self.close_button.setAutoDefault(False)
        buttons = button_row(self.feedback.error_label, self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)

        self.close_button.clicked.connect(self.close)
        self.family_tab.saved.connect(self._on_family_tab_saved)
        for tab in (self.quotients_tab, self.children_tab, self.account_tab):
            tab.record_changed.connect(self._on_tab_record_changed)
        self.finished.connect(self._on_self_finished)
        self._show_heading()
        self._enable_tabs()
        self.load()

    # -- loading --------------------------------------------------------------------

    def family_id(self) -> int | None:
        return self._family_id

    def load(self) -> None:
        """Ask for the structure's facts and, for an existing family, its file."""
        self._request += 1
        request = self._request
        self._jobs = [job for job in self._jobs if not job.done()]
        self._jobs.append(self._runner.submit(
            self._gateway.record_facts(self._structure_id),
            lambda facts: self._on_facts_loaded(request, facts),
            lambda exc: self._on_load_failed(request, exc),
        ))
        self.reload_record()

    def reload_record(self) -> None:
        if self._family_id is None:
            return
        request = self._request
        self._jobs.append(self._runner.submit(
            self._gateway.family_record(self._family_id),
            lambda record: self._on_record_loaded(request, record),
            lambda exc: self._on_load_failed(request, exc),
        ))

    def _on_facts_loaded(self, request: int, facts: RecordFacts) -> None:
        if request != self._request:
            return
        self.facts = facts
        for tab in (self.quotients_tab, self.children_tab):
            tab.set_facts(facts)

    def _on_record_loaded(self, request: int, record: FamilyRecord) -> None:
        if request != self._request:
            return
        self.record = record
        self._family_id = record.id
        self.feedback.clear()
        self.family_tab.show_record(record)
        for tab in (self.quotients_tab, self.children_tab, self.account_tab):
            tab.show_record(record)
        self._show_heading()
        self._enable_tabs()

    def _on_load_failed(self, request: int, exc: BaseException) -> None:
        if request == self._request:
            present_error(self, exc)

    def show_error(self, message: str) -> None:
        self.feedback.show_error(message)

    def _show_heading(self) -> None:
        if self.record is None:
            title = _("New family")
        else:
            title = _("Family file — {name}").format(name=self.record.holder_name)
        self.heading.setText(title)
        self.setWindowTitle(title)

    def _enable_tabs(self) -> None:
        for index in range(1, self.tabs.count()):
            self.tabs.setTabEnabled(index, self.record is not None)

    # -- slots ----------------------------------------------------------------------

    def _on_family_tab_saved(self, family_id: int) -> None:
        self._family_id = family_id
        self.reload_record()
        self.family_saved.emit(family_id)

    def _on_tab_record_changed(self) -> None:
        self.reload_record()
        if self._family_id is not None:
            self.family_saved.emit(self._family_id)

    def _on_self_finished(self, _result: int) -> None:
        self.clear()

    # -- forgetting -----------------------------------------------------------------

    def clear(self) -> None:
        """Forget the family (closed, or the session ended); late answers are ignored."""
        self._request += 1
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        self.record = None
        self.family_tab.forget()
        self.family_tab.wipe()
        for tab in (self.quotients_tab, self.children_tab, self.account_tab):
            tab.clear()
        self.heading.clear()
        self.setWindowTitle(_("Family file"))
        self.feedback.clear()
