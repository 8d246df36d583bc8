from datetime import date

from PySide6.QtCore import Qt

from famdesk.services.home import NewsItem
from famdesk.ui.formats import published_text
from famdesk.ui.models.news_model import NewsListModel
from famdesk.ui.models.roles import NewsRole

NEWS = (
    NewsItem("Fermeture exceptionnelle", "Le restaurant scolaire sera fermé.", date(2026, 11, 12)),
    NewsItem("Réunion d'information", "Salle du conseil.", date(2026, 11, 2)),
)


def test_model_with_rows_passes_qt_model_tester(qtmodeltester):
    qtmodeltester.check(NewsListModel(NEWS))


def test_empty_model_passes_qt_model_tester(qtmodeltester):
    qtmodeltester.check(NewsListModel())


def test_rows_are_read_through_roles():
    model = NewsListModel(NEWS)
    index = model.index(0, 0)
    assert index.data(Qt.ItemDataRole.DisplayRole) == "Fermeture exceptionnelle"
    assert index.data(NewsRole.BODY) == "Le restaurant scolaire sera fermé."
    assert index.data(NewsRole.PUBLISHED_FROM) == date(2026, 11, 12)
    assert index.data(NewsRole.PUBLISHED_TEXT) == published_text(date(2026, 11, 12))
    assert "12/11/2026" in index.data(NewsRole.PUBLISHED_TEXT)
    assert index.data(NewsRole.ITEM) is NEWS[0]


def test_set_rows_resets_the_model(qtbot, qtmodeltester):
    model = NewsListModel(NEWS)
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset]):
        model.set_rows(NEWS[1:])
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "Réunion d'information"
    model.set_rows(())
    assert model.rowCount() == 0
    qtmodeltester.check(model)
