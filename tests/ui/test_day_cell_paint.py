"""`paint_day_cell()` rendered into images: every state looks different from every other —
in colour, in grey, and with the colour fills removed (a state is never told by colour
alone) — in both palettes; so do the pending requests, today, and the veiled days."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter

from famdesk.services.draft import LineKind
from famdesk.services.states import CellState, DayState
from famdesk.ui.calendar.day_cell import paint_day_cell
from famdesk.ui.calendar.legend import sample_cell
from famdesk.ui.theme import CALENDAR_HIGH_CONTRAST, CALENDAR_LIGHT, CalendarPalette

SIZE = QSize(110, 72)
PALETTES = [CALENDAR_LIGHT, CALENDAR_HIGH_CONTRAST]


def render(cell, palette: CalendarPalette, selected: bool = False) -> QImage:
    image = QImage(SIZE, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    paint_day_cell(painter, QRect(0, 0, SIZE.width(), SIZE.height()), cell, palette, selected)
    painter.end()
    return image


def grey(image: QImage) -> QImage:
    return image.convertToFormat(QImage.Format.Format_Grayscale8)


def assert_all_differ(images: dict) -> None:
    for (a, image_a), (b, image_b) in combinations(images.items(), 2):
        assert image_a != image_b, f"{a} and {b} look the same"


@pytest.mark.parametrize("palette", PALETTES, ids=lambda p: p.name)
@pytest.mark.parametrize("states", [list(CellState), list(DayState)], ids=["cells", "days"])
def test_every_state_renders_differently(qapp, palette, states):
    images = {state: render(sample_cell(state), palette) for state in states}
    assert_all_differ(images)
    assert_all_differ({state: grey(image) for state, image in images.items()})
    plain = palette.without_fills()
    assert_all_differ({state: grey(render(sample_cell(state), plain)) for state in states})


def test_without_fills_every_state_has_the_same_background(qapp):
    plain = CALENDAR_LIGHT.without_fills()
    fills = {plain.look(state).fill for state in [*CellState, *DayState]}
    assert fills == {CALENDAR_LIGHT.colours["surface"]}
    corner = {render(sample_cell(state), plain).pixelColor(SIZE.width() // 2, 3).name()
              for state in (CellState.AVAILABLE, CellState.BOOKED, CellState.WAITLISTED)}
    assert corner == {"#ffffff"}


@pytest.mark.parametrize("palette", PALETTES, ids=lambda p: p.name)
def test_pending_requests_render_differently_and_not_by_colour_alone(qapp, palette):
    for base in (CellState.AVAILABLE, CellState.BOOKED):
        images = {kind: render(sample_cell(base, kind), palette)
                  for kind in (None, LineKind.BOOK, LineKind.CANCEL, LineKind.CHANGE_TIMES)}
        assert_all_differ({kind: grey(image) for kind, image in images.items()})
        plain = palette.without_fills()
        assert_all_differ({kind: grey(render(sample_cell(base, kind), plain))
                           for kind in images})


def test_today_other_months_past_days_and_focus_are_marked(qapp):
    cell = sample_cell(CellState.AVAILABLE)
    images = {
        "plain": render(cell, CALENDAR_LIGHT),
        "today": render(replace(cell, is_today=True), CALENDAR_LIGHT),
        "past": render(replace(cell, is_past=True), CALENDAR_LIGHT),
        "other month": render(replace(cell, in_month=False), CALENDAR_LIGHT),
        "focus": render(cell, CALENDAR_LIGHT, selected=True),
    }
    assert_all_differ({name: grey(image) for name, image in images.items()})
    # a veiled day is paler than the same day in the month
    booked = sample_cell(CellState.BOOKED)
    for veiled in (replace(booked, in_month=False), replace(booked, is_past=True)):
        assert grey(render(veiled, CALENDAR_LIGHT)).pixelColor(20, 60).lightness() > grey(
            render(booked, CALENDAR_LIGHT)).pixelColor(20, 60).lightness() + 60


def test_places_left_show_on_a_limited_day(qapp):
    cell = sample_cell(CellState.AVAILABLE)
    three = render(cell, CALENDAR_LIGHT)
    unlimited = render(replace(cell, activities=(replace(cell.activities[0], places_left=None),)),
                       CALENDAR_LIGHT)
    assert three != unlimited
    bottom = QRect(0, SIZE.height() - 16, SIZE.width() // 2, 14)
    assert three.copy(bottom) != unlimited.copy(bottom)


def test_a_painting_leaves_the_painter_as_it_was(qapp):
    image = QImage(SIZE, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    font, pen = painter.font(), painter.pen()
    paint_day_cell(painter, QRect(0, 0, 110, 72), sample_cell(CellState.BOOKED, LineKind.CANCEL),
                   CALENDAR_LIGHT, True)
    assert painter.font() == font and painter.pen() == pen
    painter.end()
