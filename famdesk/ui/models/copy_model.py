"""'Réservations non importées': the days a copy could not take, with why."""

from __future__ import annotations

from typing import Any

from famdesk.i18n import N_
from famdesk.services.copying import NotCopied
from famdesk.services.formatting import weekday_date
from famdesk.ui.calendar.texts import times_text
from famdesk.ui.models.column_model import Column, ColumnTableModel
from famdesk.ui.models.roles import NotCopiedRole

COLUMNS = (
    Column(N_("Date"), lambda line: weekday_date(line.day)),
    Column(N_("Times"), lambda line: times_text(line.arrival, line.departure)),
    Column(N_("Why"), lambda line: line.text),
)


class NotCopiedTableModel(ColumnTableModel):
    COLUMNS = COLUMNS
    ROLES = NotCopiedRole

    def role_data(self, line: NotCopied, column: Column, role: int) -> Any:
        if role == NotCopiedRole.LINE:
            return line
        if role == NotCopiedRole.REASON:
            return line.reason
        return None
