"""The UI's only way to the core: async methods returning frozen dataclasses.

`LocalGateway` runs every service call on one worker thread over the local database, each in
its own unit of work. The transmission ("la nuit", staff only) runs on a second thread of its
own, which opens its own units of work: the desk keeps working while it runs. A
`SyncedGateway` (HTTP to `famdesk serve`) will implement the same `Gateway` protocol later.
The gateway keeps the logged-in `SessionInfo`; the UI never holds a Session or an ORM object.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, time
from typing import TYPE_CHECKING, Protocol, TypeVar
from zoneinfo import ZoneInfo

from famdesk.errors import FamdeskError, NotAuthorizedError
from famdesk.i18n import _
from famdesk.models.enums import ReservationSource
from famdesk.services.auth import SessionInfo, authenticate
from famdesk.services.booking import ConfirmResult, Recap, confirm, preview
from famdesk.services.booking_info import ActivityInfo, BookingFamily, activity_info, booking_family
from famdesk.services.copying import CopyPlan, copy_reservations
from famdesk.services.draft import Draft
from famdesk.services.home import HomePage, home_page
from famdesk.services.month import MonthView, month_view
from famdesk.services.outbox import MailerFactory, OutboxFailure, failures, smtp_mailers
from famdesk.services.reports.tracking_pdf import tracking_pdf
from famdesk.services.tracking import TrackingFilter, TrackingView, tracking
from famdesk.services.transmission import Progress, TransmitSummary, transmit
from famdesk.services.uow import UnitOfWork
from famdesk.ui.gateway_accounts import AccountsGatewayMixin
from famdesk.ui.gateway_admin import AdminGateway, AdminGatewayMixin
from famdesk.ui.gateway_admin_import import AdminImportGatewayMixin
from famdesk.ui.gateway_enrollments import EnrollmentsGatewayMixin
from famdesk.ui.gateway_money import MoneyGateway, MoneyGatewayMixin

if TYPE_CHECKING:
    from famdesk.bootstrap import AppContext
    from famdesk.services.demo import DemoAccount

log = logging.getLogger(__name__)

T = TypeVar("T")


class Gateway(MoneyGateway, AdminGateway, Protocol):
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

    async def tracking(
        self, structure_id: int, filters: TrackingFilter, family_id: int | None = None
    ) -> TrackingView:
        """The family's requests: a family account's own; staff give `family_id`."""
        ...

    async def tracking_pdf(
        self,
        structure_id: int,
        filters: TrackingFilter,
        family_id: int | None = None,
        *,
        filters_text: str = "",
    ) -> bytes:
        """The same requests as a PDF, printed now (in the structure's time zone)."""
        ...

    # -- booking ("Réservations") ------------------------------------------------

    async def booking_family(
        self, structure_id: int, family_id: int | None = None
    ) -> BookingFamily:
        """The children (and their activities) of the account's family; staff give `family_id`."""
        ...

    async def month(
        self,
        child_id: int,
        year: int,
        month: int,
        activity_id: int | None = None,
        draft: Draft | None = None,
    ) -> MonthView:
        """The child's month: one activity (`activity_id`) or every one, seen through `draft`."""
        ...

    async def activity_info(self, child_id: int, activity_id: int, on: date) -> ActivityInfo:
        """Allowed times and the rate at the family's quotient on `on`."""
        ...

    async def preview(self, draft: Draft, override_reason: str | None = None) -> Recap:
        """What confirming `draft` now would do (staff passing deadlines give a reason)."""
        ...

    async def confirm(
        self,
        draft: Draft,
        key: str,
        override_reason: str | None = None,
        source: ReservationSource | None = None,
    ) -> ConfirmResult:
        """Apply `draft`; the same `key` twice books once (the first answer comes back)."""
        ...

    async def copy(
        self,
        *,
        source_child_id: int,
        source_activity_id: int,
        first: date,
        last: date,
        target_child_id: int | None = None,
        target_activity_id: int | None = None,
        times: tuple[time, time] | None = None,
        draft: Draft | None = None,
    ) -> CopyPlan:
        """The source's days tried on the target, added to `draft` (nothing saved)."""
        ...

    async def transmit(self, progress: Progress) -> TransmitSummary:
        """Staff only: the transmission of the account's structures, on a thread of its own.

        `progress(step, done, total)` is called from THAT thread (the synced gateway calls
        it on the event loop's): the caller marshals it to its own (a Qt signal,
        `loop.call_soon_threadsafe`).
        """
        ...

    async def outbox_failures(self, structure_id: int) -> tuple[OutboxFailure, ...]:
        """Staff only: the structure's e-mails that could not be sent."""
        ...

    def close(self) -> None: ...


class LocalGateway(AccountsGatewayMixin, EnrollmentsGatewayMixin, MoneyGatewayMixin,
                   AdminGatewayMixin, AdminImportGatewayMixin):
    """Service calls on ONE worker thread, each in its own `UnitOfWork` over `ctx.db`;
    the transmission on another thread. `mailers` defaults to the structures' SMTP servers."""

    def __init__(self, ctx: AppContext, *, mailers: MailerFactory | None = None) -> None:
        self._ctx = ctx
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="famdesk-db")
        self._transmit_executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="famdesk-transmit"
        )
        self._transmission: Future[TransmitSummary] | None = None
        self._mailers = mailers
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

    async def tracking(
        self, structure_id: int, filters: TrackingFilter, family_id: int | None = None
    ) -> TrackingView:
        session = self._require_session()
        return await self._call(
            lambda uow: tracking(uow, session, structure_id, family_id, filters)
        )

    async def tracking_pdf(
        self,
        structure_id: int,
        filters: TrackingFilter,
        family_id: int | None = None,
        *,
        filters_text: str = "",
    ) -> bytes:
        session = self._require_session()
        clock = self._ctx.clock

        def work(uow: UnitOfWork) -> bytes:
            view = tracking(uow, session, structure_id, family_id, filters)
            zone = ZoneInfo(session.structure(structure_id).timezone)
            return tracking_pdf(view, clock.now().astimezone(zone), filters_text)

        return await self._call(work)

    # -- booking ----------------------------------------------------------------

    async def booking_family(
        self, structure_id: int, family_id: int | None = None
    ) -> BookingFamily:
        session = self._require_session()
        clock = self._ctx.clock
        return await self._call(
            lambda uow: booking_family(uow, clock, session, structure_id, family_id)
        )

    async def month(
        self,
        child_id: int,
        year: int,
        month: int,
        activity_id: int | None = None,
        draft: Draft | None = None,
    ) -> MonthView:
        session = self._require_session()
        clock = self._ctx.clock
        return await self._call(
            lambda uow: month_view(uow, clock, session, child_id, year, month, activity_id, draft)
        )

    async def activity_info(self, child_id: int, activity_id: int, on: date) -> ActivityInfo:
        session = self._require_session()
        clock = self._ctx.clock
        return await self._call(
            lambda uow: activity_info(uow, clock, session, child_id, activity_id, on)
        )

    async def preview(self, draft: Draft, override_reason: str | None = None) -> Recap:
        session = self._require_session()
        clock = self._ctx.clock
        return await self._call(lambda uow: preview(uow, clock, session, draft, override_reason))

    async def confirm(
        self,
        draft: Draft,
        key: str,
        override_reason: str | None = None,
        source: ReservationSource | None = None,
    ) -> ConfirmResult:
        session = self._require_session()
        clock = self._ctx.clock
        terminal = self._ctx.terminal
        return await self._call(
            lambda uow: confirm(uow, clock, session, draft, key, terminal=terminal, source=source,
                                override_reason=override_reason),
            write=True,
        )

    async def copy(
        self,
        *,
        source_child_id: int,
        source_activity_id: int,
        first: date,
        last: date,
        target_child_id: int | None = None,
        target_activity_id: int | None = None,
        times: tuple[time, time] | None = None,
        draft: Draft | None = None,
    ) -> CopyPlan:
        session = self._require_session()
        clock = self._ctx.clock
        return await self._call(
            lambda uow: copy_reservations(
                uow, clock, session, source_child_id=source_child_id,
                source_activity_id=source_activity_id, first=first, last=last,
                target_child_id=target_child_id, target_activity_id=target_activity_id,
                times=times, draft=draft,
            )
        )

    # -- staff ----------------------------------------------------------------

    async def transmit(self, progress: Progress) -> TransmitSummary:
        session = self._require_session()
        if not session.is_staff:
            raise NotAuthorizedError(_("Only the front-desk staff may do this."))
        running = self._transmission
        if running is not None and not running.done():
            raise FamdeskError(_("A transmission is already running."))
        ctx = self._ctx
        mailers = self._mailers or smtp_mailers(ctx.secrets)
        structure_ids = [choice.id for choice in session.structures]
        log.info("transmission started by account %s", session.account_id)
        # once started, the run goes to its end even if nobody waits for it any more (a
        # logout): it is safe to re-run, and each of its batches commits on its own
        self._transmission = self._transmit_executor.submit(
            transmit, ctx.db, ctx.clock, mailers, structure_ids=structure_ids, progress=progress
        )
        return await asyncio.wrap_future(self._transmission)

    async def outbox_failures(self, structure_id: int) -> tuple[OutboxFailure, ...]:
        session = self._require_session()
        return await self._call(lambda uow: failures(uow, session, structure_id))

    def close(self) -> None:
        """Let the running calls (a transmission too) finish, then stop both threads."""
        self._session = None
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._transmit_executor.shutdown(wait=True, cancel_futures=True)
        self.close_money()
