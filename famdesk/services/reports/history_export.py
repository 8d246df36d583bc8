"""'Historiques' exported: a month or a year of consumptions and payments as CSV or XLSX.

The CSV is what a French spreadsheet opens as it is: UTF-8 with a byte-order mark, ``;``
between fields, decimal commas, dates dd/mm/yyyy; one row per line, consumptions then
payments, with a Débit and a Crédit column. The XLSX (openpyxl) has one sheet each, real
dates and numbers (formatted in euros) and a total row.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from famdesk.i18n import _
from famdesk.services.formatting import numeric_date
from famdesk.services.histories import ConsumptionLine, HistoryView, PaymentLine
from famdesk.services.payments import status_text

EURO_FORMAT = '#,##0.00\\ "€";-#,##0.00\\ "€"'
DATE_FORMAT = "DD/MM/YYYY"


def _columns() -> list[str]:
    return [_("Type"), _("Date"), _("Child"), _("Activity"), _("Times"), _("Wallet"),
            _("Detail"), _("Receipt"), _("Debit (€)"), _("Credit (€)")]


def _decimal(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}".replace(".", ",")


def _split(amount: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """A signed credit as (debit, credit)."""
    return (-amount, None) if amount < 0 else (None, amount)


def _consumption_row(line: ConsumptionLine) -> list:
    debit, credit = _split(-line.cost)
    return [line.kind_text, line.day, line.child_name, line.activity_label, line.times_text,
            line.wallet_label, "", "", debit, credit]


def _payment_row(line: PaymentLine) -> list:
    debit, credit = _split(line.credit)
    detail = line.description
    if line.reason:
        detail = f"{detail} : {line.reason}"
    if line.kind.value == "payment" and line.status is not None and line.status.value != "paid":
        detail = f"{detail} ({status_text(line.status)})"
    return [_("Payment") if line.kind.value == "payment" else line.description, line.day, "", "",
            "", line.wallets_text, detail, line.receipt, debit, credit]


def history_csv(view: HistoryView) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(_columns())
    for row in [_consumption_row(line) for line in view.consumptions] + [
            _payment_row(line) for line in view.payments]:
        writer.writerow([row[0], numeric_date(row[1]), *row[2:8], _decimal(row[8]),
                         _decimal(row[9])])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def history_xlsx(view: HistoryView) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    bold = Font(bold=True)
    shaded = PatternFill("solid", fgColor="DDE6F0")
    sheets = [
        (_("Consumptions"), [_consumption_row(line) for line in view.consumptions]),
        (_("Payments"), [_payment_row(line) for line in view.payments]),
    ]
    for index, (name, rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = name[:31]
        sheet.append([f"{view.structure_name} – {view.family_name} – {view.period_text}"])
        sheet["A1"].font = Font(bold=True, size=12)
        sheet.append(_columns())
        for cell in sheet[2]:
            cell.font, cell.fill = bold, shaded
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        for row in rows:
            sheet.append(row)
        # the totals as values (a formula has no value until a spreadsheet computes it)
        sheet.append([_("Total"), None, None, None, None, None, None, None,
                      sum((row[8] for row in rows if row[8] is not None), Decimal("0.00")),
                      sum((row[9] for row in rows if row[9] is not None), Decimal("0.00"))])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for cells in sheet.iter_rows(min_row=3, min_col=2, max_col=2):
            cells[0].number_format = DATE_FORMAT
        for cells in sheet.iter_rows(min_row=3, min_col=9, max_col=10):
            for cell in cells:
                cell.number_format = EURO_FORMAT
        for column, width in enumerate((24, 12, 22, 18, 12, 18, 34, 14, 12, 12), start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
