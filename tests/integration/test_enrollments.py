"""Annual enrollments on a real SQLite file: the form's rules, the lead time at its cutoff, and
the transmission's step that turns them into reservations (and back)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from famdesk.errors import FamdeskError, NotAuthorizedError, ValidationError
from famdesk.models import (
    Activity,
    ActivityDay,
    AuditEntry,
    Movement,
    OutboxMessage,
    Reservation,
)
from famdesk.models.enums import MovementKind, MovementOutcome, ReservationSource, ReservationStatus
from famdesk.models.values import DeadlineRule
from famdesk.services import enrollments as service
from famdesk.services.auth import SYSTEM
from famdesk.services.booking import confirm
from famdesk.services.calendars import school_year_of
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.enrollments import pattern_days
from famdesk.services.nightly.enrollments import STEP, apply_enrollments
from famdesk.services.setup import activities, people, structures
from famdesk.services.transmission import default_steps, transmit
from tests.integration.town import YEAR_END, YEAR_START, build_town, school_days

J2_TEN = DeadlineRule.days_before(2, "working", time(10, 0))
MON, TUE, WED, THU, FRI = range(5)
NOW = datetime(2026, 9, 14, 8, 0, tzinfo=UTC)
"""Monday 14 September 2026, 10:00 in Paris: the cutoff of J-2 10:00 for Wednesday 16."""
NIGHT = datetime(2026, 9, 14, 21, 0, tzinfo=UTC)
SCHOOL_YEAR_END = date(2027, 7, 2)


@pytest.fixture
def town(sqlite_url, clock):
    town = _town(sqlite_url, clock)
    yield town
    town.ctx.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_town(request, clock):
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    town = _town(url, clock)
    yield town
    town.ctx.close()


def _town(url, clock):
    town = build_town(url, clock)
    with town.uow(write=True) as uow:
        wallet = structures.create_wallet(uow, SYSTEM, town.structure_id, "Restauration")
        common = {
            "structure_id": town.structure_id, "wallet_id": wallet, "period_start": YEAR_START,
            "period_end": YEAR_END, "booking_rule": J2_TEN, "annual_allowed": True,
            "lead_days": 2, "brackets": [(0, None, Decimal("3.20"))],
        }
        # open on every weekday, holidays included: the enrollment must skip them itself
        town.meals = activities.create_activity(  # type: ignore[attr-defined]
            uow, SYSTEM, label="RESTAURATION", colour="#E76F51", display_order=3,
            tariff_mode="unit", slot_minutes=None, **common)
        town.evening = activities.create_activity(  # type: ignore[attr-defined]
            uow, SYSTEM, label="APS SOIR", colour="#2A9D8F", display_order=4,
            tariff_mode="slot", slot_minutes=30,
            time_options={d: ([time(16, 30)], [time(17, 30), time(18, 0)]) for d in (MON, TUE, THU, FRI)},
            **common)
        activities.open_days(uow, SYSTEM, town.meals,
                             school_days(YEAR_START, YEAR_END, {MON, TUE, WED, THU, FRI}), 2, 1)
        activities.open_days(uow, SYSTEM, town.evening,
                             school_days(YEAR_START, YEAR_END, {MON, TUE, THU, FRI}), None, 0)
        for child in (town.lea, town.tom, town.zoe):
            for activity in (town.meals, town.evening):
                people.register_child(uow, SYSTEM, child, activity, YEAR_START, YEAR_END)
        uow.commit()
    return town


def enroll(town, session=None, child=None, activity=None, starts_on=date(2026, 9, 17),
           ends_on=None, weekdays=(MON, TUE, THU, FRI), every_other_week=False, arrival=None,
           departure=None):
    with town.uow(write=True) as uow:
        return service.create_enrollment(
            uow, town.clock, session or town.martin, child or town.lea, activity or town.meals,
            starts_on, ends_on, weekdays, every_other_week, arrival, departure)


def apply(town, at=NIGHT):
    return apply_enrollments(town.ctx.db, town.clock, run_at=at)


def reservations(town, child=None, activity=None, *, active=True):
    """{day: (status, source, enrollment id)} of the child's reservations on the activity."""
    with town.uow() as uow:
        query = select(Reservation.day, Reservation.status, Reservation.source,
                       Reservation.enrollment_id).where(
            Reservation.child_id == (child or town.lea),
            Reservation.activity_id == (activity or town.meals))
        if active:
            query = query.where(Reservation.status.in_(("booked", "waitlisted")))
        return {day: (status, source, enrollment) for day, status, source, enrollment in uow.session.execute(query)}


