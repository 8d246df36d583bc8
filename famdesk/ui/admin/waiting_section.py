"""The "Listes d'attente" section: the days to come where children wait (per activity), and
the chosen day's list in its order, to promote a child ("Promouvoir": a free place) or remove
one ("Retirer…", with a reason e-mailed to the family). Both ask first; both are audited by
the service.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_datetime
from PySide6.QtCore import QItemSelection
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _, ngettext
from famdesk.services.backoffice import WaitingDay, WaitingEntry, WaitingList
from famdesk.services.formatting import LOCALE, long_day
from famdesk.ui.admin.widgets import (
    AdminSection,
    ReasonDialog,
    admin_table,
    ask,
    card,
    hbox,
    selected_rows,
    title_label,
)
from famdesk.ui.forms import hint_label
from famdesk.ui.gateway_admin import ActivitiesPage
from famdesk.ui.models.admin_model import AdminRole, WaitingDayTableModel, WaitingEntryTableModel
from famdesk.ui.runner import Runner

TIMES_COLUMN = 4


def long_instant(instant: datetime) -> str:
    """'jeudi 24 septembre 2026 à 12:00'."""
    return str(format_datetime(instant, "EEEE d MMMM y 'à' HH:mm", tzinfo=instant.tzinfo,
                               locale=LOCALE))


def places_line(waiting: WaitingList) -> str:
    if waiting.capacity is None:
        places = _("unlimited places")
    else:
        places = ngettext("{count} place", "{count} places", waiting.capacity).format(
            count=waiting.capacity)
    free = waiting.free_places
    text = _("{places}, {booked} booked, {free} free.").format(
        places=places, booked=waiting.booked, free=_("no limit") if free is None else free)
    deadline = long_instant(waiting.cancellation_deadline)
    if waiting.families_may_cancel:
        return text + " " + _(
            "Families may cancel until {deadline}: a place freed until then goes to the head "
            "of the list by itself.").format(deadline=deadline)
    return text + " " + _(
        "Families can no longer cancel (since {deadline}): a place freed now waits for you to "
        "promote a child.").format(deadline=deadline)


class WaitingSection(AdminSection):
    def __init__(self, gateway: object, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(gateway, runner, parent)
        self.setObjectName("waitingSection")
        self.waiting: WaitingList | None = None
        self.dialog: QDialog | QMessageBox | None = None
        self._keep_day: tuple[int, date] | None = None

        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("waitingActivityCombo")
        self.filter_combo.setAccessibleName(_("Activity"))
        self.filter_combo.setMinimumContentsLength(18)
        self.day_model = WaitingDayTableModel(parent=self)
        self.day_table = admin_table("waitingDayTable", self.day_model,
                                     _("Days with a waiting list"))
        self.empty_label = hint_label()
        self.empty_label.setObjectName("emptyState")
        days, days_layout = card()
        days_layout.addWidget(title_label(_("Days with a waiting list")))
        caption = QLabel(_("Activity:"))
        caption.setBuddy(self.filter_combo)
        days_layout.addLayout(hbox(caption, self.filter_combo))
        days_layout.addWidget(self.day_table, 1)
        days_layout.addWidget(self.empty_label)

        self.list_title = title_label("")
        self.places_label = hint_label()
        self.places_label.setObjectName("waitingPlaces")
        self.entry_model = WaitingEntryTableModel(parent=self)
        self.entry_table = admin_table("waitingTable", self.entry_model, _("Waiting list"))
        self.promote_button = QPushButton(_("Promote"))
        self.promote_button.setObjectName("promoteButton")
        self.promote_button.setToolTip(_("Give a free place to the child chosen"))
        self.remove_button = QPushButton(_("Remove…"))
        self.remove_button.setObjectName("removeButton")
        self.remove_button.setToolTip(_("Take the child chosen off the list, with a reason"))
        self.promote_hint = hint_label()
        self.promote_hint.setObjectName("promoteHint")
        entries, entries_layout = card()
        entries_layout.addWidget(self.list_title)
        entries_layout.addWidget(self.places_label)
        entries_layout.addWidget(self.entry_table, 1)
        entries_layout.addLayout(hbox(self.promote_button, self.remove_button))
        entries_layout.addWidget(self.promote_hint)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(days, 1)
        body.addWidget(entries, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(self.messages)
        layout.addLayout(body, 1)

        self.filter_combo.currentIndexChanged.connect(lambda _i: self.load_days())
        self.day_table.selectionModel().selectionChanged.connect(self._on_day_selected)
        self.entry_table.selectionModel().selectionChanged.connect(
            lambda _new, _old: self._update_buttons())
        self.promote_button.clicked.connect(self._on_promote_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.show_list(None)

    # -- loading ----------------------------------------------------------------------

    def load(self) -> None:
        assert self.structure_id is not None
        self.submit(self._gateway.activities_page(self.structure_id), self._on_activities)

    def _on_activities(self, page: ActivitiesPage) -> None:
        kept = self.filter_combo.currentData()
        self.filter_combo.blockSignals(True)
        self.filter_combo.clear()
        self.filter_combo.addItem(_("All activities"), None)
        for activity in page[1]:
            self.filter_combo.addItem(activity.label, activity.id)
        self.filter_combo.setCurrentIndex(max(self.filter_combo.findData(kept), 0))
        self.filter_combo.blockSignals(False)
        self.load_days()

    def load_days(self) -> None:
        if self.structure_id is None:
            return
        self.submit(self._gateway.waiting_days(self.structure_id, self.filter_combo.currentData()),
                    self._on_days)

    def _on_days(self, days: tuple[WaitingDay, ...]) -> None:
        chosen = self.selected_day()
        keep = self._keep_day or ((chosen.activity_id, chosen.day) if chosen else None)
        self._keep_day = None
        self.day_model.set_rows(days)
        self.empty_label.setText("" if days else _("Nobody waits on the days to come."))
        self.empty_label.setVisible(not days)
        row = self.day_model.row_of_day(*keep) if keep else -1
        if row >= 0:
            self.day_table.selectRow(row)
        elif keep is not None:  # the list emptied: show what is left of it
            self.submit(self._gateway.waiting_list(*keep), self.show_list)
        else:
            self.show_list(None)

    def selected_day(self) -> WaitingDay | None:
        rows = selected_rows(self.day_table)
        return self.day_model.index(rows[0], 0).data(AdminRole.ROW) if rows else None

    def _on_day_selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        day = self.selected_day()
        if day is None:
            return
        self.submit(self._gateway.waiting_list(day.activity_id, day.day), self.show_list)

    def show_list(self, waiting: WaitingList | None) -> None:
        self.waiting = waiting
        self.entry_model.set_rows(waiting.entries if waiting else ())
        self.entry_table.setColumnHidden(  # the times, for an activity that takes them
            TIMES_COLUMN, not any(e.arrival for e in (waiting.entries if waiting else ())))
        if waiting is None:
            self.list_title.setText(_("Choose a day"))
            self.places_label.clear()
        else:
            self.list_title.setText(_("{activity} – {day}: {count} waiting").format(
                activity=waiting.activity_label, day=long_day(waiting.day),
                count=len(waiting.entries)))
            self.places_label.setText(places_line(waiting))
            if waiting.entries:
                self.entry_table.selectRow(0)
        self._update_buttons()

    def forget(self) -> None:
        self.day_model.set_rows(())
        self.filter_combo.blockSignals(True)
        self.filter_combo.clear()
        self.filter_combo.blockSignals(False)
        if self.dialog is not None:
            self.dialog.close()
            self.dialog = None
        self.show_list(None)

    # -- promote and remove -----------------------------------------------------------

    def selected_entry(self) -> WaitingEntry | None:
        rows = selected_rows(self.entry_table)
        return self.entry_model.index(rows[0], 0).data(AdminRole.ROW) if rows else None

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        can_promote = self.waiting is not None and self.waiting.can_promote
        self.promote_button.setEnabled(entry is not None and can_promote)
        self.remove_button.setEnabled(entry is not None)
        if self.waiting is not None and self.waiting.entries and not can_promote:
            self.promote_hint.setText(_(
                "No free place: to promote a child, first raise the places of that day "
                "(“Opening calendar”, “Places…”)."))
        else:
            self.promote_hint.clear()

    def _on_promote_button_clicked(self) -> None:
        entry, waiting = self.selected_entry(), self.waiting
        if entry is None or waiting is None:
            return
        self.dialog = ask(
            self, _("Promote"), _("Give a place on {day} to {child} ({family})?").format(
                day=long_day(waiting.day), child=entry.child_name, family=entry.family_name),
            _("Promote"), lambda: self._promote(waiting, entry),
            informative=_("The family finds it in its next report."), name="promoteBox")

    def _promote(self, waiting: WaitingList, entry: WaitingEntry) -> None:
        self._keep_day = (waiting.activity_id, waiting.day)
        self.submit(
            self._gateway.promote_waiting(waiting.activity_id, waiting.day, entry.reservation_id),
            lambda shown: self._on_changed(shown, _("{child} has a place on {day}.").format(
                child=entry.child_name, day=long_day(waiting.day))))

    def _on_remove_button_clicked(self) -> None:
        entry, waiting = self.selected_entry(), self.waiting
        if entry is None or waiting is None:
            return
        dialog = ReasonDialog(self, _("Remove from the waiting list"), _(
            "Take {child} ({family}) off the waiting list of {activity} for {day}? The family "
            "is told by e-mail, with the reason.").format(
            child=entry.child_name, family=entry.family_name, activity=waiting.activity_label,
            day=long_day(waiting.day)), _("Remove"))
        dialog.reason_given.connect(lambda reason: self._remove(waiting, entry, reason))
        self.dialog = dialog
        dialog.open()

    def _remove(self, waiting: WaitingList, entry: WaitingEntry, reason: str) -> None:
        self._keep_day = (waiting.activity_id, waiting.day)
        self.submit(
            self._gateway.remove_waiting(waiting.activity_id, waiting.day, entry.reservation_id,
                                         reason),
            lambda shown: self._on_changed(shown, _(
                "{child} is off the waiting list; the family is told.").format(
                child=entry.child_name)))

    def _on_changed(self, waiting: WaitingList, message: str) -> None:
        self.show_notice(message)
        self.show_list(waiting)
        self.changed.emit("waiting")
        self.load_days()
