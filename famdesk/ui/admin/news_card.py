"""The structure's news ("Actualités"): the messages of the home page with their publication
dates; add, edit, take off the home page ("Retirer de la publication") or delete.

`NewsDialog` edits one message; a refusal shows under its field. Deleting and unpublishing
ask first (non-modal boxes).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QItemSelection, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHeaderView,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.services.backoffice import NewsForm, NewsRow, NewsState
from famdesk.ui.admin.widgets import (
    admin_table,
    ask,
    card,
    fixed_width,
    hbox,
    inline,
    label_on_top,
    selected_rows,
    title_label,
)
from famdesk.ui.forms import (
    FormFields,
    FormSection,
    button_row,
    date_edit,
    from_qdate,
    hint_label,
    line_edit,
    to_qdate,
)
from famdesk.ui.models.admin_model import AdminRole, NewsTableModel
from famdesk.ui.runner import Runner


class NewsDialog(QDialog):
    """A new message (`row` None) or message `row` edited; emits `news_saved(row)`."""

    news_saved = Signal(object)

    def __init__(self, gateway: object, runner: Runner, structure_id: int, today: date,
                 row: NewsRow | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newsDialog")
        self.setWindowTitle(_("New message") if row is None else _("Edit the message"))
        self.setModal(True)
        self.resize(560, 420)
        self._gateway = gateway
        self._structure_id = structure_id
        self._news_id = None if row is None else row.id
        self.section = FormSection(gateway, runner, self)
        form = QFormLayout()
        self.section.fields = fields = FormFields(form)
        self.title_edit = line_edit("newsTitleEdit", 200)
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("newsBodyEdit")
        self.from_edit = date_edit("newsFromEdit")
        self.until_check = QCheckBox(_("until"))
        self.until_check.setObjectName("newsUntilCheck")
        self.until_edit = date_edit("newsUntilEdit")
        until = inline(self.until_check, self.until_edit)
        fields.add("title", _("Title:"), self.title_edit)
        label_on_top(fields.add("body", _("Text:"), self.body_edit))
        fixed_width(self.from_edit)
        fields.add("published_from", _("Published from:"), self.from_edit)
        fields.add("published_until", _("End:"), until)
        form.addRow("", hint_label(_("Without an end, the message shows until it is taken off.")))
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.section.buttons = [self.save_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.section.feedback.error_label)
        layout.addLayout(button_row(None, self.save_button, self.cancel_button))
        self.until_check.toggled.connect(self.until_edit.setEnabled)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        if row is None:
            self.from_edit.setDate(to_qdate(today))
            self.until_edit.setDate(to_qdate(today))
            self.until_check.setChecked(False)
        else:
            self.title_edit.setText(row.title)
            self.body_edit.setPlainText(row.body)
            self.from_edit.setDate(to_qdate(row.published_from))
            self.until_check.setChecked(row.published_until is not None)
            self.until_edit.setDate(to_qdate(row.published_until or row.published_from))
        self.until_edit.setEnabled(self.until_check.isChecked())

    def form(self) -> NewsForm:
        until = from_qdate(self.until_edit.date()) if self.until_check.isChecked() else None
        return NewsForm(self.title_edit.text(), self.body_edit.toPlainText(),
                        from_qdate(self.from_edit.date()), until)

    def save(self) -> None:
        self.section.run(
            self._gateway.save_news(self._structure_id, self.form(), self._news_id),  # type: ignore[attr-defined]
            self._on_saved)

    def _on_saved(self, row: NewsRow) -> None:
        self.accept()
        self.news_saved.emit(row)


class NewsCard(QWidget):
    """The list of messages and its buttons; `changed()` after any change."""

    changed = Signal(str)
    """A sentence saying what changed."""

    def __init__(self, gateway: object, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newsCard")
        self._gateway = gateway
        self._runner = runner
        self.structure_id: int | None = None
        self.today: date | None = None
        self.select_after: int | None = None
        self.dialog: NewsDialog | None = None
        self.box: QMessageBox | None = None
        self.calls = FormSection(gateway, runner, self)
        self.model = NewsTableModel(parent=self)
        self.table = admin_table("newsTable", self.model, _("News"))
        self.table.setMinimumHeight(220)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(_("New message…"))
        self.add_button.setObjectName("addNewsButton")
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setObjectName("editNewsButton")
        self.unpublish_button = QPushButton(_("Take off the home page"))
        self.unpublish_button.setObjectName("unpublishButton")
        self.delete_button = QPushButton(_("Delete…"))
        self.delete_button.setObjectName("deleteNewsButton")
        self.calls.buttons = [self.add_button]
        frame, inner = card("formCard")
        inner.addWidget(title_label(_("News on the home page")))
        inner.addWidget(hint_label(_(
            "Each message shows on the families' home page between its publication dates.")))
        inner.addWidget(self.table, 1)
        inner.addWidget(self.calls.feedback.error_label)
        inner.addLayout(hbox(self.add_button, self.edit_button, self.unpublish_button,
                             self.delete_button))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        self.add_button.clicked.connect(lambda: self.open_dialog(None))
        self.edit_button.clicked.connect(lambda: self.open_dialog(self.selected()))
        self.table.doubleClicked.connect(lambda _index: self.open_dialog(self.selected()))
        self.unpublish_button.clicked.connect(self._on_unpublish_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._on_selection_changed(QItemSelection(), QItemSelection())

    def show_news(self, rows: tuple[NewsRow, ...]) -> None:
        """The messages; the one saved last (else the one chosen) stays chosen."""
        chosen = self.selected()
        kept = self.select_after if self.select_after is not None else (
            chosen.id if chosen else None)
        self.select_after = None
        self.model.set_rows(rows)
        position = self.model.row_of(kept) if kept is not None else -1
        if position >= 0:
            self.table.selectRow(position)
        self._on_selection_changed(QItemSelection(), QItemSelection())

    def selected(self) -> NewsRow | None:
        rows = selected_rows(self.table)
        return self.model.index(rows[0], 0).data(AdminRole.ROW) if rows else None

    def _on_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        row = self.selected()
        self.edit_button.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None)
        self.unpublish_button.setEnabled(row is not None and row.state is NewsState.PUBLISHED)

    def open_dialog(self, row: NewsRow | None) -> None:
        if self.structure_id is None or self.today is None:
            return
        self.dialog = NewsDialog(self._gateway, self._runner, self.structure_id, self.today, row,
                                 self)
        self.dialog.news_saved.connect(lambda saved: setattr(self, "select_after", saved.id))
        self.dialog.news_saved.connect(lambda saved: self.changed.emit(
            _("The message “{title}” is saved.").format(title=saved.title)))
        self.dialog.open()

    def _on_unpublish_button_clicked(self) -> None:
        row = self.selected()
        if row is None or self.structure_id is None:
            return
        structure_id = self.structure_id
        self.box = ask(self, _("Take off the home page"), _(
            "Take “{title}” off the home page from today?").format(title=row.title),
            _("Take it off"), lambda: self.calls.run(
                self._gateway.unpublish_news(structure_id, row.id),  # type: ignore[attr-defined]
                lambda done: self.changed.emit(
                    _("“{title}” no longer shows on the home page.").format(title=done.title))))

    def _on_delete_button_clicked(self) -> None:
        row = self.selected()
        if row is None or self.structure_id is None:
            return
        structure_id = self.structure_id
        self.box = ask(self, _("Delete the message"), _(
            "Delete “{title}” for good?").format(title=row.title), _("Delete"),
            lambda: self.calls.run(
                self._gateway.delete_news(structure_id, row.id),  # type: ignore[attr-defined]
                lambda _none: self.changed.emit(
                    _("The message “{title}” is deleted.").format(title=row.title))))

    def forget(self) -> None:
        self.calls.forget()
        self.model.set_rows(())
        for window in (self.dialog, self.box):
            if window is not None:
                window.close()
        self.dialog = self.box = None
