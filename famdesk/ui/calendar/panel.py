"""The "Réservations" tab: a child's month, one activity or every activity, and the draft.

The family (its children and their activities) comes from outside: `set_structure()` for a
family account (the panel asks the gateway for the account's own family), `set_family()` for
staff acting for a family. The draft is a client-side value held here until the confirm;
every toggle goes through the engine's functions (`toggle_range`, `change_times`), the
calendar shows it at once, and the service checks it again at the recap and the confirm.
"""

from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from famdesk.i18n import _
from famdesk.models.enums import ReservationSource
from famdesk.services.booking_info import ActivityInfo, BookingFamily
from famdesk.services.copying import CopyPlan
from famdesk.services.draft import Draft, LineKind, ToggleResult
from famdesk.services.month import ActivityCell, DayCell, MonthView
from famdesk.ui import theme
from famdesk.ui.calendar.flows import CopyFlow, RecapFlow, ask_to_drop
from famdesk.ui.calendar.layout import PanelWidgets
from famdesk.ui.calendar.texts import month_title, short_day_title
from famdesk.ui.calendar.toggler import Toggler
from famdesk.ui.errors import present_error
from famdesk.ui.family_loading import FamilyLoading
from famdesk.ui.gateway import Gateway
from famdesk.ui.models.roles import CalendarRole
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)


