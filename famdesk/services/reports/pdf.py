"""The shared page template of famdesk's PDFs, with DejaVu Sans embedded.

Helvetica has no glyph for the narrow no-break space Babel puts in "1 234,50 €": every
document uses DejaVu Sans, shipped in ``resources/fonts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from famdesk.i18n import _
from famdesk.services.formatting import date_time

FONTS_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
MARGIN = 18 * mm


def register_fonts() -> None:
    """Register DejaVu Sans with reportlab (once)."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name in (FONT, FONT_BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle


def styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13)
    return Styles(
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=8),
        heading=ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=12, leading=15, spaceBefore=6, spaceAfter=4),
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=colors.grey),
    )


def build_pdf(
    out: BinaryIO | str | Path,
    *,
    title: str,
    structure_name: str,
    printed_at: datetime,
    story: list[Flowable],
) -> None:
    """Write `story` on famdesk's page template: structure and title above, page numbers below."""
    register_fonts()
    target = str(out) if isinstance(out, Path) else out
    doc = BaseDocTemplate(
        target,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 10 * mm,
        bottomMargin=MARGIN,
        title=title,
        author=structure_name,
        creator="famdesk",
        initialFontName=FONT,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    printed = _("Printed on {when}").format(when=date_time(printed_at))

    def decorate(canvas, document):  # type: ignore[no-untyped-def]
        width, height = A4
        canvas.saveState()
        canvas.setFont(FONT_BOLD, 10)
        canvas.drawString(MARGIN, height - MARGIN, structure_name)
        canvas.setFont(FONT, 9)
        canvas.drawRightString(width - MARGIN, height - MARGIN, title)
        canvas.setStrokeColor(colors.HexColor("#1f4e79"))
        canvas.line(MARGIN, height - MARGIN - 3 * mm, width - MARGIN, height - MARGIN - 3 * mm)
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, MARGIN / 2, printed)
        canvas.drawRightString(
            width - MARGIN, MARGIN / 2, _("Page {number}").format(number=document.page)
        )
        canvas.restoreState()

    doc.addPageTemplates([PageTemplate(id="famdesk", frames=[frame], onPage=decorate)])
    doc.build(story)


def pdf_bytes(**kwargs) -> bytes:  # type: ignore[no-untyped-def]
    buffer = BytesIO()
    build_pdf(buffer, **kwargs)
    return buffer.getvalue()


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: names may hold '&' or '<')."""
    from xml.sax.saxutils import escape

    return Paragraph(escape(text), style)
