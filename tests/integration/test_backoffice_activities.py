"""Activities in the back office, on a real SQLite file: the full definition read and saved
through the set-up's own checks, what an edit may not break, and the rule tester."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from famdesk.errors import ValidationError
from famdesk.models import AuditEntry, Reservation
from famdesk.models.enums import TariffMode
from famdesk.models.values import DeadlineRule, RuleKind
from famdesk.services.backoffice import (
    RuleParts,
    activity_definition,
    activity_rows,
    add_activity,
    deadlines_on,
    update_activity,
)
from famdesk.services.booking import confirm
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.enrollments import create_enrollment
from famdesk.services.setup import create_activity
from famdesk.services.uow import UnitOfWork
from tests.integration.backoffice import activity_form, manager
from tests.integration.town import J2_NOON, build_town

PARIS = ZoneInfo("Europe/Paris")
WED = date(2026, 9, 30)


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    yield town
    town.ctx.close()


@pytest.fixture
def admin(town):
    return manager(town)


def definition(town, admin, activity_id):
    with town.uow() as uow:
        return activity_definition(uow, admin, activity_id)


def updated(town, admin, activity_id, form):
    with town.uow(write=True) as uow:
        return update_activity(uow, town.clock, admin, activity_id, form, terminal="BUREAU-1")


def test_the_full_definition_is_read_for_the_editor(town, admin):
    aps = definition(town, admin, town.aps)
    form = aps.form
    assert (form.label, form.colour, form.display_order, form.tariff_mode, form.slot_minutes) == (
        "APS MATIN", "#2E86AB", 1, TariffMode.SLOT, 30)
    assert form.brackets == ((0, None, Decimal("0.80")),)
    assert form.booking_rule == RuleParts(RuleKind.DAYS_BEFORE, 2, "working", 0, 1, time(12, 0))
    assert form.cancellation_rule == form.booking_rule
    assert form.time_options[0] == ((time(7, 0), time(7, 30), time(8, 0)), (time(8, 20),))
    assert sorted(form.time_options) == [0, 1, 3, 4]
    assert aps.wallet_label == "Périscolaire"
    assert aps.booking_rule_text == (
        "2 jours ouvrés avant (week-ends et jours fériés non comptés), à 12:00")
    assert (aps.first_open_day, aps.last_open_day) == (date(2026, 9, 1), date(2027, 7, 2))
    with town.uow() as uow:
        rows = activity_rows(uow, admin, town.structure_id)
    assert [(r.label, r.wallet_label, r.time_entry) for r in rows] == [
        ("APS MATIN", "Périscolaire", True), ("ALSH MERCREDI", "Périscolaire", False)]
    assert rows[1].open_days == definition(town, admin, town.alsh).open_days


def test_an_edit_saves_every_part_of_the_definition(town, admin):
    form = definition(town, admin, town.alsh).form
    changed = replace(
        form, label="ALSH DU MERCREDI", colour="#aa3366", display_order=7,
        brackets=((0, 450, Decimal("5.00")), (451, 900, Decimal("8.00")), (901, None, Decimal("11.50"))),
        booking_rule=RuleParts("days_before", 3, "calendar", cutoff=time(18, 0)),
        cancellation_rule=RuleParts("weekday_before", weekday=1, weeks=2, cutoff=time(9, 30)),
        booking_horizon_days=60, booking_opens_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
        annual_allowed=True, lead_days=5, meals=False,
    )

    saved = updated(town, admin, town.alsh, changed)

    assert saved.form == replace(changed, colour="#AA3366",
                                 booking_rule=RuleParts("days_before", 3, "calendar", 0, 1, time(18, 0)),
                                 cancellation_rule=RuleParts("weekday_before", 0, "calendar", 1, 2,
                                                             time(9, 30)))
    assert saved.cancellation_rule_text == "mardi, 2 semaines avant, à 09:30"
    assert definition(town, admin, town.alsh) == saved
    with town.uow() as uow:
        [entry] = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "activity_changed"))
    assert entry.terminal == "BUREAU-1"
    for name in ("label", "brackets", "booking_rule", "cancellation_rule", "lead_days"):
        assert f'"{name}"' in entry.detail


def test_the_editor_and_the_set_up_refuse_the_same_way(town, admin):
    """The checks are shared: same field, same French message, for a new and a changed activity."""
    alsh = definition(town, admin, town.alsh).form
    cases = [
        ({"label": "APS MATIN"}, "label", "Ce libellé est déjà utilisé dans cette structure."),
        ({"colour": "rouge"}, "colour", "Une couleur s'écrit #RRVVBB."),
        ({"brackets": ((0, 400, Decimal("1")), (500, None, Decimal("2")))}, "brackets", None),
        ({"tariff_mode": "slot", "slot_minutes": 30}, "time_options", None),
        ({"period_end": date(2026, 8, 1)}, "period_end", None),
    ]
    for changes, field, message in cases:
        with town.uow(write=True) as uow, pytest.raises(ValidationError) as editor:
            update_activity(uow, town.clock, admin, town.alsh, replace(alsh, **changes))
        fields = {**vars(alsh), **changes, "booking_rule": J2_NOON, "cancellation_rule": None}
        fields["label"] = changes.get("label", "ALSH BIS")
        with town.uow(write=True) as uow, pytest.raises(ValidationError) as setup:
            create_activity(uow, admin, structure_id=town.structure_id, **fields)
        assert editor.value.field == setup.value.field == field
        assert editor.value.message == setup.value.message
        if message:
            assert editor.value.message == message
    assert definition(town, admin, town.alsh).form == alsh


def test_its_own_label_is_not_taken_and_a_new_activity_is_added(town, admin):
    alsh = definition(town, admin, town.alsh).form
    assert updated(town, admin, town.alsh, alsh).form == alsh
    with town.uow(write=True) as uow:
        club = add_activity(uow, town.clock, admin, town.structure_id, activity_form(town))
    assert (club.form.label, club.open_days, club.booking_rule_text) == (
        "CLUB DU VENDREDI", 0,
        "2 jours ouvrés avant (week-ends et jours fériés non comptés), à 12:00")


@pytest.mark.parametrize(("rule", "field", "message"), [
    (RuleParts("days_before", 400, "working", cutoff=time(12)), "booking_rule.days",
     "Le nombre de jours est compris entre 0 et 366."),
    (RuleParts("days_before", 2, "ouvrés", cutoff=time(12)), "booking_rule.counting",
     "Comptez les jours calendaires ou les jours ouvrés."),
    (RuleParts("weekday_before", weekday=7, cutoff=time(12)), "booking_rule.weekday",
     "Choisissez un jour de la semaine."),
    (RuleParts("weekday_before", weekday=3, weeks=0, cutoff=time(12)), "booking_rule.weeks",
     "Le nombre de semaines est compris entre 1 et 52."),
    (RuleParts("days_before", 2, cutoff=None), "booking_rule.cutoff",
     "Indiquez l'heure du délai."),
    (RuleParts("sometimes"), "booking_rule.kind", "Choisissez quand tombe le délai."),
])
def test_a_rule_that_cannot_be_built_is_refused_by_the_editor_and_the_tester(town, admin, rule,
                                                                          field, message):
    alsh = definition(town, admin, town.alsh).form
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as editor:
        update_activity(uow, town.clock, admin, town.alsh, replace(alsh, booking_rule=rule))
    with town.uow() as uow, pytest.raises(ValidationError) as tester:
        deadlines_on(uow, admin, town.structure_id, WED, rule)
    assert (editor.value.field, editor.value.message) == (field, message)
    assert (tester.value.field, tester.value.message) == (field, message)


# -- what an edit may not break ---------------------------------------------------------


def book(town, child, activity, day, times=(None, None)):
    with town.uow(write=True) as uow:
        line = DraftLine(LineKind.BOOK, child, activity, day, *times)
        return confirm(uow, town.clock, town.martin, Draft((line,)), uuid.uuid4().hex)


def refusal(town, admin, activity_id, form):
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as refused:
        update_activity(uow, town.clock, admin, activity_id, form)
    return refused.value.field, refused.value.message


def test_open_days_outside_a_shorter_period_must_be_closed_first(town, admin):
    alsh = definition(town, admin, town.alsh).form
    assert refusal(town, admin, town.alsh, replace(alsh, period_end=date(2027, 6, 1))) == (
        "period_start",
        "5 jours ouverts tombent hors de la nouvelle période (le premier le 02/06/2027) : "
        "fermez-les d'abord.")


def test_times_cannot_be_switched_off_while_reservations_are_to_come(town, admin):
    book(town, town.lea, town.aps, date(2026, 9, 17), (time(7, 30), time(8, 20)))
    aps = definition(town, admin, town.aps).form
    assert refusal(town, admin, town.aps, replace(aps, tariff_mode="unit", slot_minutes=None,
                                                  time_options={})) == (
        "time_options",
        "1 réservation est à venir : les heures d'arrivée et de départ ne peuvent pas être "
        "activées ou désactivées maintenant.")
    # times changed (not switched off): the booked price stays its snapshot
    slower = replace(aps, slot_minutes=60, brackets=((0, None, Decimal("2.00")),))
    assert updated(town, admin, town.aps, slower).form.slot_minutes == 60
    with town.uow() as uow:
        assert uow.session.scalar(select(Reservation.price_cents)) == 160


def test_open_weekdays_keep_their_times(town, admin):
    aps = definition(town, admin, town.aps).form
    no_thursday = {d: t for d, t in aps.time_options.items() if d != 3}
    assert refusal(town, admin, town.aps, replace(aps, time_options=no_thursday)) == (
        "time_options",
        "Des jours sont ouverts le jeudi : indiquez les heures d'arrivée et de départ de ce jour.")


def test_annual_enrollments_cannot_be_forbidden_while_some_run(town, admin):
    alsh = definition(town, admin, town.alsh).form
    updated(town, admin, town.alsh, replace(alsh, annual_allowed=True, lead_days=2))
    with town.uow(write=True) as uow:
        create_enrollment(uow, town.clock, town.dubois, town.zoe, town.alsh, date(2026, 10, 7),
                          None, [2], False, None, None)
    assert refusal(town, admin, town.alsh, replace(alsh, annual_allowed=False)) == (
        "annual_allowed",
        "1 inscription à l'année est en cours : arrêtez-la avant de les interdire.")


# -- the rule tester --------------------------------------------------------------------


def deadlines_for(town, admin, day, booking, cancellation=None):
    with town.uow() as uow:
        return deadlines_on(uow, admin, town.structure_id, day, booking, cancellation)


def test_the_tester_gives_the_deadlines_of_a_wednesday_club(town, admin):
    result = deadlines_for(town, admin, WED, RuleParts("weekday_before", weekday=3, cutoff=time(12)),
                    RuleParts("days_before", 1, "calendar", cutoff=time(18, 0)))
    assert result.day_text == "mercredi 30 septembre 2026"
    assert result.booking_rule == "jeudi de la semaine précédente, à 12:00"
    assert result.booking_deadline == datetime(2026, 9, 24, 12, 0, tzinfo=PARIS)
    assert result.booking_deadline_text == "jeudi 24 septembre 2026 à 12:00"
    assert result.cancellation_deadline_text == "mardi 29 septembre 2026 à 18:00"
    assert result.notes == ("Les familles peuvent encore annuler après la clôture des réservations.",)


def test_working_days_skip_weekends_and_public_holidays(town, admin):
    # Thursday 12 November 2026: Wednesday 11 is Armistice, so J-2 lands on Monday 9
    result = deadlines_for(town, admin, date(2026, 11, 12), J2_NOON)
    assert result.booking_deadline_text == "lundi 9 novembre 2026 à 12:00"
    assert result.cancellation_deadline == result.booking_deadline  # the booking rule's
    holiday = deadlines_for(town, admin, date(2026, 11, 11), DeadlineRule.days_before(1, "calendar", time(8)))
    assert holiday.notes == (
        "Ce jour est férié (Armistice) : les ouvertures générées le laissent fermé.",)


def test_a_deadline_across_the_change_of_time_keeps_its_wall_clock(town, admin):
    result = deadlines_for(town, admin, date(2026, 11, 4), DeadlineRule.weekday_before(3, 1, time(12)))
    assert result.booking_deadline_text == "jeudi 29 octobre 2026 à 12:00"
    assert result.booking_deadline.utcoffset().total_seconds() == 3600


def test_a_deadline_outside_the_calendar_is_a_clear_error(town, admin):
    with pytest.raises(ValidationError) as refused:
        deadlines_for(town, admin, date(1, 1, 3), DeadlineRule.days_before(5, "working", time(12)))
    assert refused.value.field == "booking_rule"
    assert refused.value.message == ("Cette règle ne peut pas être calculée pour le mercredi "
                                     "3 janvier 1 : son délai tombe hors du calendrier.")


def test_the_tester_saves_nothing(town, admin):
    before = definition(town, admin, town.alsh)
    deadlines_for(town, admin, WED, RuleParts("none"))
    assert definition(town, admin, town.alsh) == before
    with UnitOfWork(town.ctx.db) as uow:
        assert uow.session.scalar(select(AuditEntry.id)) is None
