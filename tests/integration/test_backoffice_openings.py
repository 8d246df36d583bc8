"""The opening calendar on a real SQLite file: a period's openings previewed then applied
(public holidays closed, school days / holidays of zone B, days already open skipped), days
opened by hand, and places changed for a day or a range through the capacity service."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from famdesk.errors import ValidationError
from famdesk.models import ActivityDay, AuditEntry, Reservation
from famdesk.models.enums import ReservationStatus
from famdesk.services.backoffice import (
    OpeningRequest,
    Overflow,
    SchoolTime,
    SkipReason,
    add_activity,
    apply_openings,
    open_day,
    opening_calendar,
    preview_openings,
    preview_places,
    set_places,
)
from famdesk.services.booking import confirm
from famdesk.services.draft import Draft, DraftLine, LineKind
from tests.integration.backoffice import activity_form, manager
from tests.integration.town import build_town

WED, NEXT_WED = date(2026, 9, 30), date(2026, 10, 7)
AUTUMN = (date(2026, 9, 1), date(2026, 12, 31))
WED_FRI = frozenset({2, 4})


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    yield town
    town.ctx.close()


@pytest.fixture
def admin(town):
    return manager(town)


@pytest.fixture
def club(town, admin):
    """A new activity of the town, open on no day yet."""
    with town.uow(write=True) as uow:
        return add_activity(uow, town.clock, admin, town.structure_id, activity_form(town)).id


def previewed(town, admin, activity, request):
    with town.uow() as uow:
        return preview_openings(uow, town.clock, admin, activity, request)


def applied(town, admin, activity, request):
    with town.uow(write=True) as uow:
        return apply_openings(uow, town.clock, admin, activity, request, terminal="BUREAU-1")


def open_rows(town, activity):
    with town.uow() as uow:
        return {row.day: (row.capacity, row.waitlist_size) for row in uow.session.scalars(
            select(ActivityDay).where(ActivityDay.activity_id == activity))}


def test_the_preview_lists_what_opens_and_what_is_skipped_and_why(town, admin, club):
    plan = previewed(town, admin, club, OpeningRequest(*AUTUMN, WED_FRI, capacity=12,
                                                       waitlist_size=3))

    skipped = {s.day: (s.reason, s.text) for s in plan.skipped}
    assert [d for d, (reason, _t) in skipped.items() if reason is SkipReason.PAST] == [
        date(2026, 9, 2), date(2026, 9, 4), date(2026, 9, 9), date(2026, 9, 11)]
    assert skipped[date(2026, 9, 2)][1] == "jour passé"
    assert skipped[date(2026, 10, 21)] == (SkipReason.SCHOOL_HOLIDAYS,
                                           "vacances scolaires : Vacances de la Toussaint")
    assert skipped[date(2026, 11, 11)] == (SkipReason.PUBLIC_HOLIDAY, "férié : Armistice")
    assert skipped[date(2026, 12, 25)] == (SkipReason.PUBLIC_HOLIDAY, "férié : Noël")
    assert skipped[date(2026, 12, 30)][0] is SkipReason.SCHOOL_HOLIDAYS
    assert len(plan.skipped) == 4 + 4 + 1 + 3
    assert plan.to_open[0] == date(2026, 9, 16) and plan.to_open[-1] == date(2026, 12, 18)
    assert not set(plan.to_open) & set(skipped)
    assert {d.weekday() for d in plan.to_open} == {2, 4}
    assert plan.warning is None
    assert open_rows(town, club) == {}  # a preview saves nothing


def test_apply_opens_the_previewed_days_and_skips_those_already_open(town, admin, club):
    request = OpeningRequest(*AUTUMN, WED_FRI, capacity=12, waitlist_size=3)
    expected = previewed(town, admin, club, request)
    plan = applied(town, admin, club, request)
    assert plan == expected
    rows = open_rows(town, club)
    assert sorted(rows) == list(plan.to_open)
    assert set(rows.values()) == {(12, 3)}

    # overlapping: December's Fridays are open already, kept with their places
    again = applied(town, admin, club, OpeningRequest(date(2026, 12, 1), date(2027, 1, 31),
                                                      frozenset({4}), capacity=20, waitlist_size=0))
    already = [s for s in again.skipped if s.reason is SkipReason.ALREADY_OPEN]
    assert [s.day for s in already] == [date(2026, 12, 4), date(2026, 12, 11), date(2026, 12, 18)]
    assert already[0].text == "déjà ouvert (12 places, liste d'attente de 3) : laissé tel quel"
    assert open_rows(town, club)[date(2026, 12, 4)] == (12, 3)
    assert open_rows(town, club)[date(2027, 1, 8)] == (20, 0)
    assert date(2027, 1, 1) not in open_rows(town, club)  # Jour de l'an

    with pytest.raises(ValidationError) as nothing:
        applied(town, admin, club, request)
    assert nothing.value.message == "Aucun jour à ouvrir sur cette période : tous les jours sont écartés."
    with town.uow() as uow:
        assert len(list(uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "days_opened")))) == 2


def test_school_holidays_only_or_both(town, admin, club):
    october = (date(2026, 10, 1), date(2026, 10, 31))
    holidays = previewed(town, admin, club, OpeningRequest(*october, frozenset({2}),
                                                           SchoolTime.HOLIDAYS))
    assert holidays.to_open == (date(2026, 10, 21), date(2026, 10, 28))
    assert {s.text for s in holidays.skipped} == {"temps scolaire"}
    both = previewed(town, admin, club, OpeningRequest(*october, frozenset({2}), "both"))
    assert len(both.to_open) == 4 and both.skipped == ()


def test_a_time_entry_activity_skips_weekdays_without_times(town, admin):
    plan = previewed(town, admin, town.aps, OpeningRequest(date(2026, 9, 16), date(2026, 9, 30),
                                                           frozenset({2})))
    assert plan.to_open == ()
    assert [(s.reason, s.text) for s in plan.skipped][0] == (
        SkipReason.NO_TIMES, "pas d'heures d'arrivée et de départ le mercredi")


def test_unknown_school_holidays_are_said(town, admin):
    with town.uow(write=True) as uow:
        later = add_activity(uow, town.clock, admin, town.structure_id, activity_form(
            town, label="CLUB 2028", period_start=date(2028, 6, 1),
            period_end=date(2028, 12, 31))).id
    plan = previewed(town, admin, later, OpeningRequest(date(2028, 9, 1), date(2028, 9, 30),
                                                        frozenset({2})))
    assert plan.warning == ("Les vacances scolaires ne sont connues que jusqu'au 31/08/2028 : "
                            "après, seules les vacances d'été sont comptées.")


@pytest.mark.parametrize(("request_", "field", "message"), [
    (OpeningRequest(date(2026, 8, 1), date(2026, 9, 30), WED_FRI), "first",
     "Choisissez des jours dans la période de l'activité (01/09/2026 au 03/07/2027)."),
    (OpeningRequest(date(2026, 10, 1), date(2026, 9, 30), WED_FRI), "last",
     "La date de fin est antérieure à la date de début."),
    (OpeningRequest(*AUTUMN, frozenset()), "weekdays", "Choisissez au moins un jour de la semaine."),
    (OpeningRequest(*AUTUMN, WED_FRI, capacity=-1), "capacity",
     "Le nombre de places ne peut pas être négatif."),
    (OpeningRequest(*AUTUMN, WED_FRI, "weekends"), "school_time",
     "Choisissez les jours d'école, les vacances scolaires, ou les deux."),
])
def test_a_bad_request_is_refused(town, admin, club, request_, field, message):
    for call in (previewed, applied):
        with pytest.raises(ValidationError) as refused:
            call(town, admin, club, request_)
        assert (refused.value.field, refused.value.message) == (field, message)
    assert open_rows(town, club) == {}


def test_a_day_is_opened_by_hand_even_a_public_holiday(town, admin, club):
    with town.uow(write=True) as uow:
        day = open_day(uow, town.clock, admin, club, date(2026, 11, 11), 8, None)
    assert (day.open, day.capacity, day.waitlist_size, day.public_holiday) == (True, 8, None,
                                                                               "Armistice")
    for when, message in [(date(2026, 11, 11), "Ce jour est déjà ouvert : changez plutôt ses places."),
                          (date(2026, 9, 11), "Ce jour est passé.")]:
        with town.uow(write=True) as uow, pytest.raises(ValidationError) as refused:
            open_day(uow, town.clock, admin, club, when, 8, None)
        assert refused.value.message == message
    with town.uow() as uow:
        calendar = opening_calendar(uow, town.clock, admin, club, date(2026, 11, 9),
                                    date(2026, 11, 15))
    assert [d.open for d in calendar] == [False, False, True, False, False, False, False]
    assert calendar[0].school_holidays is None and calendar[0].past is False


# -- places -----------------------------------------------------------------------------


def book(town, session, child, day=WED):
    with town.uow(write=True) as uow:
        result = confirm(uow, town.clock, session,
                         Draft((DraftLine(LineKind.BOOK, child, town.alsh, day),)), uuid.uuid4().hex)
    town.clock.advance(timedelta(seconds=1))
    return result.recap.lines[0].outcome.value


def day_of(town, day=WED):
    with town.uow() as uow:
        row = uow.session.scalar(select(ActivityDay).where(ActivityDay.activity_id == town.alsh,
                                                           ActivityDay.day == day))
        waiting = list(uow.session.scalars(
            select(Reservation.child_id).where(Reservation.activity_day_id == row.id,
                                               Reservation.status == ReservationStatus.WAITLISTED)
            .order_by(Reservation.requested_at, Reservation.id)))
    return row.capacity, row.waitlist_size, row.booked_count, waiting


def places_preview(town, admin, first, last, capacity, **options):
    with town.uow() as uow:
        return preview_places(uow, town.clock, admin, town.alsh, first, last, capacity, **options)


def places_set(town, admin, first, last, capacity, **options):
    with town.uow(write=True) as uow:
        return set_places(uow, town.clock, admin, town.alsh, first, last, capacity, **options)


def test_lowering_below_the_booked_says_how_many_then_refuses_or_moves(town, admin):
    assert [book(town, town.martin, town.lea), book(town, town.dubois, town.zoe),
            book(town, town.martin, town.tom)] == ["booked", "booked", "waitlisted"]

    preview = places_preview(town, admin, WED, WED, 1)
    assert (preview.needs_choice, preview.over_capacity, preview.families_over) == (True, 1, 1)
    assert preview.summary == (
        "1 jour ouvert change. 1 enfant réservé dépasse la nouvelle capacité (1 famille) : "
        "refuser le changement, ou le placer en tête de la liste d'attente ?")
    assert day_of(town) == (2, 1, 2, [town.tom])

    with pytest.raises(ValidationError) as refused:
        places_set(town, admin, WED, WED, 1)
    assert refused.value.message == (
        "mer. 30/09/2026 : 2 enfants sont réservés ce jour-là : la capacité ne peut pas être "
        "inférieure.")
    assert day_of(town) == (2, 1, 2, [town.tom])

    moved = places_set(town, admin, WED, WED, 1, overflow=Overflow.WAITLIST)
    assert (moved.moved_to_waitlist, moved.promoted) == (1, 0)
    assert day_of(town) == (1, 1, 1, [town.zoe, town.tom])


def test_a_range_changes_every_open_day_and_promotes_while_families_may_cancel(town, admin):
    book(town, town.martin, town.lea)
    book(town, town.dubois, town.zoe)
    book(town, town.martin, town.tom)
    preview = places_preview(town, admin, date(2026, 9, 1), date(2026, 10, 14), 5)
    assert [d.day for d in preview.days] == [date(2026, 9, 16), date(2026, 9, 23), WED,
                                             NEXT_WED, date(2026, 10, 14)]
    assert (preview.promoted, preview.needs_choice) == (1, False)

    result = places_set(town, admin, date(2026, 9, 1), date(2026, 10, 14), 5)

    assert (len(result.changes), result.promoted) == (5, 1)
    assert day_of(town) == (5, 1, 3, [])
    assert day_of(town, date(2026, 10, 14))[:2] == (5, 1)
    assert day_of(town, date(2026, 10, 21))[:2] == (2, 1)


def test_a_range_is_all_or_nothing(town, admin):
    for session, child in ((town.martin, town.lea), (town.martin, town.tom), (town.dubois, town.zoe)):
        book(town, session, child, NEXT_WED)
    preview = places_preview(town, admin, WED, NEXT_WED, 2, waitlist_size=0)
    assert preview.blocked == ("mer. 07/10/2026 : 1 enfant attend ce jour-là : la liste "
                               "d’attente ne peut pas être plus courte.",)

    with pytest.raises(ValidationError) as refused:
        places_set(town, admin, WED, NEXT_WED, 2, waitlist_size=0)
    assert refused.value.message.startswith("mer. 07/10/2026 : 1 enfant attend")
    assert day_of(town) == (2, 1, 0, [])  # the first day did not change either


def test_bad_places_are_refused(town, admin):
    with pytest.raises(ValidationError) as negative:
        places_set(town, admin, WED, WED, -1)
    assert negative.value.message == "Le nombre de places ne peut pas être négatif."
    with pytest.raises(ValidationError) as none_open:
        places_set(town, admin, date(2026, 10, 1), date(2026, 10, 2), 3)
    assert none_open.value.message == "Aucun jour ouvert à changer sur cette période."
