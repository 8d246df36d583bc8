"""TrackingTableModel: one row per request, read through roles; sorted by a proxy, not by text."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSortFilterProxyModel, Qt

from famdesk.i18n import _
from famdesk.models.enums import MovementKind, MovementOutcome, ReservationSource
from famdesk.services.tracking import TrackingLine
from famdesk.ui.models.roles import TrackingRole
from famdesk.ui.models.tracking_model import (
    COLUMNS,
    DATE_COLUMN,
    TRANSMISSION_COLUMN,
    TrackingTableModel,
)

PARIS = ZoneInfo("Europe/Paris")


def line(movement_id: int, day: date, **changes) -> TrackingLine:
    values = {
        "movement_id": movement_id,
        "day": day,
        "activity_id": 1,
        "activity_label": "APS MATIN",
        "child_id": 1,
        "child_name": "MARTIN Léa",
        "arrival": time(7, 0),
        "departure": time(8, 20),
        "kind": MovementKind.BOOK,
        "outcome": MovementOutcome.ACCEPTED,
        "transmitted_at": None,
        "requested_at": datetime(2026, 9, 14, 10, 0, tzinfo=UTC).astimezone(PARIS),
        "source": ReservationSource.PORTAL,
        "made_by": "Famille",
        "remark": "",
    }
    values.update(changes)
    return TrackingLine(**values)


LINES = (
    # "mar." sorts after "lun." as text, but Tuesday 29 is before Monday 5 October
    line(1, date(2026, 9, 29)),
    line(
        2,
        date(2026, 10, 5),
        activity_label="RESTAURATION",
        child_name="MARTIN Tom",
        arrival=None,
        departure=None,
        kind=MovementKind.CANCEL,
        outcome=MovementOutcome.CANCELLED,
        transmitted_at=datetime(2026, 9, 14, 4, 0, tzinfo=UTC).astimezone(PARIS),
        made_by="Accueil (Accueil)",
        remark="Malade",
    ),
    line(3, date(2026, 9, 30), outcome=MovementOutcome.WAITLISTED),
)


def row_texts(model, row: int) -> list[str]:
    return [model.index(row, column).data() for column in range(model.columnCount())]


def test_model_with_rows_passes_qt_model_tester(qtmodeltester):
    qtmodeltester.check(TrackingTableModel(LINES))


def test_empty_model_passes_qt_model_tester(qtmodeltester):
    qtmodeltester.check(TrackingTableModel())


def test_each_column_shows_what_the_family_reads():
    model = TrackingTableModel(LINES)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))]
    assert headers == [
        _("Date"),
        _("Activity"),
        _("Child"),
        _("Times"),
        _("Request"),
        _("Outcome"),
        _("Transmission"),
        _("Made by"),
        _("Remark"),
    ]
    assert headers[6] == "Transmission" and headers[7] == "Demandé par"
    assert row_texts(model, 0) == [
        "mar. 29/09/2026",
        "APS MATIN",
        "MARTIN Léa",
        "07:00–08:20",
        "Réservation",
        "Acceptée",
        "Non transmis",
        "Famille",
        "",
    ]
    assert row_texts(model, 1) == [
        "lun. 05/10/2026",
        "RESTAURATION",
        "MARTIN Tom",
        "",
        "Annulation",
        "Annulée",
        "Transmis le 14/09/2026",
        "Accueil (Accueil)",
        "Malade",
    ]
    assert model.index(2, 5).data() == "En liste d'attente"


def test_roles_give_the_line_and_its_values():
    model = TrackingTableModel(LINES)
    index = model.index(1, 3)
    assert index.data(TrackingRole.LINE) is LINES[1]
    assert index.data(TrackingRole.DAY) == date(2026, 10, 5)
    assert index.data(TrackingRole.OUTCOME) == MovementOutcome.CANCELLED
    assert index.data(TrackingRole.TRANSMITTED) is True
    assert model.index(0, 0).data(TrackingRole.TRANSMITTED) is False
    assert "14/09/2026 06:00" in model.index(1, TRANSMISSION_COLUMN).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert "14/09/2026 12:00" in model.index(0, 7).data(Qt.ItemDataRole.ToolTipRole)


def test_the_date_column_sorts_by_date_not_by_text():
    model = TrackingTableModel(LINES)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(TrackingRole.SORT_KEY)
    proxy.sort(DATE_COLUMN, Qt.SortOrder.AscendingOrder)
    shown = [proxy.index(row, DATE_COLUMN).data() for row in range(proxy.rowCount())]
    assert shown == ["mar. 29/09/2026", "mer. 30/09/2026", "lun. 05/10/2026"]
    assert sorted(shown) != shown  # as text, Monday would come first
    proxy.sort(TRANSMISSION_COLUMN, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, TRANSMISSION_COLUMN).data() == "Transmis le 14/09/2026"


def test_set_rows_resets_the_model(qtbot, qtmodeltester):
    model = TrackingTableModel(LINES)
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset]):
        model.set_rows(LINES[1:2])
    assert model.rowCount() == 1 and model.index(0, 2).data() == "MARTIN Tom"
    model.set_rows(())
    assert model.rowCount() == 0
    qtmodeltester.check(model)
