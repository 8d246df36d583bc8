"""Named colours (light and high-contrast palettes) and the application's style sheet.

A town-hall look: sober, white pages, a blue header band. Widgets and delegates ask for a
colour by name (`colour("muted_text")`) and never write a colour literal themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QPalette

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


def stylesheet(palette: ThemePalette) -> str:
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
