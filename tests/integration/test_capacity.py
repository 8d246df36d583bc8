"""The staff change a day's places, on real SQLite and PostgreSQL databases: promotions from
the waiting list, places kept for the staff after the deadline, lowering refused or moving
the last booked children to the head of the list."""

from __future__ import annotations

import json
import uuid
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from famdesk.errors import NotAuthorizedError, NotFoundError, ValidationError
from famdesk.models import Activity, ActivityDay, AuditEntry, Movement, Reservation
from famdesk.models.enums import (
    MovementKind,
    MovementOutcome,
    ReservationSource,
    ReservationStatus,
    TariffMode,
)
from famdesk.models.values import DeadlineRule
from famdesk.services.auth import SYSTEM
from famdesk.services.booking import confirm
from famdesk.services.capacity import Overflow, change_capacity, promote
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.setup import activities, people
from tests.integration.town import YEAR_END, YEAR_START, build_town, school_days

WED = date(2026, 9, 30)  # the club's deadline (booking and cancelling): Thursday 24 September 12:00
AFTER_DEADLINE = timedelta(days=11)  # from Monday 14 to Friday 25 September


@pytest.fixture(autouse=True)
def english():
    """Messages read as their English msgids (French is the default catalog)."""
    from famdesk import i18n

    i18n.install("en")
    yield
    i18n.install(i18n.DEFAULT_LANGUAGE)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def town(request, sqlite_url, clock):
    """The test town on SQLite, and on PostgreSQL where the day is locked FOR UPDATE."""
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    town = build_town(url, clock)
    yield town
    town.ctx.close()


@pytest.fixture
def club(town):
    """A Wednesday club of 1 place with an unlimited waiting list, for Léa, Tom and Zoé."""
    with town.uow(write=True) as uow:
        wallet = uow.session.get_one(Activity, town.alsh).wallet_id
        club = activities.create_activity(
            uow, SYSTEM, structure_id=town.structure_id, wallet_id=wallet, label="CLUB NATURE",
            colour="#4C956C", display_order=3, period_start=YEAR_START, period_end=YEAR_END,
            tariff_mode=TariffMode.UNIT, slot_minutes=None, brackets=[(0, None, Decimal("4.00"))],
            booking_rule=DeadlineRule.weekday_before(3, 1, time(12, 0)),
        )
        activities.open_days(uow, SYSTEM, club, school_days(YEAR_START, YEAR_END, {2}), 1, None)
        for child in (town.lea, town.tom, town.zoe):
            people.register_child(uow, SYSTEM, child, club, YEAR_START, YEAR_END)
        uow.commit()
    return club


@pytest.fixture
def jade(town, club):
    """Zoé's little sister, registered to the club."""
    with town.uow(write=True) as uow:
        jade = people.add_child(uow, SYSTEM, town.dubois_family, "Jade", "Dubois", date(2019, 5, 5))
        people.register_child(uow, SYSTEM, jade, club, YEAR_START, YEAR_END)
        uow.commit()
    return jade


def book(town, session, child, activity, day=WED):
    """A family's booking, one minute after the previous one (the list's order)."""
    town.clock.advance(timedelta(minutes=1))
    with town.uow(write=True) as uow:
        result = confirm(uow, town.clock, session,
                         Draft((DraftLine(LineKind.BOOK, child, activity, day),)), uuid.uuid4().hex)
    return result.recap.lines[0].outcome.value


def set_places(town, activity, capacity, day=WED, session=None, **options):
    with town.uow(write=True) as uow:
        return change_capacity(uow, town.clock, session or town.staff, activity, day, capacity,
                               **options)


def promote_by_hand(town, activity, reservation_id=None, day=WED, session=None):
    with town.uow(write=True) as uow:
        return promote(uow, town.clock, session or town.staff, activity, day, reservation_id,
                       terminal="ACCUEIL-1")


def reservation_of(town, child, activity, day=WED):
    with town.uow() as uow:
        return uow.session.scalar(select(Reservation).where(
            Reservation.child_id == child, Reservation.activity_id == activity,
            Reservation.day == day))


def waiting_list(town, activity, day=WED):
    """The children waiting, in the list's order."""
    with town.uow() as uow:
        return list(uow.session.scalars(
            select(Reservation.child_id)
            .where(Reservation.activity_id == activity, Reservation.day == day,
                   Reservation.status == ReservationStatus.WAITLISTED)
            .order_by(Reservation.requested_at, Reservation.id)))


