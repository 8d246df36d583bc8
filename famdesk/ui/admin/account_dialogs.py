"""The dialogs of "Comptes et structures": a new front-desk or manager account, an account's
role and structures, a new structure, and the one-time password shown once.

Each dialog is opened with `open()` (never `exec()`), runs one gateway call at a time, shows a
refusal under its field (`FormFields`) and emits what was made before it closes.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.models.enums import HolidayZone, Role
from famdesk.services.auth import StructureChoice
from famdesk.services.backoffice import StaffAccountForm, StaffAccountRow
from famdesk.services.families import OneTimePassword
from famdesk.ui.admin.settings_cards import combo
from famdesk.ui.admin.widgets import fixed_width, hbox, label_on_top
from famdesk.ui.forms import FormFields, FormSection, button_row, hint_label, line_edit
from famdesk.ui.one_time_password_dialog import OneTimePasswordDialog
from famdesk.ui.runner import Runner

TIMEZONES = ("Europe/Paris", "America/Cayenne", "America/Guadeloupe", "America/Martinique",
             "Indian/Reunion", "Indian/Mayotte", "America/Miquelon", "Pacific/Noumea",
             "Pacific/Tahiti", "Pacific/Wallis")
"""Metropolitan France first, then the overseas towns' zones (another may be typed)."""


def form_hint(text: str) -> QLabel:
    """A hint under a form's fields, as wide as they are (a narrower guess of its width
    would leave it a line too tall)."""
    label = hint_label(text)
    label.setMinimumWidth(HINT_WIDTH)
    return label


HINT_WIDTH = 360


class RoleChoice(QWidget):
    """Front desk or manager, as two radio buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.staff_radio = QRadioButton(_("Front desk"))
        self.staff_radio.setObjectName("staffRoleRadio")
        self.admin_radio = QRadioButton(_("Manager"))
        self.admin_radio.setObjectName("adminRoleRadio")
        self.staff_radio.setChecked(True)
        row = hbox(self.staff_radio, 16, self.admin_radio)
        row.setContentsMargins(0, 0, 0, 0)
        self.setLayout(row)

    def value(self) -> str:
        return Role.ADMIN.value if self.admin_radio.isChecked() else Role.STAFF.value

    def set_value(self, role: Role | str) -> None:
        (self.admin_radio if Role(role) is Role.ADMIN else self.staff_radio).setChecked(True)


class StructureChecks(QWidget):
    """One box per structure of the manager's."""

    def __init__(self, structures: tuple[StructureChoice, ...]) -> None:
        super().__init__()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self.boxes: dict[int, QCheckBox] = {}
        for structure in structures:
            box = QCheckBox(structure.name)
            box.setObjectName(f"structureCheck{structure.id}")
            self.boxes[structure.id] = box
            column.addWidget(box)

    def ids(self) -> tuple[int, ...]:
        return tuple(sid for sid, box in self.boxes.items() if box.isChecked())

    def set_ids(self, ids: tuple[int, ...] | list[int]) -> None:
        for sid, box in self.boxes.items():
            box.setChecked(sid in ids)


class _FormDialog(QDialog):
    """A modal form with its fields, its error line and "Enregistrer" / "Annuler"."""

    def __init__(self, gateway: object, runner: Runner, name: str, title: str,
                 parent: QWidget | None, save_text: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setMinimumWidth(520)
        self._gateway = gateway
        self.section = FormSection(gateway, runner, self)
        self.form = QFormLayout()
        self.fields = self.section.fields = FormFields(self.form)
        self.save_button = QPushButton(save_text)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.section.buttons = [self.save_button]
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(18, 14, 18, 14)
        self.body.setSpacing(10)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)

    def finish_layout(self) -> None:
        self.body.addLayout(self.form)
        self.body.addStretch(1)
        self.body.addWidget(self.section.feedback.error_label)
        self.body.addLayout(button_row(None, self.save_button, self.cancel_button))

    def save(self) -> None:
        raise NotImplementedError

    def done(self, result: int) -> None:  # noqa: D401 (Qt's name)
        self.section.forget()  # an answer after closing is dropped
        super().done(result)


