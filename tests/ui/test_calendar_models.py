"""The calendar's Qt models, read through roles: qtmodeltester on each, resets and
dataChanged where the style says, and what each cell says in words."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from PySide6.QtCore import Qt

from famdesk.services.copying import NotCopied, NotCopiedReason
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.planning import Outcome
from famdesk.services.states import CellState, ClosedReason
from famdesk.ui.models.copy_model import NotCopiedTableModel
from famdesk.ui.models.day_model import DayActivitiesModel
from famdesk.ui.models.month_model import MonthCalendarModel
from famdesk.ui.models.recap_model import RecapTableModel
from famdesk.ui.models.roles import CalendarRole, DayActivityRole, RecapRole
from tests.ui.calendar_data import CHILD, MEALS, activity, month, recap_line, with_cell

TUESDAY = date(2026, 12, 8)


def test_month_model_passes_qt_model_tester(qtmodeltester):
    model = MonthCalendarModel()
    qtmodeltester.check(model)  # empty
    model.set_view(month())
    qtmodeltester.check(model)
    model.set_view(month(activity_id=None))
    qtmodeltester.check(model)


def test_other_models_pass_qt_model_tester(qtmodeltester):
    qtmodeltester.check(DayActivitiesModel([activity(CellState.BOOKED, TUESDAY)]))
    qtmodeltester.check(DayActivitiesModel())
    qtmodeltester.check(RecapTableModel([recap_line(0, Outcome.BOOKED),
                                         recap_line(1, Outcome.REFUSED, reason="complet")]))
    qtmodeltester.check(RecapTableModel(expected=False))
    qtmodeltester.check(NotCopiedTableModel([
        NotCopied(TUESDAY, None, None, NotCopiedReason.FULL, "complet")]))


def test_the_grid_is_six_weeks_from_monday():
    model = MonthCalendarModel()
    model.set_view(month())
    assert (model.rowCount(), model.columnCount()) == (6, 7)
    first = model.index(0, 0)
    assert first.data(CalendarRole.DAY) == date(2026, 11, 30)
    assert first.data(CalendarRole.IN_MONTH) is False
    assert model.index(0, 1).data() == "1"
    assert model.index(1, 1).data(CalendarRole.STATE) == CellState.AVAILABLE
    assert model.index_of(TUESDAY) == model.index(1, 1)
    assert model.week_days(1)[0] == date(2026, 12, 7)
    assert model.column_days(2)[1] == date(2026, 12, 9)


def test_another_month_resets_the_same_month_only_changes_its_days(qtbot):
    model = MonthCalendarModel()
    model.set_view(month())
    changed = []
    model.dataChanged.connect(lambda top, _bottom, roles: changed.append((top.row(), top.column())))
    with qtbot.waitSignal(model.modelReset):
        model.set_view(month(number=11))
    with qtbot.assertNotEmitted(model.modelReset):
        model.set_view(with_cell(month(number=11), date(2026, 11, 10), state=CellState.BOOKED))
    assert changed == [(2, 1)]  # 1 November 2026 is a Sunday


def test_a_draft_repaints_only_its_days(qtbot):
    model = MonthCalendarModel()
    model.set_view(month())
    changed = []
    model.dataChanged.connect(lambda top, _bottom, roles: changed.append(
        (top.row(), top.column(), CalendarRole.CELL in roles)))
    draft = Draft((DraftLine(LineKind.BOOK, CHILD, MEALS, TUESDAY),))
    with qtbot.assertNotEmitted(model.modelReset):
        model.set_draft(draft)
    assert changed == [(1, 1, True)]
    cell = model.index(1, 1).data(CalendarRole.CELL)
    assert cell.cell.pending is LineKind.BOOK
    assert cell.cell.state is CellState.AVAILABLE  # the database's state stays
    assert "réservation demandée" in model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole)
    model.set_draft(Draft())
    assert model.index(1, 1).data(CalendarRole.CELL).cell.pending is None


def test_tooltip_and_accessible_name_say_date_state_places_deadline_and_price():
    model = MonthCalendarModel()
    model.set_view(month())
    index = model.index_of(TUESDAY)
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines() == [
        "Mardi 8 décembre", "RESTAURATION", "ouvert", "5 places disponibles",
        "modifiable jusqu'au 8 décembre 12:00", "3,20\u00a0€",
    ]
    name = index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert name == ("mardi 8 décembre, RESTAURATION, ouvert, 5 places disponibles, "
                    "modifiable jusqu'au 8 décembre 12:00, 3,20\u00a0€")


def test_a_closed_day_says_why_and_a_booked_one_until_when_it_can_be_cancelled():
    view = with_cell(month(), TUESDAY, state=CellState.CLOSED,
                     closed_reason=ClosedReason.DEADLINE_PASSED,
                     closed_text="hors délai pour réserver")
    view = with_cell(view, date(2026, 12, 10), state=CellState.BOOKED, arrival=time(7, 0),
                     departure=time(8, 20))
    model = MonthCalendarModel()
    model.set_view(view)
    closed = model.index_of(TUESDAY).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "fermé (hors délai pour réserver)" in closed
    assert "hors délai depuis le 8 décembre 12:00" in closed
    booked = model.index_of(date(2026, 12, 10)).data(Qt.ItemDataRole.AccessibleTextRole)
    assert booked.startswith("jeudi 10 décembre, RESTAURATION, réservé, 07:00–08:20")
    assert "modifiable jusqu'au 10 décembre 12:00" in booked


def test_headers_carry_the_quick_selection_arrows_in_activity_mode_only():
    model = MonthCalendarModel()
    model.set_view(month())
    assert model.headerData(0, Qt.Orientation.Horizontal) == "lun.\n▼"
    assert model.headerData(1, Qt.Orientation.Vertical) == "▶"
    assert model.headerData(1, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole) == (
        "Réserver ou annuler la semaine du lundi 7 décembre")
    model.set_view(month(activity_id=None))
    assert model.headerData(0, Qt.Orientation.Horizontal) == "lun."
    assert model.headerData(1, Qt.Orientation.Vertical) == ""


def test_day_model_rows_read_through_roles():
    booked = activity(CellState.BOOKED, TUESDAY, label="APS MATIN", activity_id=1,
                      arrival=time(7, 0), departure=time(8, 20), price=Decimal("2.40"))
    model = DayActivitiesModel([booked, activity(CellState.AVAILABLE, TUESDAY)])
    assert model.index(0).data() == "APS MATIN"
    assert model.index(0).data(DayActivityRole.STATE) == CellState.BOOKED
    assert model.index(0).data(DayActivityRole.DETAILS) == (
        "réservé, 07:00–08:20, 5 places disponibles, modifiable jusqu'au 8 décembre 12:00, 2,40\u00a0€")
    assert model.index(1).data(DayActivityRole.ACTIVITY).state is CellState.AVAILABLE


def test_recap_rows_say_outcome_price_and_stand_out_when_waiting_or_refused():
    model = RecapTableModel([
        recap_line(0, Outcome.BOOKED),
        recap_line(1, Outcome.WAITLISTED),
        recap_line(2, Outcome.REFUSED, reason="plus de place disponible"),
        recap_line(3, Outcome.CANCELLED, LineKind.CANCEL),
    ])
    texts = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(4)]
    assert texts[0] == ["lun. 07/12/2026", "MARTIN Léa", "RESTAURATION", "Réservation", "",
                        "Acceptée", "3,20\u00a0€", ""]
    assert texts[1][5:7] == ["En liste d'attente", "3,20\u00a0€ si une place se libère"]
    assert texts[2][5:] == ["Refusée", "—", "plus de place disponible"]
    assert texts[3][3] == "Annulation" and texts[3][6] == "-3,20\u00a0€"
    assert [model.index(r, 0).data(RecapRole.STANDS_OUT) for r in range(4)] == [
        False, True, True, False]
    assert model.index(2, 5).data(Qt.ItemDataRole.FontRole).bold()
    assert model.headerData(5, Qt.Orientation.Horizontal) == "Résultat attendu"
    assert RecapTableModel(expected=False).headerData(5, Qt.Orientation.Horizontal) == "Résultat"
