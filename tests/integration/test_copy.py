"""Copy ("Recopier les réservations") on a real SQLite file: to a brother or sister, to another
activity, each day the target cannot take listed with why, the draft then confirmed as a copy."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from famdesk.errors import NotAuthorizedError, NotFoundError, ValidationError
from famdesk.models import Activity, Movement, Reservation
from famdesk.models.enums import ReservationSource, TariffMode
from famdesk.services.auth import SYSTEM
from famdesk.services.booking import confirm, preview
from famdesk.services.copying import NotCopiedReason, copy_reservations
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.planning import Outcome
from famdesk.services.setup import activities, people
from tests.integration.town import J2_NOON, YEAR_END, YEAR_START, build_town, school_days

SEVEN, HALF_PAST_SEVEN, TWENTY_PAST_EIGHT = time(7, 0), time(7, 30), time(8, 20)
GARDERIE_CLOSED = date(2026, 10, 5)  # a Monday the garderie does not open
REASONS = {
    NotCopiedReason.FULL: "full",
    NotCopiedReason.INCOMPATIBLE_TIMES: "incompatible times",
    NotCopiedReason.CLOSED: "closed",
    NotCopiedReason.NOT_REGISTERED: "not registered",
    NotCopiedReason.DEADLINE_PASSED: "deadline passed",
    NotCopiedReason.ALREADY_BOOKED: "already booked",
}


@pytest.fixture(autouse=True)
def english():
    """Reasons read as their English msgids (French is the default catalog)."""
    from famdesk import i18n

    i18n.install("en")
    yield
    i18n.install(i18n.DEFAULT_LANGUAGE)


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    yield town
    town.ctx.close()


@pytest.fixture
def jade(town):
    """Zoé's little sister, registered to the Wednesday centre."""
    with town.uow(write=True) as uow:
        jade = people.add_child(uow, SYSTEM, town.dubois_family, "Jade", "Dubois", date(2019, 5, 5))
        people.register_child(uow, SYSTEM, jade, town.alsh, YEAR_START, YEAR_END)
        uow.commit()
    return jade


@pytest.fixture
def garderie(town):
    """A morning garderie of 1 place and no waiting list: 07:00 or 07:30 to 08:20, but only
    07:30 on Fridays; closed on Monday 5 October; Léa registered from 1 October only."""
    with town.uow(write=True) as uow:
        wallet = uow.session.get_one(Activity, town.aps).wallet_id
        times = {d: ([SEVEN, HALF_PAST_SEVEN], [TWENTY_PAST_EIGHT]) for d in (0, 1, 3)}
        times[4] = ([HALF_PAST_SEVEN], [TWENTY_PAST_EIGHT])
        garderie = activities.create_activity(
            uow, SYSTEM, structure_id=town.structure_id, wallet_id=wallet, label="GARDERIE",
            colour="#6A4C93", display_order=3, period_start=YEAR_START, period_end=YEAR_END,
            tariff_mode=TariffMode.SLOT, slot_minutes=30, brackets=[(0, None, Decimal("0.80"))],
            booking_rule=J2_NOON, time_options=times,
        )
        days = [d for d in school_days(YEAR_START, YEAR_END, {0, 1, 3, 4}) if d != GARDERIE_CLOSED]
        activities.open_days(uow, SYSTEM, garderie, days, 1, 0)
        people.register_child(uow, SYSTEM, town.lea, garderie, date(2026, 10, 1), YEAR_END)
        people.register_child(uow, SYSTEM, town.zoe, garderie, YEAR_START, YEAR_END)
        uow.commit()
    return garderie


def do_confirm(town, session, *lines, **options):
    with town.uow(write=True) as uow:
        result = confirm(uow, town.clock, session, Draft(tuple(lines)), uuid.uuid4().hex, **options)
    return [line.outcome for line in result.recap.lines]


def book(child, activity, day, arrival=None, departure=None):
    return DraftLine(LineKind.BOOK, child, activity, day, arrival, departure)


def copy(town, session=None, **options):
    with town.uow() as uow:
        return copy_reservations(uow, town.clock, session or town.martin, **options)


def not_copied(plan):
    return {item.day: item.reason for item in plan.not_copied}


