"""The shared page template of famdesk's PDFs, with DejaVu Sans embedded.

Helvetica has no glyph for the narrow no-break space Babel puts in "1 234,50 €": every
document uses DejaVu Sans, shipped in ``resources/fonts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, TableStyle

from famdesk.i18n import _
from famdesk.services.formatting import date_time

FONTS_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
MARGIN = 18 * mm
CONTENT_WIDTH = A4[0] - 2 * MARGIN
"""The width of a page's text and tables (174 mm)."""


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


def _numbered_canvas(printed: str):  # type: ignore[no-untyped-def]
    """A canvas that writes "Page x/y" and `printed` at the foot of each page once it knows
    how many pages there are (it keeps each page's drawing until `save()`)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for page in self._pages:
                self.__dict__.update(page)
                width, _height = self._pagesize
                self.saveState()
                self.setFont(FONT, 8)
                self.drawString(MARGIN, MARGIN / 2, printed)
                self.drawRightString(
                    width - MARGIN, MARGIN / 2,
                    _("Page {number}/{count}").format(number=self._pageNumber, count=count))
                self.restoreState()
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(
    out: BinaryIO | str | Path,
    *,
    title: str,
    structure_name: str,
    printed_at: datetime,
    story: list[Flowable],
    family_name: str | None = None,
    period: str | None = None,
) -> None:
    """Write `story` on famdesk's page template: the structure and the title above, then the
    family and the period when given; the printing date and "Page x/y" below."""
    register_fonts()
    target = str(out) if isinstance(out, Path) else out
    second_line = bool(family_name or period)
    header = 10 * mm + (5 * mm if second_line else 0)
    doc = BaseDocTemplate(
        target,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + header,
        bottomMargin=MARGIN,
        title=title,
        author=structure_name,
        subject=" – ".join(part for part in (family_name, period) if part),
        creator="famdesk",
        initialFontName=FONT,
    )
    # no inner padding: a table of `doc.width` lines up with the text and the header's rule
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    printed = _("Printed on {when}").format(when=date_time(printed_at))

    def decorate(canvas, document):  # type: ignore[no-untyped-def]
        width, height = A4
        canvas.saveState()
        canvas.setFont(FONT_BOLD, 10)
        canvas.drawString(MARGIN, height - MARGIN, structure_name)
        canvas.setFont(FONT, 9)
        canvas.drawRightString(width - MARGIN, height - MARGIN, title)
        rule = height - MARGIN - 3 * mm
        if second_line:
            canvas.setFont(FONT_BOLD, 9)
            canvas.drawString(MARGIN, height - MARGIN - 5 * mm, family_name or "")
            canvas.setFont(FONT, 9)
            canvas.drawRightString(width - MARGIN, height - MARGIN - 5 * mm, period or "")
            rule -= 5 * mm
        canvas.setStrokeColor(colors.HexColor("#1f4e79"))
        canvas.line(MARGIN, rule, width - MARGIN, rule)
        canvas.restoreState()

    doc.addPageTemplates([PageTemplate(id="famdesk", frames=[frame], onPage=decorate)])
    doc.build(story, canvasmaker=_numbered_canvas(printed))


def local_time(instant: datetime, zone: tzinfo | None) -> datetime:
    """`instant` in the time zone of the document's structure (its DTOs carry it)."""
    return instant.astimezone(zone) if zone is not None else instant


