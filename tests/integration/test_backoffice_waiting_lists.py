"""Waiting lists in the back office, on real SQLite and PostgreSQL databases: the ordered
list, a promotion by hand once families may no longer cancel, a removal with its reason told
to the family, both audited."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from famdesk.errors import NotFoundError, ValidationError
from famdesk.models import AuditEntry, Movement, OutboxMessage, Reservation
from famdesk.models.enums import MovementKind, ReservationStatus
from famdesk.services.backoffice import (
    promote_waiting,
    remove_waiting,
    set_places,
    waiting_days,
    waiting_list,
)
from famdesk.services.booking import confirm
from famdesk.services.draft import Draft, DraftLine, LineKind
from tests.integration.backoffice import manager
from tests.integration.town import build_town

WED = date(2026, 9, 30)  # families may cancel until Thursday 24 September 12:00
AFTER_DEADLINE = datetime(2026, 9, 25, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def town(request, sqlite_url, clock):
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    town = build_town(url, clock)
    yield town
    town.ctx.close()


@pytest.fixture
def admin(town):
    return manager(town)


def book(town, session, child):
    town.clock.advance(timedelta(minutes=1))
    with town.uow(write=True) as uow:
        result = confirm(uow, town.clock, session,
                         Draft((DraftLine(LineKind.BOOK, child, town.alsh, WED),)), uuid.uuid4().hex)
    return result.recap.lines[0].outcome.value


@pytest.fixture
def full(town):
    """Léa and Tom booked; Zoé waits (the list holds one)."""
    assert [book(town, town.martin, town.lea), book(town, town.martin, town.tom),
            book(town, town.dubois, town.zoe)] == ["booked", "booked", "waitlisted"]


def listed(town, admin):
    with town.uow() as uow:
        return waiting_list(uow, town.clock, admin, town.alsh, WED)


def test_the_list_in_its_order_with_the_day_s_places(town, admin, full):
    shown = listed(town, admin)
    [zoe] = shown.entries
    assert (zoe.position, zoe.child_name, zoe.family_name, zoe.requested_at_text) == (
        1, "DUBOIS Zoé", "Mme DUBOIS Camille", "14/09/2026 10:03")
    assert (shown.capacity, shown.booked, shown.free_places, shown.can_promote,
            shown.families_may_cancel) == (2, 2, 0, False, True)
    with town.uow() as uow:
        days = waiting_days(uow, town.clock, admin, town.structure_id)
    assert [(d.activity_label, d.day, d.waiting, d.free_places) for d in days] == [
        ("ALSH MERCREDI", WED, 1, 0)]


def test_a_place_added_after_the_deadline_waits_for_a_promotion_by_hand(town, admin, full):
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as no_place:
        promote_waiting(uow, town.clock, admin, town.alsh, WED)
    assert no_place.value.message == (
        "Aucune place n’est libre ce jour-là : augmentez d’abord la capacité.")
    town.clock.set(AFTER_DEADLINE)
    with town.uow(write=True) as uow:
        set_places(uow, town.clock, admin, town.alsh, WED, WED, 3)
    shown = listed(town, admin)
    assert (len(shown.entries), shown.free_places, shown.can_promote,
            shown.families_may_cancel) == (1, 1, True, False)

    with town.uow(write=True) as uow:
        after = promote_waiting(uow, town.clock, admin, town.alsh, WED, shown.entries[0].reservation_id,
                                terminal="BUREAU-1")

    assert (after.entries, after.booked, after.free_places) == ((), 3, 0)
    with town.uow() as uow:
        [promotion] = uow.session.scalars(select(Movement).where(
            Movement.kind == MovementKind.PROMOTION))
        [entry] = uow.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "waitlist_promoted"))
    assert (promotion.child_id, promotion.actor_account_id) == (town.zoe, admin.account_id)
    assert entry.terminal == "BUREAU-1"


def test_a_child_removed_from_the_list_is_told_why(town, admin, full):
    zoe = listed(town, admin).entries[0].reservation_id
    with town.uow(write=True) as uow:
        after = remove_waiting(uow, town.clock, admin, town.alsh, WED, zoe,
                               "  Inscription en double ", terminal="BUREAU-1")

    assert after.entries == ()
    with town.uow() as uow:
        reservation = uow.session.get_one(Reservation, zoe)
        [movement] = uow.session.scalars(select(Movement).where(
            Movement.reservation_id == zoe, Movement.kind == MovementKind.CANCEL))
        [mail] = uow.session.scalars(select(OutboxMessage))
        [entry] = uow.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "waitlist_removed"))
    assert reservation.status is ReservationStatus.CANCELLED
    assert movement.remark == "retiré(e) de la liste d'attente : Inscription en double"
    assert (mail.recipient, mail.subject) == ("dubois@example.org", "ALSH MERCREDI : liste d'attente")
    assert mail.body_text == (
        "Mme DUBOIS Camille\n\n"
        "DUBOIS Zoé a été retiré(e) de la liste d'attente de ALSH MERCREDI pour le mercredi "
        "30 septembre 2026.\n\n"
        "Motif : Inscription en double\n\n"
        "Vous pouvez consulter l'état de vos réservations sur le portail famille.\n")
    assert entry.on_behalf_family_id == town.dubois_family and '"emailed": true' in entry.detail
    assert book(town, town.dubois, town.zoe) == "waitlisted"  # the list has room again


def test_a_removal_needs_a_reason_and_a_child_of_the_list(town, admin, full):
    zoe = listed(town, admin).entries[0].reservation_id
    with town.uow() as uow:
        lea_booked = uow.session.scalar(select(Reservation.id).where(Reservation.child_id == town.lea))
    for reservation, reason, error, message in [
        (zoe, " ", ValidationError, "Indiquez le motif : il est communiqué aux familles."),
        (lea_booked, "Erreur", NotFoundError,
         "Cette réservation n’est pas sur la liste d’attente de ce jour."),
    ]:
        with town.uow(write=True) as uow, pytest.raises(error) as refused:
            remove_waiting(uow, town.clock, admin, town.alsh, WED, reservation, reason)
        assert refused.value.message == message
    assert [e.child_id for e in listed(town, admin).entries] == [town.zoe]
