"""The back office's lists ("Paramétrage"): wallets, activities, news, waiting days and a
day's waiting list. One row per DTO of `services.backoffice`; views read the row through
`AdminRole.ROW`.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from famdesk.i18n import N_, _
from famdesk.models.enums import TariffMode
from famdesk.services.backoffice import ActivityRow, NewsRow, WaitingEntry
from famdesk.services.formatting import long_day, numeric_date, weekday_date
from famdesk.ui.models.column_model import Column, ColumnTableModel

_USER = int(Qt.ItemDataRole.UserRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class AdminRole(IntEnum):
    """Roles of the back office's table models (DisplayRole is the cell's text)."""

    ROW = _USER + 1
    """The row's DTO (any column)."""
    ROW_ID = _USER + 2
    """The id of what the row shows (wallet, activity, news, reservation)."""


class AdminTableModel(ColumnTableModel):
    """A `ColumnTableModel` whose rows answer `AdminRole`; `NUMBERS`: right-aligned columns."""

    ROLES = AdminRole
    NUMBERS: frozenset[int] = frozenset()

    def role_data(self, row: Any, column: Column, role: int) -> Any:
        if role == AdminRole.ROW:
            return row
        if role == AdminRole.ROW_ID:
            return getattr(row, "id", getattr(row, "reservation_id", None))
        if role == Qt.ItemDataRole.TextAlignmentRole and self.COLUMNS.index(column) in self.NUMBERS:
            return _RIGHT
        return None

    def row_of(self, row_id: int) -> int:
        """The row showing `row_id`, or -1."""
        for position, row in enumerate(self._rows):
            if getattr(row, "id", getattr(row, "reservation_id", None)) == row_id:
                return position
        return -1


def unlimited_or(count: int | None) -> str:
    return _("no limit") if count is None else str(count)


# -- wallets ---------------------------------------------------------------------------


class WalletTableModel(AdminTableModel):
    COLUMNS = (
        Column(N_("Order"), lambda row: str(row.display_order)),
        Column(N_("Wallet"), lambda row: row.label),
        Column(N_("Activities paid from it"),
               lambda row: ", ".join(row.activities) or _("none")),
    )
    NUMBERS = frozenset({0})


# -- activities ------------------------------------------------------------------------


def tariff_kind_text(row: ActivityRow) -> str:
    if row.tariff_mode is TariffMode.SLOT:
        return _("per slot")
    return _("per day")


class ActivityTableModel(AdminTableModel):
    COLUMNS = (
        Column(N_("Order"), lambda row: str(row.display_order)),
        Column(N_("Activity"), lambda row: row.label),
        Column(N_("Wallet"), lambda row: row.wallet_label),
        Column(N_("Tariff"), tariff_kind_text),
        Column(N_("Times"), lambda row: _("arrival and departure") if row.time_entry else ""),
        Column(N_("Period"), lambda row: _("{start} to {end}").format(
            start=numeric_date(row.period_start), end=numeric_date(row.period_end)),
            lambda row: _("From {start} to {end}").format(
                start=long_day(row.period_start), end=long_day(row.period_end))),
        Column(N_("Open days"), lambda row: str(row.open_days)),
    )
    NUMBERS = frozenset({0, 6})
    LABEL_COLUMN = 1

    def role_data(self, row: Any, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column is self.COLUMNS[self.LABEL_COLUMN]:
            return QColor(row.colour)
        return super().role_data(row, column, role)


# -- news ------------------------------------------------------------------------------


def news_dates_text(row: NewsRow) -> str:
    if row.published_until is None:
        return _("from {start}").format(start=numeric_date(row.published_from))
    return _("{start} to {end}").format(start=numeric_date(row.published_from),
                                        end=numeric_date(row.published_until))


class NewsTableModel(AdminTableModel):
    COLUMNS = (
        Column(N_("Title"), lambda row: row.title, lambda row: f"{row.title}\n\n{row.body}"),
        Column(N_("Publication"), news_dates_text),
        Column(N_("State"), lambda row: row.state_text),
    )


# -- waiting lists ---------------------------------------------------------------------


class WaitingDayTableModel(AdminTableModel):
    COLUMNS = (
        Column(N_("Date"), lambda row: weekday_date(row.day), lambda row: long_day(row.day)),
        Column(N_("Activity"), lambda row: row.activity_label),
        Column(N_("Waiting"), lambda row: str(row.waiting)),
        Column(N_("Booked"), lambda row: _("{booked} of {capacity}").format(
            booked=row.booked, capacity=unlimited_or(row.capacity))),
    )
    NUMBERS = frozenset({2})

    def row_of_day(self, activity_id: int, day: object) -> int:
        return next((i for i, row in enumerate(self._rows)
                     if row.activity_id == activity_id and row.day == day), -1)


def _times(entry: WaitingEntry) -> str:
    if entry.arrival is None or entry.departure is None:
        return ""
    return f"{entry.arrival:%H:%M}–{entry.departure:%H:%M}"


class WaitingEntryTableModel(AdminTableModel):
    COLUMNS = (
        Column(N_("Position"), lambda row: str(row.position)),
        Column(N_("Child"), lambda row: row.child_name),
        Column(N_("Family"), lambda row: row.family_name),
        Column(N_("Requested on"), lambda row: row.requested_at_text),
        Column(N_("Times"), _times),
    )
    NUMBERS = frozenset({0})
