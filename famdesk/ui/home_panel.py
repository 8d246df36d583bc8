"""The "Home" tab: the structure's name and its news, or a sentence when there is none."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.services.home import HomePage
from famdesk.ui import theme
from famdesk.ui.models.news_model import NewsListModel
from famdesk.ui.news_delegate import NewsItemDelegate


class HomePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homePanel")
        self.title_label = QLabel()
        self.title_label.setObjectName("pageTitle")
        self.title_label.setWordWrap(True)

        self.news_model = NewsListModel(parent=self)
        self.news_view = QListView()
        self.news_view.setObjectName("newsList")
        self.news_view.setModel(self.news_model)
        self.news_view.setItemDelegate(NewsItemDelegate(theme.current(), self.news_view))
        self.news_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.news_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.news_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.news_view.setWordWrap(True)
        self.news_view.setAccessibleName(_("News"))

        self.empty_label = QLabel(_("No news for the moment."))
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.news_view)
        self.stack.addWidget(self.empty_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(12)
        layout.addWidget(self.title_label)
        layout.addWidget(self.stack, 1)

    def show_page(self, page: HomePage) -> None:
        self.title_label.setText(page.structure_name)
        self.news_model.set_rows(page.news)
        self.stack.setCurrentWidget(self.news_view if page.news else self.empty_label)

    def clear(self) -> None:
        self.title_label.clear()
        self.news_model.set_rows(())
        self.stack.setCurrentWidget(self.empty_label)

    def shows_empty_state(self) -> bool:
        return self.stack.currentWidget() is self.empty_label
