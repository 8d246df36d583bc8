"""The "Suivi des réservations" tab of a family, on a real SQLite file, through the gateway."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, QPoint, Qt

from famdesk.i18n import _
from famdesk.services.transmission import transmit
from famdesk.ui.main_window import MainWindow
from famdesk.ui.models.tracking_model import CHILD_COLUMN, DATE_COLUMN, TRANSMISSION_COLUMN
from tests.ui.factories import (
    APS,
    CENTRE,
    FAMILY_LOGIN,
    FAMILY_PASSWORD,
    LEA,
    MEALS,
    THURSDAY,
    TOM,
    TOWN,
    TUESDAY,
)
from tests.ui.helpers import ManualRunner, column_texts, run


@pytest.fixture
def window(qtbot, gateway, sync_runner, booked):
    session = run(gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD))
    window = MainWindow(gateway, sync_runner, session)
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.show()
    window.structure_combo.setCurrentIndex(window.structure_combo.findText(TOWN))
    return window


def show_tracking(window):
    window.tabs.setCurrentWidget(window.tracking_panel)
    return window.tracking_panel


def test_the_tab_comes_after_home_and_loads_when_shown(window):
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert tabs == [_("Home"), _("Booking management"), _("Booking requests"), _("Annual enrollments"),
                    _("Balances and payments"), _("Histories"), _("Profile")]
    assert tabs == ["Accueil", "Gestion des réservations", "Suivi des réservations", "Inscriptions à l'année",
                    "Soldes et paiements", "Historiques", "Profil"]
    panel = window.tracking_panel
    assert panel.model.rowCount() == 0  # nothing asked while the tab is hidden

    show_tracking(window)

    assert panel.table.isVisible() and not panel.shows_empty_state()
    table = panel.table
    assert column_texts(table, CHILD_COLUMN) == [TOM, LEA, LEA, LEA]  # newest request first
    assert set(column_texts(table, TRANSMISSION_COLUMN)) == {"Non transmis"}
    assert column_texts(table, 1) == [MEALS, MEALS, MEALS, APS]
    assert column_texts(table, 3)[-1] == "07:00–08:20" and column_texts(table, 3)[0] == ""
    assert column_texts(table, 5) == ["En liste d'attente", "Acceptée", "Acceptée", "Acceptée"]
    assert set(column_texts(table, 7)) == {"Famille"}
    assert panel.count_label.text() == "4 demandes"
    assert panel.print_button.isEnabled()


def test_after_the_transmission_the_lines_say_when(window, portal_ctx):
    panel = show_tracking(window)
    assert set(column_texts(panel.table, TRANSMISSION_COLUMN)) == {"Non transmis"}
    transmit(portal_ctx.db, portal_ctx.clock, lambda s: None)

    window.reload()

    assert set(column_texts(panel.table, TRANSMISSION_COLUMN)) == {"Transmis le 28/11/2026"}


def test_a_child_filter_narrows_the_lines(window):
    panel = show_tracking(window)
    combo = panel.filters.child_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["Tous les enfants", LEA, TOM]
    activities = panel.filters.activity_combo
    assert [activities.itemText(i) for i in range(activities.count())] == [
        "Toutes les activités",
        APS,
        MEALS,
    ]

    combo.setCurrentIndex(combo.findText(TOM))

    assert column_texts(panel.table, CHILD_COLUMN) == [TOM]
    assert panel.count_label.text() == "1 demande"
    # the list of children stays whole, and the choice stays made
    assert combo.count() == 3 and combo.currentText() == TOM
    combo.setCurrentIndex(0)
    assert len(column_texts(panel.table, CHILD_COLUMN)) == 4


def test_outcome_and_activity_filters_and_the_empty_state(window):
    panel = show_tracking(window)
    outcome = panel.filters.outcome_combo
    assert [outcome.itemText(i) for i in range(outcome.count())] == [
        "Tous",
        "Acceptée",
        "En liste d'attente",
        "Refusée",
        "Annulée",
    ]
    outcome.setCurrentIndex(outcome.findText("En liste d'attente"))
    assert column_texts(panel.table, CHILD_COLUMN) == [TOM]

    outcome.setCurrentIndex(outcome.findText("Refusée"))

    assert panel.shows_empty_state() and panel.empty_label.isVisible()
    assert panel.empty_label.text() == _("No request matches these filters.")
    assert not panel.print_button.isEnabled()
    outcome.setCurrentIndex(0)
    activity = panel.filters.activity_combo
    activity.setCurrentIndex(activity.findText(APS))
    assert column_texts(panel.table, 1) == [APS]


def test_a_period_narrows_the_lines_and_a_reversed_one_is_shown_at_the_dates(qtbot, window):
    panel = show_tracking(window)
    filters = panel.filters
    assert filters.whole_period_check.isChecked() and not filters.first_edit.isEnabled()

    filters.whole_period_check.setChecked(False)
    # the period starts as the span of the lines shown
    assert filters.first_edit.date() == QDate(2026, 12, 1)
    assert filters.last_edit.date() == QDate(2026, 12, 3)
    filters.first_edit.setDate(QDate(2026, 12, 2))
    qtbot.waitUntil(lambda: column_texts(panel.table, DATE_COLUMN) == ["jeu. 03/12/2026"])

    filters.last_edit.setDate(QDate(2026, 12, 1))
    qtbot.waitUntil(lambda: filters.period_error.isVisible())
    assert filters.period_error.text() == "La fin de la période est avant son début."

    filters.whole_period_check.setChecked(True)
    assert not filters.period_error.isVisible()
    assert len(column_texts(panel.table, DATE_COLUMN)) == 4


def test_clicking_the_date_header_sorts_by_date(qtbot, window):
    panel = show_tracking(window)
    header = panel.table.horizontalHeader()
    x = header.sectionViewportPosition(DATE_COLUMN) + 10

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))

    days = column_texts(panel.table, DATE_COLUMN)
    assert days in (
        ["mar. 01/12/2026"] * 3 + ["jeu. 03/12/2026"],
        ["jeu. 03/12/2026"] + ["mar. 01/12/2026"] * 3,
    )
    order = header.sortIndicatorOrder()
    expected_first = TUESDAY if order == Qt.SortOrder.AscendingOrder else THURSDAY
    assert days[0].endswith(expected_first.strftime("%d/%m/%Y"))


def test_print_saves_the_lines_shown_as_a_pdf_and_opens_it(qtbot, window, tmp_path):
    panel = show_tracking(window)
    combo = panel.filters.child_combo
    combo.setCurrentIndex(combo.findText(LEA))
    suggested: list[str] = []
    opened: list = []
    panel.choose_path = lambda parent, name: suggested.append(name) or str(tmp_path / "suivi")
    panel.open_file = opened.append

    with qtbot.waitSignal(panel.pdf_saved) as saved:
        qtbot.mouseClick(panel.print_button, Qt.MouseButton.LeftButton)

    path = tmp_path / "suivi.pdf"
    assert saved.args == [str(path)] and opened == [path]
    assert suggested[0].endswith(".pdf") and "suivi-reservations-" in suggested[0]
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(path.read_bytes())).pages)
    assert "Suivi des réservations" in text and "M. MARTIN Hugo" in text
    assert "Enfant : MARTIN Léa" in text  # the filter in force
    assert LEA in text and TOM not in text and "Non transmis" in text
    assert "mar. 01/12/2026" in text


def test_print_cancelled_in_the_dialog_does_nothing(qtbot, gateway, booked):
    runner = ManualRunner()
    session = run(gateway.login(FAMILY_LOGIN, FAMILY_PASSWORD))
    window = MainWindow(gateway, runner, session)
    qtbot.addWidget(window)
    runner.run_all()
    window.structure_combo.setCurrentIndex(window.structure_combo.findText(TOWN))
    panel = show_tracking(window)
    runner.run_all()
    assert panel.print_button.isEnabled()
    panel.choose_path = lambda parent, name: None
    panel.open_file = lambda path: pytest.fail("nothing to open")

    qtbot.mouseClick(panel.print_button, Qt.MouseButton.LeftButton)

    assert runner.queue == [] and panel.print_button.isEnabled()
    runner.close()


def test_switching_structure_reloads_the_tab(window):
    panel = show_tracking(window)
    panel.filters.child_combo.setCurrentIndex(1)
    assert panel.model.rowCount() == 3

    window.structure_combo.setCurrentIndex(window.structure_combo.findText(CENTRE))

    # the centre: the same family, no child there yet
    assert panel.model.rowCount() == 0 and panel.shows_empty_state()
    assert panel.empty_label.text() == _(
        "No booking request yet. The requests you confirm will be listed here."
    )
    assert panel.filters.child_combo.count() == 1
    window.structure_combo.setCurrentIndex(window.structure_combo.findText(TOWN))
    assert panel.model.rowCount() == 4  # the filters started again
