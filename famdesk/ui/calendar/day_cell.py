"""`paint_day_cell()`: one day of the calendar drawn from its `DayCell`, and nothing else.

Pure drawing — no model, no view, no widget: a test renders it into a `QImage`. Every state
has its fill AND a glyph, a hatch or a badge (`theme.StateLook`); a pending request adds a
dashed frame and a round badge (+ book, − cancel, ↻ new times); today's number sits in a
disc; other months' days and past days are veiled. A cell tall and wide enough (a maximised
window, a kiosk's full screen) also says until when its day can still be changed ("jusqu'au
03/12 12:00"); a smaller one leaves that to the side panel, the tooltip and the day page.
Glyphs come from the bundled DejaVu Sans, so they look the same on every PC; the hourglass
and the padlock are drawn (`cell_icons`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QImage,
    QPainter,
    QPen,
    QStaticText,
)

from famdesk.i18n import ngettext
from famdesk.services.draft import LineKind
from famdesk.services.month import ActivityCell, DayCell
from famdesk.services.states import CellState
from famdesk.ui.calendar.cell_icons import draw_hourglass, draw_padlock
from famdesk.ui.calendar.texts import short_deadline_text, shown_times, times_text
from famdesk.ui.theme import HATCH, HOURGLASS, CalendarPalette, StateLook

log = logging.getLogger(__name__)

FONTS = Path(__file__).resolve().parents[2] / "resources" / "fonts"
BADGE_SIGNS = {LineKind.BOOK: "+", LineKind.CANCEL: "\u2212", LineKind.CHANGE_TIMES: "\u21bb"}
MIXED_SIGN = "\u00b1"
PADLOCK = "padlock"
PENDING_COLOUR = {
    LineKind.BOOK: "pending_book",
    LineKind.CANCEL: "pending_cancel",
    LineKind.CHANGE_TIMES: "pending_times",
}
_family: str | None = None


def glyph_family() -> str:
    """The bundled DejaVu Sans, registered once (the system's font if that fails)."""
    global _family
    if _family is None:
        _family = ""
        for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
            font_id = QFontDatabase.addApplicationFont(str(FONTS / name))
            families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            if families and not _family:
                _family = families[0]
        if not _family:
            log.warning("DejaVu Sans could not be loaded from %s", FONTS)
    return _family


DEADLINE_MIN_HEIGHT = 80
"""From this height a cell of the displayed month draws its deadline's short form (when it
fits its width at DEADLINE_MIN_PIXELS at least): below, the glyph and the bottom line would
crowd it."""
DEADLINE_MIN_PIXELS = 10

PAST_DIMMING = 0.8
"""A past day is veiled a little less than another month's day (the veil colour's alpha)."""


def _blend(colour: QColor, veil: QColor, alpha: int) -> QColor:
    a = alpha / 255
    return QColor(
        round(colour.red() * (1 - a) + veil.red() * a),
        round(colour.green() * (1 - a) + veil.green() * a),
        round(colour.blue() * (1 - a) + veil.blue() * a),
    )


@dataclass
class _Kit:
    """Qt objects built once per palette: colours, fonts, laid-out texts, hatch images."""

    palette: CalendarPalette
    colours: dict[str, QColor] = field(default_factory=dict)
    fonts: dict[tuple[int, bool], QFont] = field(default_factory=dict)
    texts: dict[tuple[str, int, bool], QStaticText] = field(default_factory=dict)
    looks: dict[tuple[StateLook, int], tuple[QColor, QColor, QColor]] = field(default_factory=dict)
    hatches: dict[tuple[int, int, int], QImage] = field(default_factory=dict)
    icons: dict[tuple[str, int, int, float], QImage] = field(default_factory=dict)

    def colour(self, name: str) -> QColor:
        found = self.colours.get(name)
        if found is None:
            found = self.colours[name] = self.palette.colour(name)
        return found

    def look_colours(self, look: StateLook, dim: int) -> tuple[QColor, QColor, QColor]:
        """(fill, ink, hatch) of `look`, seen through the veil of level `dim` (0: none):
        blended once here rather than painted over every time."""
        key = (look, dim)
        found = self.looks.get(key)
        if found is None:
            fill, ink, hatch = QColor(look.fill), QColor(look.ink), self.colour("pattern")
            if dim:
                veil = self.colour("veil")
                alpha = veil.alpha() if dim == 2 else round(veil.alpha() * PAST_DIMMING)
                fill, ink, hatch = (_blend(c, veil, alpha) for c in (fill, ink, hatch))
            found = self.looks[key] = (fill, ink, hatch)
        return found

    def hatch(self, width: int, height: int, colour: QColor) -> QImage:
        """Diagonal lines on a transparent image of the cell's size (drawn once per size)."""
        key = (width, height, colour.rgba())
        found = self.hatches.get(key)
        if found is None:
            if len(self.hatches) > 64:
                self.hatches.clear()
            found = QImage(max(width, 1), max(height, 1), QImage.Format.Format_ARGB32_Premultiplied)
            found.fill(Qt.GlobalColor.transparent)
            painter = QPainter(found)
            painter.fillRect(found.rect(), QBrush(colour, Qt.BrushStyle.BDiagPattern))
            painter.end()
            self.hatches[key] = found
        return found

    def icon(self, kind: str, size: float, colour: QColor, ratio: float) -> QImage:
        """The hourglass or the padlock, drawn once per size, colour and pixel ratio."""
        key = (kind, round(size * 4), colour.rgba(), ratio)
        found = self.icons.get(key)
        if found is None:
            if len(self.icons) > 256:
                self.icons.clear()
            side = int(size * 1.3) + 4
            found = QImage(int(side * ratio), int(side * ratio),
                           QImage.Format.Format_ARGB32_Premultiplied)
            found.setDevicePixelRatio(ratio)
            found.fill(Qt.GlobalColor.transparent)
            painter = QPainter(found)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            draw = draw_hourglass if kind == HOURGLASS else draw_padlock
            draw(painter, QPointF(side / 2, side / 2), size, colour)
            painter.end()
            self.icons[key] = found
        return found

    def draw_icon(self, painter: QPainter, kind: str, x: float, y: float, size: float,
                  colour: QColor) -> None:
        device = painter.device()
        ratio = device.devicePixelRatioF() if device is not None else 1.0
        image = self.icon(kind, size, colour, ratio)
        side = image.width() / ratio
        painter.drawImage(QPointF(x - side / 2, y - side / 2), image)

    def font(self, pixels: int, bold: bool = False) -> QFont:
        key = (pixels, bold)
        found = self.fonts.get(key)
        if found is None:
            found = QFont(glyph_family()) if glyph_family() else QFont()
            found.setPixelSize(pixels)
            found.setBold(bold)
            self.fonts[key] = found
        return found

    def text(self, value: str, pixels: int, bold: bool = False) -> QStaticText:
        key = (value, pixels, bold)
        found = self.texts.get(key)
        if found is None:
            if len(self.texts) > 4000:
                self.texts.clear()
            found = QStaticText(value)
            found.setTextFormat(Qt.TextFormat.PlainText)
            found.prepare(font=self.font(pixels, bold))
            self.texts[key] = found
        return found


_kits: dict[int, _Kit] = {}


def _kit(palette: CalendarPalette) -> _Kit:
    kit = _kits.get(id(palette))
    if kit is None or kit.palette is not palette:
        kit = _kits[id(palette)] = _Kit(palette)
    return kit


def pending_kinds(cell: DayCell) -> frozenset[LineKind]:
    return frozenset(a.pending for a in cell.activities if a.pending is not None)


CENTRE, TOP_LEFT, BOTTOM_LEFT = range(3)


def _draw_text(painter: QPainter, kit: _Kit, value: str, pixels: int, bold: bool,
               x: float, y: float, anchor: int) -> None:
    """`value` centred on (x, y), or with its top-left or bottom-left corner there."""
    text = kit.text(value, pixels, bold)
    painter.setFont(kit.font(pixels, bold))
    size = text.size()
    if anchor == CENTRE:
        x -= size.width() / 2
        y -= size.height() / 2
    elif anchor == BOTTOM_LEFT:
        y -= size.height()
    painter.drawStaticText(QPointF(x, y), text)


def _glyph(painter: QPainter, kit: _Kit, look: StateLook, x: float, y: float, size: int,
           ink: QColor) -> None:
    if look.glyph == HOURGLASS:
        kit.draw_icon(painter, HOURGLASS, x, y, size * 0.8, ink)
    elif look.glyph:
        painter.setPen(ink)
        _draw_text(painter, kit, look.glyph, size, True, x, y, CENTRE)


def _caption(activity: ActivityCell) -> str:
    """The bottom line of one activity's cell: its times, else its places on a limited day."""
    caption = times_text(*shown_times(activity))
    if not caption and activity.state is CellState.AVAILABLE and activity.places_left is not None:
        caption = ngettext("{count} place", "{count} places", activity.places_left).format(
            count=activity.places_left)
    return caption


def _deadline_caption(kit: _Kit, cell: DayCell, room: float, h: int,
                      pixels: int) -> tuple[str, int] | None:
    """The deadline's short form and its font size (`pixels` at most) when the cell draws it:
    one activity, a day of the displayed month that can still be changed, a cell at least
    DEADLINE_MIN_HEIGHT tall whose width `room` holds the text; else None."""
    activity = cell.cell
    if activity is None or not cell.in_month or h < DEADLINE_MIN_HEIGHT:
        return None
    text = short_deadline_text(activity)
    if not text:
        return None
    for size in range(pixels, DEADLINE_MIN_PIXELS - 1, -1):
        if kit.text(text, size).size().width() <= room:
            return text, size
    return None


_HELD = frozenset({CellState.BOOKED, CellState.WAITLISTED, CellState.BOOKED_LOCKED,
                   CellState.WAITLISTED_LOCKED})


def paint_day_cell(painter: QPainter, rect: QRect | QRectF, cell: DayCell,
                   palette: CalendarPalette, selected: bool = False) -> None:
    """Draw `cell` in `rect`: state fill and glyph, day number, places or times, badges,
    pending frame, today's disc, the veil of other months and past days, the focus ring."""
    state = cell.activity_state if cell.activity_state is not None else cell.day_state
    if state is None:
        return
    kit = _kit(palette)
    box = rect.toRect() if isinstance(rect, QRectF) else QRect(rect)
    left, top, w, h = box.left(), box.top(), box.width(), box.height()
    look = palette.look(state)
    dim = 2 if not cell.in_month else 1 if cell.is_past else 0
    fill, ink, hatch = kit.look_colours(look, dim)
    painter.save()
    # rectangles on whole pixels without antialiasing (fast); the shapes with it
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.fillRect(box, fill)
    if look.pattern == HATCH:
        painter.drawImage(box.topLeft(), kit.hatch(w, h, hatch))
    painter.setPen(kit.colour("grid"))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(left, top, w - 1, h - 1)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    short = min(h, w)
    small = max(8, min(int(h * 0.16), 13))
    number_px = max(9, min(int(h * 0.2), 15))
    glyph_px = max(10, min(int(short * 0.42), 34))
    pad = max(2.0, short * 0.06)

    # one activity: times or places on the bottom line, and until when the day can be
    # changed on it if it is free (no caption, no badge) or else just above; the glyph
    # moves up to leave it room
    activity = cell.cell
    caption = _caption(activity) if activity is not None and h >= 40 and w >= 50 else ""
    bottom_x, bottom_y = left + pad + 1, top + h - pad
    centre_x, centre_y = left + w / 2, top + h * 0.52
    deadline = _deadline_caption(kit, cell, w - 2 * (pad + 1), h, small)
    if deadline is not None:
        text, pixels = deadline
        deadline_bottom = bottom_y
        if caption or look.waitlist_badge or look.padlock:
            deadline_bottom -= kit.text(caption or "0", small).size().height() + 1
        deadline_top = deadline_bottom - kit.text(text, pixels).size().height()
        centre_y = (top + pad + deadline_top) / 2
        glyph_px = min(glyph_px, int((deadline_top - top - pad) * 0.75))
        painter.setPen(ink)
        _draw_text(painter, kit, text, pixels, False, bottom_x, deadline_bottom, BOTTOM_LEFT)

    # the state's glyph, a little below the middle (or above the deadline)
    _glyph(painter, kit, look, centre_x, centre_y, glyph_px, ink)

    # the day number; today's in a disc
    number = str(cell.day.day)
    corner_x, corner_y = left + pad + 1, top + pad
    if cell.is_today:
        radius = number_px * 0.85
        disc = QPointF(corner_x + radius - 1, corner_y + radius - 1)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(kit.colour("today"))
        painter.drawEllipse(disc, radius, radius)
        painter.setPen(kit.colour("today_text"))
        _draw_text(painter, kit, number, number_px, True, disc.x(), disc.y(), CENTRE)
    else:
        painter.setPen(ink)
        _draw_text(painter, kit, number, number_px, cell.in_month, corner_x, corner_y, TOP_LEFT)

    # bottom line: times or places (one activity), booked activities' colours (every one)
    if h >= 40 and w >= 50:
        if caption:
            painter.setPen(ink)
            _draw_text(painter, kit, caption, small, False, bottom_x, bottom_y, BOTTOM_LEFT)
        elif activity is None:
            dot = max(small * 0.6, 5.0)
            x = bottom_x
            painter.setPen(ink)
            for item in cell.activities:
                if item.state in _HELD:
                    painter.setBrush(QColor(item.colour))
                    painter.drawRect(QRectF(x, bottom_y - dot, dot, dot))
                    x += dot + 3

    # badges, bottom right: a waiting list, the cancellation deadline passed
    badge = max(8.0, min(h * 0.22, 16.0))
    x = left + w - pad - badge / 2 - 1
    y = top + h - pad - badge / 2
    if look.padlock:
        kit.draw_icon(painter, PADLOCK, x, y, badge, ink)
        x -= badge + 2
    if look.waitlist_badge:
        kit.draw_icon(painter, HOURGLASS, x, y, badge * 0.9, ink)

    # a pending request: dashed frame, round badge top right, cancel strikes the glyph
    kinds = pending_kinds(cell)
    if kinds:
        kind = next(iter(kinds)) if len(kinds) == 1 else LineKind.BOOK
        colour = kit.colour(PENDING_COLOUR[kind])
        width = max(2, int(short * 0.045))
        pen = QPen(colour, width)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        frame = width // 2 + 1
        painter.drawRect(box.adjusted(frame, frame, -frame - 1, -frame - 1))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if kinds == {LineKind.CANCEL}:
            painter.setPen(QPen(colour, max(2.0, glyph_px * 0.12)))
            half = glyph_px * 0.55
            painter.drawLine(QPointF(centre_x - half, centre_y + half),
                             QPointF(centre_x + half, centre_y - half))
        radius = max(6.0, min(short * 0.14, 11.0))
        spot_x, spot_y = left + w - pad - radius - 1, top + pad + radius
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(QPointF(spot_x, spot_y), radius, radius)
        painter.setPen(kit.colour("badge_text"))
        sign = BADGE_SIGNS[kind] if len(kinds) == 1 else MIXED_SIGN
        _draw_text(painter, kit, sign, int(radius * 1.5), True, spot_x, spot_y, CENTRE)

    if selected:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        focus = kit.colour("focus")
        painter.fillRect(left + 1, top + 1, w - 2, 3, focus)
        painter.fillRect(left + 1, top + h - 4, w - 2, 3, focus)
        painter.fillRect(left + 1, top + 1, 3, h - 2, focus)
        painter.fillRect(left + w - 4, top + 1, 3, h - 2, focus)
    painter.restore()
