"""Closing a day that has reservations, on real SQLite and PostgreSQL databases: first who is
affected, then every reservation cancelled at no charge with its movement, a debited day
refunded once, each family told by e-mail in French, the open day gone — never silently."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from famdesk.errors import ValidationError
from famdesk.models import (
    ActivityDay,
    AuditEntry,
    LedgerEntry,
    Movement,
    OutboxMessage,
    Reservation,
)
from famdesk.models.enums import LedgerKind, MovementKind, MovementOutcome, ReservationStatus
from famdesk.services.auth import SYSTEM
from famdesk.services.backoffice import close_days, closure_preview, open_day
from famdesk.services.booking import confirm
from famdesk.services.dbcheck import check_database
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.ledger import balance_cents
from famdesk.services.setup import people
from famdesk.services.transmission import transmit
from tests.integration.backoffice import manager
from tests.integration.town import YEAR_END, YEAR_START, build_town

WED = date(2026, 9, 30)
THU = date(2026, 9, 17)
STRIKE = "Grève du personnel"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def town(request, sqlite_url, clock):
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    town = build_town(url, clock)
    yield town
    town.ctx.close()


@pytest.fixture
def admin(town):
    return manager(town)


def book(town, session, child, activity=None, day=WED, times=(None, None)):
    town.clock.advance(timedelta(seconds=1))
    line = DraftLine(LineKind.BOOK, child, activity or town.alsh, day, *times)
    with town.uow(write=True) as uow:
        result = confirm(uow, town.clock, session, Draft((line,)), uuid.uuid4().hex)
    return result.recap.lines[0].outcome.value


@pytest.fixture
def wednesday(town):
    """Léa and Zoé booked, Tom waiting, on the club's Wednesday."""
    assert [book(town, town.martin, town.lea), book(town, town.dubois, town.zoe),
            book(town, town.martin, town.tom)] == ["booked", "booked", "waitlisted"]


def preview(town, admin, first, last=None, activity=None):
    with town.uow() as uow:
        return closure_preview(uow, town.clock, admin, activity or town.alsh, first, last)


def close(town, admin, first, last=None, activity=None, **options):
    with town.uow(write=True) as uow:
        return close_days(uow, town.clock, admin, activity or town.alsh, first, last,
                          terminal="BUREAU-1", **options)


def mails(town):
    with town.uow() as uow:
        return {m.recipient: m for m in uow.session.scalars(select(OutboxMessage))}


def is_open(town, day=WED, activity=None):
    with town.uow() as uow:
        return uow.session.scalar(select(ActivityDay.id).where(
            ActivityDay.activity_id == (activity or town.alsh), ActivityDay.day == day)) is not None


def test_the_preview_says_who_is_affected(town, admin, wednesday):
    shown = preview(town, admin, WED)
    assert (shown.days, shown.affected, shown.booked, shown.waitlisted, shown.families) == (
        (WED,), 3, 2, 1, 2)
    assert [(r.child_name, r.family_name, r.status.value) for r in shown.reservations] == [
        ("DUBOIS Zoé", "Mme DUBOIS Camille", "booked"), ("MARTIN Léa", "M. MARTIN Hugo", "booked"),
        ("MARTIN Tom", "M. MARTIN Hugo", "waitlisted")]
    assert shown.summary == ("1 jour ouvert ferme. 3 réservations sont annulées sans frais "
                             "(2 familles, prévenues par e-mail).")
    assert is_open(town) and mails(town) == {}


def test_closing_cancels_without_charge_tells_each_family_and_removes_the_day(town, admin,
                                                                             wednesday):
    result = close(town, admin, WED, reason=STRIKE, expected_reservations=3)

    assert (result.closed, result.cancelled, result.families, result.refunded,
            result.emails_queued, result.families_without_email) == (
        (WED,), 3, 2, Decimal("0.00"), 2, ())
    assert not is_open(town)
    with town.uow() as uow:
        reservations = list(uow.session.scalars(select(Reservation)))
        movements = list(uow.session.scalars(
            select(Movement).where(Movement.kind == MovementKind.CANCEL)))
        [entry] = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "days_closed"))
        assert uow.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
        assert check_database(uow) == []
    assert {(r.status, r.activity_day_id) for r in reservations} == {
        (ReservationStatus.CANCELLED, None)}
    assert len(movements) == 3
    assert {(m.outcome, m.remark, m.actor_account_id, m.terminal) for m in movements} == {
        (MovementOutcome.CANCELLED, f"jour fermé : {STRIKE}", admin.account_id, "BUREAU-1")}
    assert {m.on_behalf_family_id for m in movements} == {town.martin_family, town.dubois_family}
    assert STRIKE in entry.detail and entry.terminal == "BUREAU-1"

    martin = mails(town)["martin@example.org"]
    assert martin.subject == "ALSH MERCREDI : fermeture"
    assert martin.body_text == (
        "M. MARTIN Hugo\n\n"
        "L'activité ALSH MERCREDI est fermée le 30/09/2026.\n"
        f"Motif : {STRIKE}\n\n"
        "Vos réservations ci-dessous sont annulées, sans frais :\n"
        "         MARTIN Léa : mer. 30/09 (réservé)\n"
        "         MARTIN Tom : mer. 30/09 (en liste d'attente)\n\n"
        "Vous pouvez consulter l'état de vos réservations sur le portail famille.\n")
    assert "DUBOIS Zoé : mer. 30/09 (réservé)" in mails(town)["dubois@example.org"].body_text

    # the day is closed for the families now; opened again by hand, it is bookable again
    assert book(town, town.martin, town.lea) == "refused"
    with town.uow(write=True) as uow:
        open_day(uow, town.clock, admin, town.alsh, WED, 2, 1)
    assert book(town, town.martin, town.lea) == "booked"


