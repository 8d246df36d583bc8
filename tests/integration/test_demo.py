"""`famdesk demo` on a real SQLite file: the town, its rules, its accounts, `db check`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from famdesk.bootstrap import AppContext, open_context
from famdesk.clock import FixedClock
from famdesk.errors import ValidationError
from famdesk.models import (
    Activity,
    ActivityDay,
    Child,
    Family,
    News,
    QuotientFamilial,
    Registration,
    Structure,
    Wallet,
)
from famdesk.models.enums import Role, TariffMode, TimeKind
from famdesk.models.values import DeadlineRule
from famdesk.secrets import MemorySecretStore
from famdesk.services import setup
from famdesk.services.auth import SYSTEM, authenticate, family_of
from famdesk.services.dbcheck import check_database
from famdesk.services.demo import DEMO_PASSWORD, build_demo, demo_accounts
from famdesk.services.uow import UnitOfWork

TODAY = date(2026, 11, 27)
DEMOVILLE = "Mairie de Démoville"
TILLEULS = "Centre social des Tilleuls"
J2_NOON = DeadlineRule.days_before(2, "working", time(12, 0))


def _clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))


def _open(path: Path) -> AppContext:
    return open_context("sqlite:///" + str(path), clock=_clock(), secrets=MemorySecretStore())


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    """A demo database shared by the tests that only read it."""
    ctx = _open(tmp_path_factory.mktemp("demo") / "d.db")
    build_demo(ctx, today=TODAY, reset=False)
    yield ctx
    ctx.close()


@pytest.fixture
def fresh_demo(tmp_path: Path) -> Iterator[AppContext]:
    """A demo database of this test alone, which it may change."""
    ctx = _open(tmp_path / "d.db")
    build_demo(ctx, today=TODAY, reset=False)
    yield ctx
    ctx.close()


def _activity(uow: UnitOfWork, structure: str, label: str) -> Activity:
    return uow.session.scalars(
        select(Activity).join(Structure).where(Structure.name == structure, Activity.label == label)
    ).one()


def _days(uow: UnitOfWork, activity: Activity) -> dict[date, ActivityDay]:
    rows = uow.session.scalars(select(ActivityDay).where(ActivityDay.activity_id == activity.id))
    return {row.day: row for row in rows}


def _times(activity: Activity, weekday: int, kind: TimeKind) -> list[time]:
    return [o.at for o in activity.time_options if o.weekday == weekday and o.kind is kind]


def _brackets(activity: Activity) -> list[tuple[int, int | None, int]]:
    return [(b.qf_min, b.qf_max, b.amount_cents) for b in activity.brackets]


def _snapshot(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(connection.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def test_structures_wallets_and_news(demo: AppContext) -> None:
    with UnitOfWork(demo.db) as uow:
        structures = {s.name: s for s in uow.session.scalars(select(Structure))}
        assert set(structures) == {DEMOVILLE, TILLEULS}
        for structure in structures.values():
            assert structure.holiday_zone == "B"
            assert structure.timezone == "Europe/Paris"
            shown = [n for n in structure.news if n.published_from <= TODAY <= (n.published_until or TODAY)]
            assert 2 <= len(shown) <= 3, structure.name
        assert [w.label for w in structures[DEMOVILLE].wallets] == ["Restauration", "Périscolaire"]
        assert structures[TILLEULS].wallets
        titles = [n.title for n in uow.session.scalars(select(News))]
        assert "Inscriptions : vacances de Noël" in titles
        assert "Fermeture exceptionnelle le mercredi 16 décembre" in titles


def test_morning_and_evening_care(demo: AppContext) -> None:
    with UnitOfWork(demo.db) as uow:
        for label, arrivals, departures, capacity, waitlist in (
            ("APS MATIN", [time(7, 0), time(7, 30), time(8, 0)], [time(8, 20)], 12, 4),
            ("APS SOIR", [time(16, 30)], [time(17, 30), time(18, 0), time(18, 30)], 15, 5),
        ):
            activity = _activity(uow, DEMOVILLE, label)
            assert activity.time_entry
            assert activity.tariff_mode is TariffMode.SLOT and activity.slot_minutes == 30
            assert _brackets(activity) == [(0, None, 80)]
            assert activity.booking_rule == J2_NOON
            assert activity.cancellation_rule == J2_NOON
            assert activity.wallet.label == "Périscolaire"
            for weekday in (0, 1, 3, 4):
                assert _times(activity, weekday, TimeKind.ARRIVAL) == arrivals
                assert _times(activity, weekday, TimeKind.DEPARTURE) == departures
            assert not _times(activity, 2, TimeKind.ARRIVAL)  # no care on Wednesdays
            days = _days(uow, activity)
            assert {d.weekday() for d in days} == {0, 1, 3, 4}
            assert {(d.capacity, d.waitlist_size) for d in days.values()} == {(capacity, waitlist)}


def test_school_catering(demo: AppContext) -> None:
    with UnitOfWork(demo.db) as uow:
        activity = _activity(uow, DEMOVILLE, "RESTAURATION")
        assert activity.tariff_mode is TariffMode.UNIT and activity.slot_minutes is None
        assert not activity.time_entry
        assert _brackets(activity) == [(0, 450, 100), (451, 800, 210), (801, None, 320)]
        assert activity.booking_rule == DeadlineRule.days_before(2, "working", time(10, 0))
        assert activity.annual_allowed and activity.lead_days == 2
        assert activity.wallet.label == "Restauration"
        days = _days(uow, activity)
        assert {(d.capacity, d.waitlist_size) for d in days.values()} == {(120, 0)}
        assert date(2026, 11, 27) in days and date(2026, 11, 30) in days
        assert date(2026, 11, 11) not in days  # Armistice
        assert date(2027, 3, 29) not in days  # lundi de Pâques
        christmas = [date(2026, 12, 19) + timedelta(days=n) for n in range(16)]
        assert not set(christmas) & set(days)
        assert not {d for d in days if date(2026, 10, 17) <= d <= date(2026, 11, 1)}  # Toussaint


def test_leisure_centres(demo: AppContext) -> None:
    with UnitOfWork(demo.db) as uow:
        wednesday = _activity(uow, DEMOVILLE, "ALSH MERCREDI")
        assert wednesday.booking_rule == DeadlineRule.weekday_before(3, 1, time(12, 0))
        assert wednesday.booking_horizon_days == 60
        assert _brackets(wednesday) == [(0, 450, 600), (451, 800, 950), (801, None, 1300)]
        days = _days(uow, wednesday)
        assert {d.weekday() for d in days} == {2}
        assert {(d.capacity, d.waitlist_size) for d in days.values()} == {(24, 6)}
        assert date(2026, 11, 18) in days
        assert date(2026, 11, 11) not in days  # a Wednesday, and Armistice
        assert date(2026, 12, 23) not in days  # Christmas holidays

        holidays = _activity(uow, DEMOVILLE, "ALSH VACANCES")
        assert holidays.during_school_holidays_only
        assert len(holidays.brackets) == 3
        days = _days(uow, holidays)
        assert {(d.capacity, d.waitlist_size) for d in days.values()} == {(40, 10)}
        for day in (date(2026, 10, 19), date(2026, 12, 21), date(2026, 12, 24), date(2026, 12, 31)):
            assert day in days, day
        assert date(2026, 12, 25) not in days and date(2027, 1, 1) not in days
        assert date(2026, 11, 27) not in days  # school time
        assert all(d.weekday() < 5 for d in days)

        assert _activity(uow, TILLEULS, "ALSH MERCREDI").label == "ALSH MERCREDI"


def test_school_year_and_booking_window(demo: AppContext) -> None:
    with UnitOfWork(demo.db) as uow:
        for activity in uow.session.scalars(select(Activity)):
            assert (activity.period_start, activity.period_end) == (date(2026, 9, 1), date(2027, 7, 2))
            assert activity.booking_opens_at is not None
            assert activity.booking_opens_at < datetime(2026, 9, 1, tzinfo=UTC) - timedelta(weeks=4)
            days = _days(uow, activity)
            assert days and all(activity.period_start <= d <= activity.period_end for d in days)


def test_the_martin_family(demo: AppContext) -> None:
    with UnitOfWork(demo.db) as uow:
        family = uow.session.scalars(select(Family).where(Family.last_name == "Martin")).one()
        assert family.holder_name == "M. MARTIN Hugo"
        assert family.account is not None and family.account.login == "martin"
        assert family.account.email == "martin@example.org"
        assert [c.first_name for c in family.children] == ["Inès", "Léa", "Tom"]
        for child in family.children:
            assert child.school and child.class_name and child.birth_date.year >= 2015
        quotients = [(q.value, q.valid_from, q.valid_until) for q in family.quotients]
        assert quotients == [
            (620, date(2026, 9, 1), date(2026, 12, 31)),
            (480, date(2027, 1, 1), None),
        ]
        lea = next(c for c in family.children if c.first_name == "Léa")
        registered = uow.session.scalars(
            select(Activity.label)
            .join(Registration, Registration.activity_id == Activity.id)
            .where(Registration.child_id == lea.id)
        )
        assert set(registered) == {"APS MATIN", "APS SOIR", "RESTAURATION", "ALSH MERCREDI", "ALSH VACANCES"}
        assert uow.session.scalar(select(QuotientFamilial).limit(1)) is not None


def test_every_child_is_registered_in_its_own_structure(demo: AppContext) -> None:
    with UnitOfWork(demo.db) as uow:
        children = list(uow.session.scalars(select(Child)))
        assert len(children) >= 6
        for child in children:
            activities = list(
                uow.session.scalars(
                    select(Activity).join(Registration).where(Registration.child_id == child.id)
                )
            )
            assert activities, child.full_name
            assert {a.structure_id for a in activities} == {child.family.structure_id}


def test_one_family_account_sees_both_structures(demo: AppContext) -> None:
    with UnitOfWork(demo.db, write=True) as uow:
        session = authenticate(uow, demo.clock, "dubois", DEMO_PASSWORD)
        assert {s.name for s in session.structures} == {DEMOVILLE, TILLEULS}
        for choice in session.structures:
            family = family_of(uow, session, choice.id)
            assert family is not None and family.holder_name == "Mme DUBOIS Camille"


def test_every_demo_account_logs_in_with_the_published_password(demo: AppContext) -> None:
    with UnitOfWork(demo.db) as uow:
        accounts = demo_accounts(uow)
    assert [a.login for a in accounts] == ["admin", "accueil", "martin", "dubois", "petit", "leroy"]
    assert {a.role for a in accounts} == {Role.ADMIN, Role.STAFF, Role.FAMILY}
    assert all(a.password == DEMO_PASSWORD for a in accounts)
    for account in accounts:
        with UnitOfWork(demo.db, write=True) as uow:
            session = authenticate(uow, demo.clock, account.login, account.password)
        assert session.role is account.role
        assert session.display_name == account.name
        assert len(session.structures) >= 1
    with UnitOfWork(demo.db, write=True) as uow:
        staff = authenticate(uow, demo.clock, "accueil", DEMO_PASSWORD)
    assert len(staff.structures) == 2


def test_no_demo_accounts_on_a_database_not_made_by_the_demo(tmp_path: Path) -> None:
    ctx = _open(tmp_path / "other.db")
    try:
        with UnitOfWork(ctx.db, write=True) as uow:
            setup.create_structure(uow, SYSTEM, "Mairie de Villeneuve", "A")
            uow.commit()
        with UnitOfWork(ctx.db) as uow:
            assert demo_accounts(uow) == ()
    finally:
        ctx.close()


def test_the_demo_password_is_stored_nowhere(demo: AppContext) -> None:
    path = demo.db.target.sqlite_path
    assert path is not None
    for table, rows in _snapshot(path).items():
        for row in rows:
            for value in row:
                assert not (isinstance(value, str) and DEMO_PASSWORD in value), table
    with sqlite3.connect(path) as connection:
        hashes = [r[0] for r in connection.execute("SELECT password_hash FROM account")]
    assert hashes and all(h.startswith("$argon2") for h in hashes)
    for suffix in ("", "-wal"):
        file = path.with_name(path.name + suffix)
        if file.exists():
            assert DEMO_PASSWORD.encode() not in file.read_bytes()


def test_rebuilding_without_reset_is_refused_and_changes_nothing(fresh_demo: AppContext) -> None:
    path = fresh_demo.db.target.sqlite_path
    assert path is not None
    before = _snapshot(path)
    with pytest.raises(ValidationError) as raised:
        build_demo(fresh_demo, today=TODAY, reset=False)
    assert "--reset" in str(raised.value)
    assert _snapshot(path) == before


def test_rebuilding_with_reset_starts_again(fresh_demo: AppContext) -> None:
    path = fresh_demo.db.target.sqlite_path
    assert path is not None
    first = {table: len(rows) for table, rows in _snapshot(path).items()}
    with UnitOfWork(fresh_demo.db, write=True) as uow:
        setup.create_structure(uow, SYSTEM, "Mairie de Villeneuve", "A")
        uow.commit()

    summary = build_demo(fresh_demo, today=TODAY, reset=True)

    assert summary.structures == (DEMOVILLE, TILLEULS)
    assert {table: len(rows) for table, rows in _snapshot(path).items()} == first
    assert _snapshot(path)["alembic_version"]
    with UnitOfWork(fresh_demo.db) as uow:
        assert len(demo_accounts(uow)) == 6
        assert check_database(uow) == []


def test_the_summary_tells_what_was_built(demo: AppContext, tmp_path: Path) -> None:
    ctx = _open(tmp_path / "again.db")
    try:
        summary = build_demo(ctx, today=TODAY, reset=False)
    finally:
        ctx.close()
    assert summary.school_year == (date(2026, 9, 1), date(2027, 7, 2))
    assert summary.families == 5 and summary.children == 8
    assert ("martin", Role.FAMILY, "M. MARTIN Hugo") in summary.accounts
    assert summary.accounts[0].role_label


def test_db_check_finds_nothing_on_the_demo(demo: AppContext) -> None:
    with UnitOfWork(demo.db) as uow:
        assert check_database(uow) == []


def test_db_check_finds_planted_problems(fresh_demo: AppContext) -> None:
    with UnitOfWork(fresh_demo.db, write=True) as uow:
        catering = _activity(uow, DEMOVILLE, "RESTAURATION")
        manon = uow.session.scalars(select(Child).where(Child.first_name == "Manon")).one()
        uow.session.execute(
            text("INSERT INTO activity_day (activity_id, day, capacity, waitlist_size, booked_count,"
                 " waitlisted_count) VALUES (:a, '2027-08-30', 10, 0, 0, 0)"),
            {"a": catering.id},
        )
        uow.session.execute(
            text("INSERT INTO registration (child_id, activity_id, starts_on, ends_on)"
                 " VALUES (:c, :a, '2026-09-01', '2027-07-02')"),
            {"c": manon.id, "a": catering.id},
        )
        uow.commit()
    path = fresh_demo.db.target.sqlite_path
    with sqlite3.connect(path) as connection:  # foreign keys are off on a bare connection
        connection.execute(
            "INSERT INTO registration (child_id, activity_id, starts_on, ends_on)"
            " VALUES (9999, 1, '2026-09-01', '2027-07-02')"
        )

    with UnitOfWork(fresh_demo.db) as uow:
        problems = check_database(uow)

    assert len(problems) == 3, problems
    missing, outside, elsewhere = problems
    assert "registration" in missing and "child" in missing
    assert "RESTAURATION" in outside and "30/08/2027" in outside
    assert "LEROY Manon" in elsewhere and "RESTAURATION" in elsewhere


def test_the_demo_builds_on_postgresql(postgres_url: str) -> None:
    ctx = open_context(postgres_url, clock=_clock(), secrets=MemorySecretStore())
    try:
        build_demo(ctx, today=TODAY, reset=False)
        summary = build_demo(ctx, today=TODAY, reset=True)
        assert summary.structures == (DEMOVILLE, TILLEULS)
        with UnitOfWork(ctx.db) as uow:
            assert check_database(uow) == []
            assert len(demo_accounts(uow)) == 6
            assert uow.session.scalar(select(Wallet).limit(1)) is not None
    finally:
        ctx.close()


def test_the_demo_books_through_the_engine_in_every_state(demo: AppContext) -> None:
    from sqlalchemy import func

    from famdesk.models import Movement, Reservation
    from famdesk.models.enums import MovementKind, MovementOutcome, ReservationStatus

    with UnitOfWork(demo.db) as uow:
        statuses = dict(uow.session.execute(
            select(Reservation.status, func.count()).group_by(Reservation.status)).all())
        outcomes = set(uow.session.execute(select(Movement.kind, Movement.outcome)).all())
        days = uow.session.execute(
            select(ActivityDay.day, ActivityDay.capacity, ActivityDay.booked_count,
                   ActivityDay.waitlisted_count, ActivityDay.waitlist_size)
            .where(ActivityDay.waitlisted_count > 0)
        ).all()
        past = uow.session.scalar(select(func.count()).select_from(Reservation).where(Reservation.day < date(2026, 11, 27)))
        times = set(uow.session.scalars(select(Reservation.arrival).where(Reservation.arrival.is_not(None))))
    assert {ReservationStatus.BOOKED, ReservationStatus.WAITLISTED, ReservationStatus.CANCELLED} <= set(statuses)
    assert {(MovementKind.BOOK, MovementOutcome.REFUSED), (MovementKind.PROMOTION, MovementOutcome.ACCEPTED),
            (MovementKind.CANCEL, MovementOutcome.CANCELLED)} <= outcomes
    assert past > 100 and len(times) >= 2  # past days, and several arrival times on APS
    assert any(booked < capacity for _d, capacity, booked, _w, _s in days)  # a place freed too late
    assert any(waiting == size for _d, _c, _b, waiting, size in days)  # full, list included
