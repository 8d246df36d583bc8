"""The server's database connections: one kept per thread serving requests, not pinged at
each request, and a read that meets a connection PostgreSQL dropped (a restart) asked again
instead of failing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from famdesk.server.context import ServerSettings
from famdesk.wire import paths
from tests.server.live import Live, bearer, live_server

THREADS = 3


@pytest.fixture
def live(postgres_server) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    with live_server(postgres_server, ServerSettings(threads=THREADS)) as server:
        yield server


def drop_connections(live: Live, postgres_server) -> int:  # type: ignore[no-untyped-def]
    """What a restart of PostgreSQL does to the server's pooled connections."""
    name = live.town.ctx.db.target.url.database
    with postgres_server.connect_admin() as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchone()
    return int(ended[0])


def test_each_engine_keeps_a_connection_per_thread(live: Live) -> None:
    db = live.town.ctx.db
    assert db.engine.pool.size() == db.write_engine.pool.size() == THREADS  # type: ignore[attr-defined]


def test_a_read_is_asked_again_when_its_connection_was_dropped(
        live: Live, postgres_server) -> None:  # type: ignore[no-untyped-def]
    token = live.token("accueil")
    home = paths.HOME.format(structure_id=live.town.structure_id)
    assert live.http.get(home, headers=bearer(token)).status_code == 200
    assert drop_connections(live, postgres_server) >= 1

    again = live.http.get(home, headers=bearer(token))
    assert again.status_code == 200, again.text
    assert live.http.get(paths.SESSION, headers=bearer(token)).json()["login"] == "accueil"
