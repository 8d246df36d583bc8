"""The family file's "Children" tab: the children, one child's details, and its
registrations to the structure's activities (with their dates).

Emits `record_changed()` after a save; the dialog reloads the file and the tab keeps the
child that was selected.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.services.account_facts import ActivityPeriod, RecordFacts
from famdesk.services.families import ChildDetails, ChildRecord, FamilyRecord
from famdesk.services.formatting import numeric_date
from famdesk.ui.forms import (
    FormFields,
    FormSection,
    button_row,
    date_edit,
    from_qdate,
    line_edit,
    to_qdate,
)
from famdesk.ui.gateway_accounts import AccountsGateway
from famdesk.ui.record_tables import fill_table, readonly_table, selected_key
from famdesk.ui.runner import Runner

log = logging.getLogger(__name__)


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


class ChildForm(FormSection):
    """One child's details: a new child (`edit(None)`) or one of the family's."""

    saved = Signal(int)

    def __init__(self, gateway: AccountsGateway, runner: Runner) -> None:
        super().__init__(gateway, runner)
        self.setObjectName("childForm")
        self._family_id: int | None = None
        self._family_last_name = ""
        self._child_id: int | None = None
        self.title_label = _title(_("New child"))
        self.first_name_edit = line_edit("childFirstNameEdit", 80)
        self.last_name_edit = line_edit("childLastNameEdit", 80)
        self.birth_edit = date_edit("birthDateEdit")
        self.school_edit = line_edit("schoolEdit", 120)
        self.class_edit = line_edit("classEdit", 40)
        form = QFormLayout()
        self.fields = FormFields(form)
        self.fields.add("first_name", _("First name:"), self.first_name_edit)
        self.fields.add("last_name", _("Last name:"), self.last_name_edit)
        self.fields.add("birth_date", _("Birth date:"), self.birth_edit)
        self.fields.add("school", _("School:"), self.school_edit)
        self.fields.add("class_name", _("Class:"), self.class_edit)
        self.save_button = QPushButton(_("Save the child"))
        self.save_button.setObjectName("saveChildButton")
        self.buttons = [self.save_button]
        row = button_row(self.feedback.success_label, self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addLayout(form)
        layout.addWidget(self.feedback.error_label)
        layout.addLayout(row)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.submit)

    def set_family(self, record: FamilyRecord) -> None:
        self._family_id = record.id
        self._family_last_name = record.last_name

    def set_today(self, facts: RecordFacts) -> None:
        self.birth_edit.setMaximumDate(to_qdate(facts.today))

    def child_id(self) -> int | None:
        return self._child_id

    def edit(self, child: ChildRecord | None) -> None:
        self.clear_messages()
        self._child_id = None if child is None else child.id
        if child is None:
            self.title_label.setText(_("New child"))
            self.first_name_edit.clear()
            self.last_name_edit.setText(self._family_last_name)
            self.school_edit.clear()
            self.class_edit.clear()
            return
        self.title_label.setText(_("{name}'s details").format(name=child.first_name))
        self.first_name_edit.setText(child.first_name)
        self.last_name_edit.setText(child.last_name)
        self.birth_edit.setDate(to_qdate(child.birth_date))
        self.school_edit.setText(child.school or "")
        self.class_edit.setText(child.class_name or "")
        for edit in (self.first_name_edit, self.last_name_edit, self.school_edit):
            edit.setCursorPosition(0)  # a long name shows its beginning

    def details(self) -> ChildDetails:
        return ChildDetails(
            first_name=self.first_name_edit.text(),
            last_name=self.last_name_edit.text(),
            birth_date=from_qdate(self.birth_edit.date()),
            school=self.school_edit.text().strip() or None,
            class_name=self.class_edit.text().strip() or None,
        )

    def submit(self) -> None:
        if self._family_id is None:
            return
        creating = self._child_id is None
        self.run(self._gateway.save_child(self._family_id, self.details(), self._child_id),
                 lambda child_id: self._on_saved(child_id, creating))

    def _on_saved(self, child_id: int, creating: bool) -> None:
        self._child_id = child_id
        self.title_label.setText(
            _("{name}'s details").format(name=" ".join(self.first_name_edit.text().split())))
        self.show_success(_("The child is added.") if creating else _("The child is saved."))
        self.saved.emit(child_id)

    def wipe(self) -> None:
        self._family_id = None
        self._child_id = None
        self._family_last_name = ""
        for edit in (self.first_name_edit, self.last_name_edit, self.school_edit,
                     self.class_edit):
            edit.clear()
        self.title_label.setText(_("New child"))


class RegistrationsBox(FormSection):
    """The selected child's registrations; register it to an activity, or end one."""

    record_changed = Signal()

    def __init__(self, gateway: AccountsGateway, runner: Runner) -> None:
        super().__init__(gateway, runner)
        self.setObjectName("registrationsBox")
        self._child: ChildRecord | None = None
        self._activities: tuple[ActivityPeriod, ...] = ()
        self._today: date | None = None
        self.title_label = _title(_("Registrations"))
        self.table = readonly_table("registrationsTable", [_("Activity"), _("From"), _("To")],
                                    _("Registrations"))
        self.end_button = QPushButton(_("End the registration"))
        self.end_button.setObjectName("unregisterButton")
        self.activity_combo = QComboBox()
        self.activity_combo.setObjectName("activityCombo")
        self.starts_edit = date_edit("registrationFromEdit")
        self.ends_edit = date_edit("registrationToEdit")
        form = QFormLayout()
        self.fields = FormFields(form)
        self.fields.add("activity_id", _("Activity:"), self.activity_combo)
        self.fields.add("starts_on", _("From:"), self.starts_edit)
        self.fields.add("ends_on", _("To:"), self.ends_edit)
        self.register_button = QPushButton(_("Register"))
        self.register_button.setObjectName("registerButton")
        self.buttons = [self.register_button]
        self.calls.on_busy = self._on_calls_busy
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(self.end_button, 0, Qt.AlignmentFlag.AlignLeft)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.register_button, 0, Qt.AlignmentFlag.AlignRight)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addLayout(columns, 1)
        layout.addWidget(self.feedback.error_label)
        layout.addWidget(self.feedback.success_label)
        self.activity_combo.currentIndexChanged.connect(self._on_activity_combo_current_index_changed)
        self.register_button.clicked.connect(self._on_register_button_clicked)
        self.end_button.clicked.connect(self._on_end_button_clicked)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.show_child(None)

    def set_facts(self, facts: RecordFacts) -> None:
        self._activities = facts.activities
        self._today = facts.today
        self.activity_combo.blockSignals(True)
        self.activity_combo.clear()
        for activity in facts.activities:
            self.activity_combo.addItem(activity.label, activity.id)
        self.activity_combo.blockSignals(False)
        self._on_activity_combo_current_index_changed(self.activity_combo.currentIndex())

    def show_child(self, child: ChildRecord | None) -> None:
        self._child = child
        self.setEnabled(child is not None)
        self.title_label.setText(
            _("Registrations of {name}").format(name=child.first_name) if child is not None
            else _("Registrations (save the child first)"))
        fill_table(self.table, () if child is None else (
            (r.id, (r.activity_label, numeric_date(r.starts_on), numeric_date(r.ends_on)))
            for r in child.registrations
        ))
        self._on_table_selection_changed()

    def _on_activity_combo_current_index_changed(self, index: int) -> None:
        if not 0 <= index < len(self._activities):
            return
        activity = self._activities[index]
        start = activity.period_start
        if self._today is not None and activity.period_start < self._today <= activity.period_end:
            start = self._today
        self.starts_edit.setDate(to_qdate(start))
        self.ends_edit.setDate(to_qdate(activity.period_end))

    def _on_table_selection_changed(self) -> None:
        self._on_calls_busy(self.calls.busy)

    def _on_calls_busy(self, busy: bool) -> None:
        self.end_button.setEnabled(not busy and selected_key(self.table) is not None)

    def _on_register_button_clicked(self) -> None:
        activity_id = self.activity_combo.currentData()
        if self._child is None or activity_id is None:
            return
        self.run(self._gateway.register(
            self._child.id, int(activity_id), from_qdate(self.starts_edit.date()),
            from_qdate(self.ends_edit.date())),
            lambda _id: self._on_saved(_("The registration is added.")))

    def _on_end_button_clicked(self) -> None:
        registration_id = selected_key(self.table)
        if registration_id is None:
            return
        self.run(self._gateway.unregister(int(registration_id)),
                 lambda _none: self._on_saved(_("The registration is ended.")))

    def _on_saved(self, message: str) -> None:
        self.show_success(message)
        self.record_changed.emit()



