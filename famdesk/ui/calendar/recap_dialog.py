"""The recap ("Récapitulatif") before confirming, and the confirm's results.

The recap holds its idempotency key, made once when it is built: Valider clicked twice, or
clicked again after an error, sends the same key, and the service books once. The dialogs
answer through signals; the panel talks to the gateway.
"""

from __future__ import annotations

import uuid
from collections import Counter
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _, ngettext
from famdesk.services.booking import ConfirmResult, Recap, RecapLine
from famdesk.services.formatting import money
from famdesk.services.planning import Outcome
from famdesk.ui.models.recap_model import REMARK_COLUMN, STANDS_OUT, RecapTableModel


def recap_table(model: RecapTableModel, name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(REMARK_COLUMN, QHeaderView.ResizeMode.Stretch)
    return table


def fit_rows(table: QTableView, rows: int, most: int = 10) -> None:
    """As tall as its lines (up to `most`, then it scrolls)."""
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth() + 2
    height += table.verticalHeader().defaultSectionSize() * max(1, min(rows, most))
    table.setFixedHeight(height)


def total_text(total: Decimal) -> str:
    return _("Total: {amount}").format(amount=money(total))


def outcome_summary(lines: tuple[RecapLine, ...]) -> str:
    """ "2 accepted, 1 on the waiting list, 1 refused"."""
    counts = Counter(line.outcome for line in lines)
    parts = []
    accepted = counts[Outcome.BOOKED] + counts[Outcome.TIMES_CHANGED]
    if accepted:
        parts.append(ngettext("{count} accepted", "{count} accepted", accepted).format(count=accepted))
    if counts[Outcome.WAITLISTED]:
        parts.append(_("{count} on the waiting list").format(count=counts[Outcome.WAITLISTED]))
    if counts[Outcome.REFUSED]:
        parts.append(ngettext("{count} refused", "{count} refused", counts[Outcome.REFUSED])
                     .format(count=counts[Outcome.REFUSED]))
    if counts[Outcome.CANCELLED]:
        parts.append(ngettext("{count} cancelled", "{count} cancelled", counts[Outcome.CANCELLED])
                     .format(count=counts[Outcome.CANCELLED]))
    return ", ".join(parts)


class RecapDialog(QDialog):
    """Two tables and the total; Modifier (back, draft kept), Abandonner (draft dropped),
    Valider (confirm with `key`)."""

    modify_requested = Signal()
    abandon_requested = Signal()
    confirm_requested = Signal(str)

    def __init__(self, recap: Recap, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recapDialog")
        self.setWindowTitle(_("Summary"))
        self.recap = recap
        self.key = uuid.uuid4().hex
        self.bookings_model = RecapTableModel(recap.bookings, parent=self)
        self.cancellations_model = RecapTableModel(recap.cancellations, parent=self)
        self.bookings_table = recap_table(self.bookings_model, "recapBookings")
        self.cancellations_table = recap_table(self.cancellations_model, "recapCancellations")
        layout = QVBoxLayout(self)
        intro = QLabel(_("Check what will be done, then confirm. Nothing is saved before."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        for title, table, rows in (
            (_("Bookings"), self.bookings_table, recap.bookings),
            (_("Cancellations"), self.cancellations_table, recap.cancellations),
        ):
            caption = QLabel(title)
            caption.setObjectName("sectionTitle")
            layout.addWidget(caption)
            if rows:
                fit_rows(table, len(rows))
                layout.addWidget(table)
            else:
                empty = QLabel(_("None."))
                empty.setProperty("role", "hint")
                layout.addWidget(empty)
                table.hide()
        self.total_label = QLabel(total_text(recap.total))
        self.total_label.setObjectName("recapTotal")
        layout.addSpacing(6)
        layout.addWidget(self.total_label)
        if any(line.outcome is Outcome.WAITLISTED for line in recap.lines):
            note = QLabel(_("A day on the waiting list costs nothing unless a place is freed."))
            note.setProperty("role", "hint")
            note.setWordWrap(True)
            layout.addWidget(note)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        self.modify_button = QPushButton(_("Modify"))
        self.modify_button.setObjectName("recapModify")
        self.abandon_button = QPushButton(_("Abandon"))
        self.abandon_button.setObjectName("recapAbandon")
        self.confirm_button = QPushButton(_("Confirm"))
        self.confirm_button.setObjectName("recapConfirm")
        self.confirm_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.modify_button)
        buttons.addWidget(self.abandon_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(920, self.sizeHint().height())

        self._busy = False
        self._settled = False
        self.modify_button.clicked.connect(self.reject)
        self.rejected.connect(self._on_rejected)
        self.abandon_button.clicked.connect(self._on_abandon_button_clicked)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)

    def reject(self) -> None:
        if self._busy:
            return  # Escape while the confirm runs: wait for its answer
        super().reject()

    def settle(self) -> None:
        """Closing from now on is not "Modifier" (the draft was confirmed or dropped)."""
        self._settled = True

    def _on_rejected(self) -> None:
        if not self._settled:
            self.modify_requested.emit()

    def _on_abandon_button_clicked(self) -> None:
        self.settle()
        self.reject()
        self.abandon_requested.emit()

    def _on_confirm_button_clicked(self) -> None:
        if self._busy:
            return  # the same request is on its way (and would be replayed by its key anyway)
        self.show_error("")
        self.confirm_requested.emit(self.key)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in (self.modify_button, self.abandon_button, self.confirm_button):
            button.setEnabled(not busy)
        self.confirm_button.setText(_("Saving…") if busy else _("Confirm"))

    def done_confirming(self) -> None:
        """The confirm went through: close without meaning "Modifier"."""
        self.settle()
        self.accept()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))


class ResultsDialog(QDialog):
    """What became of each line; waiting-list and refused lines stand out with their remark."""

    tracking_requested = Signal()

    def __init__(self, result: ConfirmResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultsDialog")
        self.setWindowTitle(_("Your request"))
        lines = result.recap.lines
        self.model = RecapTableModel(lines, expected=False, parent=self)
        self.table = recap_table(self.model, "resultsTable")
        self.summary_label = QLabel(_("Saved: {summary}.").format(summary=outcome_summary(lines)))
        self.summary_label.setObjectName("resultsSummary")
        self.summary_label.setWordWrap(True)
        self.warning_label = QLabel()
        self.warning_label.setObjectName("resultsWarning")
        self.warning_label.setWordWrap(True)
        notable = [line for line in lines if line.outcome in STANDS_OUT]
        if notable:
            self.warning_label.setText("\u26a0 " + ngettext(
                "{count} day was not booked as asked: see the line in bold.",
                "{count} days were not booked as asked: see the lines in bold.",
                len(notable)).format(count=len(notable)))
        self.warning_label.setVisible(bool(notable))
        self.total_label = QLabel(total_text(result.recap.total))
        self.total_label.setObjectName("recapTotal")
        close = QPushButton(_("Close"))
        close.setDefault(True)
        self.tracking_button = QPushButton(_("See my bookings"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.tracking_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.warning_label)
        fit_rows(self.table, len(lines), 14)
        layout.addWidget(self.table)
        layout.addWidget(self.total_label)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(920, self.sizeHint().height())
        close.clicked.connect(self.accept)
        self.tracking_button.clicked.connect(self._on_tracking_button_clicked)

    def _on_tracking_button_clicked(self) -> None:
        self.accept()
        self.tracking_requested.emit()
