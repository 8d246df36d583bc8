"""Draws one news item: the title in bold, "published on ...", then the body, wrapped."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPen, QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from famdesk.ui.models.roles import NewsRole
from famdesk.ui.theme import ThemePalette

MARGIN = 12


def news_html(title: str, published: str, body: str, palette: ThemePalette) -> str:
    body_html = "<br>".join(html.escape(line) for line in body.splitlines())
    return (
        f'<p style="margin:0; font-weight:600; font-size:large">{html.escape(title)}</p>'
        f'<p style="margin:2px 0 6px 0; color:{palette.colours["muted_text"]}">'
        f"{html.escape(published)}</p>"
        f'<p style="margin:0">{body_html}</p>'
    )


class NewsItemDelegate(QStyledItemDelegate):
    """Reads the item's roles only; takes its palette in the constructor."""

    def __init__(self, palette: ThemePalette, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._palette = palette
        self._view = view

    def _document(self, index: QModelIndex | QPersistentModelIndex, width: int) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(self._view.font())
        doc.setHtml(
            news_html(
                str(index.data(NewsRole.TITLE) or ""),
                str(index.data(NewsRole.PUBLISHED_TEXT) or ""),
                str(index.data(NewsRole.BODY) or ""),
                self._palette,
            )
        )
        doc.setTextWidth(max(width - 2 * MARGIN, 50))
        return doc

    def _width(self, option: QStyleOptionViewItem) -> int:
        viewport = self._view.viewport().width()
        return viewport if viewport > 0 else max(option.rect.width(), 300)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        width = self._width(option)
        doc = self._document(index, width)
        return QSize(width, int(doc.size().height()) + 2 * MARGIN)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        painter.save()
        style = option.widget.style() if option.widget is not None else self._view.style()
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
        )
        rect = option.rect
        doc = self._document(index, rect.width())
        painter.translate(QPointF(rect.left() + MARGIN, rect.top() + MARGIN))
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(context.palette.ColorRole.Text, self._palette.colour("text"))
        context.clip = QRectF(0, 0, rect.width() - 2 * MARGIN, rect.height() - 2 * MARGIN)
        doc.documentLayout().draw(painter, context)
        painter.restore()
        painter.save()
        painter.setPen(QPen(self._palette.colour("separator"), 1))
        painter.drawLine(rect.left() + MARGIN, rect.bottom(), rect.right() - MARGIN, rect.bottom())
        painter.restore()
