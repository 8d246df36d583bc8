"""The "Comptes et structures" section: the front-desk and manager accounts of the structure,
a new account, a new one-time password, an account's role and structures, a new structure.

    +-- Comptes de l'accueil et des gestionnaires ------------------------------------+
    | Nom | Identifiant | Rôle | E-mail | Structures | Mot de passe | Verrouillé | ... |
    | [Nouveau compte…] [Nouveau mot de passe…] [Modifier…]                            |
    +-- Structures -------------------------------------------------------------------+
    | Vos structures : ...                            [Nouvelle structure…]            |
    +---------------------------------------------------------------------------------+

A one-time password is shown once in `AccountPasswordDialog` and forgotten when it closes.
An account that also sees a structure the manager does not manage is listed, not changed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHeaderView, QPushButton, QVBoxLayout, QWidget

from famdesk.i18n import _
from famdesk.services.auth import StructureChoice
from famdesk.services.backoffice import StaffAccountRow
from famdesk.services.families import OneTimePassword
from famdesk.ui.admin.account_dialogs import (
    AccountPasswordDialog,
    NewStructureDialog,
    StaffAccountDialog,
)
from famdesk.ui.admin.widgets import (
    AdminSection,
    admin_table,
    ask,
    card,
    hbox,
    selected_rows,
    title_label,
)
from famdesk.ui.forms import hint_label
from famdesk.ui.models.admin_model import AdminRole
from famdesk.ui.models.staff_account_model import StaffAccountTableModel
from famdesk.ui.runner import Runner


class AccountsSection(AdminSection):
    structure_created = Signal(int, str)
    """(structure id, name): a new structure, which the manager's session sees."""

    def __init__(self, gateway: object, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(gateway, runner, parent)
        self.setObjectName("accountsSection")
        self.dialog: StaffAccountDialog | NewStructureDialog | None = None
        self.secret_dialog: AccountPasswordDialog | None = None
        self._select_after: int | None = None

        self.model = StaffAccountTableModel(parent=self)
        self.table = admin_table("staffAccountTable", self.model,
                                 _("Front-desk and manager accounts"))
        self.table.setWordWrap(True)  # one structure a line; a long name on two
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the name
        self.new_button = QPushButton(_("New account…"))
        self.new_button.setObjectName("newAccountButton")
        self.reset_button = QPushButton(_("New password…"))
        self.reset_button.setObjectName("resetPasswordButton")
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setObjectName("editAccountButton")
        accounts, accounts_layout = card()
        accounts_layout.addWidget(title_label(_("Front-desk and manager accounts")))
        accounts_layout.addWidget(hint_label(_(
            "The accounts that see this structure. A new account, or a new password, gets a "
            "one-time password shown once, which the person replaces at the first login. The "
            "families' accounts are made at the front desk, from the family's file.")))
        accounts_layout.addWidget(self.table, 1)
        accounts_layout.addLayout(hbox(self.new_button, self.reset_button, self.edit_button))

        self.structures_label = hint_label(name="structuresLabel")
        self.new_structure_button = QPushButton(_("New structure…"))
        self.new_structure_button.setObjectName("newStructureButton")
        structures, structures_layout = card()
        structures_layout.addWidget(title_label(_("Structures")))
        structures_layout.addWidget(self.structures_label)
        structures_layout.addLayout(hbox(self.new_structure_button))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(self.messages)
        layout.addWidget(accounts, 1)
        layout.addWidget(structures)

        self.table.selectionModel().selectionChanged.connect(
            lambda _new, _old: self._update_buttons())
        self.table.doubleClicked.connect(lambda _index: self.edit_account())
        self.new_button.clicked.connect(self.new_account)
        self.reset_button.clicked.connect(self.reset_password)
        self.edit_button.clicked.connect(self.edit_account)
        self.new_structure_button.clicked.connect(self.new_structure)
        self._update_buttons()

    # -- loading ----------------------------------------------------------------------

    def load(self) -> None:
        assert self.structure_id is not None
        self.model.set_timezone(self._current().timezone)
        self._show_structures()
        self.submit(self._gateway.staff_accounts(self.structure_id), self._on_accounts_loaded)

    def _on_accounts_loaded(self, rows: tuple[StaffAccountRow, ...]) -> None:
        chosen = self.selected()
        kept = self._select_after or (chosen.id if chosen else None)
        self._select_after = None
        self.model.set_rows(rows)
        if kept is not None and self.model.row_of(kept) >= 0:
            self.table.selectRow(self.model.row_of(kept))
        self._update_buttons()

    def forget(self) -> None:
        self.model.set_rows(())
        self.structures_label.clear()
        for dialog in (self.dialog, self.secret_dialog):
            if dialog is not None:
                dialog.close()
        self.dialog = self.secret_dialog = None
        self._update_buttons()

    def _structures(self) -> tuple[StructureChoice, ...]:
        session = self._gateway.session
        return tuple(session.structures) if session is not None else ()

    def _current(self) -> StructureChoice:
        assert self.structure_id is not None
        return self._gateway.session.structure(self.structure_id)  # type: ignore[no-any-return]

    def _show_structures(self) -> None:
        names = ", ".join(s.name for s in self._structures())
        self.structures_label.setText(_(
            "Your structures: {names}. A new structure is yours at once; set up its wallets, "
            "activities and opening days in the other sections once you have chosen it.")
            .format(names=names))

    # -- the accounts -----------------------------------------------------------------

    def selected(self) -> StaffAccountRow | None:
        rows = selected_rows(self.table)
        return self.model.index(rows[0], 0).data(AdminRole.ROW) if rows else None

    def _update_buttons(self) -> None:
        row = self.selected()
        loaded = self.structure_id is not None
        self.new_button.setEnabled(loaded)
        self.new_structure_button.setEnabled(loaded)
        self.edit_button.setEnabled(row is not None and row.manageable)
        self.reset_button.setEnabled(row is not None and row.manageable and not row.is_self)
        if row is not None and row.is_self:
            tip = _("Change your own password in your profile.")
        elif row is not None and not row.manageable:
            tip = _("This account also sees a structure you do not manage: only a manager of "
                    "all its structures may change it.")
        else:
            tip = ""
        self.reset_button.setToolTip(tip)
        self.edit_button.setToolTip(tip if row is not None and not row.manageable else "")

    def new_account(self) -> None:
        if self.structure_id is None:
            return
        self._open(StaffAccountDialog(self._gateway, self._runner, self._structures(),
                                      self.structure_id, None, self))

    def edit_account(self) -> None:
        row = self.selected()
        if self.structure_id is None or row is None or not row.manageable:
            return
        self._open(StaffAccountDialog(self._gateway, self._runner, self._structures(),
                                      self.structure_id, row, self))

    def _open(self, dialog: StaffAccountDialog) -> None:
        self.dialog = dialog
        dialog.account_created.connect(self._on_account_created)
        dialog.account_changed.connect(self._on_account_changed)
        dialog.open()

    def _on_account_created(self, secret: OneTimePassword, name: str) -> None:
        self.show_notice(_("The account {login} is created.").format(login=secret.login))
        self._show_secret(secret, name)
        self.reload()

    def _on_account_changed(self, row: StaffAccountRow) -> None:
        self.show_notice(_("The account {login} is saved.").format(login=row.login))
        self._select_after = row.id
        self.changed.emit("accounts")
        self._show_structures()
        self.reload()

    def reset_password(self) -> None:
        row = self.selected()
        if row is None or not row.manageable or row.is_self:
            return
        ask(self, _("New password"),
            _("Give {name} a new one-time password?").format(name=row.display_name),
            _("Give a new password"), lambda: self._reset(row),
            informative=_("The current password stops working and the account's open "
                          "sessions end; a lock after failed attempts is lifted."),
            name="resetPasswordBox")

    def _reset(self, row: StaffAccountRow) -> None:
        self.submit(self._gateway.reset_staff_password(row.id),
                    lambda secret: self._on_password_reset(secret, row))

    def _on_password_reset(self, secret: OneTimePassword, row: StaffAccountRow) -> None:
        self.show_notice(_("{name} has a new one-time password.").format(name=row.display_name))
        self._show_secret(secret, row.display_name)
        self._select_after = row.id
        self.reload()

    def _show_secret(self, secret: OneTimePassword, name: str) -> None:
        self.secret_dialog = AccountPasswordDialog(secret, name, self.window())
        self.secret_dialog.finished.connect(self._on_secret_dialog_finished)
        self.secret_dialog.open()

    def _on_secret_dialog_finished(self, _result: int) -> None:
        self.secret_dialog = None  # it deletes itself, its text wiped

    # -- structures -------------------------------------------------------------------

    def new_structure(self) -> None:
        if self.structure_id is None:
            return
        dialog = NewStructureDialog(self._gateway, self._runner, self.structure_id,
                                    parent=self)
        dialog.structure_created.connect(self._on_structure_created)
        self.dialog = dialog
        dialog.open()

    def _on_structure_created(self, made: StructureChoice) -> None:
        self.show_notice(_("The structure {name} is created: choose it at the top of the window.")
                         .format(name=made.name))
        self._show_structures()
        self.structure_created.emit(made.id, made.name)
        self.changed.emit("structures")
