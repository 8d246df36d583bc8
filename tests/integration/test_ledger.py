"""The ledger and the transmission's debit: integer cents, one consumption per booked day
however often the night runs, one refund per day cancelled after its debit, a killed run
resumed, and `famdesk db check` on the money."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select, text

from famdesk.clock import FixedClock
from famdesk.errors import NotAuthorizedError, ValidationError
from famdesk.models import AuditEntry, LedgerEntry, Reservation
from famdesk.models.enums import LedgerKind, ReservationStatus
from famdesk.models.values import from_cents
from famdesk.services.dbcheck import check_database
from famdesk.services.draft import DraftLine, LineKind
from famdesk.services.ledger import adjust, amount_cents, balance_cents
from famdesk.services.transmission import transmit
from tests.conftest import CLOCK_START
from tests.integration.money import act, book, cancel, night, paris
from tests.integration.town import Town, build_town, school_days

WED = date(2026, 9, 30)
NEXT_WED = date(2026, 10, 7)
MORNING = (time(7, 0), time(8, 20))  # 3 slots of 30 minutes: 2,40 €


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    if request.param == "sqlite":
        return sqlite_url
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def town(sqlite_url: str):
    town = build_town(sqlite_url, FixedClock(CLOCK_START))
    yield town
    town.ctx.close()


def entries(town: Town, kind: LedgerKind | None = None) -> list[tuple]:
    with town.uow() as uow:
        query = select(LedgerEntry.reservation_id, LedgerEntry.kind, LedgerEntry.amount_cents)
        if kind is not None:
            query = query.where(LedgerEntry.kind == kind)
        return [tuple(row) for row in uow.session.execute(query.order_by(LedgerEntry.id))]


def reservation_id(town: Town, child: int, activity: int, day: date) -> int:
    with town.uow() as uow:
        return uow.session.scalar(select(Reservation.id).where(
            Reservation.child_id == child, Reservation.activity_id == activity,
            Reservation.day == day).order_by(Reservation.id.desc()))


def problems(town: Town) -> list[str]:
    with town.uow() as uow:
        return check_database(uow)


def test_a_raw_sum_of_ten_thousand_entries_is_the_decimal_sum(database_url: str) -> None:
    town = build_town(database_url, FixedClock(CLOCK_START))
    try:
        chance = random.Random(7)
        amounts = [chance.randint(-150_000, 150_000) for _ in range(10_000)]
        amounts += [1, 2, 7, -3]  # cents a float would lose after thousands of additions
        with town.uow(write=True) as uow:
            wallet = uow.session.execute(text("SELECT id FROM wallet ORDER BY id")).scalar()
            uow.session.execute(insert(LedgerEntry), [
                {"family_id": town.martin_family, "wallet_id": wallet, "kind": LedgerKind.ADJUSTMENT,
                 "amount_cents": cents, "reservation_id": None, "payment_id": None,
                 "label": "bulk", "created_at": CLOCK_START}
                for cents in amounts
            ])
            uow.commit()
        expected = sum((from_cents(cents) for cents in amounts), Decimal("0.00"))
        with town.uow() as uow:
            raw = uow.session.execute(text(
                "SELECT sum(amount_cents) FROM ledger_entry WHERE family_id = :f"),
                {"f": town.martin_family}).scalar()
            assert isinstance(raw, int)  # integers all the way: SQLite's NUMERIC would be a float
            assert from_cents(raw) == expected
            assert from_cents(balance_cents(uow, town.martin_family, wallet)) == expected
    finally:
        town.ctx.close()


def test_the_night_debits_each_booked_day_once_however_often_it_runs(town: Town) -> None:
    act(town, town.martin, book(town.lea, town.alsh, WED), book(town.lea, town.alsh, NEXT_WED),
        book(town.tom, town.aps, date(2026, 9, 28), MORNING))
    act(town, town.dubois, book(town.zoe, town.alsh, WED))
    act(town, town.dubois, cancel(town.zoe, town.alsh, WED))  # cancelled before: costs nothing

    first = night(town, WED)
    town.clock.advance(timedelta(hours=1))
    second = night(town, WED)

    lea_wed = reservation_id(town, town.lea, town.alsh, WED)
    tom_mon = reservation_id(town, town.tom, town.aps, date(2026, 9, 28))
    assert sorted(entries(town)) == sorted([
        (lea_wed, LedgerKind.CONSUMPTION, -600),  # QF 450: 6,00 €
        (tom_mon, LedgerKind.CONSUMPTION, -240),
    ])
    assert sum(first.steps.values()) == 2 and sum(second.steps.values()) == 0
    with town.uow() as uow:
        assert balance_cents(uow, town.martin_family) == -840
        assert balance_cents(uow, town.dubois_family) == 0
    assert problems(town) == []


def test_the_days_debited_are_those_up_to_the_structures_local_date(town: Town) -> None:
    thursday = date(2026, 10, 1)
    act(town, town.martin, book(town.lea, town.alsh, WED), book(town.lea, town.aps, thursday, MORNING))
    town.clock.set(datetime(2026, 9, 30, 21, 30, tzinfo=UTC))  # 23:30 in Paris: still Wednesday
    transmit(town.ctx.db, town.clock, lambda _s: None)
    assert [e[2] for e in entries(town)] == [-600]
    town.clock.set(datetime(2026, 9, 30, 22, 30, tzinfo=UTC))  # 00:30 in Paris: Thursday
    transmit(town.ctx.db, town.clock, lambda _s: None)
    assert sorted(e[2] for e in entries(town)) == [-600, -240]


def test_a_day_cancelled_after_its_debit_is_refunded_once(town: Town) -> None:
    act(town, town.martin, book(town.lea, town.alsh, WED))
    night(town, WED)
    town.clock.set(paris(date(2026, 10, 1), 9))
    answer = act(town, town.staff, cancel(town.lea, town.alsh, WED), reason="Enfant absent, malade")
    assert answer.recap.lines[0].outcome.value == "cancelled"
    with town.uow() as uow:
        assert balance_cents(uow, town.martin_family) == -600  # refunded by the night

    night(town, date(2026, 10, 1))
    night(town, date(2026, 10, 2))

    lea_wed = reservation_id(town, town.lea, town.alsh, WED)
    assert entries(town) == [(lea_wed, LedgerKind.CONSUMPTION, -600), (lea_wed, LedgerKind.REFUND, 600)]
    with town.uow() as uow:
        assert balance_cents(uow, town.martin_family) == 0
    assert problems(town) == []


def test_a_debited_day_whose_times_change_is_corrected_once(town: Town) -> None:
    monday = date(2026, 9, 28)
    act(town, town.martin, book(town.tom, town.aps, monday, MORNING))
    night(town, monday)
    town.clock.set(paris(date(2026, 9, 29), 9))
    act(town, town.staff, DraftLine(LineKind.CHANGE_TIMES, town.tom, town.aps, monday, time(7, 30),
                                    time(8, 20)), reason="Arrivé à 7h30")
    night(town, date(2026, 9, 29))
    night(town, date(2026, 9, 30))

    tom = reservation_id(town, town.tom, town.aps, monday)
    assert entries(town) == [(tom, LedgerKind.CONSUMPTION, -240), (tom, LedgerKind.ADJUSTMENT, 80)]
    assert problems(town) == []


class Killed(Exception):
    pass


def test_a_run_killed_in_the_middle_of_the_debit_resumes_without_doubling(town: Town) -> None:
    days = school_days(date(2026, 9, 21), date(2026, 10, 23), {0, 1, 3, 4})
    act(town, town.martin, *[book(child, town.aps, day, MORNING) for day in days
                            for child in (town.lea, town.tom)])
    act(town, town.dubois, *[book(town.zoe, town.alsh, day) for day in
                             school_days(date(2026, 9, 23), date(2026, 10, 21), {2})])
    calls = []

    def crash(step: str, done: int, total: int) -> None:
        calls.append((step, done, total))
        if len(calls) == 4:
            raise Killed

    with pytest.raises(Killed):
        night(town, date(2026, 10, 23), progress=crash, mark_batch=5)
    assert len(entries(town)) == 20  # four batches of five made it
    night(town, date(2026, 10, 23), mark_batch=5)

    consumptions = entries(town, LedgerKind.CONSUMPTION)
    assert len(consumptions) == len({e[0] for e in consumptions}) == 2 * len(days) + 5
    with town.uow() as uow:
        booked = uow.session.scalar(select(func.sum(Reservation.price_cents)).where(
            Reservation.status == ReservationStatus.BOOKED))
        assert -sum(e[2] for e in consumptions) == booked
    assert problems(town) == []


def test_the_ledger_is_append_only(town: Town) -> None:
    act(town, town.martin, book(town.lea, town.alsh, WED))
    night(town, WED)
    with town.uow(write=True) as uow, pytest.raises(ValueError, match="cannot be changed"):
        entry = uow.session.scalars(select(LedgerEntry)).one()
        entry.amount_cents = 0
        uow.session.flush()
    with town.uow(write=True) as uow, pytest.raises(ValueError, match="cannot be changed"):
        uow.session.delete(uow.session.scalars(select(LedgerEntry)).one())
        uow.session.flush()


def test_staff_adjust_a_wallet_with_a_reason_that_is_audited(town: Town) -> None:
    with town.uow(write=True) as uow:
        wallet = uow.session.execute(text("SELECT id FROM wallet WHERE structure_id = :s"),
                                     {"s": town.structure_id}).scalar()
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as no_reason:
        adjust(uow, town.clock, town.staff, town.martin_family, wallet, Decimal("5"), "  ")
    assert no_reason.value.field == "reason"
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        adjust(uow, town.clock, town.martin, town.martin_family, wallet, Decimal("5"), "Geste")
    with town.uow(write=True) as uow:
        done = adjust(uow, town.clock, town.staff, town.martin_family, wallet, "-3,20",
                      "Repas non servi (sortie scolaire)", terminal="ACCUEIL-1")
    assert done.amount == Decimal("-3.20") and done.balance == Decimal("-3.20")
    with town.uow() as uow:
        audit = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "ledger_adjustment")).one()
        assert audit.actor_account_id == town.staff.account_id and audit.terminal == "ACCUEIL-1"
        assert "Repas non servi" in audit.detail and "-320" in audit.detail


@pytest.mark.parametrize("typed, field_message", [
    ("0", "supérieur à zéro"), ("-1", "supérieur à zéro"), ("1.234", "deux décimales"),
    ("10000.01", "dépasser 10"), ("abc", "n’est pas un montant"), ("", "Saisissez"),
])
def test_amounts_typed_at_the_desk_are_checked(typed: str, field_message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        amount_cents(typed)
    assert field_message in str(refused.value)


def test_amounts_typed_the_french_way() -> None:
    assert amount_cents("1 234,50 €") == 123_450
    assert amount_cents(Decimal("10000")) == 1_000_000
    assert amount_cents("-2,5", allow_negative=True) == -250


def test_db_check_finds_money_problems_planted(town: Town) -> None:
    act(town, town.martin, book(town.lea, town.alsh, WED), book(town.tom, town.alsh, WED),
        book(town.lea, town.alsh, NEXT_WED))
    night(town, WED)
    lea, tom = (reservation_id(town, c, town.alsh, WED) for c in (town.lea, town.tom))
    later = reservation_id(town, town.lea, town.alsh, NEXT_WED)
    assert problems(town) == []
    with town.uow(write=True) as uow:  # behind the model's back, as a broken tool would
        wallet = uow.session.execute(text("SELECT min(id) FROM wallet")).scalar()
        uow.session.execute(text("DELETE FROM ledger_entry WHERE reservation_id = :r"), {"r": lea})
        uow.session.execute(text("UPDATE ledger_entry SET amount_cents = -500 WHERE reservation_id = :r"),
                            {"r": tom})
        uow.session.execute(insert(LedgerEntry).values(
            family_id=town.martin_family, wallet_id=wallet, kind=LedgerKind.CONSUMPTION,
            amount_cents=-600, reservation_id=later, label="", created_at=town.clock.now()))
        uow.session.execute(insert(LedgerEntry).values(
            family_id=town.martin_family, wallet_id=wallet, kind=LedgerKind.REFUND,
            amount_cents=-100, reservation_id=lea, label="", created_at=town.clock.now()))
        uow.commit()

    found = problems(town)

    assert any("MARTIN Léa, ALSH MERCREDI 30/09/2026" in p and "pas été débitée" in p for p in found), found
    assert any("MARTIN Tom" in p and "-5,00" in p and "-6,00" in p for p in found), found
    assert any("07/10/2026" in p and "avant" in p for p in found), found
    assert any("mauvais signe" in p for p in found), found
    assert any("jamais été débité" in p for p in found), found


def test_two_nights_at_once_on_postgresql_debit_each_day_once(postgres_url: str) -> None:
    import threading

    from famdesk.config import resolve_database
    from famdesk.services.database import Database

    unlocked_transmit = transmit.__wrapped__  # type: ignore[attr-defined]
    town = build_town(postgres_url, FixedClock(CLOCK_START))
    try:
        days = school_days(date(2026, 9, 21), date(2026, 10, 16), {0, 1, 3, 4})
        act(town, town.martin, *[book(child, town.aps, day, MORNING) for day in days
                                for child in (town.lea, town.tom)])
        act(town, town.staff, cancel(town.lea, town.aps, days[0]), reason="Absente")
        clock = FixedClock(paris(date(2026, 10, 16)))
        errors: list[BaseException] = []

        def run_night() -> None:
            db = Database(resolve_database(postgres_url), pooled=False)
            try:
                # past the one-run-at-a-time lock: the debit alone must stay exact
                unlocked_transmit(db, clock, lambda _s: None, mark_batch=3)
            except BaseException as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)
            finally:
                db.dispose()

        nights = [threading.Thread(target=run_night) for _ in range(2)]
        for thread in nights:
            thread.start()
        for thread in nights:
            thread.join(timeout=120)
        assert not errors, errors
        consumptions = entries(town, LedgerKind.CONSUMPTION)
        assert len(consumptions) == len({e[0] for e in consumptions}) == 2 * len(days) - 1
        assert entries(town, LedgerKind.REFUND) == []
        assert problems(town) == []
    finally:
        town.ctx.close()
