"""The "Activités" section: the wallets ("porte-monnaie": add, rename, order) and the
activities (new, edit in `ActivityEditorDialog`).

    +-- Porte-monnaie ----------------+  +-- Activités ----------------------------------+
    | Ordre | Porte-monnaie | Activités |  | Ordre | Activité | Porte-monnaie | Tarif | ... |
    | Libellé [          ] Ordre [ 1 ]  |  |                                               |
    | [Ajouter] [Enregistrer]           |  | [Nouvelle activité…] [Modifier…]              |
    +---------------------------------+  +-----------------------------------------------+
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.services.backoffice import ActivityDefinition, ActivityRow, WalletRow
from famdesk.ui.admin.activity_editor import ActivityEditorDialog
from famdesk.ui.admin.widgets import (
    AdminSection,
    admin_table,
    card,
    hbox,
    selected_rows,
    title_label,
)
from famdesk.ui.forms import FormFields, FormSection, hint_label, line_edit
from famdesk.ui.gateway_admin import ActivitiesPage
from famdesk.ui.models.admin_model import ActivityTableModel, AdminRole, WalletTableModel
from famdesk.ui.runner import Runner


class WalletForm(FormSection):
    """Add a wallet, or rename and reorder the one chosen."""

    def __init__(self, gateway: object, runner: Runner) -> None:
        super().__init__(gateway, runner)
        form = QFormLayout()
        self.fields = FormFields(form)
        self.label_edit = line_edit("walletLabelEdit", 80)
        self.order_spin = QSpinBox()
        self.order_spin.setObjectName("walletOrderSpin")
        self.order_spin.setRange(0, 9999)
        self.order_spin.setMaximumWidth(100)
        self.fields.add("label", _("Label:"), self.label_edit)
        self.fields.add("display_order", _("Order:"), self.order_spin)
        self.add_button = QPushButton(_("Add"))
        self.add_button.setObjectName("addWalletButton")
        self.save_button = QPushButton(_("Save the changes"))
        self.save_button.setObjectName("saveWalletButton")
        self.buttons = [self.add_button, self.save_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.feedback.error_label)
        layout.addLayout(hbox(self.add_button, self.save_button))


class ActivitiesSection(AdminSection):
    def __init__(self, gateway: object, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(gateway, runner, parent)
        self.setObjectName("activitiesSection")
        self.today: date | None = None
        self.editor: ActivityEditorDialog | None = None
        self._select_after: int | None = None

        self.activity_model = ActivityTableModel(parent=self)
        self.activity_table = admin_table("activityTable", self.activity_model, _("Activities"))
        self.new_button = QPushButton(_("New activity…"))
        self.new_button.setObjectName("newActivityButton")
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setObjectName("editActivityButton")
        activities, activity_layout = card()
        activity_layout.addWidget(title_label(_("Activities")))
        activity_layout.addWidget(hint_label(_(
            "Label, colour, tariff, deadlines, times and annual enrollment of each activity; "
            "its open days are in “Opening calendar”.")))
        activity_layout.addWidget(self.activity_table, 1)
        activity_layout.addLayout(hbox(self.new_button, self.edit_button))

        self.wallet_model = WalletTableModel(parent=self)
        self.wallet_table = admin_table("walletTable", self.wallet_model, _("Wallets"))
        self.wallet_form = WalletForm(gateway, runner)
        wallets, wallet_layout = card()
        wallet_layout.addWidget(title_label(_("Wallets")))
        wallet_layout.addWidget(hint_label(_(
            "One balance per service: each activity is paid from one wallet. A wallet is never "
            "deleted (its history stays).")))
        wallet_row = QHBoxLayout()
        wallet_row.setSpacing(16)
        wallet_row.addWidget(self.wallet_table, 3)
        wallet_row.addWidget(self.wallet_form, 2, Qt.AlignmentFlag.AlignTop)
        wallet_layout.addLayout(wallet_row, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(self.messages)
        layout.addWidget(activities, 3)
        layout.addWidget(wallets, 2)

        self.wallet_table.selectionModel().selectionChanged.connect(self._on_wallet_selected)
        self.wallet_form.add_button.clicked.connect(lambda: self._save_wallet(None))
        self.wallet_form.save_button.clicked.connect(
            lambda: self._save_wallet(self.selected_wallet()))
        self.activity_table.selectionModel().selectionChanged.connect(
            lambda _new, _old: self._update_buttons())
        self.activity_table.doubleClicked.connect(lambda _index: self.edit_activity())
        self.new_button.clicked.connect(self.new_activity)
        self.edit_button.clicked.connect(self.edit_activity)
        self._update_buttons()

    # -- loading ----------------------------------------------------------------------

    def load(self) -> None:
        assert self.structure_id is not None
        self.submit(self._gateway.today(self.structure_id), self._on_today)
        self.submit(self._gateway.activities_page(self.structure_id), self._on_page_loaded)

    def _on_today(self, today: date) -> None:
        self.today = today
        self._update_buttons()

    def _on_page_loaded(self, page: ActivitiesPage) -> None:
        wallets, activities = page
        kept_wallet = self.selected_wallet()
        chosen = self.selected_activity()
        kept_activity = self._select_after or (chosen.id if chosen else None)
        self._select_after = None
        self.wallet_model.set_rows(wallets)
        self.activity_model.set_rows(activities)
        if kept_wallet is not None and self.wallet_model.row_of(kept_wallet.id) >= 0:
            self.wallet_table.selectRow(self.wallet_model.row_of(kept_wallet.id))
        if kept_activity is not None and self.activity_model.row_of(kept_activity) >= 0:
            self.activity_table.selectRow(self.activity_model.row_of(kept_activity))
        self._update_buttons()

    def forget(self) -> None:
        self.wallet_model.set_rows(())
        self.activity_model.set_rows(())
        self.wallet_form.forget()
        self.wallet_form.label_edit.clear()
        if self.editor is not None:
            self.editor.close()
            self.editor = None
        self._update_buttons()

    # -- wallets ----------------------------------------------------------------------

    def selected_wallet(self) -> WalletRow | None:
        rows = selected_rows(self.wallet_table)
        return self.wallet_model.index(rows[0], 0).data(AdminRole.ROW) if rows else None

    def _on_wallet_selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        wallet = self.selected_wallet()
        self.wallet_form.clear_messages()
        if wallet is not None:
            self.wallet_form.label_edit.setText(wallet.label)
            self.wallet_form.order_spin.setValue(wallet.display_order)
        self._update_buttons()

    def _save_wallet(self, wallet: WalletRow | None) -> None:
        if self.structure_id is None:
            return
        form = self.wallet_form
        self.show_notice("")
        form.run(self._gateway.save_wallet(self.structure_id, form.label_edit.text(),
                                           form.order_spin.value(),
                                           None if wallet is None else wallet.id),
                 lambda saved: self._on_wallet_saved(saved, wallet is None))

    def _on_wallet_saved(self, wallet: WalletRow, new: bool) -> None:
        self.show_notice((_("The wallet “{label}” is added.") if new
                          else _("The wallet “{label}” is saved.")).format(label=wallet.label))
        self.changed.emit("wallet")
        self.reload()

    # -- activities -------------------------------------------------------------------

    def selected_activity(self) -> ActivityRow | None:
        rows = selected_rows(self.activity_table)
        return self.activity_model.index(rows[0], 0).data(AdminRole.ROW) if rows else None

    def _update_buttons(self) -> None:
        loaded = self.structure_id is not None and self.today is not None
        self.wallet_form.save_button.setEnabled(self.selected_wallet() is not None)
        self.new_button.setEnabled(loaded and self.wallet_model.rowCount() > 0)
        self.edit_button.setEnabled(loaded and self.selected_activity() is not None)

    def new_activity(self) -> None:
        self._open_editor(None)

    def edit_activity(self) -> None:
        activity = self.selected_activity()
        if activity is not None:
            self.submit(self._gateway.activity_definition(activity.id), self._open_editor)

    def _open_editor(self, definition: ActivityDefinition | None) -> None:
        if self.structure_id is None or self.today is None:
            return
        timezone = self._gateway.session.structure(self.structure_id).timezone
        self.editor = ActivityEditorDialog(self._gateway, self._runner, self.structure_id,
                                           timezone, self.today, self.wallet_model.rows(),
                                           definition, self)
        self.editor.activity_saved.connect(self._on_activity_saved)
        self.editor.open()

    def _on_activity_saved(self, definition: ActivityDefinition) -> None:
        self.show_notice(_("The activity {label} is saved.").format(label=definition.form.label))
        self._select_after = definition.id
        self.changed.emit("activity")
        self.reload()
