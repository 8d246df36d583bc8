"""Staff: run the transmission from the desk, and see the e-mails that could not be sent.

`TransmissionDialog` is non-modal: the desk keeps working while the run goes on in the
gateway's transmission thread (local mode) or on the server (synced mode). Progress comes
through `ProgressRelay`: from the local gateway's thread, its queued signal brings each report
to the GUI thread; from the synced gateway, already on the GUI thread, it is shown at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.services.outbox import OutboxFailure
from famdesk.services.transmission import TransmitSummary
from famdesk.ui.errors import present_error
from famdesk.ui.gateway import Gateway
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)


class ProgressRelay(QObject):
    """`report(step, done, total)` may be called from any thread; `progressed` arrives on the
    thread this object lives in (the GUI's)."""

    progressed = Signal(str, int, int)

    def report(self, step: str, done: int, total: int) -> None:
        try:
            self.progressed.emit(step, done, total)
        except RuntimeError:  # the dialog is gone: the run itself must go on
            log.debug("progress not shown: %s %d/%d", step, done, total)


class TransmissionDialog(QDialog):
    """Start, follow and read the summary of a transmission; emits `transmission_finished`."""

    transmission_finished = Signal(object)

    def __init__(
        self,
        gateway: Gateway,
        runner: Runner,
        structure_names: Iterable[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("transmissionDialog")
        self.setWindowTitle(_("Transmission"))
        self.setModal(False)
        self.setMinimumWidth(560)
        self._gateway = gateway
        self._runner = runner
        self._running = False
        self._job: Job | None = None
        self.summary: TransmitSummary | None = None
        self._relay = ProgressRelay(self)
        self._relay.progressed.connect(self._on_relay_progressed)

        title = QLabel(_("Transmit the requests"))
        title.setObjectName("panelTitle")
        intro = QLabel(
            _(
                "Marks every request not yet transmitted as transmitted, e-mails each family "
                "its report and updates the site. Structures: {names}."
            ).format(names=", ".join(structure_names))
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")
        self.step_label = QLabel(_("Not started."))
        self.step_label.setObjectName("stepLabel")
        self.step_label.setWordWrap(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("transmissionProgress")
        self.progress_bar.setAccessibleName(_("Transmission progress"))
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("transmissionSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.hide()
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.start_button = QPushButton(_("Start the transmission"))
        self.start_button.setObjectName("startTransmission")
        self.start_button.setDefault(True)
        self.close_button = QPushButton(_("Close"))
        self.close_button.setObjectName("closeButton")
        self.start_button.clicked.connect(self._on_start_button_clicked)
        self.close_button.clicked.connect(self.close)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.close_button)
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addWidget(self.step_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def is_running(self) -> bool:
        return self._running

    def report_progress(self, step: str, done: int, total: int) -> None:
        """The callback handed to the gateway: safe from its transmission thread and from
        the GUI thread (the synced gateway's event loop)."""
        self._relay.report(step, done, total)

    # -- errors (used by present_error) ------------------------------------------

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    # -- running ----------------------------------------------------------------

    def start(self) -> None:
        if self._running:
            return
        self._running = True
        self.summary = None
        self.show_error("")
        self.summary_label.clear()
        self.summary_label.hide()
        self.start_button.setEnabled(False)
        self.step_label.setText(_("Starting the transmission…"))
        self.progress_bar.setRange(0, 0)  # busy until the first report
        log.info("transmission asked from the desk")
        self._job = self._runner.submit(
            self._gateway.transmit(self.report_progress),
            self._on_transmit_done,
            self._on_transmit_failed,
        )

    def forget(self) -> None:
        """Logout: stop listening (the run itself ends on its own) and show nothing more."""
        if self._job is not None:
            self._job.cancel()
        self._running = False
        self.summary = None
        self.summary_label.clear()
        self.show_error("")
        self.close()

    def _on_relay_progressed(self, step: str, done: int, total: int) -> None:
        if not self._running:
            return  # a late report, after the summary is shown
        self.step_label.setText(
            _("{step}: {done} of {total}").format(step=step, done=done, total=total)
        )
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(min(done, max(total, 1)))

    def _on_transmit_done(self, summary: TransmitSummary) -> None:
        self._running = False
        self.summary = summary
        self.step_label.setText(_("Transmission finished."))
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self.summary_label.setText("\n".join(summary.lines()))
        self.summary_label.show()
        self._grow_to_contents()
        self.start_button.setText(_("Run again"))
        self.start_button.setEnabled(True)
        self.close_button.setFocus()
        self.transmission_finished.emit(summary)

    def _grow_to_contents(self) -> None:
        """Tall enough for every line of the summary (wrapped at the dialog's width)."""
        self._layout.activate()
        height = self._layout.totalHeightForWidth(self.width())
        if height > self.height():
            self.resize(self.width(), height)

    def _on_transmit_failed(self, exc: BaseException) -> None:
        self._running = False
        self.step_label.setText(_("The transmission stopped."))
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.start_button.setEnabled(True)
        present_error(self, exc)

    def _on_start_button_clicked(self) -> None:
        self.start()


class OutboxFailuresDialog(QDialog):
    """The e-mails of the structure that could not be sent: recipient, subject, error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxFailuresDialog")
        self.setWindowTitle(_("E-mails not sent"))
        self.setModal(False)
        self.resize(900, 360)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("outboxFailuresTable")
        self.table.setHorizontalHeaderLabels(
            [_("Recipient"), _("Subject"), _("Attempts"), _("Error")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        # the subject and the error share the width, wrapped; whole in their tooltips
        modes = (
            QHeaderView.ResizeMode.ResizeToContents,
            QHeaderView.ResizeMode.Stretch,
            QHeaderView.ResizeMode.ResizeToContents,
            QHeaderView.ResizeMode.Stretch,
        )
        for column, mode in enumerate(modes):
            header.setSectionResizeMode(column, mode)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        close_button = QPushButton(_("Close"))
        close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def set_failures(self, failures: Iterable[OutboxFailure]) -> None:
        rows = tuple(failures)
        self.table.setRowCount(len(rows))
        for row, failure in enumerate(rows):
            values = (failure.recipient, failure.subject, str(failure.attempts), failure.last_error)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        self.table.resizeRowsToContents()