class ChildrenTab(QWidget):
    record_changed = Signal()

    def __init__(self, gateway: AccountsGateway, runner: Runner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("childrenTab")
        self._record: FamilyRecord | None = None
        self.table = readonly_table(
            "childrenTable", [_("Child"), _("Birth date"), _("School"), _("Class")],
            _("Children"), stretch=2)
        self.new_button = QPushButton(_("New child"))
        self.new_button.setObjectName("newChildButton")
        self.child_form = ChildForm(gateway, runner)
        self.registrations = RegistrationsBox(gateway, runner)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignLeft)
        top = QHBoxLayout()
        top.addLayout(left, 3)
        top.addWidget(self.child_form, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(12)
        layout.addLayout(top, 1)
        layout.addWidget(self.registrations, 1)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.child_form.saved.connect(self._on_child_form_saved)
        self.registrations.record_changed.connect(self.record_changed)

    def set_facts(self, facts: RecordFacts) -> None:
        self.child_form.set_today(facts)
        self.registrations.set_facts(facts)

    def show_record(self, record: FamilyRecord) -> None:
        keep = self.child_form.child_id()
        self._record = record
        self.child_form.set_family(record)
        self.table.blockSignals(True)
        fill_table(self.table, (
            (c.id, (f"{c.last_name.upper()} {c.first_name}", numeric_date(c.birth_date),
                    c.school or "", c.class_name or ""))
            for c in record.children
        ))
        self.table.blockSignals(False)
        child = next((c for c in record.children if c.id == keep), None)
        if child is not None:
            self.table.selectRow(record.children.index(child))
            self.registrations.show_child(child)  # the same row: no selection signal
        else:
            self.table.clearSelection()
            self.child_form.edit(None)
            self.registrations.show_child(None)

    def selected_child(self) -> ChildRecord | None:
        child_id = selected_key(self.table)
        if self._record is None or child_id is None:
            return None
        return next((c for c in self._record.children if c.id == child_id), None)

    def _on_table_selection_changed(self) -> None:
        child = self.selected_child()
        if child is not None:
            if child.id != self.child_form.child_id():
                self.child_form.edit(child)
            self.registrations.show_child(child)

    def _on_new_button_clicked(self) -> None:
        self.table.clearSelection()
        self.child_form.edit(None)
        self.registrations.show_child(None)
        self.child_form.first_name_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_child_form_saved(self, _child_id: int) -> None:
        self.record_changed.emit()

    def clear(self) -> None:
        self._record = None
        self.child_form.forget()
        self.child_form.wipe()
        self.registrations.forget()
        self.registrations.show_child(None)
        self.table.clearContents()
        self.table.setRowCount(0)
