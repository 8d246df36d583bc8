"""A throwaway PostgreSQL cluster for the test session (pytest plugin, loaded by conftest).

`postgres_server` runs ``initdb`` and ``pg_ctl`` from the local PostgreSQL installation on a
free loopback port, with its socket and data in a temporary folder, and removes it all at the
end of the session (benchmarks/pgcluster.py, which the benchmarks use too). `postgres_url` gives each test a database of its own.

Without PostgreSQL the tests that use them are skipped — unless FAMDESK_REQUIRE_POSTGRES=1
(set by CI), where that is a failure. Tests using these fixtures get the ``postgres`` marker,
so ``pytest -m "not postgres"`` leaves them out.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from typing import NoReturn

import pytest

from benchmarks.pgcluster import (
    BINDIR_ENV,
    ClusterUnavailableError,
    PostgresServer,
    find_bindir,
    throwaway_cluster,
)

__all__ = ["BINDIR_ENV", "PostgresServer", "find_bindir", "postgres_server", "postgres_url"]

REQUIRE_ENV = "FAMDESK_REQUIRE_POSTGRES"

POSTGRES_FIXTURES = frozenset({"postgres_server", "postgres_url"})


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this session on 127.0.0.1, superuser `postgres`, trust auth."""
    with ExitStack() as stack:
        try:
            server = stack.enter_context(throwaway_cluster())
        except ClusterUnavailableError as exc:
            _unavailable(str(exc))
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A SQLAlchemy URL to an empty database of this test, dropped afterwards."""
    name = f"famdesk_test_{uuid.uuid4().hex[:12]}"
    with postgres_server.connect_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.url(name)
    finally:
        with postgres_server.connect_admin() as admin:
            # FORCE: an engine the test did not dispose of must not keep the database alive
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if POSTGRES_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
