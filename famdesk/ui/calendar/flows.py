"""The booking tab's two conversations with the service that go through dialogs:

- `RecapFlow`: Valider -> the recap (preview) -> Modifier / Abandonner / Valider (confirm,
  with the recap's key) -> the results. A failed confirm (database locked, a constraint)
  shows its message in the recap and keeps the draft: Valider again sends the same key.
- `CopyFlow`: the copy dialog -> the service's copy plan -> the new draft and the days not
  copied.

Dialogs are opened with `open()` from slots; the gateway's coroutines go to the runner.
"""

from __future__ import annotations

import logging
from calendar import monthrange
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from famdesk.i18n import _, ngettext
from famdesk.models.enums import ReservationSource
from famdesk.services.booking import ConfirmResult, Recap
from famdesk.services.booking_info import BookingFamily
from famdesk.services.copying import CopyPlan
from famdesk.services.draft import Draft
from famdesk.services.month import MonthView
from famdesk.ui.calendar.copy_dialog import CopyDialog
from famdesk.ui.calendar.recap_dialog import RecapDialog, ResultsDialog
from famdesk.ui.errors import clear_retry_notice, present_error
from famdesk.ui.gateway import Gateway
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)


class RecapFlow(QObject):
    preview_failed = Signal(object)
    """The exception: the panel shows it (the draft is untouched)."""
    confirmed = Signal(object)
    """The `ConfirmResult`: the draft is done with."""
    abandoned = Signal()
    modified = Signal()
    tracking_requested = Signal()

    def __init__(self, gateway: Gateway, runner: Runner, parent: QWidget) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self._runner = runner
        self._parent = parent
        self._jobs: list[Job] = []
        self._draft = Draft()
        self._override: str | None = None
        self._source: ReservationSource | None = None
        self.recap_dialog: RecapDialog | None = None
        self.results_dialog: ResultsDialog | None = None
        self.busy = False

    def start(self, draft: Draft, override_reason: str | None,
              source: ReservationSource | None = None) -> None:
        """Ask the recap of `draft`; the dialog opens when it comes."""
        if self.busy or not draft.lines:
            return
        self.busy = True
        self._draft, self._override, self._source = draft, override_reason, source
        self._keep(self._runner.submit(
            self._gateway.preview(draft, override_reason), self._on_preview_loaded,
            self._on_preview_failed))

    def _keep(self, job: Job) -> None:
        self._jobs = [j for j in self._jobs if not j.done()]
        self._jobs.append(job)

    def _on_preview_loaded(self, recap: Recap) -> None:
        self.busy = False
        dialog = RecapDialog(recap, self._parent)
        dialog.modify_requested.connect(self.modified)
        dialog.abandon_requested.connect(self._on_recap_abandon_requested)
        dialog.confirm_requested.connect(self._on_recap_confirm_requested)
        self._close_recap()
        self.recap_dialog = dialog
        log.info("recap of %d lines shown", len(recap.lines))
        dialog.open()

    def _on_preview_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.preview_failed.emit(exc)

    def _on_recap_abandon_requested(self) -> None:
        self._close_recap()
        self.abandoned.emit()

    def _on_recap_confirm_requested(self, key: str) -> None:
        dialog = self.recap_dialog
        if dialog is None:
            return
        dialog.set_busy(True)
        self._keep(self._runner.submit(
            self._gateway.confirm(self._draft, key, self._override, self._source),
            self._on_confirmed, self._on_confirm_failed))

    def _on_confirmed(self, result: ConfirmResult) -> None:
        if self.recap_dialog is not None:
            self.recap_dialog.done_confirming()
            self._close_recap()
        log.info("confirm %s answered (replayed: %s)", result.key, result.replayed)
        window = self._parent.window()
        if isinstance(window, QMainWindow):  # a confirm retried by hand: nothing left to retry
            clear_retry_notice(window)
        results = ResultsDialog(result, self._parent)
        results.tracking_requested.connect(self.tracking_requested)
        if self.results_dialog is not None:
            self.results_dialog.close()
        self.results_dialog = results
        self.confirmed.emit(result)
        results.open()

    def _on_confirm_failed(self, exc: BaseException) -> None:
        dialog = self.recap_dialog
        if dialog is None:
            present_error(self._parent, exc)
            return
        dialog.set_busy(False)
        present_error(dialog, exc, retry=lambda: self._retry_confirm(dialog))

    def _retry_confirm(self, dialog: RecapDialog) -> None:
        """The connection banner's "Réessayer": the same recap again, with its key."""
        if self.recap_dialog is dialog and not self.busy:
            self._on_recap_confirm_requested(dialog.key)

    def _close_recap(self) -> None:
        dialog, self.recap_dialog = self.recap_dialog, None
        if dialog is not None:
            dialog.settle()
            dialog.close()

    def forget(self) -> None:
        """Logout, another family: late answers are dropped, dialogs closed."""
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        self.busy = False
        self._draft = Draft()
        self._close_recap()
        if self.results_dialog is not None:
            self.results_dialog.close()
            self.results_dialog = None


class CopyFlow(QObject):
    copied = Signal(object)
    """The `CopyPlan`: its draft replaces the panel's."""

    def __init__(self, gateway: Gateway, runner: Runner, parent: QWidget) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self._runner = runner
        self._parent = parent
        self._jobs: list[Job] = []
        self._draft = Draft()
        self.dialog: CopyDialog | None = None

    def start(self, family: BookingFamily, view: MonthView, draft: Draft) -> None:
        """Copy to the child and activity of `view` (the displayed month is the period
        proposed), adding to `draft`."""
        assert view.activity_id is not None
        self.forget()
        self._draft = draft
        first = date(view.year, view.month, 1)
        last = date(view.year, view.month, monthrange(view.year, view.month)[1])
        dialog = CopyDialog(family, view.child_id, view.activity_id, first, last, self._parent)
        dialog.copy_requested.connect(self._on_dialog_copy_requested)
        self.dialog = dialog
        dialog.open()

    def _on_dialog_copy_requested(self, arguments: dict) -> None:
        job = self._runner.submit(self._gateway.copy(**arguments, draft=self._draft),
                                  self._on_copied, self._on_copy_failed)
        self._jobs = [j for j in self._jobs if not j.done()]
        self._jobs.append(job)

    def _on_copied(self, plan: CopyPlan) -> None:
        if self.dialog is not None:
            self.dialog.show_result(plan)
        self.copied.emit(plan)

    def _on_copy_failed(self, exc: BaseException) -> None:
        present_error(self.dialog if self.dialog is not None else self._parent, exc)

    def forget(self) -> None:
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None


def ask_to_drop(parent: QWidget, count: int, drop: Callable[[], object]) -> QMessageBox:
    """ "Drop the N changes not confirmed yet?" — `drop()` on Yes. Opened, not exec'd."""
    box = QMessageBox(
        QMessageBox.Icon.Question, _("Cancel"),
        ngettext("Drop {count} change not confirmed yet?",
                 "Drop the {count} changes not confirmed yet?", count).format(count=count),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("dropDraftBox")
    box.setDefaultButton(QMessageBox.StandardButton.No)

    def finished(_result: int) -> None:
        if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes:
            drop()

    box.finished.connect(finished)
    box.open()
    return box
