from datetime import date

from famdesk.models.enums import MovementKind as K
from famdesk.models.enums import MovementOutcome as O
from famdesk.services.reports.family_report import (
    ReportLine,
    build_report,
    report_html,
    report_text,
)

DESIGN_EXAMPLE = """M. MARTIN Hugo

Veuillez trouver ci-dessous un compte rendu des modifications apportées à vos demandes de réservation sur la structure : Mairie de Démoville.

5 mouvements sur vos demandes de réservations ont été reçus, dont :
       - 4 nouvelles demandes de réservation
       - 1 demande d'annulation

****************     RESERVATIONS MISES EN LISTE D'ATTENTE     ****************
--> Activité : ALSH MERCREDI :
         MARTIN Léa : mer. 07/10

****************     RESERVATIONS ACCEPTEES     ****************
--> Activité : RESTAURATION :
         MARTIN Léa : lun. 05/10, mar. 06/10
         MARTIN Tom : lun. 05/10

****************     RESERVATIONS ANNULEES     ****************
--> Activité : RESTAURATION :
         MARTIN Tom : jeu. 08/10

Vous pouvez consulter l'état de vos réservations sur le portail famille.
"""


def line(kind, outcome, activity, child, day, order=None):
    orders = {"APS MATIN": 1, "RESTAURATION": 3, "ALSH MERCREDI": 4}
    return ReportLine(kind, outcome, activity, orders[activity] if order is None else order, child, day)


def test_the_design_example_word_for_word():
    lines = [  # in the order the movements happened, not the report's
        line(K.BOOK, O.ACCEPTED, "RESTAURATION", "MARTIN Tom", date(2026, 10, 5)),
        line(K.BOOK, O.WAITLISTED, "ALSH MERCREDI", "MARTIN Léa", date(2026, 10, 7)),
        line(K.CANCEL, O.CANCELLED, "RESTAURATION", "MARTIN Tom", date(2026, 10, 8)),
        line(K.BOOK, O.ACCEPTED, "RESTAURATION", "MARTIN Léa", date(2026, 10, 6)),
        line(K.BOOK, O.ACCEPTED, "RESTAURATION", "MARTIN Léa", date(2026, 10, 5)),
    ]
    report = build_report("M. MARTIN Hugo", "Mairie de Démoville", lines)
    assert report_text(report) == DESIGN_EXAMPLE


def test_promotions_are_accepted_but_not_counted_and_singulars_agree():
    lines = [
        line(K.BOOK, O.REFUSED, "ALSH MERCREDI", "MARTIN Léa", date(2026, 10, 14)),
        line(K.PROMOTION, O.ACCEPTED, "ALSH MERCREDI", "MARTIN Léa", date(2026, 10, 7)),
        line(K.CHANGE_TIMES, O.ACCEPTED, "APS MATIN", "MARTIN Léa", date(2026, 10, 8)),
    ]
    text = report_text(build_report("M. MARTIN Hugo", "Mairie de Démoville", lines))
    assert "2 mouvements sur vos demandes de réservations ont été reçus, dont :" in text
    assert "       - 1 nouvelle demande de réservation\n" in text
    assert "       - 1 demande de modification d'horaires\n" in text
    assert "annulation" not in text.split("dont :")[1].split("****")[0]
    accepted = text.split("RESERVATIONS ACCEPTEES")[1].split("****************     RESERVATIONS REFUSEES")[0]
    # activities in display order: APS MATIN (1) before ALSH MERCREDI (4)
    assert accepted.index("APS MATIN") < accepted.index("ALSH MERCREDI")
    assert "mer. 07/10" in accepted
    assert text.index("ACCEPTEES") < text.index("REFUSEES")
    assert "LISTE D'ATTENTE" not in text


def test_one_movement_is_singular():
    text = report_text(build_report("Mme DUBOIS Camille", "Mairie de Démoville", [
        line(K.CANCEL, O.CANCELLED, "RESTAURATION", "DUBOIS Nathan", date(2026, 10, 8))]))
    assert "1 mouvement sur vos demandes de réservations a été reçu, dont :" in text
    assert "       - 1 demande d'annulation" in text


def test_only_promotions_leave_out_the_counts():
    text = report_text(build_report("M. MARTIN Hugo", "Mairie de Démoville", [
        line(K.PROMOTION, O.ACCEPTED, "ALSH MERCREDI", "MARTIN Léa", date(2026, 10, 7))]))
    assert "mouvement" not in text and "RESERVATIONS ACCEPTEES" in text


def test_html_alternative_escapes_and_carries_the_same_content():
    report = build_report("M. <MARTIN> & fils", "Mairie de Démoville", [
        line(K.BOOK, O.ACCEPTED, "RESTAURATION", "MARTIN Léa", date(2026, 10, 5))])
    html = report_html(report)
    assert "&lt;MARTIN&gt; &amp; fils" in html and "<MARTIN>" not in html
    assert "lun. 05/10" in html and "RESERVATIONS ACCEPTEES" in html
