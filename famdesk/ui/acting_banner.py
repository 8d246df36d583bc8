"""Staff: "Vous agissez pour la famille MARTIN", always in sight while they act for one.

"Leave" emits `left()`: the window stops acting for the family (once any change not
confirmed yet is dropped) and clears the banner and its tabs.
"Family file" emits `record_requested(family_id)`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from famdesk.i18n import _


class ActingBanner(QFrame):
    left = Signal()
    record_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actingBanner")
        self._family_id: int | None = None
        self.label = QLabel()
        self.label.setObjectName("actingLabel")
        self.label.setWordWrap(True)
        self.record_button = QPushButton(_("Family file"))
        self.record_button.setObjectName("actingRecordButton")
        self.leave_button = QPushButton(_("Leave"))
        self.leave_button.setObjectName("leaveActingButton")
        self.leave_button.setToolTip(_("Stop acting for this family"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 6, 8, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.record_button)
        layout.addWidget(self.leave_button)
        self.record_button.clicked.connect(self._on_record_button_clicked)
        self.leave_button.clicked.connect(self._on_leave_button_clicked)
        self.hide()

    def family_id(self) -> int | None:
        return self._family_id

    def set_family(self, family_id: int, name: str) -> None:
        """Show the banner for the family `name` ("MARTIN")."""
        self._family_id = family_id
        text = _("You are acting for the family {name}").format(name=name)
        self.label.setText(text)
        self.setAccessibleName(text)
        self.show()

    def clear(self) -> None:
        self._family_id = None
        self.label.clear()
        self.setAccessibleName("")
        self.hide()

    def _on_record_button_clicked(self) -> None:
        if self._family_id is not None:
            self.record_requested.emit(self._family_id)

    def _on_leave_button_clicked(self) -> None:
        self.left.emit()  # the window clears the banner once it really stopped acting