def counters(town, activity, day=WED):
    """(booked, waitlisted) of the day, checked against its reservations."""
    with town.uow() as uow:
        row = uow.session.scalar(select(ActivityDay).where(ActivityDay.activity_id == activity,
                                                           ActivityDay.day == day))
        counted = dict(uow.session.execute(
            select(Reservation.status, func.count())
            .where(Reservation.activity_day_id == row.id).group_by(Reservation.status)).all())
    assert (row.booked_count, row.waitlisted_count) == (
        counted.get(ReservationStatus.BOOKED, 0), counted.get(ReservationStatus.WAITLISTED, 0))
    return row.booked_count, row.waitlisted_count


def movements(town, kind):
    with town.uow() as uow:
        return uow.session.scalars(select(Movement).where(Movement.kind == kind)
                                   .order_by(Movement.id)).all()


def test_raising_the_capacity_promotes_the_head_of_the_list_in_order(town, club, jade):
    assert book(town, town.martin, town.lea, club) == "booked"
    assert [book(town, town.dubois, town.zoe, club), book(town, town.martin, town.tom, club),
            book(town, town.dubois, jade, club)] == ["waitlisted"] * 3

    change = set_places(town, club, 3, terminal="ACCUEIL-1")

    zoe, tom = reservation_of(town, town.zoe, club), reservation_of(town, town.tom, club)
    assert change.promoted == (zoe.id, tom.id)
    assert (change.capacity, change.booked, change.waitlisted, change.free_places) == (3, 3, 1, 0)
    assert zoe.status is tom.status is ReservationStatus.BOOKED
    assert waiting_list(town, club) == [jade]
    assert counters(town, club) == (3, 1)
    promotions = movements(town, MovementKind.PROMOTION)
    assert [(m.child_id, m.family_id) for m in promotions] == [
        (town.zoe, town.dubois_family), (town.tom, town.martin_family)]
    assert all(m.outcome is MovementOutcome.ACCEPTED and m.actor_account_id is None
               and m.source is ReservationSource.PORTAL and m.terminal == "ACCUEIL-1"
               and m.transmitted_at is None for m in promotions)

    # unlimited: whoever still waits gets a place
    assert set_places(town, club, None).promoted == (reservation_of(town, jade, club).id,)
    assert counters(town, club) == (4, 0)
    with town.uow() as uow:
        audit = uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [entry.action for entry in audit] == ["capacity_changed"] * 2
    assert audit[0].actor_account_id == town.staff.account_id
    assert json.loads(audit[0].detail)["capacity"] == [1, 3]


def test_after_the_deadline_the_places_wait_for_the_staff_who_promote_by_hand(town, club, jade):
    book(town, town.martin, town.lea, club)
    for session, child in [(town.dubois, town.zoe), (town.martin, town.tom), (town.dubois, jade)]:
        book(town, session, child, club)
    town.clock.advance(AFTER_DEADLINE)  # families can no longer cancel: no automatic promotion

    change = set_places(town, club, 3)

    assert change.promoted == () and change.free_places == 2
    assert counters(town, club) == (1, 3)
    assert movements(town, MovementKind.PROMOTION) == []

    head = promote_by_hand(town, club)
    assert head.promoted == (reservation_of(town, town.zoe, club).id,)
    with pytest.raises(NotFoundError):  # Léa is booked, not waiting
        promote_by_hand(town, club, reservation_of(town, town.lea, club).id)
    chosen = promote_by_hand(town, club, reservation_of(town, jade, club).id)
    assert (chosen.booked, chosen.waitlisted, chosen.free_places) == (3, 1, 0)
    with pytest.raises(ValidationError, match="raise the capacity"):
        promote_by_hand(town, club)
    assert waiting_list(town, club) == [town.tom]
    assert counters(town, club) == (3, 1)
    by_hand = movements(town, MovementKind.PROMOTION)
    assert [m.child_id for m in by_hand] == [town.zoe, jade]
    assert all(m.actor_account_id == town.staff.account_id and m.on_behalf_family_id == town.dubois_family
               and m.source is ReservationSource.DESK and m.terminal == "ACCUEIL-1" for m in by_hand)


