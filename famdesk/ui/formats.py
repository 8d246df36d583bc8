"""Dates as families read them, in French (Babel), inside translatable sentences."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime

from famdesk.i18n import _

LOCALE = "fr_FR"


def short_date(day: date) -> str:
    """12/11/2026"""
    return format_date(day, "dd/MM/yyyy", locale=LOCALE)


def published_text(day: date) -> str:
    """published on 12/11/2026"""
    return _("published on {date}").format(date=short_date(day))


def last_update_text(when: datetime | None) -> str:
    """ "on 27/11/2026 at 06:00" (already in the structure's time zone), or "never"."""
    if when is None:
        return _("never")
    return _("on {date} at {time}").format(
        date=format_datetime(when, "dd/MM/yyyy", locale=LOCALE),
        time=format_datetime(when, "HH:mm", locale=LOCALE),
    )
