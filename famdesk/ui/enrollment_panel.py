"""The "Inscriptions à l'année" tab: a child's annual enrollments and the form for a new one.

    Enfant : [MARTIN Léa ▾]
    notices / errors
    +-- Inscriptions de MARTIN Léa ---------------+  +-- Nouvelle inscription à l'année --+
    | Activité | Période | Jours | Horaires | ... |  | Activité  [RESTAURATION ▾]         |
    |                                             |  | Début     [date]  au plus tôt le … |
    | L'inscription choisie : fin [date]          |  | Fin       [date]  ☑ fin d'année    |
    |   [Modifier la fin] [Arrêter…]              |  | ☐ Une semaine sur 2   (hint)       |
    +---------------------------------------------+  | Jours     ☐ lun. ☐ mar. …          |
                                                     | Horaires  [arrivée ▾] [départ ▾]   |
                                                     |           [Valider l'inscription]  |
                                                     +------------------------------------+

The children come from outside like the calendar's: `set_structure()` for a family account
(the panel asks for the account's own family), `set_family()` for staff acting for one. The
service checks every rule; a refusal with a field shows under that field. Nothing here
computes a rule: the earliest dates and the weekdays come with the form's DTO.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QFrame,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.services.booking_info import BookingFamily
from famdesk.services.enrollments import EnrollmentForm, EnrollmentLine
from famdesk.services.formatting import long_day
from famdesk.ui.enrollment_form import (
    EnrollmentFormWidget,
    date_edit,
    enrollment_stylesheet,
    pydate,
    qdate,
    row,
)
from famdesk.ui.errors import present_error
from famdesk.ui.family_loading import FamilyLoading
from famdesk.ui.forms import field_error_label, hint_label
from famdesk.ui.gateway_enrollments import EnrollmentPage, EnrollmentsGateway
from famdesk.ui.models.enrollment_model import (
    ACTIVITY_COLUMN,
    EnrollmentRole,
    EnrollmentTableModel,
)
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)


class EnrollmentPanel(FamilyLoading, QWidget):
    enrollment_saved = Signal(object)
    """The `EnrollmentLine` created, given another end or stopped."""
    calendar_requested = Signal()
    page_loaded = Signal(int)
    """How many enrollments the child has."""

    def __init__(self, gateway: EnrollmentsGateway, runner: Runner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enrollmentPanel")
        self.setStyleSheet(enrollment_stylesheet())
        self._gateway = gateway
        self._runner = runner
        self._structure_id: int | None = None
        self.family: BookingFamily | None = None
        self.child_id: int | None = None
        self.form: EnrollmentForm | None = None
        self._select_after: int | None = None
        self._action = "create"
        self._stale = False
        self._request = 0
        self._jobs: list[Job] = []
        self.stop_box: QMessageBox | None = None

        self.child_combo = QComboBox()
        self.child_combo.setObjectName("enrollmentChildCombo")
        self.child_combo.setAccessibleName(_("Child"))
        self.child_combo.setMinimumContentsLength(16)
        child_caption = QLabel(_("Child:"))
        child_caption.setBuddy(self.child_combo)
        self.notice_label = QLabel()
        self.notice_label.setObjectName("enrollmentNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.list_title = QLabel()
        self.list_title.setObjectName("sectionTitle")
        self.model = EnrollmentTableModel(parent=self)
        self.table = QTableView()
        self.table.setObjectName("enrollmentTable")
        self.table.setAccessibleName(_("Annual enrollments"))
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setMinimumHeight(110)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)  # the state
        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty_label)

        self.change_box = QFrame()
        self.change_box.setObjectName("enrollmentActions")
        self.selected_label = QLabel()
        self.selected_label.setObjectName("sectionTitle")
        self.new_end_edit = date_edit("newEndEdit", _("New end"))
        self.change_end_button = QPushButton(_("Change the end"))
        self.change_end_button.setObjectName("changeEndButton")
        self.stop_button = QPushButton(_("Stop the enrollment…"))
        self.stop_button.setObjectName("stopButton")
        self.actions_hint = hint_label(name="changeHint")
        self.actions_error = field_error_label("changeError")
        actions_layout = QVBoxLayout(self.change_box)
        actions_layout.setContentsMargins(14, 10, 14, 10)
        actions_layout.setSpacing(6)
        actions_layout.addWidget(self.selected_label)
        actions_layout.addLayout(row(QLabel(_("New end:")), self.new_end_edit,
                                      self.change_end_button, self.stop_button))
        actions_layout.addWidget(self.actions_error)
        actions_layout.addWidget(self.actions_hint)

        self.form_widget = EnrollmentFormWidget()

        left = QVBoxLayout()
        left.setSpacing(8)
        left.addWidget(self.list_title)
        left.addWidget(self.list_stack, 1)
        left.addWidget(self.change_box)
        # side by side when the list fits beside the form, else the form under the list
        self.body = body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        body.setSpacing(16)
        body.addLayout(left, 1)
        body.addWidget(self.form_widget, 0, Qt.AlignmentFlag.AlignTop)
        # a small window scrolls rather than squeezing the form
        content = QWidget()
        content.setObjectName("enrollmentContent")
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(16, 12, 16, 12)
        content_layout.setSpacing(8)
        content_layout.addLayout(row(child_caption, self.child_combo))
        content_layout.addWidget(self.notice_label)
        content_layout.addWidget(self.error_label)
        content_layout.addLayout(body, 1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("enrollmentScroll")
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area)

        self.child_combo.currentIndexChanged.connect(self._on_child_combo_current_index_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.form_widget.enroll_button.clicked.connect(self._on_enroll_button_clicked)
        self.form_widget.calendar_label.linkActivated.connect(
            lambda _link: self.calendar_requested.emit())
        self.change_end_button.clicked.connect(self._on_change_end_button_clicked)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.clear()

    # -- the family ------------------------------------------------------------------------

    def set_structure(self, structure_id: int | None) -> None:
        """A family account's structure: its own family is asked when the tab is shown."""
        self.clear()
        self._structure_id = structure_id
        self._stale = structure_id is not None

    def set_family(self, family: BookingFamily) -> None:
        """The family whose children are shown (staff: the one they act for)."""
        self.family = family
        self._structure_id = family.structure_id
        self._stale = False
        self.child_combo.blockSignals(True)
        self.child_combo.clear()
        for child in family.children:
            self.child_combo.addItem(child.name, child.id)
        position = self.child_combo.findData(self.child_id)
        self.child_combo.setCurrentIndex(position if position >= 0 else 0)
        self.child_combo.blockSignals(False)
        self.child_id = self.child_combo.currentData()
        if self.child_id is None:
            self.empty_label.setText(_("No child in this structure."))
            self.list_stack.setCurrentWidget(self.empty_label)
            return
        self.load_page()

    def load_view(self) -> None:
        self.load_page()

    def clear(self) -> None:
        """Forget the family: no child, no enrollment; late answers are ignored."""
        self._request += 1
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        if self.stop_box is not None:
            self.stop_box.close()
        self.family = self.form = None
        self.child_id = self._structure_id = None
        self._stale = False
        self.child_combo.clear()
        self.model.set_rows(())
        self.form_widget.set_activities(())
        self.form_widget.reset_days()
        self.form_widget.clear_errors()
        self._set_saving(False)
        self.list_title.clear()
        self.empty_label.clear()
        self.list_stack.setCurrentWidget(self.empty_label)
        self.show_notice("")
        self.show_error("")
        self._show_selected(None)

    # -- loading -----------------------------------------------------------------------------

    def _submit(self, coro, on_success, on_error) -> None:  # type: ignore[no-untyped-def]
        self._request += 1
        request = self._request
        job = self._runner.submit(
            coro,
            lambda value: on_success(value) if request == self._request else None,
            lambda exc: on_error(exc) if request == self._request else None,
        )
        self._jobs = [j for j in self._jobs if not j.done()]
        self._jobs.append(job)

    def load_page(self) -> None:
        if self.child_id is None:
            return
        self._submit(self._gateway.enrollment_page(self.child_id), self._on_page_loaded,
                     self._on_load_failed)

    def _on_page_loaded(self, page: EnrollmentPage) -> None:
        form, lines = page
        self.form = form
        self.show_error("")
        self.list_title.setText(_("Annual enrollments of {child}").format(child=form.child_name))
        self.model.set_rows(lines)
        self.empty_label.setText(_("No annual enrollment yet for this child."))
        self.list_stack.setCurrentWidget(self.table if lines else self.empty_label)
        self.form_widget.set_activities(form.activities)
        if not form.activities:
            self.form_widget.calendar_label.setText(
                _("None of this child's activities takes annual enrollments now."))
        row = self.model.row_of(self._select_after) if self._select_after is not None else -1
        self._select_after = None
        if row < 0 and lines:
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._show_selected(None)
        self._fit_layout()
        self.page_loaded.emit(len(lines))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_layout()

    def _fit_layout(self) -> None:
        """The form beside the list when every column of the list fits, else under it."""
        header = self.table.horizontalHeader()
        columns = range(self.model.columnCount())
        needed = sum(max(header.sectionSizeHint(c), self.table.sizeHintForColumn(c)) for c in columns)
        needed += 2 * self.table.frameWidth() + 2
        content = self.scroll_area.widget()
        margins = content.layout().contentsMargins()
        room = self.scroll_area.viewport().width() - margins.left() - margins.right() \
            - self.body.spacing() - self.form_widget.width()
        beside = room >= needed or self.model.rowCount() == 0
        direction = QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom
        if self.body.direction() != direction:
            self.body.setDirection(direction)
            self.body.setAlignment(self.form_widget, Qt.AlignmentFlag.AlignTop if beside
                                   else Qt.AlignmentFlag.AlignLeft)

    def _on_load_failed(self, exc: BaseException) -> None:
        present_error(self, exc, retry=self.reload)

    # -- the enrollment chosen in the list ---------------------------------------------------

    def selected_line(self) -> EnrollmentLine | None:
        rows = self.table.selectionModel().selectedRows(ACTIVITY_COLUMN)
        return rows[0].data(EnrollmentRole.LINE) if rows else None

    def _on_table_selection_changed(self, _selected: QItemSelection, _old: QItemSelection) -> None:
        self.actions_error.hide()
        self._show_selected(self.selected_line())

    def _show_selected(self, line: EnrollmentLine | None) -> None:
        self.change_box.setVisible(line is not None)
        if line is None:
            return
        self.selected_label.setText(_("Chosen enrollment: {activity}, {period}").format(
            activity=line.activity_label, period=line.period_text))
        changeable = line.changeable
        for widget in (self.new_end_edit, self.change_end_button, self.stop_button):
            widget.setEnabled(changeable)
        if line.last_day is not None:
            self.new_end_edit.setDate(qdate(line.last_day))
        if changeable:
            self.actions_hint.setText(_(
                "A new end or a stop takes effect on {date} at the earliest; the days booked "
                "after it are cancelled at the next transmission.").format(
                date=long_day(line.earliest_change)))
        elif line.stopped:
            self.actions_hint.setText(_("This enrollment is stopped."))
        else:
            self.actions_hint.setText(_("Too late to change it here: use the calendar."))

    # -- saving -----------------------------------------------------------------------------

    def _on_enroll_button_clicked(self) -> None:
        activity = self.form_widget.activity()
        if self.child_id is None or activity is None:
            return
        self._action = "create"
        self._before_saving()
        arrival, departure = self.form_widget.times()
        self._submit(
            self._gateway.create_enrollment(
                self.child_id, activity.id, pydate(self.form_widget.start_edit),
                self.form_widget.ends_on(), self.form_widget.weekdays(),
                self.form_widget.every_other_check.isChecked(), arrival, departure),
            self._on_created, self._on_save_failed)

    def _on_created(self, line: EnrollmentLine) -> None:
        self.form_widget.reset_days()
        self.show_notice(_("The enrollment to {activity} is saved: its reservations come with the "
                           "next transmission.").format(activity=line.activity_label))
        self._saved(line)

    def _on_change_end_button_clicked(self) -> None:
        line = self.selected_line()
        if line is None:
            return
        self._action = "change"
        self._before_saving()
        self._submit(self._gateway.change_enrollment_end(line.id, pydate(self.new_end_edit)),
                     self._on_changed, self._on_save_failed)

    def _on_changed(self, line: EnrollmentLine) -> None:
        assert line.last_day is not None
        self.show_notice(_("The enrollment to {activity} now ends on {date}.").format(
            activity=line.activity_label, date=long_day(line.last_day)))
        self._saved(line)

    def _on_stop_button_clicked(self) -> None:
        line = self.selected_line()
        if line is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question, _("Stop the enrollment"),
            _("Stop the enrollment to {activity} from {date}? The days it booked from then on "
              "are cancelled at the next transmission.").format(
                activity=line.activity_label, date=long_day(line.earliest_change)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("stopEnrollmentBox")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda _result: self._on_stop_box_finished(box, line))
        self.stop_box = box
        box.open()

    def _on_stop_box_finished(self, box: QMessageBox, line: EnrollmentLine) -> None:
        self.stop_box = None
        if box.standardButton(box.clickedButton()) != QMessageBox.StandardButton.Yes:
            return
        self._action = "stop"
        self._before_saving()
        self._submit(self._gateway.stop_enrollment(line.id, line.earliest_change),
                     self._on_stopped, self._on_save_failed)

    def _on_stopped(self, line: EnrollmentLine) -> None:
        stops_on = line.last_day + timedelta(days=1) if line.last_day else line.starts_on
        self.show_notice(_("The enrollment to {activity} stops on {date}: the days it booked from "
                           "then on are cancelled at the next transmission.").format(
            activity=line.activity_label, date=long_day(stops_on)))
        self._saved(line)

    def _before_saving(self) -> None:
        self.show_notice("")
        self.show_error("")
        self.form_widget.clear_errors()
        self.actions_error.hide()
        self._set_saving(True)

    def _set_saving(self, saving: bool) -> None:
        """One save at a time: its buttons wait for the answer."""
        self.form_widget.enroll_button.setEnabled(not saving)
        if saving:
            self.change_end_button.setEnabled(False)
            self.stop_button.setEnabled(False)
        else:
            self._show_selected(self.selected_line())

    def _saved(self, line: EnrollmentLine) -> None:
        self._set_saving(False)
        self._select_after = line.id
        self.enrollment_saved.emit(line)
        self.load_page()

    def _on_save_failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        present_error(self, exc)

    # -- messages (used by present_error) ----------------------------------------------------

    def show_notice(self, message: str) -> None:
        self.notice_label.setText(message)
        self.notice_label.setVisible(bool(message))

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_field_error(self, field: str, message: str) -> None:
        if self._action in ("change", "stop") and field in ("ends_on", "stops_on"):
            self.actions_error.setText(message)
            self.actions_error.show()
        elif not (self._action == "create" and self.form_widget.show_field_error(field, message)):
            self.show_error(message)

    # -- the child ---------------------------------------------------------------------------

    def _on_child_combo_current_index_changed(self, _index: int) -> None:
        self.child_id = self.child_combo.currentData()
        self.show_notice("")
        self.form_widget.clear_errors()
        self.form_widget.reset_days()
        self.load_page()
