"""`famdesk serve` as an administrator starts it (PostgreSQL only, several workers sharing
the sessions, one log line per request), the transmission lock across processes, and the
nightly scheduler."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from datetime import time as clock_time

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from famdesk.bootstrap import open_context
from famdesk.clock import FixedClock
from famdesk.secrets import MemorySecretStore
from famdesk.server.scheduler import NightlyScheduler, next_run
from famdesk.services.transmission_lock import (
    ADVISORY_KEY,
    TransmissionRunningError,
    exclusive_transmission,
)
from famdesk.wire import paths
from tests.conftest import CLOCK_START
from tests.integration.town import build_town
from tests.server.live import Live, bearer, free_port, live_server


def famdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "famdesk", *args], capture_output=True,
                          text=True, timeout=120)


def test_serve_refuses_a_sqlite_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = famdesk("serve", "--database", f"sqlite:///{tmp_path}/famdesk.db")
    assert done.returncode == 1
    assert "famdesk serve travaille sur une base PostgreSQL" in done.stderr
    assert not (tmp_path / "famdesk.db").exists()


def test_serve_refuses_a_time_that_is_none(postgres_url: str) -> None:
    done = famdesk("serve", "--database", postgres_url, "--transmit-at", "2h")
    assert done.returncode == 1
    assert "« 2h » n'est pas une heure" in done.stderr


@pytest.fixture
def town_url(postgres_url: str) -> Iterator[str]:
    town = build_town(postgres_url, FixedClock(CLOCK_START))
    town.ctx.close()
    yield postgres_url


def test_two_workers_share_the_sessions_and_log_each_request(town_url: str) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "famdesk", "serve", "--database", town_url, "--port", str(port),
         "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                if httpx.get(base + paths.HEALTH, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "famdesk serve did not start"
            time.sleep(0.2)
        with httpx.Client(base_url=base, timeout=10) as http:
            login = http.post(paths.LOGIN, json={"login": "accueil", "password": "Town-Secret-1"})
            assert login.status_code == 200
            token = login.json()["token"]
            # new connections, whichever worker takes them: the session is in the database
            for _ in range(6):
                with httpx.Client(base_url=base, timeout=10) as fresh:
                    assert fresh.get(paths.SESSION, headers=bearer(token)).status_code == 200
            assert http.post(paths.LOGIN, json={"login": "accueil", "password": "faux"}
                             ).status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _out, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            _out, err = process.communicate()
    assert "POST /api/v1/login 200" in err
    assert "GET /api/v1/session 200" in err
    assert "POST /api/v1/login 401" in err
    assert token not in err and "Town-Secret-1" not in err and "accueil" not in err


# -- one transmission at a time -----------------------------------------------------------------


@pytest.fixture
def live(postgres_server) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    with live_server(postgres_server) as server:
        yield server


@contextmanager
def held_elsewhere(url: str) -> Iterator[None]:
    """The advisory lock held by a connection of its own, as another process would."""
    parts = make_url(url)
    with psycopg.connect(host=parts.host, port=parts.port, user=parts.username,
                         dbname=parts.database, autocommit=True) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_KEY,))
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_KEY,))


def test_a_transmission_elsewhere_makes_the_desk_wait(live: Live) -> None:
    staff = bearer(live.token("accueil"))
    url = live.town.ctx.db.target.url.render_as_string(hide_password=False)
    with held_elsewhere(url):
        answer = live.http.post(paths.TRANSMIT, headers=staff)
    assert answer.status_code == 409
    assert answer.json() == {"code": "transmission_running", "field": None,
                             "message": "Une transmission est déjà en cours."}
    assert live.http.post(paths.TRANSMIT, headers=staff).status_code == 200


def test_the_lock_is_taken_once_per_process_and_again_in_the_same_thread(town_url: str) -> None:
    ctx = open_context(town_url, secrets=MemorySecretStore())
    refused: list[BaseException] = []

    def second() -> None:
        try:
            with exclusive_transmission(ctx.db):
                pass
        except TransmissionRunningError as exc:
            refused.append(exc)

    try:
        with exclusive_transmission(ctx.db), exclusive_transmission(ctx.db):
            thread = threading.Thread(target=second)
            thread.start()
            thread.join()
        assert len(refused) == 1
        with exclusive_transmission(ctx.db):  # released: free again
            pass
    finally:
        ctx.close()


# -- the nightly scheduler --------------------------------------------------------------------------


def test_the_next_run_is_the_next_such_time_in_paris() -> None:
    monday_10h = datetime(2026, 9, 14, 8, 0, tzinfo=UTC)
    assert next_run(monday_10h, clock_time(2, 0)).isoformat() == "2026-09-15T02:00:00+02:00"
    assert next_run(monday_10h, clock_time(23, 0)).isoformat() == "2026-09-14T23:00:00+02:00"
    winter = datetime(2026, 11, 27, 1, 30, tzinfo=UTC)  # 02:30 in Paris
    assert next_run(winter, clock_time(2, 0)).isoformat() == "2026-11-28T02:00:00+01:00"


def test_the_scheduler_runs_the_transmission_unless_one_is_running(town_url: str) -> None:
    ctx = open_context(town_url, clock=FixedClock(CLOCK_START), secrets=MemorySecretStore())
    scheduler = NightlyScheduler(ctx, clock_time(2, 0), mailers=lambda structure: None)
    url = ctx.db.target.url.render_as_string(hide_password=False)
    try:
        with held_elsewhere(url):
            assert scheduler.run_once() is None
        summary = scheduler.run_once()
        assert summary is not None
        assert summary.structures == ["Centre voisin", "Mairie de Testville"]
    finally:
        ctx.close()