def test_a_debited_day_is_refunded_once(town, admin):
    assert book(town, town.martin, town.lea, town.aps, THU, (time(7, 30), time(8, 20))) == "booked"
    town.clock.set(datetime(2026, 9, 17, 4, 0, tzinfo=UTC))  # Thursday 06:00 in Paris
    transmit(town.ctx.db, town.clock, lambda _structure: None)  # debits today's 1,60 €
    with town.uow() as uow:
        assert balance_cents(uow, town.martin_family) == -160

    shown = preview(town, admin, THU, activity=town.aps)
    assert (shown.refund, shown.reservations[0].refund) == (Decimal("1.60"), Decimal("1.60"))
    assert "1,60\xa0€ déjà débités sont remboursés." in shown.summary

    result = close(town, admin, THU, activity=town.aps, reason="Sortie annulée")
    assert result.refunded == Decimal("1.60")
    transmit(town.ctx.db, town.clock, lambda _structure: None)  # settles nothing more
    with town.uow() as uow:
        refunds = list(uow.session.scalars(select(LedgerEntry).where(
            LedgerEntry.kind == LedgerKind.REFUND)))
        assert balance_cents(uow, town.martin_family) == 0
        assert check_database(uow) == []
    assert [(r.amount_cents, r.family_id) for r in refunds] == [(160, town.martin_family)]
    with town.uow() as uow:
        [told] = uow.session.scalars(select(OutboxMessage).where(
            OutboxMessage.subject == "APS MATIN : fermeture"))
    assert told.recipient == "martin@example.org"
    assert "1,60\xa0€ déjà débités sont remboursés sur votre porte-monnaie Périscolaire." in told.body_text


def test_a_family_without_an_address_is_named_to_be_called(town, admin):
    with town.uow(write=True) as uow:
        family = people.create_family(uow, SYSTEM, town.structure_id, None, "Mme", "Petit", "Anne")
        child = people.add_child(uow, SYSTEM, family, "Noé", "Petit", date(2019, 2, 3))
        people.register_child(uow, SYSTEM, child, town.alsh, YEAR_START, YEAR_END)
        uow.commit()
    assert book(town, town.staff, child) == "booked"
    shown = preview(town, admin, WED)
    assert shown.families_without_email == ("Mme PETIT Anne",)
    assert shown.summary.endswith("1 famille n'a pas d'adresse e-mail : appelez-la.")
    result = close(town, admin, WED, reason=STRIKE)
    assert (result.emails_queued, result.families_without_email) == (0, ("Mme PETIT Anne",))


def test_a_range_closes_its_open_days_and_a_day_without_bookings_needs_no_reason(town, admin):
    result = close(town, admin, date(2026, 10, 1), date(2026, 10, 31))
    assert result.closed == (date(2026, 10, 7), date(2026, 10, 14), date(2026, 10, 21),
                             date(2026, 10, 28))
    assert (result.cancelled, result.emails_queued) == (0, 0)
    assert not is_open(town, date(2026, 10, 14)) and is_open(town, date(2026, 11, 4))


@pytest.mark.parametrize(("first", "options", "field", "message"), [
    (WED, {}, "reason", "Indiquez le motif : il est communiqué aux familles."),
    (WED, {"reason": STRIKE, "expected_reservations": 2}, None,
     "Les réservations de ces jours ont changé depuis leur décompte (2 alors, 3 maintenant) : "
     "regardez-les à nouveau avant de fermer."),
    (date(2026, 9, 9), {"reason": STRIKE}, "first",
     "Ces jours sont passés : ils ne peuvent plus être fermés."),
    (date(2026, 10, 1), {"reason": STRIKE}, "first", "Aucun jour ouvert à fermer sur cette période."),
])
def test_a_refused_closure_changes_nothing(town, admin, wednesday, first, options, field, message):
    with pytest.raises(ValidationError) as refused:
        close(town, admin, first, **options)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert is_open(town) and mails(town) == {}
    assert preview(town, admin, WED).affected == 3