def pdf_bytes(**kwargs) -> bytes:  # type: ignore[no-untyped-def]
    buffer = BytesIO()
    build_pdf(buffer, **kwargs)
    return buffer.getvalue()


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped: names may hold '&' or '<')."""
    from xml.sax.saxutils import escape

    return Paragraph(escape(text), style)


def wrap(text: str, width: float, size: float = 8, font: str = FONT) -> str:
    """`text` broken into lines that fit `width` points, for a plain table cell (much cheaper
    than a Paragraph in each of hundreds of rows)."""
    from reportlab.lib.utils import simpleSplit

    register_fonts()
    return "\n".join(simpleSplit(text, font, size, width)) or ""


def grid_style(*, size: float = 8, right: tuple[int, ...] = (), total: bool = False) -> TableStyle:
    """famdesk's table look: a shaded header row, light stripes, a thin grid; `right`: the
    columns aligned right (amounts); `total`: the last row bold."""
    commands: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), FONT, size),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, size),
        ("LEADING", (0, 0), (-1, -1), size + 2),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde6f0")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f4f6f9")]),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b8c4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    commands += [("ALIGN", (column, 0), (column, -1), "RIGHT") for column in right]
    if total:
        commands += [
            ("FONT", (0, -1), (-1, -1), FONT_BOLD, size),
            ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#e8edf3")),
        ]
    return TableStyle(commands)


HEADER_FILL = colors.HexColor("#dde6f0")
STRIPE_FILL = colors.HexColor("#f4f6f9")
TOTAL_FILL = colors.HexColor("#e8edf3")
GRID_COLOUR = colors.HexColor("#b0b8c4")


class RowsTable(Flowable):
    """A table of plain text for hundreds of rows, in `grid_style`'s look: the header row
    repeated on each page, light stripes, a thin grid, `right` columns aligned right, the
    last row bold with `total`. A cell's "\\n" starts a new line (see `wrap`).

    Drawn straight on the canvas with one text object per page: reportlab's `Table` spends
    most of an annual statement's time styling and measuring each of its thousands of cells.
    """

    PADDING = 2.0
    SIDE = 6.0

    def __init__(self, header: list[str], rows: list[list[str]], widths: list[float], *,
                 size: float = 8, right: tuple[int, ...] = (), total: bool = False) -> None:
        super().__init__()
        register_fonts()
        self.header = header
        self.rows = rows
        self.widths = widths
        self.size = size
        self.leading = size + 2
        self.right = right
        self.total = total
        self._heights = [self._height(row) for row in rows]
        self._header_height = self._height(header)

    def _height(self, row: list[str]) -> float:
        lines = max((cell.count("\n") + 1 for cell in row), default=1)
        return lines * self.leading + 2 * self.PADDING

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = sum(self.widths)
        self.height = self._header_height + sum(self._heights)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        room = available_height - self._header_height
        count = 0
        for height in self._heights:
            if room < height:
                break
            room -= height
            count += 1
        if count == 0:
            return []
        if count == len(self.rows):
            return [self]
        first = RowsTable(self.header, self.rows[:count], self.widths, size=self.size,
                          right=self.right, total=False)
        rest = RowsTable(self.header, self.rows[count:], self.widths, size=self.size,
                         right=self.right, total=self.total)
        return [first, rest]

    def draw(self) -> None:
        canvas = self.canv
        width = sum(self.widths)
        lefts = [sum(self.widths[:i]) for i in range(len(self.widths))]
        tops = [self.height]
        for height in [self._header_height, *self._heights]:
            tops.append(tops[-1] - height)
        canvas.saveState()
        canvas.setFillColor(HEADER_FILL)
        canvas.rect(0, tops[1], width, self._header_height, stroke=0, fill=1)
        for index in range(len(self.rows)):
            last = index == len(self.rows) - 1
            fill = TOTAL_FILL if (self.total and last) else (STRIPE_FILL if index % 2 else None)
            if fill is not None:
                canvas.setFillColor(fill)
                canvas.rect(0, tops[index + 2], width, self._heights[index], stroke=0, fill=1)
        canvas.setStrokeColor(GRID_COLOUR)
        canvas.setLineWidth(0.25)
        canvas.lines([(0, y, width, y) for y in tops]
                     + [(x, tops[0], x, tops[-1]) for x in [*lefts, width]])
        canvas.setFillColor(colors.black)
        text = canvas.beginText()
        for index, row in enumerate([self.header, *self.rows]):
            bold = index == 0 or (self.total and index == len(self.rows))
            font = FONT_BOLD if bold else FONT
            text.setFont(font, self.size, self.leading)
            baseline = tops[index] - self.PADDING - self.size
            for column, cell in enumerate(row):
                if not cell:
                    continue
                for number, line in enumerate(cell.split("\n")):
                    y = baseline - number * self.leading
                    if column in self.right:
                        x = lefts[column] + self.widths[column] - self.SIDE - stringWidth(
                            line, font, self.size)
                    else:
                        x = lefts[column] + self.SIDE
                    text.setTextOrigin(x, y)
                    text.textOut(line)
        canvas.drawText(text)
        canvas.restoreState()
