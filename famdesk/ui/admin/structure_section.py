"""The "Structure" section: the settings cards (structure, mail server, online payment) on
the left, the news of the home page on the right (under them when the window is narrow)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QVBoxLayout, QWidget

from famdesk.services.backoffice import NewsRow, StructureSettings
from famdesk.ui.admin.news_card import NewsCard
from famdesk.ui.admin.settings_cards import OnlineCard, SettingsCard, SmtpCard, StructureCard
from famdesk.ui.admin.widgets import AdminSection
from famdesk.ui.forms import align_labels
from famdesk.ui.runner import Runner


class StructureSection(AdminSection):
    structure_renamed = Signal(int, str)
    """(structure id, new name): the window's header shows it at once."""

    def __init__(self, gateway: object, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(gateway, runner, parent)
        self.setObjectName("structureSection")
        self.settings: StructureSettings | None = None
        self.structure_card = StructureCard(gateway, runner)
        self.smtp_card = SmtpCard(gateway, runner)
        self.online_card = OnlineCard(gateway, runner)
        self.cards: tuple[SettingsCard, ...] = (self.structure_card, self.smtp_card,
                                                self.online_card)
        align_labels(card.fields for card in self.cards)
        self.news_card = NewsCard(gateway, runner)

        content = QWidget()
        content.setObjectName("adminContent")
        grid = QGridLayout(content)
        grid.setContentsMargins(16, 12, 16, 12)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        grid.addLayout(self.messages, 0, 0, 1, 2)
        left = QVBoxLayout()
        left.setSpacing(12)
        for settings_card in self.cards:
            left.addWidget(settings_card)
        left.addStretch(1)
        grid.addLayout(left, 1, 0)
        right = QVBoxLayout()
        right.addWidget(self.news_card)
        right.addStretch(1)
        grid.addLayout(right, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

        for settings_card in self.cards:
            settings_card.saved.connect(self._on_card_saved)
        self.news_card.changed.connect(self._on_news_card_changed)

    def load(self) -> None:
        assert self.structure_id is not None
        sid = self.structure_id
        self.submit(self._gateway.today(sid), self._on_today)
        self.submit(self._gateway.structure_settings(sid), self.show_settings)
        self.load_news()

    def load_news(self) -> None:
        if self.structure_id is not None:
            self.submit(self._gateway.news_items(self.structure_id), self._on_news_loaded)

    def _on_today(self, today: date) -> None:
        self.news_card.today = today

    def show_settings(self, settings: StructureSettings) -> None:
        self.settings = settings
        for settings_card in self.cards:
            settings_card.structure_id = settings.id
            settings_card.clear_messages()
            settings_card.show_settings(settings)

    def _on_news_loaded(self, rows: tuple[NewsRow, ...]) -> None:
        self.news_card.structure_id = self.structure_id
        self.news_card.show_news(rows)

    def _on_card_saved(self, settings: StructureSettings) -> None:
        renamed = self.settings is not None and self.settings.name != settings.name
        self.settings = settings  # each card shows what it saved; the others keep their edits
        if renamed:
            self.structure_renamed.emit(settings.id, settings.name)
        self.changed.emit("structure")

    def _on_news_card_changed(self, message: str) -> None:
        self.show_notice(message)
        self.load_news()
        self.changed.emit("news")

    def forget(self) -> None:
        self.settings = None
        for settings_card in self.cards:
            settings_card.forget()
            settings_card.blank()
            settings_card.structure_id = None
        self.smtp_card.wipe()
        self.news_card.structure_id = None
        self.news_card.forget()
