"""The "Réservations" tab: the month calendar and its dialogs.

- `panel.BookingPanel` (behaviour) over `layout.PanelWidgets` (widgets): a family's children,
  a child's month by activity or by day, the draft held until the confirm;
- `day_cell.paint_day_cell()` draws one day (pure; `delegate.DayCellDelegate` calls it);
  `legend`, `info`, `day_page`, `month_view` are the widgets around it;
- `toggling` (no Qt) turns cells into the engine's slots and lays the draft over the cells;
  `toggler` asks the times or the staff's reason before a toggle;
- `flows`: the recap, confirm and results; the copy; `time_dialog`, `recap_dialog`,
  `copy_dialog`: the dialogs (opened with `open()`, answering through signals);
- `texts` (no Qt): the legend's wording, tooltips and accessible names.

The Qt item models are in `famdesk.ui.models` (`MonthCalendarModel`, `DayActivitiesModel`,
`RecapTableModel`, `NotCopiedTableModel`).
"""
