"""'Historiques' printed: the consumptions, and the payments, of a month or a year."""

from __future__ import annotations

from datetime import datetime

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from famdesk.i18n import _
from famdesk.models.enums import LedgerKind
from famdesk.services.formatting import money, numeric_date, short_day
from famdesk.services.histories import HistoryView, MonthHistory, PaymentLine
from famdesk.services.payments import status_text
from famdesk.services.reports.pdf import RowsTable, local_time, paragraph, pdf_bytes, styles, wrap

SIZE = 7.5


def _consumption_table(month: MonthHistory) -> RowsTable:
    header = [_("Date"), _("Child"), _("Activity"), _("Times"), _("Wallet"), _("Entry"),
              _("Amount")]
    widths = [20 * mm, 33 * mm, 31 * mm, 20 * mm, 25 * mm, 27 * mm, 18 * mm]
    rows = [header] + [
        [short_day(line.day), wrap(line.child_name, widths[1] - 12, SIZE),
         wrap(line.activity_label, widths[2] - 12, SIZE), line.times_text,
         wrap(line.wallet_label, widths[4] - 12, SIZE), wrap(line.kind_text, widths[5] - 12, SIZE),
         money(line.cost)]
        for line in month.consumptions
    ]
    rows.append([_("Total {month}").format(month=month.title), "", "", "", "", "",
                 money(month.consumed)])
    return RowsTable(rows[0], rows[1:], widths, size=SIZE, right=(6,), total=True)


def _payment_table(month: MonthHistory) -> RowsTable:
    header = [_("Date"), _("Receipt"), _("Payment"), _("Wallet"), _("Status"), _("Amount")]
    widths = [20 * mm, 23 * mm, 50 * mm, 38 * mm, 21 * mm, 22 * mm]
    rows = [header]
    for line in month.payments:
        what = line.description if not line.reason else f"{line.description} : {line.reason}"
        rows.append([
            numeric_date(line.day), line.receipt, wrap(what, widths[2] - 12, SIZE),
            wrap(line.wallets_text, widths[3] - 12, SIZE),
            _status(line), money(line.credit),
        ])
    rows.append([_("Total {month}").format(month=month.title), "", "", "", "", money(month.paid)])
    return RowsTable(rows[0], rows[1:], widths, size=SIZE, right=(5,), total=True)


def _status(line: PaymentLine) -> str:
    """A payment's status now ("Annulé" on a payment cancelled since)."""
    if line.kind is LedgerKind.PAYMENT and line.status is not None:
        return status_text(line.status)
    return ""


def _document(view: HistoryView, printed_at: datetime, title: str, consumptions: bool) -> bytes:
    style = styles()
    # the family and the period are in each page's header
    story: list[Flowable] = [paragraph(title, style.title)]
    shown = 0
    for month in view.months:
        if not (month.consumptions if consumptions else month.payments):
            continue
        shown += 1
        story.append(paragraph(month.title.capitalize(), style.heading))
        story.append(_consumption_table(month) if consumptions else _payment_table(month))
        story.append(Spacer(1, 3 * mm))
    if not shown:
        story.append(paragraph(
            _("No consumption over this period.") if consumptions else _("No payment over this period."),
            style.body))
    elif len(view.months) > 1:
        total = view.consumed if consumptions else view.paid
        story.append(paragraph(
            _("Total over the period: {amount}").format(amount=money(total)), style.heading))
    return pdf_bytes(title=title, structure_name=view.structure_name,
                     printed_at=local_time(printed_at, view.computed_at.tzinfo),
                     story=story, family_name=view.family_name, period=view.period_text)


def consumption_history_pdf(view: HistoryView, printed_at: datetime) -> bytes:
    """'Historique des consommations' of the view's period, month by month."""
    return _document(view, printed_at, _("Consumption history"), consumptions=True)


def payment_history_pdf(view: HistoryView, printed_at: datetime) -> bytes:
    """'Historique des règlements' of the view's period, month by month."""
    return _document(view, printed_at, _("Payment history"), consumptions=False)


def history_file_name(period: str, *, consumptions: bool) -> str:
    """The PDF's file name, as the desk saves it and a kiosk's e-mail attaches it."""
    template = (_("consumption-history-{period}.pdf") if consumptions
                else _("payment-history-{period}.pdf"))
    return template.format(period=period)
