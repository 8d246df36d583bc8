"""A famdesk server on loopback over a throwaway PostgreSQL database, for the API tests.

`live_server(postgres_server)` builds the test town (tests/integration/town.py) in a
database of its own, adds a manager, and runs uvicorn with `create_app` in a thread on a
free port. `Live` speaks to it with httpx, as the synced gateway will.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import uvicorn

from famdesk.clock import FixedClock
from famdesk.models.enums import Role
from famdesk.server.app import create_app
from famdesk.server.context import ServerSettings
from famdesk.services.auth import SYSTEM
from famdesk.services.setup import people
from famdesk.wire import paths
from tests.conftest import CLOCK_START
from tests.integration.town import PASSWORD, Town, build_town
from tests.postgres import PostgresServer


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(app: object) -> Iterator[str]:
    """`app` served by uvicorn on 127.0.0.1 in a thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,  # type: ignore[arg-type]
                            access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)


@contextmanager
def scratch_database(postgres: PostgresServer) -> Iterator[str]:
    name = f"famdesk_api_{uuid.uuid4().hex[:12]}"
    with postgres.connect_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres.url(name)
    finally:
        with postgres.connect_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Live:
    url: str
    town: Town
    clock: FixedClock
    http: httpx.Client
    admin_id: int

    def login(self, login: str, password: str = PASSWORD, device: str | None = None,
              ) -> httpx.Response:
        headers = {paths.DEVICE_HEADER: device} if device is not None else {}
        return self.http.post(paths.LOGIN, json={"login": login, "password": password},
                              headers=headers)

    def token(self, login: str, device: str | None = None) -> str:
        answer = self.login(login, device=device)
        assert answer.status_code == 200, answer.text
        return answer.json()["token"]

    def register_kiosk(self, label: str, admin_token: str | None = None) -> str:
        token = admin_token or self.token("gestion")
        answer = self.http.post(paths.KIOSKS.format(structure_id=self.town.structure_id),
                                json={"label": label}, headers=bearer(token))
        assert answer.status_code == 201, answer.text
        return answer.json()["token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def live_server(postgres: PostgresServer, settings: ServerSettings | None = None) -> Iterator[Live]:
    clock = FixedClock(CLOCK_START)
    with scratch_database(postgres) as url:
        town = build_town(url, clock)
        with town.uow(write=True) as uow:
            admin_id = people.create_account(
                uow, SYSTEM, "gestion", PASSWORD, "Gestion", Role.ADMIN, "gestion@example.org",
                [town.structure_id], clock=clock)
            uow.commit()
        app = create_app(town.ctx, settings, mailers=lambda structure: None)
        try:
            with running(app) as base, httpx.Client(base_url=base, timeout=30) as http:
                yield Live(base, town, clock, http, admin_id)
        finally:
            town.ctx.close()
