"""The looks of the account and family screens, from the theme's named colours.

These rules belong in `theme.stylesheet()`; until they move there, each top-level widget
of this part applies them to itself with `style_accounts(widget)` (no colour literal here:
every colour is one of the theme's names).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from famdesk.ui import theme


def accounts_stylesheet(palette: theme.ThemePalette | None = None) -> str:
    c = (palette or theme.current()).colours
    return f"""
QLabel#successLabel {{ color: {c["accent"]}; font-weight: 600; }}
QFrame#formCard {{
    background: {c["surface"]}; border: 1px solid {c["separator"]}; border-radius: 4px;
}}
QFrame#formCard QLabel {{ border: none; }}
QLabel#sectionTitle {{ font-weight: 600; color: {c["text"]}; }}
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


def style_accounts(widget: QWidget) -> None:
    widget.setStyleSheet(accounts_stylesheet())
