"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL, and the
database's version is checked before famdesk works on it."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event, select, text

from famdesk import i18n
from famdesk.config import resolve_database
from famdesk.errors import DatabaseUnavailableError, SchemaMismatchError, ValidationError
from famdesk.models import Base
from famdesk.models.enums import Role
from famdesk.services.database import Database, head_revision

UNKNOWN_REVISION = "ffff9999"
DDL_PREFIXES = ("CREATE", "ALTER", "DROP")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    if request.param == "sqlite":
        return sqlite_url
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(resolve_database(database_url))
    yield db
    db.dispose()


@pytest.fixture
def french() -> Iterator[None]:
    i18n.install("fr")
    yield
    i18n.install(i18n.DEFAULT_LANGUAGE)


def schema_differences(db: Database) -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_upgrade_builds_the_models_schema(database: Database) -> None:
    assert database.current_revision() is None

    database.upgrade()

    assert schema_differences(database) == []
    assert database.current_revision() == head_revision()
    assert not database.needs_upgrade()


def test_second_upgrade_changes_nothing(database: Database) -> None:
    database.upgrade()
    statements: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(database.write_engine, "before_cursor_execute", record)
    try:
        database.upgrade()
    finally:
        event.remove(database.write_engine, "before_cursor_execute", record)

    assert any("alembic_version" in s for s in statements)  # the version was looked at...
    assert [
        s for s in statements if s.lstrip().upper().startswith(DDL_PREFIXES)
    ] == []  # ...and nothing built
    assert database.current_revision() == head_revision()
    assert schema_differences(database) == []


def test_database_of_a_newer_famdesk_is_refused(database: Database, french: None) -> None:
    database.upgrade()
    with database.write_engine.begin() as connection:
        connection.execute(
            text("UPDATE alembic_version SET version_num = :rev"), {"rev": UNKNOWN_REVISION}
        )

    with pytest.raises(SchemaMismatchError) as refused:
        database.check_schema()
    assert UNKNOWN_REVISION in str(refused.value)

    with pytest.raises(SchemaMismatchError):
        database.upgrade()
    with database.engine.connect() as connection:
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            == UNKNOWN_REVISION
        )


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_postgresql_server_is_reported_quickly() -> None:
    url = f"postgresql+psycopg://famdesk:s3cret-pw@127.0.0.1:{_closed_port()}/famdesk"
    database = Database(resolve_database(url))
    started = time.monotonic()
    try:
        with pytest.raises(DatabaseUnavailableError) as unavailable:
            database.current_revision()
    finally:
        database.dispose()

    assert time.monotonic() - started < 6
    assert "s3cret-pw" not in str(unavailable.value)


def test_sqlite_file_in_a_missing_folder_is_refused_without_creating_it() -> None:
    folder = Path("/nonexistent-dir")
    assert not folder.exists()

    with pytest.raises(ValidationError):
        resolve_database(f"sqlite:///{folder}/x.db")

    assert not folder.exists()


def test_upgrading_from_0001_keys_the_families_for_the_front_desk_search(database: Database) -> None:
    from alembic import command

    from famdesk.models import Family
    from famdesk.services.auth import SessionInfo, StructureChoice
    from famdesk.services.database import alembic_config
    from famdesk.services.family_search import search_families
    from famdesk.services.search_keys import family_key
    from famdesk.services.uow import UnitOfWork

    config = alembic_config()
    with database.write_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    with database.write_engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO structure (id, name, timezone, holiday_zone, kiosk_idle_seconds, smtp_security)"
            " VALUES (1, 'Mairie', 'Europe/Paris', 'B', 120, 'none')"))
        connection.execute(text(
            "INSERT INTO account (id, login, password_hash, display_name, email, role, failed_logins,"
            " must_change_password, created_at) VALUES (1, 'ilefevre', '-', 'Inès', 'i@example.org',"
            " 'family', 0, false, '2026-09-01 08:00:00')"))
        connection.execute(text(
            "INSERT INTO family (id, structure_id, account_id, civility, last_name, first_name)"
            " VALUES (1, 1, 1, 'Mme', 'Lefèvre', 'Inès'), (2, 1, NULL, 'M.', 'Côté', 'Noé')"))
        connection.execute(text(
            "INSERT INTO child (family_id, first_name, last_name, birth_date)"
            " VALUES (1, 'Zoé', 'Lefèvre', '2018-01-01'), (1, 'Anaïs', 'Durand', '2019-01-01')"))

    database.upgrade()

    assert schema_differences(database) == []
    with UnitOfWork(database) as uow:
        for family in uow.session.scalars(select(Family)):
            assert family.search_key == family_key(family, sorted(
                family.children, key=lambda c: (c.last_name, c.first_name)), family.account)
        staff = SessionInfo(9, "accueil", "Accueil", Role.STAFF,
                            (StructureChoice(1, "Mairie", "Europe/Paris"),))
        assert [h.family_id for h in search_families(uow, staff, 1, "anais")] == [1]
        assert [h.family_id for h in search_families(uow, staff, 1, "cote")] == [2]
