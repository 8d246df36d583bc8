"""Migration 0006 (a closed day's reservations keep no open day) on databases full of data:
SQLite rebuilds the reservation table, so the movements and ledger entries that point to the
reservations must still find them, and the partial unique index must still be partial."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

import pytest
from alembic import command
from sqlalchemy import text

from famdesk.services.backoffice import close_days
from famdesk.services.booking import confirm
from famdesk.services.database import alembic_config, head_revision
from famdesk.services.dbcheck import check_database
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.transmission import transmit
from tests.integration.backoffice import manager
from tests.integration.town import build_town


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def town(request, sqlite_url, clock):
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    town = build_town(url, clock)
    yield town
    town.ctx.close()


def migrate(town, revision, *, down=False):
    config = alembic_config()
    with town.ctx.db.write_engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def facts(town):
    with town.ctx.db.engine.connect() as connection:
        counts = [connection.scalar(text(f"SELECT count(*) FROM {table}"))
                  for table in ("reservation", "movement", "ledger_entry")]
        linked = connection.scalar(text(
            "SELECT count(*) FROM movement m JOIN reservation r ON r.id = m.reservation_id"))
        nullable = connection.scalar(text(
            "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'reservation'"
            " AND column_name = 'activity_day_id'")) if connection.dialect.name != "sqlite" else (
            "NOT NULL" not in connection.scalar(text(
                "SELECT sql FROM sqlite_master WHERE name = 'reservation'")).split(
                "activity_day_id")[1].split(",")[0])
    return counts, linked, nullable


def book_and_debit(town):
    line = DraftLine(LineKind.BOOK, town.lea, town.aps, date(2026, 9, 17), time(7, 30), time(8, 20))
    with town.uow(write=True) as uow:
        confirm(uow, town.clock, town.martin, Draft((line,)), uuid.uuid4().hex)
    with town.uow(write=True) as uow:
        confirm(uow, town.clock, town.dubois,
                Draft((DraftLine(LineKind.BOOK, town.zoe, town.alsh, date(2026, 9, 30)),)),
                uuid.uuid4().hex)
    town.clock.set(datetime(2026, 9, 17, 20, 0, tzinfo=UTC))
    transmit(town.ctx.db, town.clock, lambda _structure: None)


def test_the_reservations_keep_their_movements_and_entries_both_ways(town):
    book_and_debit(town)
    before = facts(town)
    assert before[0] == [2, 2, 1] and before[1] == 2

    migrate(town, "0005", down=True)
    counts, linked, nullable = facts(town)
    assert (counts, linked) == (before[0], before[1]) and nullable in (False, "NO")

    migrate(town, head_revision())
    counts, linked, nullable = facts(town)
    assert (counts, linked) == (before[0], before[1]) and nullable in (True, "YES")
    with town.uow() as uow:
        assert check_database(uow) == []
    # the unique index of active reservations is still there and still partial: a cancelled
    # line does not block a new one
    with town.ctx.db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        definition = connection.scalar(text(
            "SELECT sql FROM sqlite_master WHERE name = 'uq_reservation_active'" if sqlite else
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'uq_reservation_active'"))
    assert "UNIQUE" in definition.upper() and "WHERE" in definition.upper()
    outcomes = []
    for kind in (LineKind.CANCEL, LineKind.BOOK):
        with town.uow(write=True) as uow:
            result = confirm(uow, town.clock, town.dubois, Draft((
                DraftLine(kind, town.zoe, town.alsh, date(2026, 9, 30)),)), uuid.uuid4().hex)
        outcomes.append(result.recap.lines[0].outcome.value)
    assert outcomes == ["cancelled", "booked"]


def test_going_back_below_0006_is_refused_once_a_day_was_closed(town):
    book_and_debit(town)
    with town.uow(write=True) as uow:
        close_days(uow, town.clock, manager(town), town.alsh, date(2026, 9, 30), reason="Grève")
    with pytest.raises(RuntimeError, match="closed days"):
        migrate(town, "0005", down=True)