def counts(town):
    with town.uow() as uow:
        return (uow.session.scalar(select(func.count()).select_from(Reservation)),
                uow.session.scalar(select(func.count()).select_from(Movement)))


def by_hand(town, *lines, session=None):
    with town.uow(write=True) as uow:
        return confirm(uow, town.clock, session or town.martin, Draft(tuple(lines)), uuid.uuid4().hex)


def refusal(town, **changes):
    with pytest.raises(ValidationError) as caught:
        enroll(town, **changes)
    return caught.value


# -- the pattern ------------------------------------------------------------------------------


def test_one_week_in_two_counts_the_weeks_from_the_start_not_iso_parity():
    wednesday = date(2026, 11, 4)  # ISO week 45
    days = pattern_days(wednesday, date(2026, 11, 30), {MON, WED}, every_other_week=True)
    assert days == [date(2026, 11, 4), date(2026, 11, 16), date(2026, 11, 18), date(2026, 11, 30)]
    monday = wednesday - timedelta(days=wednesday.weekday())
    assert {(d - monday).days // 7 for d in days} == {0, 2, 4}  # weeks N, N+2, N+4
    # across 2026's 53rd ISO week, parity would say week 1 of 2027; the count says week 2
    days = pattern_days(date(2026, 12, 16), date(2027, 1, 31), {MON, WED}, every_other_week=True)
    assert days == [date(2026, 12, 16), date(2026, 12, 28), date(2026, 12, 30), date(2027, 1, 11),
                    date(2027, 1, 13), date(2027, 1, 25), date(2027, 1, 27)]
    assert pattern_days(date(2026, 11, 4), date(2026, 11, 12), {MON, WED}, False) == [
        date(2026, 11, 4), date(2026, 11, 9), date(2026, 11, 11)]


def test_one_week_in_two_books_weeks_n_n2_n4_from_a_wednesday_and_skips_the_holidays(town):
    town.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    line = enroll(town, starts_on=date(2026, 12, 16), ends_on=date(2027, 1, 31),
                  weekdays=(MON, WED), every_other_week=True)
    apply(town, datetime(2026, 12, 1, 21, 0, tzinfo=UTC))
    booked = sorted(reservations(town))
    # week N (16/12), N+2 is the Christmas holidays (28/12, 30/12 skipped), N+4, N+6
    assert booked == [date(2026, 12, 16), date(2027, 1, 11), date(2027, 1, 13), date(2027, 1, 25),
                      date(2027, 1, 27)]
    assert date(2027, 1, 4) not in booked and date(2027, 1, 6) not in booked  # ISO week 1
    assert {source for _s, source, _e in reservations(town).values()} == {ReservationSource.ANNUAL}
    assert {e for _s, _source, e in reservations(town).values()} == {line.id}


def test_public_and_school_holidays_are_skipped(town):
    enroll(town, starts_on=date(2026, 10, 12), ends_on=date(2026, 11, 13),
           weekdays=(MON, TUE, WED, THU, FRI))
    apply(town)
    booked = set(reservations(town))
    toussaint = {date(2026, 10, 17) + timedelta(days=i) for i in range(16)}
    assert not booked & toussaint
    assert date(2026, 11, 11) not in booked  # Armistice, a Wednesday the activity opened
    assert {date(2026, 10, 16), date(2026, 11, 2), date(2026, 11, 10), date(2026, 11, 12)} <= booked
    assert len(booked) == 5 + 9  # 12-16 October, then 2-13 November without the 11th


# -- the lead time ----------------------------------------------------------------------------


def test_the_earliest_start_moves_at_the_cutoff_of_the_booking_rule(town):
    town.clock.set(NOW - timedelta(seconds=1))  # 09:59:59: Wednesday's J-2 10:00 not passed
    with town.uow() as uow:
        form = service.enrollment_form(uow, town.clock, town.martin, town.lea)
    meals = next(a for a in form.activities if a.id == town.meals)
    assert meals.earliest_start == date(2026, 9, 16)
    assert meals.default_end == SCHOOL_YEAR_END
    assert meals.weekdays == (MON, TUE, WED, THU, FRI)
    assert [a.label for a in form.activities] == ["RESTAURATION", "APS SOIR"]  # not APS MATIN
    enroll(town, starts_on=date(2026, 9, 16))

    town.clock.set(NOW)  # 10:00: Wednesday is inside the lead time now
    error = refusal(town, child=town.tom, starts_on=date(2026, 9, 16))
    assert error.field == "starts_on"
    assert error.message == ("Le début est au plus tôt le jeudi 17 septembre 2026 : les jours plus "
                             "proches se réservent dans le calendrier.")
    assert enroll(town, child=town.tom, starts_on=date(2026, 9, 17)).starts_on == date(2026, 9, 17)


def test_working_days_count_the_lead_time_over_a_weekend(town):
    town.clock.set(datetime(2026, 9, 17, 8, 0, tzinfo=UTC))  # Thursday 10:00
    with town.uow() as uow:
        form = service.enrollment_form(uow, town.clock, town.martin, town.lea)
    # Monday's J-2 working days is Thursday 10:00, passed: Tuesday 22 is the first
    assert form.activities[0].earliest_start == date(2026, 9, 22)


def test_the_standing_order_passes_the_booking_deadline_but_no_other_rule(town):
    town.clock.set(NOW - timedelta(minutes=1))
    enroll(town, starts_on=date(2026, 9, 16), ends_on=date(2026, 9, 18),
           weekdays=(MON, TUE, WED, THU, FRI))
    with town.uow(write=True) as uow:  # Friday is not open for the meals any more
        uow.session.execute(update(Activity).where(Activity.id == town.meals)
                            .values(booking_horizon_days=3))
        uow.commit()
    # at night, Wednesday's booking deadline (Monday 10:00) has passed: booked all the same
    apply(town)
    assert sorted(reservations(town)) == [date(2026, 9, 16), date(2026, 9, 17)]  # 18th beyond the window
    town.clock.set(datetime(2026, 9, 15, 21, 0, tzinfo=UTC))
    apply(town, town.clock.now())  # the window moved on: Friday comes the next night
    assert sorted(reservations(town)) == [date(2026, 9, 16), date(2026, 9, 17), date(2026, 9, 18)]


# -- bad input --------------------------------------------------------------------------------


def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(town):
    cases = [
        ({"ends_on": date(2026, 9, 16)}, "ends_on", "La fin est avant le début."),
        ({"ends_on": date(2027, 7, 20)}, "ends_on", "Une inscription à l'année s'arrête avec "
         "l'année scolaire, au plus tard le vendredi 2 juillet 2027."),
        ({"weekdays": ()}, "weekdays", "Cochez au moins un jour de la semaine."),
        ({"weekdays": (MON, 5)}, "weekdays", "RESTAURATION n'est pas ouvert le samedi."),
        ({"activity": town.aps}, "activity_id",  # registered, but no annual enrollment there
         "Cette activité ne prend pas d'inscription à l'année pour cet enfant."),
        ({"starts_on": date(2026, 9, 15)}, "starts_on", None),
    ]
    for changes, field, message in cases:
        error = refusal(town, **changes)
        assert error.field == field, changes
        if message:
            assert error.message == message
    evening = {"activity": town.evening}
    assert refusal(town, **evening).field == "arrival"
    assert refusal(town, **evening, arrival=time(16, 30)).field == "departure"
    error = refusal(town, **evening, arrival=time(7, 0), departure=time(18, 0))
    assert (error.field, error.message) == ("arrival", "Cette heure d'arrivée n'est pas permise le lundi.")
    assert refusal(town, **evening, weekdays=(WED,), arrival=time(16, 30),
                   departure=time(18, 0)).field == "weekdays"  # no evening care on Wednesdays
    assert refusal(town, starts_on=date(2026, 9, 18), ends_on=date(2026, 9, 20),
                   weekdays=(MON,)).field == "weekdays"  # no Monday in that period
    with town.uow() as uow:
        assert service.enrollments(uow, town.clock, town.martin, town.lea) == ()
    line = enroll(town, **evening, arrival=time(16, 30), departure=time(18, 0))
    assert (line.times_text, line.days_text) == ("16:30–18:00", "lun., mar., jeu., ven.")


def test_two_enrollments_of_a_child_on_an_activity_may_not_overlap(town):
    enroll(town, starts_on=date(2026, 9, 17), ends_on=date(2026, 12, 18))
    error = refusal(town, starts_on=date(2026, 12, 14), weekdays=(WED,))
    assert error.field == "starts_on"
    assert error.message == ("Cette période chevauche l'inscription à RESTAURATION du 17/09/2026 "
                             "au 18/12/2026 : modifiez ou arrêtez-la d'abord.")
    enroll(town, starts_on=date(2027, 1, 4), weekdays=(WED,))  # after it: fine
    enroll(town, child=town.tom, starts_on=date(2026, 12, 14))  # another child: fine
    enroll(town, activity=town.evening, arrival=time(16, 30), departure=time(17, 30))
    with town.uow(write=True) as uow:  # lengthening the first one would meet the second
        first = service.enrollments(uow, town.clock, town.martin, town.lea)[-1]
        with pytest.raises(ValidationError) as caught:
            service.change_enrollment_end(uow, town.clock, town.martin, first.id, None)
    assert "du 04/01/2027 au 02/07/2027" in caught.value.message


def test_a_family_acts_for_its_own_children_and_the_desk_for_its_structure(town):
    with pytest.raises(NotAuthorizedError):
        enroll(town, session=town.dubois)
    with town.uow() as uow, pytest.raises(NotAuthorizedError):
        service.enrollments(uow, town.clock, town.dubois, town.lea)
    line = enroll(town, session=town.staff)
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        service.stop_enrollment(uow, town.clock, town.dubois, line.id)


def test_every_change_is_audited_with_its_actor_family_and_terminal(town):
    with town.uow(write=True) as uow:
        line = service.create_enrollment(
            uow, town.clock, town.staff, town.lea, town.meals, date(2026, 9, 17), None,
            (MON, TUE, THU, FRI), False, None, None, terminal="ACCUEIL-1")
    with town.uow(write=True) as uow:
        service.change_enrollment_end(uow, town.clock, town.staff, line.id, date(2027, 3, 31),
                                      terminal="ACCUEIL-1")
    with town.uow(write=True) as uow, pytest.raises(ValidationError):  # refused: no entry
        service.stop_enrollment(uow, town.clock, town.martin, line.id, date(2026, 9, 15))
    with town.uow(write=True) as uow:
        service.stop_enrollment(uow, town.clock, town.martin, line.id, date(2026, 10, 1),
                                terminal="Borne 1")
    with town.uow() as uow:
        entries = uow.session.execute(
            select(AuditEntry.action, AuditEntry.actor_account_id, AuditEntry.on_behalf_family_id,
                   AuditEntry.terminal, AuditEntry.detail)
            .where(AuditEntry.action.like("enrollment_%")).order_by(AuditEntry.id)).all()
    assert [entry[:4] for entry in entries] == [
        ("enrollment_created", town.staff.account_id, town.martin_family, "ACCUEIL-1"),
        ("enrollment_end_changed", town.staff.account_id, town.martin_family, "ACCUEIL-1"),
        ("enrollment_stopped", town.martin.account_id, None, "Borne 1"),
    ]
    details = [json.loads(entry[4]) if isinstance(entry[4], str) else entry[4]
               for entry in entries]
    assert details[0]["starts_on"] == "2026-09-17" and details[0]["enrollment_id"] == line.id
    assert (details[1]["old_last_day"], details[1]["last_day"]) == (school_year_of(date(2026, 9, 17))[1].isoformat(), "2027-03-31")
    assert details[2]["stops_on"] == "2026-10-01"


# -- applying ---------------------------------------------------------------------------------


def test_applying_books_the_whole_period_and_twice_creates_nothing_twice(town):
    line = enroll(town)
    assert line.state_text == "Non transmis"
    summary = apply(town)
    booked = reservations(town)
    expected = [d for d in school_days(date(2026, 9, 17), SCHOOL_YEAR_END, {MON, TUE, THU, FRI})
                if d not in _holidays()]
    assert sorted(booked) == expected
    assert summary.booked == len(expected) and summary.movements == len(expected)
    before = counts(town)

    again = apply(town)
    apply(town, NIGHT + timedelta(hours=1))

    assert again.movements == 0 and counts(town) == before
    with town.uow() as uow:
        (shown,) = service.enrollments(uow, town.clock, town.martin, town.lea)
    assert shown.state_text == "Transmis le 14/09/2026"
    assert shown.period_text == "du 17/09/2026 au 02/07/2027"


def _holidays():
    from famdesk.services.calendars import is_public_holiday, is_school_holiday

    day, found = date(2026, 9, 1), set()
    while day <= YEAR_END:
        if is_public_holiday(day) or is_school_holiday(day, "B"):
            found.add(day)
        day += timedelta(days=1)
    return found


def test_capacity_and_waiting_list_decide_and_a_refusal_is_not_asked_again(town):
    with town.uow(write=True) as uow:  # one place, one on the waiting list, on the 17th
        uow.session.execute(update(ActivityDay).where(
            ActivityDay.activity_id == town.meals, ActivityDay.day == date(2026, 9, 17))
            .values(capacity=1, waitlist_size=1))
        uow.commit()
    for child, session in ((town.lea, town.martin), (town.tom, town.martin), (town.zoe, town.dubois)):
        enroll(town, session=session, child=child, ends_on=date(2026, 9, 18), weekdays=(THU, FRI))
    summary = apply(town)
    thursday = date(2026, 9, 17)
    assert reservations(town, town.lea)[thursday][0] == ReservationStatus.BOOKED
    assert reservations(town, town.tom)[thursday][0] == ReservationStatus.WAITLISTED
    assert thursday not in reservations(town, town.zoe)
    # Friday: two places for Léa and Tom, Zoé waits
    assert (summary.booked, summary.waitlisted, summary.refused) == (3, 2, 1)
    with town.uow() as uow:
        refused = uow.session.execute(select(Movement.remark, Movement.source).where(
            Movement.child_id == town.zoe, Movement.outcome == MovementOutcome.REFUSED)).all()
    assert refused == [("plus de place disponible", ReservationSource.ANNUAL)]
    before = counts(town)
    assert apply(town).movements == 0 and counts(town) == before


def test_a_day_changed_by_hand_stays_as_the_family_left_it(town):
    line = enroll(town, ends_on=date(2026, 10, 16))
    first_tuesday, first_friday = date(2026, 9, 22), date(2026, 9, 25)
    # before the transmission, the family booked Friday 25th by hand and then cancelled it
    by_hand(town, DraftLine(LineKind.BOOK, town.lea, town.meals, first_friday))
    by_hand(town, DraftLine(LineKind.CANCEL, town.lea, town.meals, first_friday))
    apply(town)
    booked = reservations(town)
    assert first_friday not in booked and first_tuesday in booked
    assert booked[first_tuesday][2] == line.id
    # after it, a generated day cancelled by hand
    by_hand(town, DraftLine(LineKind.CANCEL, town.lea, town.meals, first_tuesday))
    town.clock.set(NIGHT + timedelta(days=1))

    assert apply(town, town.clock.now()).movements == 0

    assert first_tuesday not in reservations(town) and first_friday not in reservations(town)
    assert reservations(town, active=False)[first_tuesday][1] == ReservationSource.ANNUAL


def test_stopping_cancels_only_after_the_lead_time(town):
    line = enroll(town, weekdays=(MON, TUE, WED, THU, FRI))
    apply(town)
    town.clock.set(datetime(2026, 9, 21, 8, 0, tzinfo=UTC))  # Monday 21, 10:00
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as caught:
        service.stop_enrollment(uow, town.clock, town.martin, line.id, date(2026, 9, 23))
    assert caught.value.field == "stops_on"
    assert "mercredi" not in caught.value.message and "jeudi 24 septembre 2026" in caught.value.message
    with town.uow(write=True) as uow:
        stopped = service.stop_enrollment(uow, town.clock, town.martin, line.id)
    assert stopped.stopped and stopped.last_day == date(2026, 9, 23)
    assert stopped.state_text == "Arrêtée — Non transmis"
    assert len(reservations(town)) > 100  # nothing cancelled before the transmission

    summary = apply(town, datetime(2026, 9, 21, 21, 0, tzinfo=UTC))

    assert sorted(reservations(town)) == [date(2026, 9, d) for d in (17, 18, 21, 22, 23)]
    assert summary.cancelled > 100 and summary.booked == 0
    with town.uow() as uow:
        remarks = set(uow.session.scalars(select(Movement.remark).where(
            Movement.kind == MovementKind.CANCEL, Movement.source == ReservationSource.ANNUAL)))
        (shown,) = service.enrollments(uow, town.clock, town.martin, town.lea)
    assert remarks == {"inscription à l'année raccourcie ou arrêtée"}
    assert shown.state_text == "Arrêtée — Transmis le 21/09/2026"
    assert not shown.changeable
    with town.uow(write=True) as uow, pytest.raises(FamdeskError):
        service.change_enrollment_end(uow, town.clock, town.martin, line.id, None)
    assert apply(town, datetime(2026, 9, 21, 22, 0, tzinfo=UTC)).movements == 0


def test_shortening_keeps_a_day_the_family_changed_and_lengthening_books_the_days_again(town):
    line = enroll(town, activity=town.evening, ends_on=date(2026, 10, 16), arrival=time(16, 30),
                  departure=time(17, 30))
    apply(town)
    kept = date(2026, 10, 15)
    by_hand(town, DraftLine(LineKind.CHANGE_TIMES, town.lea, town.evening, kept, time(16, 30),
                            time(18, 0)))
    town.clock.set(datetime(2026, 9, 21, 8, 0, tzinfo=UTC))  # Monday 21: Thursday 24 at best
    with town.uow(write=True) as uow:
        with pytest.raises(ValidationError) as caught:  # would take effect on Wednesday 23
            service.change_enrollment_end(uow, town.clock, town.martin, line.id, date(2026, 9, 22))
        assert caught.value.field == "ends_on"
        assert "jeudi 24 septembre 2026" in caught.value.message
        changed = service.change_enrollment_end(uow, town.clock, town.martin, line.id, date(2026, 10, 2))
    assert changed.state_text == "Non transmis" and changed.last_day == date(2026, 10, 2)
    night = datetime(2026, 9, 21, 21, 0, tzinfo=UTC)
    apply(town, night)
    booked = reservations(town, activity=town.evening)
    assert max(d for d in booked if d != kept) == date(2026, 10, 2)
    assert kept in booked  # changed by hand: the family's now
    assert booked[kept][0] == ReservationStatus.BOOKED
    with town.uow(write=True) as uow:
        service.change_enrollment_end(uow, town.clock, town.martin, line.id, date(2026, 10, 9))
    apply(town, night + timedelta(hours=1))
    booked = reservations(town, activity=town.evening)
    assert {date(2026, 10, 5), date(2026, 10, 6), date(2026, 10, 8), date(2026, 10, 9)} <= set(booked)
    assert date(2026, 10, 12) not in booked and date(2026, 10, 16) not in booked


def test_the_transmission_applies_them_and_reports_them_that_night(town):
    enroll(town, ends_on=date(2026, 9, 25), weekdays=(THU, FRI))
    town.clock.set(NIGHT)
    assert STEP in default_steps() and STEP.order == 20
    summary = transmit(town.ctx.db, town.clock, lambda _structure: None,
                       structure_ids=[town.structure_id], steps=[STEP])
    assert summary.steps["Reservations from annual enrollments"] == 4
    assert summary.movements == 4  # marked in the same run
    with town.uow() as uow:
        body = uow.session.scalar(select(OutboxMessage.body_text).where(
            OutboxMessage.recipient == "martin@example.org"))
        pending = uow.session.scalar(select(func.count()).select_from(Movement)
                                     .where(Movement.transmitted_at.is_(None)))
    assert pending == 0
    assert "4 nouvelles demandes de réservation" in body
    assert "RESERVATIONS ACCEPTEES" in body
    assert "MARTIN Léa : jeu. 17/09, ven. 18/09, jeu. 24/09, ven. 25/09" in body


def test_the_whole_story_on_each_database(any_town):
    """Made, applied, a day cancelled by hand, stopped, applied again — SQLite and PostgreSQL."""
    town = any_town
    line = enroll(town, ends_on=date(2026, 10, 16), weekdays=(MON, THU))
    enroll(town, session=town.staff, child=town.zoe, ends_on=date(2026, 10, 16), weekdays=(MON,))
    first = apply(town)
    assert (first.booked, first.refused) == (9 + 4, 0)  # Léa's Mondays and Thursdays, Zoé's Mondays
    by_hand(town, DraftLine(LineKind.CANCEL, town.lea, town.meals, date(2026, 9, 21)))
    town.clock.set(datetime(2026, 9, 28, 8, 0, tzinfo=UTC))  # Monday 28: Wednesday 30 at best
    with town.uow(write=True) as uow:
        service.stop_enrollment(uow, town.clock, town.martin, line.id, date(2026, 10, 5))
    second = apply(town, datetime(2026, 9, 28, 21, 0, tzinfo=UTC))
    assert (second.booked, second.cancelled) == (0, 4)  # 5, 8, 12 and 15 October
    assert sorted(reservations(town)) == [date(2026, 9, 17), date(2026, 9, 24), date(2026, 9, 28),
                                          date(2026, 10, 1)]
    assert len(reservations(town, town.zoe)) == 4
    assert apply(town, datetime(2026, 9, 28, 22, 0, tzinfo=UTC)).movements == 0
