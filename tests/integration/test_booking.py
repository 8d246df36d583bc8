"""Recap and confirm on a real SQLite file: places, waiting list, deadlines, idempotency."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from famdesk.errors import NotAuthorizedError, ValidationError
from famdesk.models import ActivityDay, Movement, Reservation
from famdesk.models.enums import MovementKind, MovementOutcome, ReservationSource, ReservationStatus
from famdesk.services.booking import confirm, preview
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.planning import Outcome
from tests.integration.town import build_town

WED = date(2026, 9, 30)  # ALSH, deadline Thursday 24 September 12:00
THU = date(2026, 9, 24)  # APS, deadline Tuesday 22 September 12:00


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    yield town
    town.ctx.close()


def book(child, activity, day, arrival=None, departure=None):
    return DraftLine(LineKind.BOOK, child, activity, day, arrival, departure)


def cancel(child, activity, day):
    return DraftLine(LineKind.CANCEL, child, activity, day)


def do_confirm(town, session, *lines, key=None, **options):
    with town.uow(write=True) as uow:
        return confirm(uow, town.clock, session, Draft(tuple(lines)), key or uuid.uuid4().hex, **options)


def outcomes(result):
    return [line.outcome for line in result.recap.lines]


def counters(town, activity, day):
    with town.uow() as uow:
        row = uow.session.scalar(select(ActivityDay).where(ActivityDay.activity_id == activity, ActivityDay.day == day))
        counted = dict(uow.session.execute(
            select(Reservation.status, func.count()).where(Reservation.activity_day_id == row.id).group_by(Reservation.status)
        ).all())
        return row.booked_count, row.waitlisted_count, counted


def test_preview_simulates_in_draft_order_and_saves_nothing(town):
    do_confirm(town, town.dubois, book(town.zoe, town.alsh, WED))
    draft = Draft((book(town.lea, town.alsh, WED), book(town.tom, town.alsh, WED)))
    with town.uow() as uow:
        recap = preview(uow, town.clock, town.martin, draft)
    # one place left: the first booked, the second on the waiting list
    assert [line.outcome for line in recap.bookings] == [Outcome.BOOKED, Outcome.WAITLISTED]
    assert recap.bookings[0].price == Decimal("6.00")  # QF 450 in September
    assert recap.total == Decimal("6.00")
    assert counters(town, town.alsh, WED)[:2] == (1, 0)


def test_confirm_books_waitlists_then_refuses(town):
    result = do_confirm(town, town.martin, book(town.lea, town.alsh, WED), book(town.tom, town.alsh, WED))
    assert outcomes(result) == [Outcome.BOOKED, Outcome.BOOKED]
    result = do_confirm(town, town.dubois, book(town.zoe, town.alsh, WED))
    assert outcomes(result) == [Outcome.WAITLISTED]
    assert counters(town, town.alsh, WED) == (2, 1, {ReservationStatus.BOOKED: 2, ReservationStatus.WAITLISTED: 1})
    # the list (1 place) is full now: a later request is refused
    other_wed = WED + timedelta(days=7)
    do_confirm(town, town.martin, book(town.lea, town.alsh, other_wed), book(town.tom, town.alsh, other_wed))
    do_confirm(town, town.dubois, book(town.zoe, town.alsh, other_wed))
    staff_try = do_confirm(town, town.staff, book(town.zoe, town.alsh, WED + timedelta(days=14)))
    assert outcomes(staff_try) == [Outcome.BOOKED]


def test_one_movement_per_line_with_actor_and_terminal(town):
    result = do_confirm(town, town.staff, book(town.lea, town.alsh, WED), cancel(town.lea, town.alsh, WED + timedelta(days=7)),
                        terminal="ACCUEIL-1")
    assert outcomes(result) == [Outcome.BOOKED, Outcome.REFUSED]
    with town.uow() as uow:
        movements = uow.session.scalars(select(Movement).order_by(Movement.id)).all()
    assert [(m.kind, m.outcome) for m in movements] == [
        (MovementKind.BOOK, MovementOutcome.ACCEPTED), (MovementKind.CANCEL, MovementOutcome.REFUSED)
    ]
    assert all(m.actor_account_id == town.staff.account_id for m in movements)
    assert all(m.on_behalf_family_id == town.martin_family and m.terminal == "ACCUEIL-1" for m in movements)
    assert all(m.source is ReservationSource.DESK and m.transmitted_at is None for m in movements)


def test_a_replayed_confirm_returns_the_first_answer_and_changes_nothing(town):
    line = book(town.lea, town.alsh, WED)
    first = do_confirm(town, town.martin, line, key="same-key")
    town.ctx.close()  # as after a restart
    again = build_town.__globals__["open_context"](str(town.ctx.db.target.url), clock=town.clock)
    town.ctx = again
    second = do_confirm(town, town.martin, line, key="same-key")
    assert second.replayed and second.recap == first.recap
    assert counters(town, town.alsh, WED)[:2] == (1, 0)
    with town.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Movement)) == 1


def test_cancellation_promotes_the_head_of_the_waiting_list_before_new_bookings(town):
    do_confirm(town, town.martin, book(town.lea, town.alsh, WED), book(town.tom, town.alsh, WED))
    do_confirm(town, town.dubois, book(town.zoe, town.alsh, WED))  # waits
    # Tom leaves and, in the same draft, Léa's sister... Léa asks again another day: the
    # freed place goes to Zoé, who was waiting, not to the draft
    result = do_confirm(town, town.martin, cancel(town.tom, town.alsh, WED))
    assert outcomes(result) == [Outcome.CANCELLED]
    with town.uow() as uow:
        zoe = uow.session.scalar(select(Reservation).where(Reservation.child_id == town.zoe))
        promotion = uow.session.scalar(select(Movement).where(Movement.kind == MovementKind.PROMOTION))
    assert zoe.status is ReservationStatus.BOOKED
    assert promotion.family_id == town.dubois_family and promotion.outcome is MovementOutcome.ACCEPTED
    assert counters(town, town.alsh, WED) == (2, 0, {ReservationStatus.BOOKED: 2, ReservationStatus.CANCELLED: 1})


def test_cancelling_frees_the_place_for_a_booking_of_the_same_draft(town):
    do_confirm(town, town.martin, book(town.lea, town.alsh, WED), book(town.tom, town.alsh, WED))
    # staff swap: Tom out, Zoé in, in one draft where the booking comes first
    result = do_confirm(town, town.staff, book(town.zoe, town.alsh, WED), cancel(town.tom, town.alsh, WED))
    assert outcomes(result) == [Outcome.BOOKED, Outcome.CANCELLED]


def test_no_promotion_once_families_can_no_longer_cancel(town):
    do_confirm(town, town.martin, book(town.lea, town.alsh, WED), book(town.tom, town.alsh, WED))
    do_confirm(town, town.dubois, book(town.zoe, town.alsh, WED))
    town.clock.set(town.clock.now() + timedelta(days=11))  # Friday 25 September: deadline passed
    family_try = do_confirm(town, town.martin, cancel(town.tom, town.alsh, WED))
    assert outcomes(family_try) == [Outcome.REFUSED]
    staff = do_confirm(town, town.staff, cancel(town.tom, town.alsh, WED), override_reason="malade")
    assert outcomes(staff) == [Outcome.CANCELLED]
    booked, waiting, _ = counters(town, town.alsh, WED)
    assert (booked, waiting) == (1, 1)  # the place waits for staff; Zoé still on the list
    with town.uow() as uow:
        cancel_movement = uow.session.scalar(select(Movement).where(Movement.kind == MovementKind.CANCEL,
                                                                    Movement.outcome == MovementOutcome.CANCELLED))
    assert cancel_movement.deadline_override_reason == "malade"


def test_deadline_and_override(town):
    town.clock.set(town.clock.now() + timedelta(days=10, hours=2))  # Thursday 24 September 12:00 Paris
    late = do_confirm(town, town.martin, book(town.lea, town.alsh, WED))
    assert outcomes(late) == [Outcome.REFUSED]
    assert late.recap.lines[0].reason
    with pytest.raises(NotAuthorizedError):
        do_confirm(town, town.martin, book(town.lea, town.alsh, WED), override_reason="please")
    with pytest.raises(ValidationError):
        do_confirm(town, town.staff, book(town.lea, town.alsh, WED), override_reason="  ")
    assert outcomes(do_confirm(town, town.staff, book(town.lea, town.alsh, WED), override_reason="oubli")) == [Outcome.BOOKED]


def test_time_entry_prices_by_slot_and_refuses_other_times(town):
    result = do_confirm(
        town, town.martin,
        book(town.lea, town.aps, THU, time(7, 0), time(8, 20)),
        book(town.tom, town.aps, THU, time(6, 30), time(8, 20)),
        book(town.tom, town.aps, THU + timedelta(days=1)),
    )
    assert outcomes(result) == [Outcome.BOOKED, Outcome.REFUSED, Outcome.REFUSED]
    assert result.recap.lines[0].price == Decimal("2.40")
    change = do_confirm(town, town.martin, DraftLine(LineKind.CHANGE_TIMES, town.lea, town.aps, THU, time(8, 0), time(8, 20)))
    assert outcomes(change) == [Outcome.TIMES_CHANGED]
    assert change.recap.total == Decimal("-1.60")
    with town.uow() as uow:
        lea = uow.session.scalar(select(Reservation).where(Reservation.child_id == town.lea))
    assert (lea.arrival, lea.price_cents) == (time(8, 0), 80)


def test_each_bad_line_gets_its_own_reason_and_the_rest_goes_through(town):
    result = do_confirm(
        town, town.martin,
        book(town.lea, town.alsh, WED),
        book(town.lea, town.alsh, WED),  # twice
        book(town.lea, town.alsh, date(2026, 9, 29)),  # a Tuesday: not open
        book(town.lea, town.other_activity, WED),  # another structure's activity
        book(town.lea, 9999, WED),
        book(town.lea, town.alsh, date(2027, 9, 1)),  # outside the period
        cancel(town.tom, town.alsh, WED),  # nothing to cancel
    )
    assert outcomes(result) == [Outcome.BOOKED] + [Outcome.REFUSED] * 6
    assert all(line.reason for line in result.recap.lines[1:])


def test_families_act_only_for_their_own_children(town):
    with pytest.raises(NotAuthorizedError):
        do_confirm(town, town.dubois, book(town.lea, town.alsh, WED))
    with town.uow() as uow, pytest.raises(NotAuthorizedError):
        preview(uow, town.clock, town.dubois, Draft((book(town.lea, town.alsh, WED),)))
    assert counters(town, town.alsh, WED)[:2] == (0, 0)


def test_an_empty_draft_is_refused(town):
    with town.uow(write=True) as uow, pytest.raises(ValidationError):
        confirm(uow, town.clock, town.martin, Draft(), "k")


def test_db_check_sees_counters_that_drift_and_double_bookings(town):
    from sqlalchemy import text

    from famdesk.services.dbcheck import check_database

    do_confirm(town, town.martin, book(town.lea, town.alsh, WED), book(town.tom, town.alsh, WED))
    do_confirm(town, town.dubois, book(town.zoe, town.alsh, WED))
    with town.uow() as uow:
        assert check_database(uow) == []
    with town.uow(write=True) as uow:
        uow.session.execute(text("UPDATE activity_day SET booked_count = 3, waitlisted_count = 0 WHERE booked_count = 2"))
        uow.session.execute(text("DROP INDEX uq_reservation_active"))
        uow.session.execute(text(
            "INSERT INTO reservation (child_id, activity_id, activity_day_id, day, status, requested_at, source, price_cents)"
            " SELECT child_id, activity_id, activity_day_id, day, status, requested_at, source, price_cents"
            " FROM reservation WHERE child_id = :child"), {"child": town.lea})
        uow.commit()
    with town.uow() as uow:
        problems = check_database(uow)
    assert len(problems) == 3  # counters differ, 3 booked for 2 places, Léa twice
    assert any("MARTIN Léa" in p for p in problems)


def test_a_draft_that_cancels_a_place_and_the_child_promoted_to_it(town):
    do_confirm(town, town.martin, book(town.lea, town.alsh, WED), book(town.tom, town.alsh, WED))
    do_confirm(town, town.dubois, book(town.zoe, town.alsh, WED))
    result = do_confirm(town, town.staff, cancel(town.tom, town.alsh, WED), cancel(town.zoe, town.alsh, WED))
    assert outcomes(result) == [Outcome.CANCELLED, Outcome.CANCELLED]
    assert counters(town, town.alsh, WED) == (1, 0, {ReservationStatus.BOOKED: 1, ReservationStatus.CANCELLED: 2})


@pytest.mark.parametrize("claimed", [ReservationSource.DESK, ReservationSource.ANNUAL,
                                     ReservationSource.PORTAL])
def test_a_caller_cannot_claim_where_its_request_comes_from(town, claimed):
    with pytest.raises(ValidationError, match="seulement indiquer qu.elle est une recopie"):
        do_confirm(town, town.martin, book(town.lea, town.alsh, WED), source=claimed)
    with pytest.raises(ValidationError):
        do_confirm(town, town.staff, book(town.lea, town.alsh, WED), source=claimed)
    with town.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Reservation)) == 0
        assert uow.session.scalar(select(func.count()).select_from(Movement)) == 0


def test_the_source_is_the_portal_the_desk_or_a_copy(town):
    do_confirm(town, town.martin, book(town.lea, town.alsh, WED))
    do_confirm(town, town.staff, book(town.tom, town.alsh, WED))
    do_confirm(town, town.martin, book(town.lea, town.alsh, WED + timedelta(days=7)),
               source=ReservationSource.COPY)
    with town.uow() as uow:
        sources = uow.session.execute(
            select(Reservation.child_id, Reservation.source).order_by(Reservation.id)).all()
        movements = uow.session.scalars(select(Movement.source).order_by(Movement.id)).all()
    assert sources == [(town.lea, ReservationSource.PORTAL), (town.tom, ReservationSource.DESK),
                       (town.lea, ReservationSource.COPY)]
    assert movements == [ReservationSource.PORTAL, ReservationSource.DESK, ReservationSource.COPY]
