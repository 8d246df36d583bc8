"""What every route needs: the `Server` (database, clock, mailers, settings), the `Caller`
a session token names, and the replies in the wire's JSON.

The process keeps no state of its own between requests: sessions, kiosks, idempotency keys
and throttles are rows of the database, so several processes can serve one database.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from famdesk.bootstrap import AppContext
from famdesk.clock import Clock
from famdesk.errors import DatabaseUnavailableError
from famdesk.services.api_sessions import Caller, DeviceLimit, Lifetimes, resolve, session_ended
from famdesk.services.outbox import MailerFactory, smtp_mailers
from famdesk.services.payment_poll import EVERY, PaymentPoller
from famdesk.services.payment_providers.pool import ProviderPool, ProviderSource
from famdesk.services.uow import UnitOfWork
from famdesk.wire import codec, paths
from famdesk.wire.messages import MAX_ID

T = TypeVar("T")

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1 << 20
TERMINAL_NAME = re.compile(r"[^\w .:@()/-]+")
THREADS = 8
"""Requests a process serves at once: each holds a thread and a database connection; the
rest wait their turn in the event loop, which costs nothing. More threads would only take
turns at Python's lock (one runs at a time in a process): more workers use more cores."""
SWITCH_INTERVAL_S = 0.001
"""How long a thread may keep Python's lock when another wants it (Python's default: 5 ms).
A request back from the database, holding the row locks of a confirm, gets it sooner, and
the confirms of the same days wait less behind it."""


@dataclass(frozen=True)
class ServerSettings:
    lifetimes: Lifetimes = field(default_factory=Lifetimes)
    device_limit: DeviceLimit = field(default_factory=DeviceLimit)
    max_body_bytes: int = MAX_BODY_BYTES
    threads: int = THREADS
    payment_poll_every: timedelta | None = EVERY
    """How often the process asks about the online payments nobody watches (None: never)."""


class Server:
    """The process's way to the core: each call in its own unit of work over `ctx.db`."""

    def __init__(
        self,
        ctx: AppContext,
        settings: ServerSettings | None = None,
        *,
        mailers: MailerFactory | None = None,
        providers: ProviderSource | None = None,
    ) -> None:
        self.ctx = ctx
        self.settings = settings or ServerSettings()
        ctx.db.fit_pools(self.settings.threads)
        self.mailers = mailers or smtp_mailers(ctx.secrets)
        self._own_pool = ProviderPool(ctx.clock) if providers is None else None
        self.providers: ProviderSource = providers or self._own_pool  # type: ignore[assignment]
        """The online payment providers. The local test provider's payments live in the
        process that started its loopback server: a demo with one worker only."""
        self._poller: PaymentPoller | None = None

    def start_payment_poll(self) -> None:
        """Ask about the pending online payments nobody watches, every
        `settings.payment_poll_every`, with this process's own providers (each worker does:
        a payment settled twice is credited once)."""
        every = self.settings.payment_poll_every
        if every is None or self._own_pool is None or self._poller is not None:
            return
        self._poller = PaymentPoller(self.ctx.db, self.ctx.clock, self._own_pool.for_unwatched,
                                     every=every).start()

    def close(self) -> None:
        if self._poller is not None:
            self._poller.stop()
            self._poller = None
        if self._own_pool is not None:
            self._own_pool.close()

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    def run(self, work: Callable[[UnitOfWork], T], *, write: bool = False) -> T:
        try:
            return self._run(work, write)
        except DatabaseUnavailableError as exc:
            # the pools do not ping their connections: one the database dropped (a restart)
            # fails the request that took it; a read is simply asked again
            if write or not getattr(exc.__cause__, "connection_invalidated", False):
                raise
            log.info("a database connection had been dropped: the read is asked again")
            return self._run(work, write)

    def _run(self, work: Callable[[UnitOfWork], T], write: bool) -> T:
        with UnitOfWork(self.ctx.db, write=write) as uow:
            return work(uow)


async def get_server(request: Request) -> Server:
    # async: a function this small is not worth a trip through the thread pool
    return request.app.state.server  # type: ignore[no-any-return]


bearer = HTTPBearer(auto_error=False, description="the token `POST /api/v1/login` returned")


def get_caller(
    server: Annotated[Server, Depends(get_server)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Caller:
    if credentials is None:
        raise session_ended()
    token = credentials.credentials
    return server.run(lambda uow: resolve(uow, server.clock, token))


ServerDep = Annotated[Server, Depends(get_server)]
CallerDep = Annotated[Caller, Depends(get_caller)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _space, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def client_address(request: Request) -> str:
    return request.client.host if request.client else "?"


def desk_terminal(request: Request) -> str:
    """A desk's name (its `TERMINAL_HEADER`, tidied) and address, for the audit trail."""
    name = TERMINAL_NAME.sub("", request.headers.get(paths.TERMINAL_HEADER, ""))[:40].strip()
    address = client_address(request)
    return f"{name} ({address})" if name else address


def reply(value: object, kind: Any, status: int = 200) -> Response:
    """`value` as the wire's JSON (the same codec the synced gateway decodes with)."""
    return Response(codec.dump(value, kind), status_code=status, media_type="application/json")


NO_CONTENT = 204


def no_content() -> Response:
    return Response(status_code=NO_CONTENT)
