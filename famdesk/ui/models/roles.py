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
