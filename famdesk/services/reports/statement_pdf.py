"""The annual statement ("relevé annuel") and the attestation de frais de garde."""

from __future__ import annotations

from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from famdesk.i18n import _
from famdesk.services.formatting import long_day, money, numeric_date
from famdesk.services.reports.pdf import (
    CONTENT_WIDTH,
    FONT,
    FONT_BOLD,
    RowsTable,
    grid_style,
    local_time,
    paragraph,
    pdf_bytes,
    styles,
    wrap,
)
from famdesk.services.statements import AnnualStatement, ChildcareAttestation, StatementLine

SIZE = 7.5


def statement_pdf(statement: AnnualStatement, printed_at: datetime) -> bytes:
    style = styles()
    year = statement.year
    first, last = numeric_date(statement.first), numeric_date(statement.last)
    title = _("Annual statement {year}").format(year=year)
    period = _("From {first} to {last}").format(first=first, last=last)
    story: list[Flowable] = [paragraph(title, style.title),
                             paragraph(statement.family_name, style.heading)]
    if statement.family_address:
        story.append(paragraph(statement.family_address, style.body))
    story.append(Spacer(1, 4 * mm))
    widths = [CONTENT_WIDTH - 5 * 28 * mm] + [28 * mm] * 5
    header = [_("Wallet"), _("Balance on {date}").format(date=first), _("Consumptions"),
              _("Payments"), _("Adjustments"), _("Balance on {date}").format(date=last)]
    rows = [[wrap(cell, width - 12, SIZE + 0.5, FONT_BOLD) for cell, width in zip(header, widths, strict=True)]]
    for summary in (*statement.wallets, statement.total):
        rows.append([summary.label, money(summary.opening), money(-summary.consumed),
                     money(summary.paid), money(summary.adjusted), money(summary.closing)])
    table = Table(rows, colWidths=widths)
    table.setStyle(grid_style(size=SIZE + 0.5, right=(1, 2, 3, 4, 5), total=True))
    story += [table, Spacer(1, 2 * mm),
              paragraph(_("Credit is positive, debt negative. A day consumed is dated that day; "
                          "a payment, the day it was received."), style.small),
              paragraph(_("Entries of the year"), style.heading)]
    widths = [18 * mm, 64 * mm, 36 * mm, 18 * mm, 18 * mm, 20 * mm]
    lines = [[_("Date"), _("Entry"), _("Wallet"), _("Debit"), _("Credit"), _("Balance")]]
    lines.append(["", _("Balance on {date}").format(date=first), "", "", "",
                  money(statement.total.opening)])
    for line in statement.lines:
        lines.append([
            numeric_date(line.day), wrap(line.text, widths[1] - 12, SIZE),
            _wallets(line, widths[2] - 12),
            money(line.debit) if line.debit is not None else "",
            money(line.credit) if line.credit is not None else "", money(line.balance),
        ])
    lines.append(["", _("Balance on {date}").format(date=last), "", "", "",
                  money(statement.total.closing)])
    story.append(RowsTable(lines[0], lines[1:], widths, size=SIZE, right=(3, 4, 5), total=True))
    return pdf_bytes(title=title, structure_name=statement.structure_name,
                     printed_at=local_time(printed_at, statement.computed_at.tzinfo),
                     story=story, family_name=statement.family_name, period=period)


def _wallets(line: StatementLine, width: float) -> str:
    """The line's wallet; a payment over several, one wallet and its amount a line."""
    if len(line.wallets) < 2:
        return wrap(line.wallet_label, width, SIZE)
    return "\n".join(wrap(f"{label} {money(amount)}", width, SIZE) for label, amount in line.wallets)


def attestation_pdf(attestation: ChildcareAttestation, printed_at: datetime) -> bytes:
    style = styles()
    year = attestation.year
    title = _("Childcare expenses certificate")
    period = _("Year {year}").format(year=year)
    story: list[Flowable] = [paragraph(title, style.title),
                             paragraph(period, style.heading), Spacer(1, 4 * mm)]
    holder = attestation.family_name
    if attestation.family_address:
        holder = _("{name}, living at {address},").format(name=holder, address=attestation.family_address)
    story.append(paragraph(_(
        "{structure} certifies that {holder} had the following children, under 6 years of age "
        "on 1 January {year}, looked after outside the home during the year {year}, for the "
        "amounts below.").format(structure=attestation.structure_name, holder=holder, year=year),
        style.body))
    story.append(Spacer(1, 4 * mm))
    if not attestation.children:
        story.append(paragraph(
            _("No child of this family was under 6 years of age on 1 January {year}.").format(year=year),
            style.body))
    else:
        rows = [[_("Child"), _("Born on"), _("Care"), _("Days of care"), _("Amount")]]
        for child in attestation.children:
            rows.append([child.name, numeric_date(child.birth_date),
                         wrap(", ".join(child.activities) or "–", 52 * mm, 9, FONT),
                         str(child.days), money(child.amount)])
        rows.append([_("Total"), "", "", str(sum(c.days for c in attestation.children)),
                     money(attestation.total)])
        table = Table(rows, colWidths=[46 * mm, 24 * mm, 56 * mm, 20 * mm, 28 * mm])
        table.setStyle(grid_style(size=9, right=(3, 4), total=True))
        story.append(table)
    story += [
        Spacer(1, 4 * mm),
        paragraph(_("Amounts charged for care, net of refunds. Meals (school catering) are "
                    "excluded, as are the days of children aged 6 or more on 1 January."),
                  style.small),
        paragraph(_("To be kept with your income tax return (tax credit for childcare "
                    "expenses of children under 6, article 200 quater B of the Code général "
                    "des impôts)."), style.small),
        Spacer(1, 10 * mm),
        paragraph(_("Issued on {date}, for any lawful purpose.").format(
            date=long_day(local_time(printed_at, attestation.computed_at.tzinfo).date())), style.body),
        Spacer(1, 4 * mm),
    ]
    box = Table([[_("Stamp and signature")]], colWidths=[70 * mm], rowHeights=[30 * mm],
                hAlign="RIGHT")
    box.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("TEXTCOLOR", (0, 0), (-1, -1), colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
    ]))
    story.append(box)
    return pdf_bytes(title=title, structure_name=attestation.structure_name,
                     printed_at=local_time(printed_at, attestation.computed_at.tzinfo),
                     story=story, family_name=attestation.family_name, period=period)


__all__ = ["attestation_pdf", "statement_pdf"]
