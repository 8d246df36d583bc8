"""The lines of a families file that the import rejects: the line's number and why."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from famdesk.i18n import N_
from famdesk.services.family_import_parse import RejectedRow
from famdesk.ui.models.column_model import Column, ColumnTableModel

COLUMNS = (
    Column(N_("Line"), lambda row: str(row.line), sort_key=lambda row: row.line),
    Column(N_("Reason"), lambda row: row.reason, tooltip=lambda row: "\n".join(row.reasons)),
)


class RejectedRowTableModel(ColumnTableModel):
    COLUMNS = COLUMNS

    def role_data(self, row: RejectedRow, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column is COLUMNS[0]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
