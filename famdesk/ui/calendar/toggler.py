"""The clicks on the calendar become draft changes, through the engine's toggles.

A click on a day (or a row of the day's page), a week row, a weekday column or the month:
a day that only passing a deadline can change says why (staff: asks the reason first, once
per draft); then the toggle, asking the times first when the activity takes them:

- no time entry: `toggle_range` at once;
- booking with "same times every day" ticked: `toggle_range` with those times;
- booking otherwise: the time dialog, once for the whole selection, then `toggle_range`;
- already booked: the time dialog offers new times (a change-of-times request) or
  "Cancel the booking" (`toggle_range` again, which cancels); with "same times every day"
  ticked, a click simply cancels.

Days whose allowed times refuse the times chosen are left alone and listed by the panel.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, time
from typing import TYPE_CHECKING

from famdesk.i18n import _, ngettext
from famdesk.services.draft import Slot, actionable, booked_through, toggle_range
from famdesk.services.month import ActivityCell, DayCell
from famdesk.ui.calendar.texts import closed_notice, day_title, short_day_title, shown_times
from famdesk.ui.calendar.time_dialog import ReasonDialog, TimeDialog
from famdesk.ui.calendar.toggling import (
    Direction,
    direction,
    month_slots,
    needs_override,
    needs_times,
    retime,
    slot_of,
)

if TYPE_CHECKING:
    from famdesk.ui.calendar.panel import BookingPanel

log = logging.getLogger(__name__)

Pairs = Sequence[tuple[Slot, ActivityCell]]


def selection_text(days: Sequence) -> str:  # type: ignore[type-arg]
    if len(days) == 1:
        title = day_title(days[0])
        return title[:1].upper() + title[1:]
    return ngettext("{count} day, from {first} to {last}", "{count} days, from {first} to {last}",
                    len(days)).format(count=len(days), first=short_day_title(min(days)),
                                      last=short_day_title(max(days)))


class Toggler:
    def __init__(self, panel: BookingPanel) -> None:
        self._panel = panel
        self.dialog: TimeDialog | None = None
        self.reason_dialog: ReasonDialog | None = None

    def click(self, cell: DayCell, activity: ActivityCell) -> None:
        """One activity's day: two-state, times asked for a time-entry activity; a day past
        its deadline says why (staff: asks the reason first)."""
        panel = self._panel
        panel.show_notice("")
        if panel.child_id is None:
            return
        if needs_override(activity) and panel.override_reason is None:
            if panel.is_staff():
                self._ask_reason(cell.day, activity.activity_id)
            else:
                panel.show_notice(closed_notice(activity, cell.day, staff=False))
            return
        slot = slot_of(panel.child_id, cell.day, activity, panel.override_reason is not None)
        if not actionable(slot):
            panel.show_notice(closed_notice(activity, cell.day, staff=panel.is_staff()))
            return
        self.toggle([(slot, activity)], activity.label)

    def days(self, days: list[date]) -> None:
        """A week row, a weekday column, or the month (the displayed month's days only)."""
        panel = self._panel
        panel.show_notice("")
        view = panel.model.view()
        if view is None or view.activity_id is None or panel.child_id is None:
            return
        pairs = month_slots(panel.model.cells(), panel.child_id,
                            panel.override_reason is not None, days)
        self.toggle(pairs, pairs[0][1].label if pairs else "")

    def _ask_reason(self, day: date, activity_id: int) -> None:
        title = short_day_title(day)
        dialog = ReasonDialog(title[:1].upper() + title[1:], self._panel)
        dialog.reason_given.connect(lambda reason: self._on_reason_given(reason, day, activity_id))
        self.reason_dialog = dialog
        dialog.open()

    def _on_reason_given(self, reason: str, day: date, activity_id: int) -> None:
        panel = self._panel
        panel.override_reason = reason
        log.info("staff passes the deadlines of this draft")
        panel.set_draft(panel.draft)
        cell = panel.shown_cell(day)
        activity = next((a for a in cell.activities if a.activity_id == activity_id),
                        None) if cell else None
        if cell is not None and activity is not None:
            self.click(cell, activity)

    def close_dialogs(self) -> None:
        for dialog in (self.dialog, self.reason_dialog):
            if dialog is not None:
                dialog.close()

    def toggle(self, pairs: Pairs, activity_label: str) -> None:
        panel = self._panel
        slots = [slot for slot, _cell in pairs]
        draft = panel.draft
        way = direction(draft, slots)
        if way is None:
            panel.show_notice(_("Nothing can be changed on these days."))
            return
        if all(slot.allowed is None for slot in slots):
            panel.apply(toggle_range(draft, slots))
            return
        same = panel.same_times()
        if way is Direction.BOOK:
            if not needs_times(draft, slots):
                panel.apply(toggle_range(draft, slots))
            elif same is not None:
                panel.apply(toggle_range(draft, slots, same))
            else:
                self._ask(pairs, activity_label, booked=False)
            return
        if same is not None:
            panel.apply(toggle_range(draft, slots))
        else:
            self._ask(pairs, activity_label, booked=True)

    def _ask(self, pairs: Pairs, activity_label: str, *, booked: bool) -> None:
        panel = self._panel
        draft = panel.draft
        if booked:
            chosen = [(s, c) for s, c in pairs if actionable(s) and booked_through(draft, s)]
        else:
            chosen = [(s, c) for s, c in pairs
                      if actionable(s) and not s.held and not booked_through(draft, s)]
        if not chosen:
            return
        reference_slot, reference_cell = chosen[0]
        allowed = reference_slot.allowed
        assert allowed is not None
        differing = [s.day for s, _c in chosen if s.allowed != allowed]
        current = shown_times(reference_cell) if booked else None
        current_times = current if current and None not in current else None
        if not booked:  # start from the times shown above the calendar
            arrival, departure = panel.arrival_combo.currentData(), panel.departure_combo.currentData()
            if isinstance(arrival, time) and isinstance(departure, time):
                current_times = (arrival, departure)
        dialog = TimeDialog(
            activity=activity_label,
            selection=selection_text([s.day for s, _c in chosen]),
            allowed=allowed,
            current=current_times,  # type: ignore[arg-type]
            booked=booked,
            differing=differing,
            info=panel.info,
            parent=panel,
        )
        slots = [slot for slot, _cell in pairs]
        if booked:
            dialog.times_chosen.connect(lambda times: self._retime(pairs, times))
        else:
            dialog.times_chosen.connect(
                lambda times: panel.apply(toggle_range(panel.draft, slots, times)))
        dialog.cancel_requested.connect(lambda: panel.apply(toggle_range(panel.draft, slots)))
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.open()

    def _retime(self, pairs: Pairs, times: tuple[time, time]) -> None:
        draft, skipped = retime(self._panel.draft, pairs, *times)
        self._panel.set_draft(draft, skipped)
