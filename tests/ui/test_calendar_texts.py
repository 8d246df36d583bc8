"""The calendar's words: the glossary's legend wording, allowed times by weekday."""

from __future__ import annotations

from datetime import time

from famdesk.services.draft import AllowedTimes, LineKind
from famdesk.services.states import CellState, DayState
from famdesk.ui.calendar.legend import LegendWidget
from famdesk.ui.calendar.texts import allowed_times_lines, hours_text, legend_text, pending_text
from famdesk.ui.theme import CALENDAR_LIGHT

CELLS = {
    CellState.CLOSED: "Fermé, ou hors délai pour réserver",
    CellState.FULL: "Complet, liste d'attente comprise",
    CellState.AVAILABLE: "Ouvert : N place(s) disponible(s) (le nombre seulement si les places "
                         "sont limitées)",
    CellState.WAITLIST_OPEN: "Complet : inscription possible en liste d'attente",
    CellState.BOOKED: "Réservé, encore annulable",
    CellState.WAITLISTED: "En liste d'attente, encore annulable",
    CellState.BOOKED_LOCKED: "Réservé, hors délai pour annuler",
    CellState.WAITLISTED_LOCKED: "En liste d'attente, hors délai pour annuler",
}
DAYS = {
    DayState.NONE_OPEN: "Aucune activité ouverte, ou hors délai",
    DayState.ALL_FULL: "Toutes les activités sont complètes",
    DayState.OPEN: "Au moins une activité ouverte, aucune réservée",
    DayState.OPEN_WAITLIST: "Des activités ouvertes, dont au moins une en liste d'attente ; "
                            "aucune réservée",
    DayState.BOOKED: "Au moins une activité réservée ; d'autres changements possibles",
    DayState.BOOKED_WAITLIST: "Au moins une activité réservée ; changements possibles ; une liste "
                              "d'attente en jeu",
    DayState.LOCKED: "Réservé, hors délai pour annuler ; plus rien à réserver ce jour",
    DayState.LOCKED_WAITLIST: "Comme ci-dessus, dont au moins une en liste d'attente",
}


def test_the_legend_uses_the_glossary_wording():
    # (CellState.BOOKED == DayState.BOOKED: both are the string "booked")
    assert {state: legend_text(state) for state in CELLS} == CELLS
    assert {state: legend_text(state) for state in DAYS} == DAYS
    assert pending_text(LineKind.BOOK) == "Réservation demandée (pas encore validée)"
    assert pending_text(LineKind.CANCEL) == "Annulation demandée (pas encore validée)"


def test_the_legend_lists_every_state_of_the_mode(qtbot):
    legend = LegendWidget(CALENDAR_LIGHT)
    qtbot.addWidget(legend)
    assert legend.texts() == [CELLS[s] for s in CellState] + [
        "Réservation demandée (pas encore validée)", "Annulation demandée (pas encore validée)"]
    legend.set_mode(False)
    assert legend.texts()[:8] == [DAYS[s] for s in DayState]
    legend.set_mode(True, times=True)
    assert legend.texts()[-1] == "Nouveaux horaires demandés (pas encore validés)"


def test_allowed_times_are_grouped_by_weekday():
    morning = AllowedTimes((time(7, 0), time(7, 30), time(8, 0)), (time(8, 20),))
    wednesday = AllowedTimes((time(7, 30),), (time(9, 0), time(12, 0)))
    allowed = [(0, morning), (1, morning), (2, wednesday), (3, morning), (4, morning)]
    assert allowed_times_lines(allowed) == [
        "07:00 ou 07:30 ou 08:00 à 08:20 : lundi, mardi, jeudi, vendredi",
        "07:30 à 09:00 ou 12:00 : mercredi",
    ]
    assert hours_text(allowed) == "de 07:00 à 12:00"
    assert allowed_times_lines([]) == [] and hours_text([]) == ""
