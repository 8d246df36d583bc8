"""The "Calendrier d'ouverture" section: one activity's month, day by day — open or closed
(and why), places, booked, waiting — and what a manager does with a day or a run of days.

    Activité [ALSH MERCREDI ▾]   [◀]  décembre 2026  [▶]       [Générer les ouvertures…]
    | Date           | État   | Places | Réservés | En attente | Liste d'attente | Remarque |
    | mer. 02/12/2026| Ouvert |   24   |    23    |     1      |       6         |          |
    Sélection : mer. 02/12/2026 – mer. 16/12/2026 (3 jours ouverts)
    [Ouvrir…] [Fermer…] [Places…]

Each action opens its dialog (generate, open, close, places), which shows first what it would
do; the month is asked again once one is applied.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from babel.dates import format_date
from PySide6.QtCore import QItemSelection
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from famdesk.i18n import _, ngettext
from famdesk.services.backoffice import ActivityRow, CalendarDay
from famdesk.services.formatting import LOCALE, weekday_date
from famdesk.ui.admin.closing_dialog import ClosureDialog
from famdesk.ui.admin.openings_dialog import OpenDayDialog, OpeningsDialog
from famdesk.ui.admin.places_dialog import PlacesDialog
from famdesk.ui.admin.widgets import AdminSection, admin_table, hbox, selected_rows
from famdesk.ui.forms import hint_label
from famdesk.ui.gateway_admin import ActivitiesPage
from famdesk.ui.models.admin_model import AdminRole
from famdesk.ui.models.opening_model import OpeningDayTableModel
from famdesk.ui.runner import Runner


def month_title(year: int, month: int) -> str:
    return str(format_date(date(year, month, 1), "LLLL y", locale=LOCALE)).capitalize()


class OpeningsSection(AdminSection):
    def __init__(self, gateway: object, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(gateway, runner, parent)
        self.setObjectName("openingsSection")
        self.today: date | None = None
        self.month: tuple[int, int] | None = None
        self.activities: tuple[ActivityRow, ...] = ()
        self.dialog: QDialog | None = None
        self._select_after: tuple[date, date] | None = None

        self.activity_combo = QComboBox()
        self.activity_combo.setObjectName("openingsActivityCombo")
        self.activity_combo.setAccessibleName(_("Activity"))
        self.activity_combo.setMinimumContentsLength(20)
        caption = QLabel(_("Activity:"))
        caption.setBuddy(self.activity_combo)
        self.previous_button = QPushButton("◀")
        self.previous_button.setObjectName("previousMonthButton")
        self.previous_button.setAccessibleName(_("Previous month"))
        self.previous_button.setToolTip(_("Previous month"))
        self.next_button = QPushButton("▶")
        self.next_button.setObjectName("nextMonthButton")
        self.next_button.setAccessibleName(_("Next month"))
        self.next_button.setToolTip(_("Next month"))
        for button in (self.previous_button, self.next_button):
            button.setFixedWidth(36)
        self.month_label = QLabel()
        self.month_label.setObjectName("monthTitle")
        self.month_label.setMinimumWidth(150)
        self.generate_button = QPushButton(_("Generate openings…"))
        self.generate_button.setObjectName("generateButton")

        self.model = OpeningDayTableModel(parent=self)
        self.table = admin_table("openingTable", self.model, _("Opening calendar"),
                                 contiguous=True)
        self.selection_label = QLabel()
        self.selection_label.setObjectName("selectionLabel")
        self.open_button = QPushButton(_("Open…"))
        self.open_button.setObjectName("openDaysButton")
        self.close_button = QPushButton(_("Close…"))
        self.close_button.setObjectName("closeDaysButton")
        self.places_button = QPushButton(_("Places…"))
        self.places_button.setObjectName("placesButton")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(8)
        layout.addLayout(self.messages)
        top = hbox(caption, self.activity_combo, 24, self.previous_button, self.month_label,
                   self.next_button)
        top.addWidget(self.generate_button)
        layout.addLayout(top)
        layout.addWidget(hint_label(_(
            "Choose a day, or a run of days (Shift+click), then open, close or change the "
            "places. Closing a day that has reservations cancels them without charge and tells "
            "the families.")))
        layout.addWidget(self.table, 1)
        layout.addLayout(hbox(self.selection_label, 16, self.open_button, self.close_button,
                              self.places_button))

        self.activity_combo.currentIndexChanged.connect(lambda _i: self.load_month())
        self.previous_button.clicked.connect(lambda: self.move_month(-1))
        self.next_button.clicked.connect(lambda: self.move_month(1))
        self.generate_button.clicked.connect(self.generate)
        self.open_button.clicked.connect(self.open_selection)
        self.close_button.clicked.connect(self.close_selection)
        self.places_button.clicked.connect(self.change_places)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._on_selection_changed(QItemSelection(), QItemSelection())

    # -- loading ----------------------------------------------------------------------

    def load(self) -> None:
        assert self.structure_id is not None
        self.submit(self._gateway.today(self.structure_id), self._on_today)
        self.submit(self._gateway.activities_page(self.structure_id), self._on_activities)

    def _on_today(self, today: date) -> None:
        self.today = today
        if self.month is None:
            self.month = (today.year, today.month)

    def _on_activities(self, page: ActivitiesPage) -> None:
        self.activities = page[1]
        kept = self.activity_combo.currentData()
        self.activity_combo.blockSignals(True)
        self.activity_combo.clear()
        for activity in self.activities:
            self.activity_combo.addItem(activity.label, activity.id)
        position = self.activity_combo.findData(kept)
        self.activity_combo.setCurrentIndex(max(position, 0))
        self.activity_combo.blockSignals(False)
        self.load_month()

    def activity_id(self) -> int | None:
        return self.activity_combo.currentData()

    def activity_label(self) -> str:
        return self.activity_combo.currentText()

    def show_month(self, year: int, month: int) -> None:
        self.month = (year, month)
        self.load_month()

    def move_month(self, step: int) -> None:
        if self.month is None:
            return
        year, month = self.month
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        self.show_month(year, month)

    def load_month(self) -> None:
        activity_id = self.activity_id()
        if activity_id is None or self.month is None:
            self.model.set_rows(())
            return
        year, month = self.month
        self.month_label.setText(month_title(year, month))
        first, last = date(year, month, 1), date(year, month, monthrange(year, month)[1])
        self.submit(self._gateway.opening_calendar(activity_id, first, last), self._on_month)

    def _on_month(self, days: tuple[CalendarDay, ...]) -> None:
        self.model.set_rows(days)
        if self._select_after is not None:
            self.select_days(*self._select_after)
            self._select_after = None
        self._on_selection_changed(QItemSelection(), QItemSelection())

    def forget(self) -> None:
        self.month = None
        self.today = None
        self.activities = ()
        self.activity_combo.blockSignals(True)
        self.activity_combo.clear()
        self.activity_combo.blockSignals(False)
        self.model.set_rows(())
        self.month_label.clear()
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None

    # -- the selection ----------------------------------------------------------------

    def selected_days(self) -> list[CalendarDay]:
        return [self.model.index(row, 0).data(AdminRole.ROW) for row in selected_rows(self.table)]

    def select_days(self, first: date, last: date) -> None:
        """Choose the days of [first, last] of the month shown."""
        self.table.clearSelection()
        rows = [self.model.row_of_day(day.day) for day in self.model.rows()
                if first <= day.day <= last]
        for row in rows:
            self.table.selectionModel().select(
                self.model.index(row, 0), self.table.selectionModel().SelectionFlag.Select
                | self.table.selectionModel().SelectionFlag.Rows)

    def _on_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        days = self.selected_days()
        future = [d for d in days if not d.past]
        open_days = [d for d in future if d.open]
        if not days:
            self.selection_label.setText(_("No day chosen."))
        else:
            span = weekday_date(days[0].day) if len(days) == 1 else _("{first} to {last}").format(
                first=weekday_date(days[0].day), last=weekday_date(days[-1].day))
            self.selection_label.setText(ngettext(
                "{days}: {count} open day", "{days}: {count} open days", len(open_days)).format(
                days=span, count=len(open_days)))
        self.open_button.setEnabled(any(not d.open for d in future))
        self.close_button.setEnabled(bool(open_days))
        self.places_button.setEnabled(bool(open_days))
        self.generate_button.setEnabled(self.activity_id() is not None and self.today is not None)

    # -- the actions ------------------------------------------------------------------

    def _show_dialog(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None)
                                if self.dialog is dialog else None)
        dialog.open()

    def _period(self) -> tuple[date, date] | None:
        days = [d.day for d in self.selected_days() if not d.past]
        return (days[0], days[-1]) if days else None

    def generate(self) -> None:
        activity_id = self.activity_id()
        if activity_id is None or self.today is None or self.month is None:
            return
        activity = next(a for a in self.activities if a.id == activity_id)
        first = max(self.today, activity.period_start)
        dialog = OpeningsDialog(self._gateway, self._runner, activity, first,
                                activity.period_end, self)
        dialog.applied.connect(self._on_applied)
        self._show_dialog(dialog)

    def open_selection(self) -> None:
        period = self._period()
        activity_id = self.activity_id()
        if period is None or activity_id is None:
            return
        if period[0] == period[1]:
            dialog: QDialog = OpenDayDialog(self._gateway, self._runner, activity_id,
                                            self.activity_label(), period[0], self)
        else:
            activity = next(a for a in self.activities if a.id == activity_id)
            dialog = OpeningsDialog(self._gateway, self._runner, activity, *period, self,
                                    every_day=True)
        dialog.applied.connect(self._on_applied)  # type: ignore[attr-defined]
        self._show_dialog(dialog)

    def close_selection(self) -> None:
        period = self._period()
        activity_id = self.activity_id()
        if period is None or activity_id is None:
            return
        dialog = ClosureDialog(self._gateway, self._runner, activity_id, self.activity_label(),
                               *period, self)
        dialog.applied.connect(self._on_applied)
        self._show_dialog(dialog)

    def change_places(self) -> None:
        period = self._period()
        activity_id = self.activity_id()
        if period is None or activity_id is None:
            return
        opened = [d for d in self.selected_days() if d.open and not d.past]
        dialog = PlacesDialog(self._gateway, self._runner, activity_id, self.activity_label(),
                              *period, opened[0].capacity, opened[0].waitlist_size, self)
        dialog.applied.connect(self._on_applied)
        self._show_dialog(dialog)

    def _on_applied(self, message: str) -> None:
        self.show_notice(message)
        period = self._period()
        self._select_after = period
        self.changed.emit("openings")
        self.load_month()
