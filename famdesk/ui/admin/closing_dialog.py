"""Closing open days — never silently: the dialog first asks the service who is affected
(`closure_preview`) and shows it — how many reservations of how many families are cancelled
without charge and the families told by e-mail, every reservation, what is refunded, the
families without an e-mail address (to call) — then asks the reason, and closes only on
"Fermer…", telling the service the count it showed (if it changed meanwhile, nothing is done
and the new count shows).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from famdesk.errors import ValidationError
from famdesk.i18n import _, ngettext
from famdesk.services.backoffice import ClosurePreview, ClosureResult
from famdesk.services.formatting import long_day
from famdesk.ui.admin.widgets import admin_table
from famdesk.ui.forms import FormFields, FormSection, button_row, hint_label, line_edit
from famdesk.ui.models.opening_model import AffectedReservationTableModel, affected_lines
from famdesk.ui.runner import Runner

LISTED_FAMILIES = 5
"""Families without e-mail named in the sentence; more are marked in the list."""


def period_text(first: date, last: date) -> str:
    if first == last:
        return _("on {day}").format(day=long_day(first))
    return _("from {first} to {last}").format(first=long_day(first), last=long_day(last))


class ClosureDialog(QDialog):
    applied = Signal(str)

    def __init__(self, gateway: object, runner: Runner, activity_id: int, activity_label: str,
                 first: date, last: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("closureDialog")
        self.setWindowTitle(_("Close days – {activity}").format(activity=activity_label))
        self.setModal(True)
        self.resize(820, 580)
        self._gateway = gateway
        self._activity_id = activity_id
        self._first, self._last = first, last
        self.preview: ClosurePreview | None = None
        self._confirming = False
        self.section = FormSection(gateway, runner, self)
        self.section.on_failed = self._on_failed  # type: ignore[method-assign]

        heading = QLabel(_("Close {activity} {period}.").format(
            activity=activity_label, period=period_text(first, last)))
        heading.setObjectName("sectionTitle")
        heading.setWordWrap(True)
        self.summary_label = QLabel(_("Counting the reservations…"))
        self.summary_label.setObjectName("previewSummary")
        self.summary_label.setWordWrap(True)
        self.model = AffectedReservationTableModel(parent=self)
        self.table = admin_table("affectedTable", self.model, _("Reservations cancelled"))
        self.without_label = QLabel()
        self.without_label.setObjectName("withoutEmail")
        self.without_label.setWordWrap(True)
        self.without_label.setProperty("role", "fieldError")
        form = QFormLayout()
        self.section.fields = FormFields(form)
        self.reason_edit = line_edit("closureReasonEdit", 200)
        self.reason_edit.setPlaceholderText(_("e.g. staff strike"))
        self.section.fields.add("reason", _("Reason (told to the families):"), self.reason_edit)
        self.close_button = QPushButton(_("Close these days"))
        self.close_button.setObjectName("confirmButton")
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setDefault(True)
        self.section.buttons = [self.close_button]

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.without_label)
        layout.addLayout(form)
        layout.addWidget(hint_label(_(
            "The reservations are cancelled without charge (a day already debited is refunded) "
            "and each family gets an e-mail with the reason.")))
        layout.addWidget(self.section.feedback.error_label)
        layout.addLayout(button_row(None, self.close_button, self.cancel_button))
        self.close_button.clicked.connect(self.confirm)
        self.cancel_button.clicked.connect(self.reject)
        self.finished.connect(lambda _result: self.section.forget())
        self.close_button.setEnabled(False)
        self.load_preview()

    def load_preview(self) -> None:
        self.section.run(
            self._gateway.closure_preview(self._activity_id, self._first,  # type: ignore[attr-defined]
                                          self._last), self._show_preview)

    def _show_preview(self, preview: ClosurePreview) -> None:
        self.preview = preview
        self.summary_label.setText(preview.summary)
        self.model.set_rows(affected_lines(preview))
        self.table.setVisible(bool(preview.reservations))
        self.table.setColumnHidden(0, len(preview.days) == 1)  # the date: said above
        without = preview.families_without_email
        if len(without) > LISTED_FAMILIES:
            text = ngettext(
                "{count} family has no e-mail address: call it (“to call” in the list).",
                "{count} families have no e-mail address: call them (“to call” in the list).",
                len(without)).format(count=len(without))
        else:
            text = ngettext(
                "Without an e-mail address (call it): {names}",
                "Without an e-mail address (call them): {names}", len(without)).format(
                names=", ".join(without))
        self.without_label.setText(text if without else "")
        self.without_label.setVisible(bool(without))
        self.close_button.setText(ngettext(
            "Close and cancel {count} reservation", "Close and cancel {count} reservations",
            preview.affected).format(count=preview.affected) if preview.affected
            else _("Close these days"))
        self.close_button.setEnabled(bool(preview.days))

    def confirm(self) -> None:
        if self.preview is None:
            return
        self._confirming = True
        self.section.run(
            self._gateway.close_days(self._activity_id, self._first,  # type: ignore[attr-defined]
                                     self._last, self.reason_edit.text(),
                                     self.preview.affected), self._on_closed)

    def _on_closed(self, result: ClosureResult) -> None:
        message = ngettext("{count} day closed.", "{count} days closed.",
                           len(result.closed)).format(count=len(result.closed))
        if result.cancelled:
            message += " " + ngettext(
                "{count} reservation cancelled, {mails} e-mail to send.",
                "{count} reservations cancelled, {mails} e-mails to send.",
                result.cancelled).format(count=result.cancelled, mails=result.emails_queued)
        if result.families_without_email:
            message += " " + _("To call: {names}.").format(
                names=", ".join(result.families_without_email))
        self.accept()
        self.applied.emit(message)

    def _on_failed(self, exc: BaseException) -> None:
        """A refusal of the closure without a field (the reservations changed since they
        were counted): count them again; the refusal shows as well."""
        if self._confirming and isinstance(exc, ValidationError) and exc.field is None:
            self._confirming = False
            self.section.calls.run(
                self._gateway.closure_preview(self._activity_id, self._first,  # type: ignore[attr-defined]
                                              self._last), self._show_preview)
        self._confirming = False
