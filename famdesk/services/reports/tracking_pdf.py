"""'Suivi des réservations' printed: the requests shown, on the shared page template."""

from __future__ import annotations

from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Spacer, TableStyle

from famdesk.i18n import _
from famdesk.services.formatting import weekday_date
from famdesk.services.reports.pdf import FONT, FONT_BOLD, paragraph, pdf_bytes, styles, wrap
from famdesk.services.tracking import TrackingView

SIZE = 7


def _times(line) -> str:  # type: ignore[no-untyped-def]
    times = [f"{t:%H:%M}" for t in (line.arrival, line.departure) if t is not None]
    return "–".join(times)


def tracking_pdf(view: TrackingView, printed_at: datetime, filters_text: str = "") -> bytes:
    style = styles()
    title = _("Booking requests")
    story = [
        paragraph(title, style.title),
        paragraph(view.family_name, style.heading),
    ]
    if filters_text:
        story.append(paragraph(filters_text, style.small))
    story.append(Spacer(1, 4 * mm))
    header = [_("Date"), _("Activity"), _("Child"), _("Times"), _("Request"), _("Outcome"),
              _("Transmission"), _("Made by")]
    widths = [25 * mm, 25 * mm, 24 * mm, 20 * mm, 20 * mm, 20 * mm, 23 * mm, 17 * mm]
    rows = [[wrap(cell, width - 12, SIZE, FONT_BOLD) for cell, width in zip(header, widths, strict=True)]] + [
        [wrap(cell, width - 12, SIZE) for cell, width in zip(
            [weekday_date(line.day), line.activity_label, line.child_name, _times(line),
             line.request_text, line.outcome_text, line.transmission_text, line.made_by],
            widths, strict=True)]
        for line in view.lines
    ]
    if len(rows) == 1:
        story.append(paragraph(_("No request matches."), style.body))
    else:
        table = LongTable(rows, repeatRows=1, colWidths=widths)
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), FONT, SIZE),
            ("FONT", (0, 0), (-1, 0), FONT_BOLD, SIZE),
            ("LEADING", (0, 0), (-1, -1), SIZE + 2),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f4f6f9")]),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b8c4")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        story.append(table)
    return pdf_bytes(title=title, structure_name=view.structure_name, printed_at=printed_at,
                     story=story, family_name=view.family_name)
