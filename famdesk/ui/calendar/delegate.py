"""Delegates: they read roles only and draw through `paint_day_cell()`."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from famdesk.services.month import ActivityCell, DayCell
from famdesk.ui.calendar.day_cell import paint_day_cell
from famdesk.ui.models.roles import CalendarRole, DayActivityRole
from famdesk.ui.theme import CalendarPalette

_Index = QModelIndex | QPersistentModelIndex


def _marked(option: QStyleOptionViewItem) -> bool:
    state = option.state
    return bool(state & QStyle.StateFlag.State_HasFocus or state & QStyle.StateFlag.State_Selected)


class DayCellDelegate(QStyledItemDelegate):
    """One calendar day: `CalendarRole.CELL` painted by `paint_day_cell`."""

    def __init__(self, palette: CalendarPalette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._palette = palette

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        cell = index.data(CalendarRole.CELL)
        if cell is None:
            return
        paint_day_cell(painter, option.rect, cell, self._palette, _marked(option))

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(96, 64)


def single_day(day_cell: DayCell, activity: ActivityCell) -> DayCell:
    """`activity` alone on its day, as the activity mode shows it (for a swatch)."""
    return replace(day_cell, activity_state=activity.state, day_state=None,
                   activities=(activity,))


class DayActivityDelegate(QStyledItemDelegate):
    """One activity of the day: its state's swatch, its label, then the details line."""

    SWATCH = QSize(64, 46)

    def __init__(self, palette: CalendarPalette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._palette = palette
        self.day: DayCell | None = None
        """The day shown (for the swatch's number, today's disc and veil)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        activity = index.data(DayActivityRole.ACTIVITY)
        if activity is None or self.day is None:
            return
        painter.save()
        rect = option.rect
        colours = self._palette.colours
        if _marked(option):
            painter.fillRect(rect, self._palette.colour("veil"))
        swatch = QRect(rect.left() + 8, rect.top() + (rect.height() - self.SWATCH.height()) // 2,
                       self.SWATCH.width(), self.SWATCH.height())
        paint_day_cell(painter, swatch, single_day(self.day, activity), self._palette, False)
        # the activity's own colour, a bar beside its label
        left = swatch.right() + 14
        painter.fillRect(QRectF(left, rect.top() + 10, 5, rect.height() - 20),
                         QColor(activity.colour or colours["grid"]))
        text_left = left + 14
        title = QFont(option.font)
        title.setBold(True)
        title.setPointSizeF(title.pointSizeF() * 1.1)
        painter.setFont(title)
        painter.setPen(QPen(QColor(colours["text"])))
        metrics = QFontMetrics(title)
        baseline = rect.top() + 12 + metrics.ascent()
        painter.drawText(QPointF(text_left, baseline), str(index.data(Qt.ItemDataRole.DisplayRole)))
        painter.setFont(option.font)
        painter.setPen(QPen(QColor(colours["muted_text"])))
        details = str(index.data(DayActivityRole.DETAILS) or "")
        width = rect.right() - text_left - 8
        room = QRect(int(text_left), int(baseline + 6), int(width), rect.bottom() - int(baseline) - 6)
        painter.drawText(room, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                                   | Qt.TextFlag.TextWordWrap), details)
        if _marked(option):
            painter.setPen(QPen(self._palette.colour("focus"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(rect).adjusted(1, 1, -1, -1))
        painter.setPen(QPen(self._palette.colour("grid"), 1))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(420, self.SWATCH.height() + 26)

