"""The two icons a calendar cell draws rather than takes from the font: the hourglass (a
waiting list) and the padlock (too late to cancel), centred on a point, in one colour."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen


def draw_hourglass(painter: QPainter, centre: QPointF, size: float, ink: QColor) -> None:
    w, h = size * 0.62, size
    x0, x1 = centre.x() - w / 2, centre.x() + w / 2
    y0, y1 = centre.y() - h / 2, centre.y() + h / 2
    path = QPainterPath()
    path.moveTo(x0, y0)
    path.lineTo(x1, y0)
    path.lineTo(centre.x() + w * 0.08, centre.y())
    path.lineTo(x1, y1)
    path.lineTo(x0, y1)
    path.lineTo(centre.x() - w * 0.08, centre.y())
    path.closeSubpath()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ink)
    painter.drawPath(path)
    bar = max(size * 0.09, 1.0)
    painter.drawRect(QRectF(x0 - w * 0.12, y0 - bar, w * 1.24, bar))
    painter.drawRect(QRectF(x0 - w * 0.12, y1, w * 1.24, bar))


def draw_padlock(painter: QPainter, centre: QPointF, size: float, ink: QColor) -> None:
    body = QRectF(centre.x() - size * 0.42, centre.y() - size * 0.05, size * 0.84, size * 0.55)
    painter.setPen(QPen(ink, max(size * 0.13, 1.2)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    shackle = QRectF(centre.x() - size * 0.26, centre.y() - size * 0.5, size * 0.52, size * 0.75)
    painter.drawArc(shackle, 0, 180 * 16)
    painter.drawLine(QPointF(shackle.left(), shackle.center().y()),
                     QPointF(shackle.left(), body.top()))
    painter.drawLine(QPointF(shackle.right(), shackle.center().y()),
                     QPointF(shackle.right(), body.top()))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ink)
    painter.drawRoundedRect(body, size * 0.08, size * 0.08)
