"""Places and waiting-list size of the open days chosen, through the engine's capacity
service: the dialog shows first what the change would do (`preview_places`). When booked
children are above the new capacity it asks, saying how many: refuse the change, or move the
last booked to the head of the waiting list. Days that cannot change are listed.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _, ngettext
from famdesk.services.backoffice import KEEP, Overflow, PlacesPreview, PlacesResult
from famdesk.services.capacity import Keep
from famdesk.ui.admin.closing_dialog import period_text
from famdesk.ui.admin.widgets import LimitEdit
from famdesk.ui.forms import FormFields, FormSection, button_row, hint_label
from famdesk.ui.runner import Runner

PREVIEW_DELAY_MS = 250


class PlacesDialog(QDialog):
    applied = Signal(str)

    def __init__(self, gateway: object, runner: Runner, activity_id: int, activity_label: str,
                 first: date, last: date, capacity: int | None, waitlist_size: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placesDialog")
        self.setWindowTitle(_("Places – {activity}").format(activity=activity_label))
        self.setModal(True)
        self.resize(640, 460)
        self._gateway = gateway
        self._activity_id = activity_id
        self._first, self._last = first, last
        self.preview: PlacesPreview | None = None
        self._asked: tuple[int | None, int | None | Keep] | None = None
        self.section = FormSection(gateway, runner, self)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PREVIEW_DELAY_MS)
        self.timer.timeout.connect(self.load_preview)

        heading = QLabel(_("Open days of {activity} {period}.").format(
            activity=activity_label, period=period_text(first, last)))
        heading.setObjectName("sectionTitle")
        heading.setWordWrap(True)
        form = QFormLayout()
        self.section.fields = fields = FormFields(form)
        self.capacity_edit = LimitEdit("capacityEdit", _("no limit"))
        self.capacity_edit.set_value(capacity)
        self.waitlist_check = QCheckBox(_("change the waiting list too"))
        self.waitlist_check.setObjectName("changeWaitlistCheck")
        self.waitlist_edit = LimitEdit("waitlistEdit", _("no limit"), zero_text=_("no list"))
        self.waitlist_edit.set_value(waitlist_size)
        self.waitlist_edit.setEnabled(False)
        fields.add("capacity", _("Places:"), self.capacity_edit)
        form.addRow("", self.waitlist_check)
        fields.add("waitlist_size", _("Waiting list:"), self.waitlist_edit)

        self.summary_label = QLabel()
        self.summary_label.setObjectName("previewSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.hide()
        self.choice_box = QWidget()
        self.choice_box.setObjectName("overflowChoice")
        self.refuse_button = QRadioButton()
        self.refuse_button.setObjectName("refuseChoice")
        self.move_button = QRadioButton()
        self.move_button.setObjectName("moveChoice")
        self.choices = QButtonGroup(self)
        self.choices.addButton(self.refuse_button)
        self.choices.addButton(self.move_button)
        self.refuse_button.setChecked(True)
        choice_layout = QVBoxLayout(self.choice_box)
        choice_layout.setContentsMargins(0, 0, 0, 0)
        choice_layout.addWidget(self.refuse_button)
        choice_layout.addWidget(self.move_button)
        self.choice_box.hide()
        self.blocked_label = QLabel()
        self.blocked_label.setObjectName("blockedDays")
        self.blocked_label.setProperty("role", "fieldError")
        self.blocked_label.setWordWrap(True)
        self.blocked_label.hide()
        self.apply_button = QPushButton(_("Apply"))
        self.apply_button.setObjectName("applyButton")
        self.apply_button.setEnabled(False)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.section.buttons = [self.apply_button]

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(hint_label(_(
            "Past days are left as they are. A place freed goes to the head of the waiting list "
            "while families may still cancel.")))
        layout.addWidget(self.summary_label)
        layout.addWidget(self.choice_box)
        layout.addWidget(self.blocked_label)
        layout.addWidget(self.section.feedback.error_label)
        layout.addStretch(1)
        layout.addLayout(button_row(None, self.apply_button, self.cancel_button))

        self.capacity_edit.changed.connect(self._on_input_changed)
        self.waitlist_edit.changed.connect(self._on_input_changed)
        self.waitlist_check.toggled.connect(self._on_waitlist_check_toggled)
        self.apply_button.clicked.connect(self.apply)
        self.cancel_button.clicked.connect(self.reject)
        self.finished.connect(lambda _result: self._forget())
        self.load_preview()

    def values(self) -> tuple[int | None, int | None | Keep]:
        size = self.waitlist_edit.value() if self.waitlist_check.isChecked() else KEEP
        return self.capacity_edit.value(), size

    def _on_waitlist_check_toggled(self, on: bool) -> None:
        self.waitlist_edit.setEnabled(on)
        self._on_input_changed()

    def _on_input_changed(self) -> None:
        self.preview = None
        self.apply_button.setEnabled(False)
        self.timer.start()

    def load_preview(self) -> None:
        self.timer.stop()
        capacity, size = asked = self.values()
        self._asked = asked
        self.section.run(
            self._gateway.preview_places(self._activity_id, self._first,  # type: ignore[attr-defined]
                                         self._last, capacity, size),
            lambda preview: self._show_preview(asked, preview))

    def _show_preview(self, asked: tuple[int | None, int | None | Keep],
                      preview: PlacesPreview) -> None:
        if asked != self.values():
            return  # typed on meanwhile: the next preview follows
        self.preview = preview
        self.summary_label.setText(preview.summary)
        self.summary_label.show()
        self.choice_box.setVisible(preview.needs_choice)
        if preview.needs_choice:
            self.refuse_button.setText(_("Refuse: leave the places as they are"))
            self.move_button.setText(ngettext(
                "Move the last {count} booked child ({families}) to the head of the waiting "
                "list",
                "Move the last {count} booked children ({families}) to the head of the "
                "waiting list", preview.over_capacity).format(
                count=preview.over_capacity, families=ngettext(
                    "{count} family", "{count} families", preview.families_over).format(
                    count=preview.families_over)))
        self.blocked_label.setText("\n".join(preview.blocked))
        self.blocked_label.setVisible(bool(preview.blocked))
        self.apply_button.setEnabled(bool(preview.days) and not preview.blocked)

    def overflow(self) -> Overflow:
        return Overflow.WAITLIST if self.move_button.isChecked() else Overflow.REFUSE

    def apply(self) -> None:
        if self.preview is None:
            return
        capacity, size = self.values()
        self.section.run(
            self._gateway.set_places(self._activity_id, self._first, self._last,  # type: ignore[attr-defined]
                                     capacity, size, self.overflow()), self._on_applied)

    def _on_applied(self, result: PlacesResult) -> None:
        count = len(result.changes)
        message = ngettext("{count} day changed.", "{count} days changed.", count).format(
            count=count)
        if result.moved_to_waitlist:
            message += " " + ngettext(
                "{count} child moved to the head of the waiting list.",
                "{count} children moved to the head of the waiting list.",
                result.moved_to_waitlist).format(count=result.moved_to_waitlist)
        if result.promoted:
            message += " " + ngettext(
                "{count} waiting child got a place.", "{count} waiting children got a place.",
                result.promoted).format(count=result.promoted)
        self.accept()
        self.applied.emit(message)

    def _forget(self) -> None:
        self.timer.stop()
        self.section.forget()
