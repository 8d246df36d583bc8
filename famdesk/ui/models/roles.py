"""Item-data roles of famdesk's Qt models. Views and delegates read data through these only."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt

_USER = int(Qt.ItemDataRole.UserRole)


class NewsRole(IntEnum):
    """Roles of `NewsListModel` (DisplayRole is the title)."""

    ITEM = _USER + 1
    """The `NewsItem` DTO itself."""
    TITLE = _USER + 2
    BODY = _USER + 3
    PUBLISHED_FROM = _USER + 4
    """The publication date (`datetime.date`)."""
    PUBLISHED_TEXT = _USER + 5
    """The publication date as shown: "published on 12/11/2026"."""


class TrackingRole(IntEnum):
    """Roles of `TrackingTableModel` (DisplayRole is the cell's text)."""

    LINE = _USER + 1
    """The row's `TrackingLine` DTO (any column)."""
    SORT_KEY = _USER + 2
    """What the column sorts by: the ISO date for "Date", the instant for "Transmission"."""
    DAY = _USER + 3
    """The requested day (`datetime.date`)."""
    OUTCOME = _USER + 4
    """The `MovementOutcome`."""
    TRANSMITTED = _USER + 5
    """True once the transmission has run over the request."""


class CalendarRole(IntEnum):
    """Roles of `MonthCalendarModel` (DisplayRole is the day's number)."""

    CELL = _USER + 1
    """The `DayCell` DTO with the draft's pending requests laid over it."""
    DAY = _USER + 2
    """The day (`datetime.date`)."""
    STATE = _USER + 3
    """The `CellState` (one activity) or the `DayState` (every activity)."""
    IN_MONTH = _USER + 4
    """False for the days of the previous and next months that fill the grid."""


class DayActivityRole(IntEnum):
    """Roles of `DayActivitiesModel` (DisplayRole is the activity's label)."""

    ACTIVITY = _USER + 1
    """The `ActivityCell` DTO with the draft's pending request laid over it."""
    STATE = _USER + 2
    """Its `CellState`."""
    DETAILS = _USER + 3
    """State, times, places, deadline, price and pending request, as one line."""


class RecapRole(IntEnum):
    """Roles of `RecapTableModel` (DisplayRole is the cell's text)."""

    LINE = _USER + 1
    """The row's `RecapLine` DTO."""
    OUTCOME = _USER + 2
    """Its `Outcome`."""
    STANDS_OUT = _USER + 3
    """True for a line that waits or is refused: the user must notice it."""


class NotCopiedRole(IntEnum):
    """Roles of `NotCopiedTableModel` (DisplayRole is the cell's text)."""

    LINE = _USER + 1
    """The row's `NotCopied` DTO."""
    REASON = _USER + 2
    """Its `NotCopiedReason`."""


class FamilyRole(IntEnum):
    """Roles of `FamilySearchModel` (DisplayRole is the cell's text)."""

    HIT = _USER + 1
    """The row's `FamilyHit` DTO (any column)."""
    FAMILY_ID = _USER + 2
    HAS_ACCOUNT = _USER + 3
    """False while the family has no account to log in with."""
