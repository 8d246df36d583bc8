"""Named colours (light and high-contrast palettes) and the application's style sheet.

A town-hall look: sober, white pages, a blue header band. Widgets and delegates ask for a
colour by name (`colour("muted_text")`) and never write a colour literal themselves.

The calendar's states each have a `StateLook`: a fill colour AND a glyph, a pattern or a
badge, so that no state is told by its colour alone (`CalendarPalette`, light and
high-contrast, `calendar_palette()`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel

from famdesk.services.states import CellState, DayState

if TYPE_CHECKING:
    from collections.abc import Mapping

    from PySide6.QtWidgets import QApplication

COLOUR_NAMES = (
    "window",
    "surface",
    "text",
    "muted_text",
    "disabled_text",
    "header_background",
    "header_text",
    "accent",
    "accent_text",
    "error_text",
    "warning_text",
    "separator",
    "focus",
)


@dataclass(frozen=True)
class ThemePalette:
    name: str
    colours: Mapping[str, str]

    def __post_init__(self) -> None:
        missing = set(COLOUR_NAMES) - set(self.colours)
        if missing:
            raise ValueError(f"palette {self.name} lacks {sorted(missing)}")

    def colour(self, name: str) -> QColor:
        return QColor(self.colours[name])


LIGHT = ThemePalette(
    "light",
    MappingProxyType(
        {
            "window": "#f3f5f8",
            "surface": "#ffffff",
            "text": "#1b1f24",
            "muted_text": "#555e69",
            "disabled_text": "#9aa1ab",
            "header_background": "#1f4e8c",
            "header_text": "#ffffff",
            "accent": "#1f4e8c",
            "accent_text": "#ffffff",
            "error_text": "#b3261e",
            "warning_text": "#8a5200",
            "separator": "#d5dbe3",
            "focus": "#f2a900",
        }
    ),
)

HIGH_CONTRAST = ThemePalette(
    "high_contrast",
    MappingProxyType(
        {
            "window": "#000000",
            "surface": "#000000",
            "text": "#ffffff",
            "muted_text": "#ffffff",
            "disabled_text": "#a0a0a0",
            "header_background": "#000000",
            "header_text": "#ffff00",
            "accent": "#ffff00",
            "accent_text": "#000000",
            "error_text": "#ff8080",
            "warning_text": "#ffd000",
            "separator": "#ffffff",
            "focus": "#00ffff",
        }
    ),
)

PALETTES = {p.name: p for p in (LIGHT, HIGH_CONTRAST)}
_current: ThemePalette = LIGHT


def current() -> ThemePalette:
    return _current


def colour(name: str) -> QColor:
    return _current.colour(name)


# -- the calendar ---------------------------------------------------------------------

CHECK, CIRCLE, FULL_SIGN = "\u2713", "\u25cb", "\u2298"  # ✓ ○ ⊘ (in the bundled DejaVu Sans)
HOURGLASS = "hourglass"
"""Not a character: drawn (no common font has one)."""
HATCH = "hatch"


@dataclass(frozen=True)
class StateLook:
    fill: str
    ink: str
    """The day number's and the glyph's colour on `fill`."""
    glyph: str = ""
    """A character, or `HOURGLASS`."""
    pattern: str = ""
    """"" or `HATCH` (diagonal lines over the fill)."""
    waitlist_badge: bool = False
    """A small hourglass: a waiting list is involved."""
    padlock: bool = False
    """Past the cancellation deadline."""


CALENDAR_COLOUR_NAMES = (
    "grid", "pattern", "pending_book", "pending_cancel", "pending_times", "badge_text",
    "today", "today_text", "veil", "focus", "text", "muted_text", "surface",
)
"""`veil` is #AARRGGBB: its alpha is how much other months' days fade (past days a little
less)."""


@dataclass(frozen=True)
class CalendarPalette:
    name: str
    cells: Mapping[CellState, StateLook]
    days: Mapping[DayState, StateLook]
    colours: Mapping[str, str]

    def __post_init__(self) -> None:
        missing = [repr(s) for s in CellState if s not in self.cells]
        missing += [repr(s) for s in DayState if s not in self.days]
        missing += [name for name in CALENDAR_COLOUR_NAMES if name not in self.colours]
        if missing:
            raise ValueError(f"calendar palette {self.name} lacks {missing}")

    def look(self, state: CellState | DayState) -> StateLook:
        return self.cells[state] if isinstance(state, CellState) else self.days[state]

    def colour(self, name: str) -> QColor:
        return QColor(self.colours[name])

    def without_fills(self) -> CalendarPalette:
        """Every state on the same plain background and ink: what is left must still tell
        the states apart (glyphs, patterns, badges)."""
        fill, ink = self.colours["surface"], self.colours["text"]
        return CalendarPalette(
            self.name + "-plain",
            MappingProxyType({k: replace(v, fill=fill, ink=ink) for k, v in self.cells.items()}),
            MappingProxyType({k: replace(v, fill=fill, ink=ink) for k, v in self.days.items()}),
            self.colours,
        )


def _calendar(name: str, looks: dict[str, StateLook], colours: dict[str, str]) -> CalendarPalette:
    """`looks` by cell state name; the day states reuse them (same meaning, same look)."""
    cells = {state: looks[state.name] for state in CellState}
    booked, locked = looks["BOOKED"], looks["BOOKED_LOCKED"]
    days = {
        DayState.NONE_OPEN: looks["CLOSED"],
        DayState.ALL_FULL: looks["FULL"],
        DayState.OPEN: looks["AVAILABLE"],
        DayState.OPEN_WAITLIST: looks["WAITLIST_OPEN"],
        DayState.BOOKED: booked,
        DayState.BOOKED_WAITLIST: replace(booked, fill=looks["BOOKED_WAITLIST_FILL"].fill,
                                          waitlist_badge=True),
        DayState.LOCKED: locked,
        DayState.LOCKED_WAITLIST: replace(locked, fill=looks["LOCKED_WAITLIST_FILL"].fill,
                                          waitlist_badge=True),
    }
    return CalendarPalette(name, MappingProxyType(cells), MappingProxyType(days),
                           MappingProxyType(colours))


CALENDAR_LIGHT = _calendar(
    "light",
    {
        "CLOSED": StateLook("#eceff3", "#5f6873", pattern=HATCH),
        "FULL": StateLook("#f5d0cb", "#8c1d18", FULL_SIGN),
        "AVAILABLE": StateLook("#ffffff", "#1e6b34", CIRCLE),
        "WAITLIST_OPEN": StateLook("#fdf0c4", "#6e4700", CIRCLE, waitlist_badge=True),
        "BOOKED": StateLook("#2e7d4f", "#ffffff", CHECK),
        "WAITLISTED": StateLook("#f0b429", "#2f2000", HOURGLASS),
        "BOOKED_LOCKED": StateLook("#1b4a30", "#ffffff", CHECK, padlock=True),
        "WAITLISTED_LOCKED": StateLook("#9a6410", "#ffffff", HOURGLASS, padlock=True),
        "BOOKED_WAITLIST_FILL": StateLook("#4f8f3a", "#ffffff"),
        "LOCKED_WAITLIST_FILL": StateLook("#3b4a1b", "#ffffff"),
    },
    {
        "grid": "#c9d1db",
        "pattern": "#aab3bf",
        "pending_book": "#1f4e8c",
        "pending_cancel": "#b3261e",
        "pending_times": "#6a3fa0",
        "badge_text": "#ffffff",
        "today": "#1f4e8c",
        "today_text": "#ffffff",
        "veil": "#b9f3f5f8",
        "focus": "#f2a900",
        "text": "#1b1f24",
        "muted_text": "#555e69",
        "surface": "#ffffff",
    },
)

CALENDAR_HIGH_CONTRAST = _calendar(
    "high_contrast",
    {
        "CLOSED": StateLook("#000000", "#c0c0c0", pattern=HATCH),
        "FULL": StateLook("#600000", "#ffffff", FULL_SIGN),
        "AVAILABLE": StateLook("#000000", "#7cff7c", CIRCLE),
        "WAITLIST_OPEN": StateLook("#000000", "#ffff00", CIRCLE, waitlist_badge=True),
        "BOOKED": StateLook("#00d000", "#000000", CHECK),
        "WAITLISTED": StateLook("#ffff00", "#000000", HOURGLASS),
        "BOOKED_LOCKED": StateLook("#006000", "#ffffff", CHECK, padlock=True),
        "WAITLISTED_LOCKED": StateLook("#808000", "#ffffff", HOURGLASS, padlock=True),
        "BOOKED_WAITLIST_FILL": StateLook("#a0ff00", "#000000"),
        "LOCKED_WAITLIST_FILL": StateLook("#405000", "#ffffff"),
    },
    {
        "grid": "#ffffff",
        "pattern": "#909090",
        "pending_book": "#00ffff",
        "pending_cancel": "#ff6060",
        "pending_times": "#ff80ff",
        "badge_text": "#000000",
        "today": "#ffff00",
        "today_text": "#000000",
        "veil": "#8c000000",
        "focus": "#00ffff",
        "text": "#ffffff",
        "muted_text": "#ffffff",
        "surface": "#000000",
    },
)

CALENDAR_PALETTES = {p.name: p for p in (CALENDAR_LIGHT, CALENDAR_HIGH_CONTRAST)}


def calendar_palette(palette: ThemePalette | None = None) -> CalendarPalette:
    """The calendar's looks that go with `palette` (the current theme's by default)."""
    return CALENDAR_PALETTES[(palette or _current).name]


def stylesheet(palette: ThemePalette) -> str:
    return _stylesheet(palette) + (_HIGH_CONTRAST_EXTRA.format(**palette.colours)
                                   if palette.name == HIGH_CONTRAST.name else "")


_HIGH_CONTRAST_EXTRA = """
QCheckBox::indicator, QRadioButton::indicator {{
    width: 14px; height: 14px; border: 2px solid {text}; background: {surface};
}}
QRadioButton::indicator {{ border-radius: 9px; }}
QCheckBox::indicator:checked, QRadioButton::indicator:checked {{
    background: {accent}; border: 2px solid {text};
}}
QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{
    border-color: {disabled_text};
}}
"""
"""High contrast: Qt's own box of a check box takes its outline from the window's colour,
black on black here; it gets a white outline, and a yellow fill when ticked."""


def _stylesheet(palette: ThemePalette) -> str:
    c = palette.colours
    return f"""