def test_copy_to_a_brother_lists_why_days_are_left_out_and_confirms_as_a_copy(town, jade):
    alsh = town.alsh
    sep_16, sep_23, sep_30 = date(2026, 9, 16), date(2026, 9, 23), date(2026, 9, 30)
    oct_7, oct_14, oct_21, nov_4 = date(2026, 10, 7), date(2026, 10, 14), date(2026, 10, 21), date(2026, 11, 4)
    # Léa's Wednesdays: the 16th booked by the desk after its deadline
    do_confirm(town, town.staff, book(town.lea, alsh, sep_16), override_reason="oubli")
    do_confirm(town, town.martin, *(book(town.lea, alsh, d) for d in (sep_23, sep_30, oct_7, oct_21, nov_4)))
    do_confirm(town, town.martin, DraftLine(LineKind.CANCEL, town.lea, alsh, oct_21))  # not copied
    do_confirm(town, town.dubois, book(town.zoe, alsh, sep_30))  # 30th: Tom will wait
    do_confirm(town, town.martin, book(town.tom, alsh, oct_7))  # 7th: Tom holds it already
    # 14th: Zoé and Jade hold the places, Léa waits (a waitlisted day is copied too): no room
    do_confirm(town, town.dubois, book(town.zoe, alsh, oct_14), book(jade, alsh, oct_14))
    assert do_confirm(town, town.martin, book(town.lea, alsh, oct_14)) == [Outcome.WAITLISTED]

    plan = copy(town, source_child_id=town.lea, source_activity_id=alsh,
                first=date(2026, 9, 14), last=date(2026, 10, 31), target_child_id=town.tom)

    assert [(line.day, line.waits) for line in plan.lines] == [(sep_23, False), (sep_30, True)]
    assert not_copied(plan) == {
        sep_16: NotCopiedReason.DEADLINE_PASSED,
        oct_7: NotCopiedReason.ALREADY_BOOKED,
        oct_14: NotCopiedReason.FULL,
    }
    assert [(item.reason, item.text) for item in plan.not_copied] == [
        (reason, REASONS[reason]) for reason in (NotCopiedReason.DEADLINE_PASSED,
                                                 NotCopiedReason.ALREADY_BOOKED, NotCopiedReason.FULL)]
    assert (plan.child_id, plan.activity_id) == (town.tom, alsh)
    assert plan.draft.lines == (book(town.tom, alsh, sep_23), book(town.tom, alsh, sep_30))

    with town.uow() as uow:
        recap = preview(uow, town.clock, town.martin, plan.draft)
    assert [line.outcome for line in recap.lines] == [Outcome.BOOKED, Outcome.WAITLISTED]
    assert do_confirm(town, town.martin, *plan.draft.lines, source=ReservationSource.COPY) == [
        Outcome.BOOKED, Outcome.WAITLISTED]
    with town.uow() as uow:
        copied = uow.session.scalars(select(Reservation).where(
            Reservation.child_id == town.tom, Reservation.source == ReservationSource.COPY)).all()
        moves = uow.session.scalars(select(Movement).where(
            Movement.child_id == town.tom, Movement.source == ReservationSource.COPY)).all()
    assert sorted(r.day for r in copied) == [sep_23, sep_30]
    assert len(moves) == 2 and all(m.actor_account_id == town.martin.account_id for m in moves)


def test_copy_to_another_activity_checks_times_opening_registration_and_places(town, garderie):
    days = [date(2026, 9, 28), date(2026, 10, 1), date(2026, 10, 2), GARDERIE_CLOSED,
            date(2026, 10, 6), date(2026, 10, 8)]
    do_confirm(town, town.martin, *(book(town.lea, town.aps, d, SEVEN, TWENTY_PAST_EIGHT) for d in days))
    do_confirm(town, town.dubois, book(town.zoe, garderie, date(2026, 10, 1), SEVEN, TWENTY_PAST_EIGHT))

    plan = copy(town, source_child_id=town.lea, source_activity_id=town.aps,
                first=date(2026, 9, 1), last=date(2026, 10, 31), target_activity_id=garderie)

    assert [(line.day, line.arrival, line.departure, line.waits) for line in plan.lines] == [
        (date(2026, 10, 6), SEVEN, TWENTY_PAST_EIGHT, False),
        (date(2026, 10, 8), SEVEN, TWENTY_PAST_EIGHT, False),
    ]
    assert not_copied(plan) == {
        date(2026, 9, 28): NotCopiedReason.NOT_REGISTERED,
        date(2026, 10, 1): NotCopiedReason.FULL,
        date(2026, 10, 2): NotCopiedReason.INCOMPATIBLE_TIMES,  # Fridays: 07:30 only
        GARDERIE_CLOSED: NotCopiedReason.CLOSED,
    }
    assert {item.text for item in plan.not_copied} == {
        "not registered", "full", "incompatible times", "closed"}
    assert do_confirm(town, town.martin, *plan.draft.lines, source=ReservationSource.COPY) == [
        Outcome.BOOKED, Outcome.BOOKED]
    with town.uow() as uow:
        copied = uow.session.scalars(select(Reservation).where(
            Reservation.activity_id == garderie, Reservation.child_id == town.lea)).all()
    assert {(r.source, r.arrival, r.price_cents) for r in copied} == {
        (ReservationSource.COPY, SEVEN, 240)}