def shifted(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


class BookingPanel(FamilyLoading, PanelWidgets):
    tracking_requested = Signal()
    reservations_confirmed = Signal(object)
    """The `ConfirmResult`."""
    draft_changed = Signal(int)
    month_loaded = Signal(object)
    """The `MonthView` now shown."""

    def __init__(self, gateway: Gateway, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(theme.calendar_palette(), parent)
        self._gateway = gateway
        self._runner = runner
        self._structure_id: int | None = None
        self.family: BookingFamily | None = None
        self.child_id: int | None = None
        self.activity_id: int | None = None
        self.year, self.month = 2000, 1
        self.draft = Draft()
        self.override_reason: str | None = None
        self._copied: set[tuple[int, int, date]] = set()
        self._stale = False
        self._request = 0
        self._jobs: list[Job] = []
        self._info_key: tuple[int, int, int, int] | None = None
        self.info: ActivityInfo | None = None
        self.drop_box: QMessageBox | None = None
        self.recap_flow = RecapFlow(gateway, runner, self)
        self.copy_flow = CopyFlow(gateway, runner, self)
        self.times = Toggler(self)
        self._prices = QTimer(self)
        self._prices.setSingleShot(True)
        self._prices.setInterval(150)
        self._prices.timeout.connect(self.load_month)

        self.child_combo.currentIndexChanged.connect(self._on_child_combo_current_index_changed)
        self.activity_combo.currentIndexChanged.connect(
            self._on_activity_combo_current_index_changed)
        self.previous_button.clicked.connect(lambda: self.show_month(*shifted(self.year, self.month, -1)))
        self.next_button.clicked.connect(lambda: self.show_month(*shifted(self.year, self.month, 1)))
        self.today_button.clicked.connect(self._on_today_button_clicked)
        self.month_button.clicked.connect(self._on_month_button_clicked)
        self.tracking_button.clicked.connect(self.tracking_requested)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.validate_button.clicked.connect(self._on_validate_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.calendar.toggle_requested.connect(self._on_calendar_toggle_requested)
        self.calendar.open_requested.connect(self._on_calendar_open_requested)
        self.calendar.week_requested.connect(
            lambda row: self.times.days(self.model.week_days(row)))
        self.calendar.column_requested.connect(
            lambda column: self.times.days(self.model.column_days(column)))
        self.calendar.selectionModel().currentChanged.connect(self._on_calendar_current_changed)
        self.day_page.back_requested.connect(self._show_month_page)
        self.day_page.toggle_requested.connect(self._on_day_page_toggle_requested)
        self.same_times_check.toggled.connect(self._on_same_times_changed)
        self.arrival_combo.currentIndexChanged.connect(self._on_same_times_changed)
        self.departure_combo.currentIndexChanged.connect(self._on_same_times_changed)
        self.recap_flow.confirmed.connect(self._on_recap_flow_confirmed)
        self.recap_flow.abandoned.connect(self._on_recap_flow_abandoned)
        self.recap_flow.preview_failed.connect(self._on_recap_flow_preview_failed)
        self.recap_flow.modified.connect(self.calendar.setFocus)
        self.recap_flow.tracking_requested.connect(self.tracking_requested)
        self.copy_flow.copied.connect(self._on_copy_flow_copied)
        self.clear()

    # -- the family ------------------------------------------------------------------------

    def set_structure(self, structure_id: int | None) -> None:
        """A family account's structure: its own family is asked when the tab is shown."""
        self.clear()
        self._structure_id = structure_id
        self._stale = structure_id is not None

    def set_family(self, family: BookingFamily) -> None:
        """The family whose children are shown (staff: the one they act for). The draft of
        another family is dropped."""
        if self.family is None or self.family.family_id != family.family_id:
            self._drop_draft()
        self.family = family
        self._structure_id = family.structure_id
        self._stale = False
        self.child_id = self.fill_children(family.children, self.child_id)
        self.year, self.month = family.today.year, family.today.month
        self._fill_activities()
        self.empty_label.setVisible(not family.children)
        self.load_month()

    def load_view(self) -> None:
        self.load_month()

    def _fill_activities(self) -> None:
        child = self.family.child(self.child_id) if self.family and self.child_id else None
        self.activity_id = self.fill_activities(child.activities if child else (), self.activity_id)

    def child_name(self) -> str:
        child = self.family.child(self.child_id) if self.family and self.child_id else None
        return child.name if child else ""

    def is_staff(self) -> bool:
        session = self._gateway.session
        return session is not None and session.is_staff

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

    def show_month(self, year: int, month: int) -> None:
        self.year, self.month = year, month
        self.show_notice("")
        self.load_month()

    def load_month(self) -> None:
        """Ask the service for the month shown, seen through the draft."""
        if self.child_id is None:
            return
        self.month_label.setText(month_title(self.year, self.month))
        self._submit(
            self._gateway.month(self.child_id, self.year, self.month, self.activity_id, self.draft),
            self._on_month_loaded, self._on_load_failed)

    def _on_month_loaded(self, view: MonthView) -> None:
        self.show_error("")
        current = self.calendar.currentIndex().data(CalendarRole.DAY) if self.model.view() else None
        self.model.set_view(view, self.draft)
        activity_mode = view.activity_id is not None
        choice = next((a for a in view.activities if a.id == view.activity_id), None)
        time_entry = bool(choice and choice.time_entry)
        self.legend.set_mode(activity_mode, time_entry)
        self.month_label.setText(month_title(view.year, view.month))
        self.month_button.setEnabled(activity_mode)
        self.copy_button.setEnabled(activity_mode and self.family is not None)
        self.times_bar.setVisible(time_entry)
        self.calendar.verticalHeader().setVisible(activity_mode)
        self.info_widget.setVisible(activity_mode)
        day = current if isinstance(current, date) and self.model.index_of(current).isValid() else None
        if day is None or day.month != view.month:
            day = view.today if (view.today.year, view.today.month) == (view.year, view.month) \
                else date(view.year, view.month, 1)
        self.calendar.setCurrentIndex(self.model.index_of(day))
        if activity_mode:
            self._load_info(view)
        if self.stack.currentWidget() is self.day_page and self.day_page.cell is not None:
            self._refresh_day_page()
        self.month_loaded.emit(view)

    def _on_load_failed(self, exc: BaseException) -> None:
        present_error(self, exc, retry=self.reload)

    def _load_info(self, view: MonthView) -> None:
        assert view.activity_id is not None
        key = (view.child_id, view.activity_id, view.year, view.month)
        if key == self._info_key:
            self.info_widget.set_day(self.model.cell_at(self.calendar.currentIndex()))
            return
        job = self._runner.submit(
            self._gateway.activity_info(view.child_id, view.activity_id, date(view.year, view.month, 1)),
            lambda info: self._on_info_loaded(key, info),
            lambda exc: log.warning("activity information not shown: %s", exc),
        )
        self._jobs.append(job)

    def _on_info_loaded(self, key: tuple[int, int, int, int], info: ActivityInfo) -> None:
        view = self.model.view()
        if view is None or (view.child_id, view.activity_id, view.year, view.month) != key:
            return
        self._info_key, self.info = key, info
        self.info_widget.set_info(info)
        self.info_widget.set_day(self.model.cell_at(self.calendar.currentIndex()))
        self.fill_times(info)

    # -- the draft ---------------------------------------------------------------------------

    def set_draft(self, draft: Draft, skipped: tuple[date, ...] = ()) -> None:
        self.draft = draft
        self.model.set_draft(draft)
        if self.stack.currentWidget() is self.day_page:
            self._refresh_day_page()
        self.show_draft(len(draft), self.override_reason)
        if skipped:
            self.show_notice(_("Not booked, the times chosen are not allowed on: {days}.").format(
                days=", ".join(short_day_title(d) for d in skipped)))
        self.draft_changed.emit(len(draft))
        if any(a.pending is LineKind.BOOK and a.allowed is not None and a.price is None
               for cell in self.model.cells() for a in cell.activities):
            self._prices.start()  # the service prices the times chosen

    def apply(self, result: ToggleResult) -> None:
        self.set_draft(result.draft, result.skipped)

    def _drop_draft(self) -> None:
        self.override_reason = None
        self._copied.clear()
        self.set_draft(Draft())

    # -- clicks ------------------------------------------------------------------------------

    def _on_calendar_toggle_requested(self, index: QModelIndex) -> None:
        cell = self.model.cell_at(index)
        if cell is None:
            return
        if not cell.in_month:
            self.show_month(cell.day.year, cell.day.month)
            return
        if cell.cell is None:
            self.open_day(cell)
            return
        self.toggle_activity(cell, cell.cell)

    def _on_calendar_open_requested(self, index: QModelIndex) -> None:
        cell = self.model.cell_at(index)
        if cell is not None:
            self.open_day(cell)

    def _on_day_page_toggle_requested(self, row: int) -> None:
        cell = self.day_page.cell
        if cell is not None and 0 <= row < len(cell.activities):
            self.toggle_activity(cell, cell.activities[row])

    def toggle_activity(self, cell: DayCell, activity: ActivityCell) -> None:
        self.times.click(cell, activity)

    def _on_month_button_clicked(self) -> None:
        self.times.days([cell.day for cell in self.model.cells()])

    def shown_cell(self, day: date) -> DayCell | None:
        """The day as shown now (the day's page, or the month)."""
        if self.stack.currentWidget() is self.day_page and self.day_page.cell is not None:
            return self.day_page.cell
        return self.model.cell_at(self.model.index_of(day))

    # -- the day page ------------------------------------------------------------------------

    def open_day(self, cell: DayCell) -> None:
        self.day_page.set_day(cell, self.child_name())
        self.stack.setCurrentWidget(self.day_page)
        self.day_page.list.setFocus()

    def _refresh_day_page(self) -> None:
        shown = self.day_page.cell
        cell = self.model.cell_at(self.model.index_of(shown.day)) if shown else None
        if cell is None:
            self._show_month_page()
        else:
            self.day_page.set_day(cell, self.child_name())

    def _show_month_page(self) -> None:
        day = self.day_page.cell.day if self.day_page.cell else None
        self.stack.setCurrentWidget(self.month_page)
        if day is not None:
            self.calendar.setCurrentIndex(self.model.index_of(day))
        self.calendar.setFocus()

    # -- navigation --------------------------------------------------------------------------

    def _on_child_combo_current_index_changed(self, _index: int) -> None:
        self.child_id = self.child_combo.currentData()
        self._fill_activities()
        self._show_month_page()
        self.load_month()

    def _on_activity_combo_current_index_changed(self, _index: int) -> None:
        self.activity_id = self.activity_combo.currentData()
        self._show_month_page()
        self.load_month()

    def _on_today_button_clicked(self) -> None:
        view = self.model.view()
        today = view.today if view else (self.family.today if self.family else None)
        if today is not None:
            self.show_month(today.year, today.month)

    def _on_calendar_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self.model.activity_mode():
            self.info_widget.set_day(self.model.cell_at(current))

    def _on_same_times_changed(self, *_args: object) -> None:
        self.info_widget.set_times(self.same_times())

    # -- recap, confirm, copy ----------------------------------------------------------------

    def _on_validate_button_clicked(self) -> None:
        self.show_notice("")
        self.show_error("")
        source = None
        if not self.is_staff() and self.draft.lines and all(
                line.key in self._copied for line in self.draft.lines):
            source = ReservationSource.COPY
        self.recap_flow.start(self.draft, self.override_reason, source)

    def _on_recap_flow_preview_failed(self, exc: BaseException) -> None:
        present_error(self, exc, retry=self._on_validate_button_clicked)

    def _on_recap_flow_confirmed(self, result: object) -> None:
        self._drop_draft()
        self.load_month()  # the calendar as the service now sees it
        self.reservations_confirmed.emit(result)

    def _on_recap_flow_abandoned(self) -> None:
        self._drop_draft()
        self.show_notice(_("The changes were dropped."))

    def _on_cancel_button_clicked(self) -> None:
        if self.draft.lines:
            self.drop_box = ask_to_drop(self, len(self.draft), self._drop_draft)

    def _on_copy_button_clicked(self) -> None:
        view = self.model.view()
        if self.family is not None and view is not None and view.activity_id is not None:
            self.copy_flow.start(self.family, view, self.draft)

    def _on_copy_flow_copied(self, plan: CopyPlan) -> None:
        self._copied |= {line.key for line in plan.draft.lines if line not in self.draft.lines}
        self.set_draft(plan.draft)

    # -- forgetting --------------------------------------------------------------------------

    def clear(self) -> None:
        """Forget the family and its draft; late answers are ignored, dialogs closed and
        deleted (a recap or results dialog holds the children's names)."""
        self._request += 1
        self._prices.stop()
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        self.recap_flow.forget()
        self.copy_flow.forget()
        self.times.close_dialogs()
        if self.drop_box is not None:
            self.drop_box.close()
        self.times.dialog = self.times.reason_dialog = self.drop_box = None
        for dialog in self.findChildren(QDialog):
            dialog.deleteLater()
        self.family = None
        self.child_id = self.activity_id = None
        self._structure_id = None
        self._stale = False
        self._info_key, self.info = None, None
        self.child_combo.clear()
        self.activity_combo.clear()
        self.model.clear()
        self.info_widget.set_info(None)
        self.month_label.clear()
        self._drop_draft()
        self.show_notice("")
        self.show_error("")
        self.stack.setCurrentWidget(self.month_page)

