"""'Recopier les réservations': a source child, activity and period, copied to the calendar's
child and activity. The copied days come back as pending requests of the draft; the days
that could not be taken are listed with why ("Réservations non importées")."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _, ngettext
from famdesk.services.booking_info import BookingFamily
from famdesk.services.copying import CopyPlan
from famdesk.ui.models.copy_model import NotCopiedTableModel


def _date_edit(day: date, name: str) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit


class CopyDialog(QDialog):
    """Emits `copy_requested(dict)` with the gateway's `copy()` arguments (but the draft)."""

    copy_requested = Signal(dict)

    def __init__(self, family: BookingFamily, child_id: int, activity_id: int, first: date,
                 last: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("copyDialog")
        self.setWindowTitle(_("Copy bookings"))
        self._family = family
        self._target = (child_id, activity_id)
        child = family.child(child_id)
        activity = next((a for a in (child.activities if child else ()) if a.id == activity_id), None)
        target = QLabel(_("To: {child}, {activity}").format(
            child=child.name if child else "?", activity=activity.label if activity else "?"))
        target.setObjectName("dialogHeading")
        self.child_combo = QComboBox()
        self.child_combo.setObjectName("copyChild")
        for choice in family.children:
            self.child_combo.addItem(choice.name, choice.id)
        self.activity_combo = QComboBox()
        self.activity_combo.setObjectName("copyActivity")
        self.first_edit = _date_edit(first, "copyFirst")
        self.last_edit = _date_edit(last, "copyLast")
        self.field_errors = {"first": QLabel(), "last": QLabel()}
        form = QFormLayout()
        form.addRow(_("From the child:"), self.child_combo)
        form.addRow(_("Activity:"), self.activity_combo)
        for label in self.field_errors.values():
            label.setProperty("role", "fieldError")
            label.hide()
        form.addRow(_("From:"), self.first_edit)
        form.addRow("", self.field_errors["first"])
        form.addRow(_("To:"), self.last_edit)
        form.addRow("", self.field_errors["last"])
        hint = QLabel(_("The same dates are copied: a brother's or sister's days, or another "
                        "activity's days of the same child."))
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        form_page = QWidget()
        form_layout = QVBoxLayout(form_page)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addWidget(target)
        form_layout.addLayout(form)
        form_layout.addWidget(hint)
        form_layout.addWidget(self.error_label)
        form_layout.addStretch(1)

        self.result_label = QLabel()
        self.result_label.setObjectName("copySummary")
        self.result_label.setWordWrap(True)
        self.not_copied_title = QLabel(_("Bookings not copied"))
        self.not_copied_title.setObjectName("sectionTitle")
        self.not_copied_model = NotCopiedTableModel(parent=self)
        self.not_copied_table = QTableView()
        self.not_copied_table.setObjectName("notCopiedTable")
        self.not_copied_table.setModel(self.not_copied_model)
        self.not_copied_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.not_copied_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.not_copied_table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.not_copied_table.verticalHeader().hide()
        self.not_copied_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.not_copied_table.horizontalHeader().setStretchLastSection(True)
        result_page = QWidget()
        result_layout = QVBoxLayout(result_page)
        result_layout.setContentsMargins(0, 0, 0, 0)
        result_layout.addWidget(self.result_label)
        result_layout.addWidget(self.not_copied_title)
        result_layout.addWidget(self.not_copied_table, 1)

        self.pages = QStackedWidget()
        self.pages.addWidget(form_page)
        self.pages.addWidget(result_page)
        self.copy_button = QPushButton(_("Copy"))
        self.copy_button.setObjectName("copyButton")
        self.copy_button.setDefault(True)
        self.close_button = QPushButton(_("Close"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.resize(560, 420)

        self.child_combo.currentIndexChanged.connect(self._fill_activities)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.close_button.clicked.connect(self.accept)
        others = [i for i in range(self.child_combo.count()) if self.child_combo.itemData(i) != child_id]
        self.child_combo.setCurrentIndex(others[0] if others else 0)
        self._fill_activities()

    def _fill_activities(self) -> None:
        """Another child: the same activity. The same child: another of its activities."""
        source_child = self.child_combo.currentData()
        child_id, activity_id = self._target
        child = self._family.child(source_child) if source_child is not None else None
        self.activity_combo.clear()
        for activity in child.activities if child else ():
            if (source_child == child_id) != (activity.id == activity_id):
                self.activity_combo.addItem(activity.label, activity.id)
        self.copy_button.setEnabled(self.activity_combo.count() > 0)
        if not self.activity_combo.count():
            self.show_error(_("Nothing to copy from this child for this activity."))
        else:
            self.show_error("")

    def _on_copy_button_clicked(self) -> None:
        self.show_error("")
        for label in self.field_errors.values():
            label.hide()
        source_child = self.child_combo.currentData()
        source_activity = self.activity_combo.currentData()
        if source_child is None or source_activity is None:
            return
        child_id, activity_id = self._target
        arguments: dict = {
            "source_child_id": source_child,
            "source_activity_id": source_activity,
            "first": self.first_edit.date().toPython(),
            "last": self.last_edit.date().toPython(),
        }
        if source_child != child_id:
            arguments["target_child_id"] = child_id
        else:
            arguments["target_activity_id"] = activity_id
        self.copy_button.setEnabled(False)
        self.copy_requested.emit(arguments)

    def show_result(self, plan: CopyPlan) -> None:
        copied = len(plan.lines)
        waiting = sum(1 for line in plan.lines if line.waits)
        if copied:
            text = ngettext(
                "{count} day copied into the calendar, waiting for your confirmation.",
                "{count} days copied into the calendar, waiting for your confirmation.",
                copied).format(count=copied)
        else:
            text = _("No day could be copied.")
        if waiting:
            text += " " + ngettext("{count} of them will go on the waiting list.",
                                   "{count} of them will go on the waiting list.",
                                   waiting).format(count=waiting)
        if not plan.not_copied:
            text += " " + _("Every day was copied.")
        self.result_label.setText(text)
        self.not_copied_model.set_rows(plan.not_copied)
        self.not_copied_table.setColumnHidden(
            1, not any(line.arrival for line in plan.not_copied))
        self.not_copied_title.setVisible(bool(plan.not_copied))
        self.not_copied_table.setVisible(bool(plan.not_copied))
        self.pages.setCurrentIndex(1)
        self.copy_button.hide()
        self.close_button.setDefault(True)

    # -- errors (used by present_error) ---------------------------------------------------

    def show_error(self, message: str) -> None:
        self.copy_button.setEnabled(self.activity_combo.count() > 0)
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_field_error(self, field: str, message: str) -> None:
        label = self.field_errors.get(field)
        if label is None:
            self.show_error(message)
            return
        self.copy_button.setEnabled(True)
        label.setText(message)
        label.show()
