"""A manager's session has the "Paramétrage" tab; the front desk's and a family's do not."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from famdesk.ui.admin import AdminPanel
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.main_window import MainWindow
from tests.integration.backoffice import manager
from tests.integration.town import PASSWORD, build_town
from tests.ui.helpers import run


def tabs(window):
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_only_a_manager_gets_the_settings_tab(qtbot, sqlite_url, clock, sync_runner):
    town = build_town(sqlite_url, clock)
    manager(town)
    gateway = LocalGateway(town.ctx)
    try:
        for login, expected in (("gestion", True), ("accueil", False), ("martin", False)):
            session = run(gateway.login(login, PASSWORD))
            window = MainWindow(gateway, sync_runner, session)
            qtbot.addWidget(window)
            assert ("Paramétrage" in tabs(window)) is expected, tabs(window)
            if expected:
                assert tabs(window)[-2:] == ["Paramétrage", "Profil"]
                window.tabs.setCurrentWidget(window.admin_panel)
                assert isinstance(window.admin_panel, AdminPanel)
                card = window.admin_panel.structure_section.structure_card
                assert card.name_edit.text() == "Mairie de Testville"
                news = window.admin_panel.structure_section.news_card
                news.open_dialog(None)
                news.dialog.title_edit.setText("Fête de l'école")
                news.dialog.save()
                model = window.home_panel.news_model
                titles = [model.index(r, 0).data() for r in range(model.rowCount())]
                assert "Fête de l'école" in titles
                window.clear()
                assert card.name_edit.text() == ""
            run(gateway.logout())
    finally:
        gateway.close()
        town.ctx.close()


def test_a_renamed_structure_shows_in_the_header_at_once(qtbot, sqlite_url, clock, sync_runner):
    town = build_town(sqlite_url, clock)
    manager(town)
    gateway = LocalGateway(town.ctx)
    try:
        session = run(gateway.login("gestion", PASSWORD))
        window = MainWindow(gateway, sync_runner, session)
        qtbot.addWidget(window)
        shown = window.structure_combo if window.structure_combo.count() > 1 else None
        window.tabs.setCurrentWidget(window.admin_panel)
        card = window.admin_panel.structure_section.structure_card
        card.name_edit.setText("Mairie de Testville-sur-Mer")
        card.submit()

        if shown is not None:
            names = [shown.itemText(i) for i in range(shown.count())]
            assert "Mairie de Testville-sur-Mer" in names and "Mairie de Testville" not in names
        else:
            assert window.structure_label.text() == "Mairie de Testville-sur-Mer"
        window._on_transmit_button_clicked()  # its list of structures too
        texts = [label.text() for label in window.transmission_dialog.findChildren(QLabel)]
        assert any("Mairie de Testville-sur-Mer" in text for text in texts), texts
    finally:
        gateway.close()
        town.ctx.close()


def test_a_new_structure_is_offered_at_the_top_of_the_window(qtbot, sqlite_url, clock,
                                                               sync_runner):
    town = build_town(sqlite_url, clock)
    manager(town)
    gateway = LocalGateway(town.ctx)
    try:
        session = run(gateway.login("gestion", PASSWORD))
        window = MainWindow(gateway, sync_runner, session)
        qtbot.addWidget(window)
        before = window.current_structure_id()
        made = run(gateway.add_structure(before, "Centre des Pins", "C"))
        window.admin_panel.structure_created.emit(made.id, made.name)

        combo = window.structure_combo
        names = [combo.itemText(i) for i in range(combo.count())]
        assert "Centre des Pins" in names and not combo.isHidden()
        assert window.current_structure_id() == before  # the manager stays where they were
        combo.setCurrentIndex(combo.findData(made.id))
        assert window.current_structure_id() == made.id
    finally:
        gateway.close()
        town.ctx.close()


def test_a_structure_renamed_then_another_made_keeps_its_new_name(qtbot, sqlite_url, clock,
                                                                   sync_runner):
    town = build_town(sqlite_url, clock)
    manager(town)
    gateway = LocalGateway(town.ctx)
    try:
        session = run(gateway.login("gestion", PASSWORD))
        window = MainWindow(gateway, sync_runner, session)
        qtbot.addWidget(window)
        window.tabs.setCurrentWidget(window.admin_panel)
        card = window.admin_panel.structure_section.structure_card
        card.name_edit.setText("Mairie de Testville-sur-Mer")
        card.submit()
        assert "Mairie de Testville-sur-Mer" in [s.name for s in gateway.session.structures]

        made = run(gateway.add_structure(window.current_structure_id(), "Centre des Pins", "C"))
        window.admin_panel.structure_created.emit(made.id, made.name)
        combo = window.structure_combo
        names = [combo.itemText(i) for i in range(combo.count())]
        assert "Mairie de Testville-sur-Mer" in names and "Mairie de Testville" not in names
    finally:
        gateway.close()
        town.ctx.close()
