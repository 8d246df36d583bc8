"""The look of the money tabs and dialogs, on the theme's named colours."""

from __future__ import annotations

from famdesk.ui import theme


def money_stylesheet(palette: theme.ThemePalette | None = None) -> str:
    c = (palette or theme.current()).colours
    return f"""
QTableView#balancesTable, QTableView#consumptionsTable, QTableView#paymentsTable {{
    background: {c["surface"]}; border: 1px solid {c["separator"]};
    gridline-color: {c["separator"]};
}}
QTableView#balancesTable::item, QTableView#consumptionsTable::item,
QTableView#paymentsTable::item {{ padding: 2px 8px; }}
QTableView QHeaderView::section {{ padding: 4px 8px; }}
QLabel#moneyNotice {{
    background: {c["surface"]}; color: {c["text"]}; border: 1px solid {c["accent"]};
    border-radius: 3px; padding: 6px 10px;
}}
QLabel#moneyNotice[tone="success"] {{ border: 2px solid {c["accent"]}; font-weight: 600; }}
QLabel#moneyNotice[tone="warning"] {{ border: 1px solid {c["warning_text"]};
    color: {c["warning_text"]}; }}
QLabel#totalLabel, QLabel#monthTitle {{ font-weight: 600; color: {c["text"]}; }}
QLabel#sectionTitle {{ font-weight: 600; color: {c["text"]}; }}
QFrame#moneyCard {{
    background: {c["surface"]}; border: 1px solid {c["separator"]}; border-radius: 4px;
}}
QFrame#moneyCard QLabel {{ border: none; }}
QPushButton#payButton, QPushButton#recordButton {{
    border-radius: 3px; padding: 6px 18px; font-weight: 600;
}}
QPushButton#payButton:enabled, QPushButton#recordButton:enabled {{
    background: {c["accent"]}; color: {c["accent_text"]}; border: none;
}}
"""