def test_times_chosen_for_the_target_serve_every_day(town, garderie):
    days = [date(2026, 10, 1), date(2026, 10, 2)]
    do_confirm(town, town.martin, *(book(town.lea, town.aps, d, SEVEN, TWENTY_PAST_EIGHT) for d in days))
    options = dict(source_child_id=town.lea, source_activity_id=town.aps, first=days[0],
                   last=days[-1], target_activity_id=garderie)

    chosen = copy(town, times=(HALF_PAST_SEVEN, TWENTY_PAST_EIGHT), **options)
    assert [(line.day, line.arrival) for line in chosen.lines] == [
        (days[0], HALF_PAST_SEVEN), (days[1], HALF_PAST_SEVEN)]

    not_allowed = copy(town, times=(time(6, 0), TWENTY_PAST_EIGHT), **options)
    assert not not_allowed.lines
    assert set(not_copied(not_allowed).values()) == {NotCopiedReason.INCOMPATIBLE_TIMES}
    with pytest.raises(ValidationError) as no_times:  # the Wednesday centre takes no times
        copy(town, source_child_id=town.lea, source_activity_id=town.aps, first=days[0],
             last=days[-1], target_activity_id=town.alsh, times=(SEVEN, TWENTY_PAST_EIGHT))
    assert no_times.value.field == "times"


def test_the_calendars_draft_is_extended_and_its_days_are_not_copied_twice(town):
    wednesdays = [date(2026, 9, 30), date(2026, 10, 7)]
    do_confirm(town, town.martin, *(book(town.lea, town.alsh, d) for d in wednesdays))
    pending = book(town.tom, town.alsh, wednesdays[0])
    plan = copy(town, source_child_id=town.lea, source_activity_id=town.alsh, first=wednesdays[0],
                last=wednesdays[-1], target_child_id=town.tom, draft=Draft((pending,)))
    assert not_copied(plan) == {wednesdays[0]: NotCopiedReason.ALREADY_BOOKED}
    assert plan.draft.lines == (pending, book(town.tom, town.alsh, wednesdays[1]))


def test_a_fixed_number_of_queries_whatever_the_period(town):
    do_confirm(town, town.martin, book(town.lea, town.alsh, date(2026, 9, 30)))
    wednesdays = school_days(date(2026, 10, 1), date(2026, 12, 31), {2})
    do_confirm(town, town.martin, *(book(town.lea, town.alsh, d) for d in wednesdays))
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(town.ctx.db.engine, "before_cursor_execute", count)
    try:
        short = copy(town, source_child_id=town.lea, source_activity_id=town.alsh,
                     first=date(2026, 9, 28), last=date(2026, 9, 30), target_child_id=town.tom)
        first = len(statements)
        statements.clear()
        long = copy(town, source_child_id=town.lea, source_activity_id=town.alsh,
                    first=date(2026, 9, 28), last=date(2026, 12, 31), target_child_id=town.tom)
        assert len(statements) == first <= 12
    finally:
        event.remove(town.ctx.db.engine, "before_cursor_execute", count)
    assert (len(short.lines), len(long.lines)) == (1, 1 + len(wednesdays))


def test_only_a_family_s_own_children_and_the_staff_of_their_structure(town):
    do_confirm(town, town.martin, book(town.lea, town.alsh, date(2026, 9, 30)))
    options = dict(source_child_id=town.lea, source_activity_id=town.alsh,
                   first=date(2026, 9, 28), last=date(2026, 10, 2))
    with pytest.raises(NotAuthorizedError):  # the Dubois may not read Léa's days
        copy(town, town.dubois, target_child_id=town.tom, **options)
    with pytest.raises(NotAuthorizedError):  # nor may the Martins book for Zoé
        copy(town, town.martin, target_child_id=town.zoe, **options)
    assert len(copy(town, town.staff, target_child_id=town.zoe, **options).lines) == 1


def test_bad_requests(town):
    base = dict(source_child_id=town.lea, source_activity_id=town.alsh,
                first=date(2026, 9, 28), last=date(2026, 10, 30))
    for wrong in (
        dict(target_child_id=town.tom, target_activity_id=town.aps),  # both
        dict(),  # neither
        dict(target_child_id=town.lea),  # itself
        dict(target_child_id=town.tom, first=date(2026, 10, 30), last=date(2026, 9, 28)),
        dict(target_child_id=town.tom, last=date(2027, 10, 30)),  # more than a year
        dict(target_activity_id=town.other_activity),  # another structure's activity
    ):
        with pytest.raises(ValidationError):
            copy(town, **{**base, **wrong})
    with pytest.raises(NotFoundError):
        copy(town, **{**base, "target_activity_id": 9999})
    with pytest.raises(NotFoundError):
        copy(town, **{**base, "target_child_id": 9999})


def test_a_full_day_is_tried_again_once_a_place_is_freed(town, jade):
    wed = date(2026, 9, 30)
    do_confirm(town, town.dubois, book(town.zoe, town.alsh, wed), book(jade, town.alsh, wed))
    do_confirm(town, town.martin, book(town.lea, town.alsh, wed))  # waits: the list is full
    options = dict(source_child_id=town.lea, source_activity_id=town.alsh, first=wed, last=wed,
                   target_child_id=town.tom)
    assert not_copied(copy(town, **options)) == {wed: NotCopiedReason.FULL}
    do_confirm(town, town.dubois, DraftLine(LineKind.CANCEL, jade, town.alsh, wed))  # Léa promoted
    assert [(line.day, line.waits) for line in copy(town, **options).lines] == [(wed, True)]
    town.clock.advance(timedelta(days=30))
    assert not_copied(copy(town, **options)) == {wed: NotCopiedReason.DEADLINE_PASSED}  # now past
