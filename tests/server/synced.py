"""The desktop's synced mode against a real `famdesk serve`: the test town on a throwaway
PostgreSQL database, served by uvicorn on one loopback port that can be stopped and started
again (a lost connection, then the server back), and the gateway's calls run on the qasync
loop inside Qt's, as in the app.

`LosingNetwork` is the network losing an answer: the request reaches the server and is
done there, then the answer never comes back (httpx's `ReadError`).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
import uvicorn

from famdesk.clock import FixedClock
from famdesk.models.enums import Role
from famdesk.models.online import OnlineProviderKind
from famdesk.secrets import MemorySecretStore
from famdesk.server.app import create_app
from famdesk.services.auth import SYSTEM
from famdesk.services.payment_providers.settings import OnlineSettings, save_online_settings
from famdesk.services.setup import activities, people, structures
from famdesk.ui.runner import QasyncRunner
from tests.conftest import CLOCK_START
from tests.integration.town import (
    J2_NOON,
    PASSWORD,
    YEAR_END,
    YEAR_START,
    Town,
    build_town,
    school_days,
)
from tests.postgres import PostgresServer
from tests.server.live import free_port, scratch_database

MANAGER = "gestion"


class SwitchableServer:
    """The town's API on 127.0.0.1:`port`, stopped and started again at will."""

    def __init__(self, town: Town) -> None:
        self.town = town
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        app = create_app(self.town.ctx, mailers=lambda structure: None)
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None,
                                access_log=False, lifespan="on")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="uvicorn-synced", daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        self._server, self._thread = server, thread

    def stop(self) -> None:
        server, thread, self._server, self._thread = self._server, self._thread, None, None
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(20)


@dataclass
class SyncedTown:
    town: Town
    server: SwitchableServer
    meals: int
    """School meals (every school day, 3,20 €), taking annual enrollments."""

    @property
    def url(self) -> str:
        return self.server.url


@contextmanager
def synced_town(postgres: PostgresServer) -> Iterator[SyncedTown]:
    """The test town (a manager added, school meals taking annual enrollments, the town
    paying online through the local test provider) behind a switchable server."""
    clock = FixedClock(CLOCK_START)
    with scratch_database(postgres) as url:
        town = build_town(url, clock)
        with town.uow(write=True) as uow:
            people.create_account(uow, SYSTEM, MANAGER, PASSWORD, "Gestion", Role.ADMIN,
                                  "gestion@example.org", [town.structure_id], clock=clock)
            wallet = structures.create_wallet(uow, SYSTEM, town.structure_id, "Restauration")
            meals = activities.create_activity(
                uow, SYSTEM, structure_id=town.structure_id, wallet_id=wallet,
                label="RESTAURATION", colour="#E76F51", display_order=3, tariff_mode="unit",
                slot_minutes=None, period_start=YEAR_START, period_end=YEAR_END,
                booking_rule=J2_NOON, annual_allowed=True, lead_days=2,
                brackets=[(0, None, Decimal("3.20"))])
            activities.open_days(uow, SYSTEM, meals,
                                 school_days(YEAR_START, YEAR_END, {0, 1, 3, 4}), None, 0)
            for child in (town.lea, town.tom, town.zoe):
                people.register_child(uow, SYSTEM, child, meals, YEAR_START, YEAR_END)
            save_online_settings(uow, clock, SYSTEM, town.structure_id,
                                 OnlineSettings(OnlineProviderKind.LOCALTEST))
        server = SwitchableServer(town)
        server.start()
        try:
            yield SyncedTown(town, server, meals)
        finally:
            server.stop()
            town.ctx.close()


def kiosk_secrets() -> MemorySecretStore:
    """A kiosk PC's keyring, empty."""
    return MemorySecretStore()


class LosingNetwork:
    """Makes the synced gateway's transports (`transport=`): httpx's own, except that the
    answer of the next request to `path` (once `lose_next(path)` was called) is dropped
    after the server did the work."""

    def __init__(self) -> None:
        self.lose: str | None = None
        self.lost: list[str] = []

    def lose_next(self, path: str) -> None:
        self.lose = path

    def __call__(self) -> httpx.AsyncBaseTransport:
        return LosingTransport(self)


class LosingTransport(httpx.AsyncBaseTransport):
    def __init__(self, network: LosingNetwork) -> None:
        self._network = network
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        network = self._network
        if network.lose is not None and request.url.path == network.lose:
            network.lose = None
            await response.aread()
            await response.aclose()
            network.lost.append(request.url.path)
            raise httpx.ReadError("the answer was lost on the way", request=request)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def wait_for(qtbot: Any, runner: QasyncRunner, coro: Coroutine[Any, Any, Any],
             timeout: int = 20_000) -> Any:
    """Run `coro` on the qasync loop (Qt keeps processing events) and give its result, or
    raise what it raised."""
    outcome: list[tuple[bool, Any]] = []
    runner.submit(coro, lambda value: outcome.append((True, value)),
                  lambda exc: outcome.append((False, exc)))
    qtbot.waitUntil(lambda: bool(outcome), timeout=timeout)
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


@pytest.fixture(autouse=True)
def qt_garbage_on_the_gui_thread() -> Iterator[None]:
    """After each test (its qasync loop detached), the garbage holding Qt objects (the
    loop's timers) is collected here, on the GUI thread: left to the collector, it may run
    on the server's thread, and a QObject deleted there leaves a dangling timer behind."""
    yield
    gc.collect()