QWidget#loginWindow, QMainWindow, QWidget#homePanel {{ background: {c["window"]}; }}
QFrame#headerBand {{ background: {c["header_background"]}; }}
QFrame#headerBand QLabel {{ color: {c["header_text"]}; }}
QLabel#appTitle {{ font-size: 18pt; font-weight: 600; }}
QLabel#userName {{ font-size: 12pt; font-weight: 600; }}
QFrame#headerBand QPushButton {{
    color: {c["header_text"]}; background: transparent;
    border: 1px solid {c["header_text"]}; border-radius: 3px; padding: 4px 12px;
}}
QFrame#headerBand QPushButton:hover {{ background: rgba(255, 255, 255, 40); }}
QFrame#headerBand QComboBox {{ min-width: 14em; }}
QFrame#loginCard, QFrame#demoPanel {{
    background: {c["surface"]}; border: 1px solid {c["separator"]}; border-radius: 4px;
}}
QFrame#loginCard QLabel, QFrame#demoPanel QLabel {{ border: none; }}
QTableWidget#demoAccountsTable::item {{ padding: 4px 6px; }}
QTableWidget#demoAccountsTable QHeaderView::section {{ padding: 4px 6px; }}
QLabel#panelTitle {{ font-size: 12pt; font-weight: 600; color: {c["text"]}; }}
QLabel#errorLabel, QLabel[role="fieldError"] {{ color: {c["error_text"]}; }}
QLabel#pageTitle {{ font-size: 15pt; font-weight: 600; color: {c["text"]}; }}
QLabel#emptyState, QLabel[role="hint"] {{ color: {c["muted_text"]}; }}
QListView#newsList {{ background: {c["surface"]}; border: 1px solid {c["separator"]}; }}
QWidget#trackingPanel {{ background: {c["window"]}; }}
QTableView#trackingTable {{
    background: {c["surface"]}; border: 1px solid {c["separator"]};
    gridline-color: {c["separator"]};
}}
QTableView#trackingTable::item {{ padding: 2px 6px; }}
QTableView#trackingTable QHeaderView::section, QTableWidget#outboxFailuresTable QHeaderView::section {{
    padding: 4px 6px;
}}
QLabel#stepLabel {{ font-weight: 600; color: {c["text"]}; }}
QLabel#sectionTitle, QLabel#dialogHeading, QLabel#recapTotal {{
    font-weight: 600; color: {c["text"]};
}}
QLabel#monthTitle {{ font-size: 14pt; font-weight: 600; color: {c["text"]}; }}
QLabel#calendarNotice {{
    background: {c["surface"]}; color: {c["text"]}; border: 1px solid {c["accent"]};
    border-radius: 3px; padding: 5px 8px;
}}
QLabel#overrideBanner, QLabel#resultsWarning {{
    color: {c["warning_text"]}; font-weight: 600;
}}
QLabel#overrideBanner {{ border: 1px solid {c["warning_text"]}; padding: 5px 8px; }}
QTableView#monthCalendar {{ background: {c["surface"]}; border: 1px solid {c["separator"]}; }}
QListView#dayActivities {{ background: {c["surface"]}; border: 1px solid {c["separator"]}; }}
QPushButton#validateButton:enabled {{
    background: {c["accent"]}; color: {c["accent_text"]}; border: none; border-radius: 3px;
    padding: 6px 18px; font-weight: 600;
}}
QPushButton#loginButton {{
    background: {c["accent"]}; color: {c["accent_text"]}; border: none;
    border-radius: 3px; padding: 6px 18px; font-weight: 600;
}}
QPushButton#loginButton:disabled {{ background: {c["separator"]}; color: {c["muted_text"]}; }}
QLineEdit {{
    background: {c["surface"]}; color: {c["text"]};
    border: 1px solid {c["muted_text"]}; border-radius: 3px; padding: 4px;
}}
QLineEdit:focus {{ border: 2px solid {c["focus"]}; padding: 3px; }}
QLineEdit:disabled {{ color: {c["disabled_text"]}; border-color: {c["separator"]}; }}
QLabel#successLabel {{ color: {c["accent"]}; font-weight: 600; }}
QFrame#formCard {{
    background: {c["surface"]}; border: 1px solid {c["separator"]}; border-radius: 4px;
}}
QFrame#formCard QLabel {{ border: none; }}
QFrame#actingBanner {{
    background: {c["surface"]}; border: 2px solid {c["warning_text"]}; border-radius: 3px;
}}
QFrame#actingBanner QLabel {{ color: {c["warning_text"]}; font-weight: 600; border: none; }}
QLabel#oneTimePassword {{
    font-family: "DejaVu Sans Mono", monospace; font-size: 20pt; font-weight: 600;
    color: {c["text"]}; background: {c["window"]}; border: 1px dashed {c["separator"]};
    padding: 8px 16px;
}}
QLabel#countdownLabel {{ font-size: 16pt; font-weight: 600; color: {c["text"]}; }}
QDialog#kioskCountdown {{ background: {c["surface"]}; border: 2px solid {c["accent"]}; }}
QLabel#securityQuestion {{ font-weight: 600; color: {c["text"]}; }}
QPushButton#primaryButton {{
    background: {c["accent"]}; color: {c["accent_text"]}; border: none; border-radius: 3px;
    padding: 6px 18px; font-weight: 600;
}}
QPushButton#primaryButton:disabled {{ background: {c["separator"]}; color: {c["muted_text"]}; }}
QPushButton#choiceButton {{ text-align: left; padding: 10px 14px; }}
QTableView#familySearchTable {{
    background: {c["surface"]}; border: 1px solid {c["separator"]};
    gridline-color: {c["separator"]};
}}
QTableView#familySearchTable::item {{ padding: 2px 6px; }}
"""


def apply_theme(app: QApplication, palette: ThemePalette = LIGHT) -> None:
    """Make `palette` the application's colours and style sheet."""
    global _current
    _current = palette
    role = QPalette.ColorRole
    roles = {
        role.Window: "window",
        role.WindowText: "text",
        role.Base: "surface",
        role.AlternateBase: "window",
        role.Text: "text",
        role.Button: "surface",
        role.ButtonText: "text",
        role.BrightText: "surface",
        role.Light: "surface",
        role.Midlight: "surface",
        role.Mid: "separator",
        role.Dark: "separator",
        role.Shadow: "separator",
        role.Highlight: "accent",
        role.HighlightedText: "accent_text",
        role.PlaceholderText: "muted_text",
        role.ToolTipBase: "surface",
        role.ToolTipText: "text",
        role.Link: "accent",
    }
    qpalette = QPalette(app.palette())
    for qt_role, name in roles.items():
        qpalette.setColor(qt_role, palette.colour(name))
    # a disabled button or field must not look like one that answers
    disabled = QPalette.ColorGroup.Disabled
    for qt_role in (role.WindowText, role.Text, role.ButtonText):
        qpalette.setColor(disabled, qt_role, palette.colour("disabled_text"))
    app.setPalette(qpalette)
    app.setStyleSheet(stylesheet(palette))
    for widget in app.allWidgets():
        # a label's links keep the colour of the palette they were set under
        if isinstance(widget, QLabel) and "<a " in (text := widget.text()):
            widget.clear()
            widget.setText(text)
