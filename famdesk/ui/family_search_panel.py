"""Staff: find a family as you type, then act for it or open its file.

The search waits for a short pause in the typing (`debounce_ms`), then asks the gateway;
an answer to an older text is dropped. Case and accents do not count ("lefevre" finds
LEFÈVRE), each word must match (a family or child name, a login, an e-mail).
Double-click or Enter on a row: `family_opened(FamilyHit)` (act for it); "Family file":
`record_requested(family_id)`; "New family": `new_family_requested()`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _, ngettext
from famdesk.services.family_search import FamilyHit
from famdesk.ui.errors import present_error
from famdesk.ui.gateway_accounts import AccountsGateway
from famdesk.ui.models.family_model import (
    CHILDREN_COLUMN,
    EMAIL_COLUMN,
    FamilySearchModel,
)
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
RESULT_LIMIT = 50


class FamilySearchPanel(QWidget):
    family_opened = Signal(object)
    """The `FamilyHit` the desk will act for."""
    record_requested = Signal(int)
    """The family id whose file to open."""
    new_family_requested = Signal()
    results_shown = Signal(int)
    """How many families the last answer holds (tests and status bars)."""

    def __init__(
        self, gateway: AccountsGateway, runner: Runner, parent: QWidget | None = None,
        *, debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("familySearchPanel")
        self._gateway = gateway
        self._runner = runner
        self._structure_id: int | None = None
        self._request = 0
        self._job: Job | None = None
        self._searched = ""

        title = QLabel(_("Find a family"))
        title.setObjectName("panelTitle")
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("familySearchEdit")
        self.search_edit.setPlaceholderText(
            _("Family or child name, login, e-mail… (accents do not count)"))
        self.search_edit.setAccessibleName(_("Find a family"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMaxLength(100)
        self.new_button = QPushButton(_("New family"))
        self.new_button.setObjectName("newFamilyButton")
        self.status_label = QLabel()
        self.status_label.setObjectName("searchStatus")
        self.status_label.setProperty("role", "hint")
        self.status_label.setWordWrap(True)

        self.model = FamilySearchModel(parent=self)
        self.table = QTableView()
        self.table.setObjectName("familySearchTable")
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Families found"))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CHILDREN_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(EMAIL_COLUMN, QHeaderView.ResizeMode.Stretch)

        self.record_button = QPushButton(_("Family file"))
        self.record_button.setObjectName("familyRecordButton")
        self.act_button = QPushButton(_("Act for this family"))
        self.act_button.setObjectName("primaryButton")

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.new_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.record_button)
        bottom.addWidget(self.act_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.new_button.clicked.connect(self.new_family_requested)
        self.record_button.clicked.connect(self._on_record_button_clicked)
        self.act_button.clicked.connect(self._on_act_button_clicked)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self._show_status()

    # -- state ----------------------------------------------------------------------

    def set_structure(self, structure_id: int | None) -> None:
        """Search this structure's families (the text typed stays and is searched again)."""
        self._structure_id = structure_id
        self.search_now()

    def searched_text(self) -> str:
        """The text the results shown answer ("" before any search)."""
        return self._searched if self._job is None or self._job.done() else ""

    def selected_hit(self) -> FamilyHit | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.hit(rows[0].row()) if rows else None

    def search_now(self) -> None:
        """Ask now for the text typed (the pause is not awaited)."""
        self._timer.stop()
        text = self.search_edit.text().strip()
        self._request += 1
        if self._job is not None:
            self._job.cancel()
            self._job = None
        if not text or self._structure_id is None:
            self._searched = ""
            self.model.set_rows(())
            self._show_status()
            return
        request = self._request
        self._searched = text
        self._job = self._runner.submit(
            self._gateway.search_families(self._structure_id, text, RESULT_LIMIT),
            lambda hits: self._on_search_answered(request, hits),
            lambda exc: self._on_search_failed(request, exc),
        )

    def _show_status(self) -> None:
        count = self.model.rowCount()
        if not self._searched:
            text = _("Type a name, a login or an e-mail: the families show as you type.")
        elif count == 0:
            text = _("No family matches “{text}”.").format(text=self._searched)
        elif count >= RESULT_LIMIT:
            text = _("The first {count} families: type more to narrow the search.").format(
                count=count)
        else:
            text = ngettext("{count} family", "{count} families", count).format(count=count)
        self.status_label.setText(text)
        has_hit = self.selected_hit() is not None
        self.record_button.setEnabled(has_hit)
        self.act_button.setEnabled(has_hit)

    # -- slots ----------------------------------------------------------------------

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self._timer.start()

    def _on_search_edit_return_pressed(self) -> None:
        if self._timer.isActive() or self.search_edit.text().strip() != self._searched:
            self.search_now()
        elif self.model.rowCount() == 1:
            self.table.selectRow(0)
            self._on_act_button_clicked()
        elif self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.table.selectRow(0)

    def _on_timer_timeout(self) -> None:
        self.search_now()

    def _on_search_answered(self, request: int, hits: tuple[FamilyHit, ...]) -> None:
        if request != self._request:
            return  # the text changed since: a newer search runs
        self._job = None
        self.model.set_rows(hits)
        if hits:
            self.table.selectRow(0)
        self._show_status()
        self.results_shown.emit(len(hits))

    def _on_search_failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self._job = None
        self.model.set_rows(())
        self._show_status()
        present_error(self, exc, retry=self.search_now)

    def show_error(self, message: str) -> None:
        self.status_label.setText(message)

    def _on_table_selection_changed(self, *_args: object) -> None:
        has_hit = self.selected_hit() is not None
        self.record_button.setEnabled(has_hit)
        self.act_button.setEnabled(has_hit)

    def _on_table_activated(self, index: QModelIndex) -> None:
        hit = self.model.hit(index.row())
        if hit is not None:
            self.family_opened.emit(hit)

    def _on_act_button_clicked(self) -> None:
        hit = self.selected_hit()
        if hit is not None:
            log.info("the desk acts for family %s", hit.family_id)
            self.family_opened.emit(hit)

    def _on_record_button_clicked(self) -> None:
        hit = self.selected_hit()
        if hit is not None:
            self.record_requested.emit(hit.family_id)

    # -- forgetting -----------------------------------------------------------------

    def clear(self) -> None:
        """Forget the text and the results (logout); a late answer is ignored."""
        self._timer.stop()
        self._request += 1
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self._searched = ""
        self.model.set_rows(())
        self._show_status()
