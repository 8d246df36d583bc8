"""A payment's receipt ("reçu"), numbered without gaps per structure and year."""

from __future__ import annotations

from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from famdesk.i18n import _
from famdesk.services.formatting import date_time, money
from famdesk.services.payments import PaymentReceipt
from famdesk.services.reports.pdf import (
    FONT,
    FONT_BOLD,
    grid_style,
    local_time,
    paragraph,
    pdf_bytes,
    styles,
)


def receipt_pdf(receipt: PaymentReceipt, printed_at: datetime) -> bytes:
    style = styles()
    title = (_("Receipt no. {number}").format(number=receipt.receipt) if receipt.receipt
             else _("Payment receipt"))
    story: list[Flowable] = [paragraph(title, style.title)]
    if receipt.cancelled:
        story.append(_cancelled_box(receipt))
        story.append(Spacer(1, 4 * mm))
    story.append(paragraph(_("Received from"), style.small))
    story.append(paragraph(receipt.family_name, style.heading))
    if receipt.family_address:
        story.append(paragraph(receipt.family_address, style.body))
    story.append(Spacer(1, 5 * mm))
    rows = [[_("Wallet"), _("Amount")]]
    rows += [[line.wallet_label, money(line.amount)] for line in receipt.lines]
    rows.append([_("Amount received"), money(receipt.amount)])
    table = Table(rows, colWidths=[110 * mm, 40 * mm], hAlign="LEFT")
    table.setStyle(grid_style(size=10, right=(1,), total=True))
    story += [table, Spacer(1, 6 * mm)]
    facts = [
        (_("Date"), date_time(receipt.paid_at) if receipt.paid_at else ""),
        (_("Payment method"), receipt.method_text),
    ]
    if receipt.cheque_number:
        facts.append((_("Cheque no."), receipt.cheque_number))
    if receipt.bank:
        facts.append((_("Bank"), receipt.bank))
    if receipt.recorded_by:
        facts.append((_("Received by"), receipt.recorded_by))
    if receipt.terminal:
        facts.append((_("Desk"), receipt.terminal))
    facts.append((_("Status"), receipt.status_text))
    details = Table(facts, colWidths=[45 * mm, 105 * mm], hAlign="LEFT")
    details.setStyle(TableStyle([
        ("FONT", (0, 0), (0, -1), FONT_BOLD, 9),
        ("FONT", (1, 0), (1, -1), FONT, 9),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    story += [details, Spacer(1, 10 * mm),
              paragraph(_("This receipt is proof of payment; keep it."), style.small)]
    zone = receipt.paid_at.tzinfo if receipt.paid_at else None
    return pdf_bytes(title=title, structure_name=receipt.structure_name,
                     printed_at=local_time(printed_at, zone),
                     story=story, family_name=receipt.family_name,
                     period=date_time(receipt.paid_at) if receipt.paid_at else None)


def _cancelled_box(receipt: PaymentReceipt) -> Table:
    when = date_time(receipt.cancelled_at) if receipt.cancelled_at else ""
    text = _("CANCELLED on {when}").format(when=when)
    if receipt.cancelled_by:
        text += " – " + receipt.cancelled_by
    rows = [[text]]
    if receipt.cancel_reason:
        rows.append([_("Reason: {reason}").format(reason=receipt.cancel_reason)])
    box = Table(rows, colWidths=[150 * mm], hAlign="LEFT")
    box.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 11),
        ("FONT", (0, 1), (-1, -1), FONT, 9),
        ("TEXTCOLOR", (0, 0), (-1, -1), colors.HexColor("#9b1c1c")),
        ("BOX", (0, 0), (-1, -1), 1, colors.HexColor("#9b1c1c")),
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdecec")),
    ]))
    return box