def test_lowering_below_the_booked_is_refused_unless_the_last_booked_go_to_the_waiting_list(town, club, jade):
    set_places(town, club, 3)
    for session, child in [(town.martin, town.lea), (town.martin, town.tom), (town.dubois, town.zoe)]:
        assert book(town, session, child, club) == "booked"
    assert book(town, town.dubois, jade, club) == "waitlisted"

    with pytest.raises(ValidationError, match="3") as refused:
        set_places(town, club, 1)
    assert refused.value.field == "capacity"
    with pytest.raises(ValidationError):
        set_places(town, club, 1, overflow=Overflow.REFUSE)
    assert counters(town, club) == (3, 1)

    change = set_places(town, club, 1, overflow="waitlist", terminal="ACCUEIL-1")

    tom, zoe = reservation_of(town, town.tom, club), reservation_of(town, town.zoe, club)
    assert change.moved_to_waitlist == (tom.id, zoe.id)  # the last two booked, in their order
    assert (change.booked, change.waitlisted) == (1, 3) == counters(town, club)
    assert waiting_list(town, club) == [town.tom, town.zoe, jade]
    moved = movements(town, MovementKind.MOVED_TO_WAITLIST)
    assert [(m.child_id, m.outcome) for m in moved] == [
        (town.tom, MovementOutcome.WAITLISTED), (town.zoe, MovementOutcome.WAITLISTED)]
    assert all("waiting list" in m.remark and m.actor_account_id == town.staff.account_id
               for m in moved)
    assert [m.on_behalf_family_id for m in moved] == [town.martin_family, town.dubois_family]
    with town.uow() as uow:
        audit = uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert json.loads(audit.detail)["moved_to_waitlist"] == [tom.id, zoe.id]

    # a place given back goes to the head of the list: Tom, who had one
    assert set_places(town, club, 2).promoted == (tom.id,)
    assert counters(town, club) == (2, 2)


def test_a_child_moved_to_the_list_goes_before_those_who_asked_earlier(town, club, jade):
    book(town, town.martin, town.lea, club)
    for session, child in [(town.martin, town.tom), (town.dubois, town.zoe), (town.dubois, jade)]:
        book(town, session, child, club)
    town.clock.advance(AFTER_DEADLINE)
    set_places(town, club, 2)
    jade_id = reservation_of(town, jade, club).id
    promote_by_hand(town, club, jade_id)  # the staff give the place to Jade, who asked last

    change = set_places(town, club, 1, overflow=Overflow.WAITLIST)

    assert change.moved_to_waitlist == (jade_id,)
    assert waiting_list(town, club) == [jade, town.tom, town.zoe]
    assert reservation_of(town, jade, club).requested_at < reservation_of(town, town.tom, club).requested_at
    assert counters(town, club) == (1, 3)


def test_a_shorter_waiting_list(town, club, jade):
    book(town, town.martin, town.lea, club)
    book(town, town.martin, town.tom, club)
    book(town, town.dubois, town.zoe, club)
    with pytest.raises(ValidationError, match="2") as refused:
        set_places(town, club, 1, waitlist_size=1)
    assert refused.value.field == "waitlist_size"
    # promotions first: with one more place, one child waits and the list may hold one
    change = set_places(town, club, 2, waitlist_size=1)
    assert (change.waitlist_size, change.booked, change.waitlisted) == (1, 2, 1)
    assert book(town, town.dubois, jade, club) == "refused"  # the list is full
    kept = set_places(town, club, 3)  # the list's size is kept when not given
    assert (kept.waitlist_size, kept.promoted) == (1, (reservation_of(town, town.zoe, club).id,))


def test_bad_values_and_days(town, club):
    with pytest.raises(ValidationError) as negative:
        set_places(town, club, -1)
    assert negative.value.field == "capacity"
    with pytest.raises(ValidationError) as negative_list:
        set_places(town, club, 2, waitlist_size=-1)
    assert negative_list.value.field == "waitlist_size"
    with pytest.raises(NotFoundError):
        set_places(town, club, 2, day=date(2026, 9, 29))  # a Tuesday: the club is not open
    with pytest.raises(NotFoundError):
        set_places(town, 9999, 2)
    with pytest.raises(ValidationError):
        set_places(town, club, 2, day=date(2026, 9, 9))  # past
    with pytest.raises(ValidationError, match="Nobody"):
        promote_by_hand(town, club)
    assert set_places(town, club, 0).capacity == 0
    assert book(town, town.martin, town.lea, club) == "waitlisted"
    assert counters(town, club) == (0, 1)


def test_only_the_staff_of_the_structure_change_places_or_promote(town, club):
    book(town, town.martin, town.lea, club)
    book(town, town.dubois, town.zoe, club)
    with pytest.raises(NotAuthorizedError):
        set_places(town, club, 5, session=town.martin)
    with pytest.raises(NotAuthorizedError):
        promote_by_hand(town, club, session=town.dubois)
    with pytest.raises(NotAuthorizedError):  # the staff of the town do not work for the centre
        set_places(town, town.other_activity, 5, session=town.staff)
    assert counters(town, club) == (1, 1)
    with town.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry)) == 0
