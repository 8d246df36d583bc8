"""The UI's only way to the core: async methods returning frozen dataclasses.

`LocalGateway` runs every service call on one worker thread over the local database, each in
its own unit of work. A `SyncedGateway` (HTTP to `famdesk serve`) will implement the same
`Gateway` protocol later. The gateway keeps the logged-in `SessionInfo`; the UI never holds a
Session or an ORM object.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol, TypeVar

from famdesk.errors import NotAuthorizedError
from famdesk.i18n import _
from famdesk.services.auth import SessionInfo, authenticate
from famdesk.services.home import HomePage, home_page
from famdesk.services.uow import UnitOfWork

if TYPE_CHECKING:
    from famdesk.bootstrap import AppContext
    from famdesk.services.demo import DemoAccount

log = logging.getLogger(__name__)

T = TypeVar("T")


class Gateway(Protocol):
    """What the windows may ask of the core."""

    @property
    def session(self) -> SessionInfo | None:
        """The logged-in account, or None."""
        ...

    async def login(self, login: str, password: str) -> SessionInfo: ...

    async def logout(self) -> None: ...

    async def home(self, structure_id: int) -> HomePage: ...

    async def demo_accounts(self) -> tuple[DemoAccount, ...]:
        """The demo database's accounts (login, password, role, name); () for a real town."""
        ...

    def close(self) -> None: ...


class LocalGateway:
    """Service calls on ONE worker thread, each in its own `UnitOfWork` over `ctx.db`."""

    def __init__(self, ctx: AppContext) -> None:
        self._ctx = ctx
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="famdesk-db")
        self._session: SessionInfo | None = None

    @property
    def session(self) -> SessionInfo | None:
        return self._session

    async def _call(self, work: Callable[[UnitOfWork], T], *, write: bool = False) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, functools.partial(self._in_unit_of_work, work, write)
        )

    def _in_unit_of_work(self, work: Callable[[UnitOfWork], T], write: bool) -> T:
        with UnitOfWork(self._ctx.db, write=write) as uow:
            return work(uow)

    def _require_session(self) -> SessionInfo:
        if self._session is None:
            raise NotAuthorizedError(_("Your session has ended. Please log in again."))
        return self._session

    # -- accounts -------------------------------------------------------------

    async def login(self, login: str, password: str) -> SessionInfo:
        clock = self._ctx.clock
        session = await self._call(
            lambda uow: authenticate(uow, clock, login, password), write=True
        )
        self._session = session
        return session

    async def logout(self) -> None:
        if self._session is not None:
            log.info("account %s logged out", self._session.account_id)
        self._session = None

    async def demo_accounts(self) -> tuple[DemoAccount, ...]:
        from famdesk.services.demo import demo_accounts

        return tuple(await self._call(demo_accounts))

    # -- pages ----------------------------------------------------------------

    async def home(self, structure_id: int) -> HomePage:
        session = self._require_session()
        clock = self._ctx.clock
        return await self._call(lambda uow: home_page(uow, clock, session, structure_id))

    def close(self) -> None:
        """Let the running call finish and stop the worker thread."""
        self._session = None
        self._executor.shutdown(wait=True, cancel_futures=True)