class StaffAccountDialog(_FormDialog):
    """A new account (`row` None: login, name, e-mail, role, structures) or the role and
    structures of `row`. Emits `account_created(secret, name)` or `account_changed(row)`."""

    account_created = Signal(object, str)
    account_changed = Signal(object)

    def __init__(self, gateway: object, runner: Runner, structures: tuple[StructureChoice, ...],
                 current_id: int, row: StaffAccountRow | None = None,
                 parent: QWidget | None = None) -> None:
        title = _("New account") if row is None else _("Edit the account")
        save = _("Create the account") if row is None else _("Save")
        super().__init__(gateway, runner, "staffAccountDialog", title, parent, save)
        self.row = row
        self.login_edit = line_edit("accountLoginEdit", 64)
        self.name_edit = line_edit("accountNameEdit", 120)
        self.email_edit = line_edit("accountEmailEdit", 254)
        self.role = RoleChoice()
        self.structures = StructureChecks(structures)
        if row is None:
            self.fields.add("login", _("Login:"), self.login_edit)
            self.fields.add("display_name", _("First and last name:"), self.name_edit)
            self.fields.add("email", _("E-mail:"), self.email_edit)
            self.structures.set_ids((current_id,))
        else:
            heading = QLabel(_("{name} (login {login})").format(name=row.display_name,
                                                                login=row.login))
            heading.setObjectName("dialogHeading")
            self.body.addWidget(heading)
            self.role.set_value(row.role)
            self.structures.set_ids([s.id for s in row.structures])
            if row.is_self:
                self.role.setEnabled(False)
        self.fields.add("role", _("Role:"), self.role)
        self.form.addRow("", form_hint(_(
            "The front desk handles the families, their bookings and payments; a manager "
            "also sets up the structures.")))
        if row is not None and row.is_self:
            self.form.addRow("", form_hint(_("You cannot take away your own manager role.")))
        label_on_top(self.fields.add("structure_ids", _("Structures:"), self.structures))
        if row is None:
            self.form.addRow("", form_hint(_(
                "A one-time password is shown once the account is made: hand it over; the "
                "person chooses their own at the first login.")))
        self.finish_layout()

    def account_form(self) -> StaffAccountForm:
        return StaffAccountForm(self.login_edit.text(), self.name_edit.text(), self.role.value(),
                                self.email_edit.text() or None, self.structures.ids())

    def save(self) -> None:
        gateway = self._gateway
        if self.row is None:
            form = self.account_form()
            self.section.run(gateway.add_staff_account(form),  # type: ignore[attr-defined]
                             lambda secret: self._on_created(secret, form.display_name))
        else:
            self.section.run(gateway.change_staff_account(  # type: ignore[attr-defined]
                self.row.id, self.role.value(), self.structures.ids()), self._on_changed)

    def _on_created(self, secret: OneTimePassword, name: str) -> None:
        self.accept()
        self.account_created.emit(secret, " ".join(name.split()))

    def _on_changed(self, row: StaffAccountRow) -> None:
        self.accept()
        self.account_changed.emit(row)


class NewStructureDialog(_FormDialog):
    """A new structure: its name, school-holiday zone and time zone. Emits
    `structure_created(choice)`."""

    structure_created = Signal(object)

    def __init__(self, gateway: object, runner: Runner, current_id: int,
                 holiday_zone: HolidayZone | str = HolidayZone.B,
                 parent: QWidget | None = None) -> None:
        super().__init__(gateway, runner, "newStructureDialog", _("New structure"), parent,
                         _("Create the structure"))
        self._current_id = current_id
        self.name_edit = line_edit("structureNameEdit", 120)
        self.name_edit.setPlaceholderText(_("e.g. Leisure centre of Les Pins"))
        self.zone_combo = combo("structureZoneCombo", [
            (_("Zone {zone}").format(zone=zone.value), zone.value) for zone in HolidayZone])
        self.zone_combo.setCurrentIndex(max(self.zone_combo.findData(str(holiday_zone)), 0))
        self.timezone_combo = QComboBox()
        self.timezone_combo.setObjectName("structureTimezoneCombo")
        self.timezone_combo.setEditable(True)
        self.timezone_combo.addItems(TIMEZONES)
        fixed_width(self.zone_combo)
        self.fields.add("name", _("Name:"), self.name_edit)
        self.fields.add("holiday_zone", _("School-holiday zone:"), self.zone_combo)
        self.fields.add("timezone", _("Time zone:"), self.timezone_combo)
        self.form.addRow("", form_hint(_(
            "You are linked to the new structure. Its wallets, activities and opening days are "
            "then set up in “Settings”, once you have chosen it at the top of the window.")))
        self.finish_layout()

    def save(self) -> None:
        self.section.run(self._gateway.add_structure(  # type: ignore[attr-defined]
            self._current_id, self.name_edit.text(), self.zone_combo.currentData(),
            self.timezone_combo.currentText().strip()), self._on_created)

    def _on_created(self, made: StructureChoice) -> None:
        self.accept()
        self.structure_created.emit(made)


class AccountPasswordDialog(OneTimePasswordDialog):
    """`OneTimePasswordDialog` for a colleague's account: the same once-only display, the
    words for staff rather than a family."""

    def __init__(self, secret: OneTimePassword, name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(secret, name, parent, hint=_(
            "Hand it over to the person now (read it out or write it down): it will not be "
            "shown again. At the first login they choose their own password."))
