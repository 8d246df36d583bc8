"""The gateway's back office for managers ("Paramétrage"): structure settings, news, wallets,
activities and their deadline rules, the opening calendar, places, closures, waiting lists;
the accounts and structures are in `gateway_admin_accounts`.

`AdminGatewayMixin` is written against `LocalGateway`'s own attributes (`_ctx`,
`_call(work, write=)`, `_require_session()`): `class LocalGateway(AdminGatewayMixin, ...)`
gives it these methods. `AdminGateway` is what the back-office screens may ask (the families
import included); a `SyncedGateway` will implement it too. Each call is one unit of work; the
services that change something commit themselves and get a write unit of work. The settings
services read the SMTP password's presence from (and store it in) `ctx.secrets`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Protocol, TypeVar
from zoneinfo import ZoneInfo

from famdesk.services import backoffice as service
from famdesk.services.backoffice import (
    KEEP,
    ActivityDefinition,
    ActivityForm,
    ActivityRow,
    CalendarDay,
    ClosurePreview,
    ClosureResult,
    DeadlinesTest,
    NewsForm,
    NewsRow,
    OnlineSettings,
    OpeningPlan,
    OpeningRequest,
    Overflow,
    PlacesPreview,
    PlacesResult,
    RuleParts,
    SmtpForm,
    StructureSettings,
    WaitingDay,
    WaitingList,
    WalletRow,
)
from famdesk.services.capacity import Keep
from famdesk.ui.gateway_admin_accounts import (
    AdminAccountsGateway,
    AdminAccountsGatewayMixin,
    with_structures,
)
from famdesk.ui.gateway_admin_import import AdminImportGateway

if TYPE_CHECKING:
    from famdesk.bootstrap import AppContext
    from famdesk.services.auth import SessionInfo
    from famdesk.services.uow import UnitOfWork

T = TypeVar("T")

ActivitiesPage = tuple[tuple[WalletRow, ...], tuple[ActivityRow, ...]]
"""What the "Activités" section shows: the wallets and the activities, read together."""


class AdminGateway(AdminImportGateway, AdminAccountsGateway, Protocol):
    """What the back-office screens may ask of the core (managers only: the services refuse
    anyone else); the accounts and structures are `AdminAccountsGateway`'s."""

    # -- the structure ----------------------------------------------------------------

    async def today(self, structure_id: int) -> date:
        """The structure's date now (its time zone, the core's clock)."""
        ...

    async def structure_settings(self, structure_id: int) -> StructureSettings: ...

    async def save_structure(self, structure_id: int, name: str, holiday_zone: str,
                             kiosk_idle_seconds: int) -> StructureSettings: ...

    async def save_smtp(self, structure_id: int, form: SmtpForm) -> StructureSettings:
        """The password goes to the keyring only (`SmtpForm.password`: None keeps it)."""
        ...

    async def save_online_settings(self, structure_id: int,
                                   settings: OnlineSettings) -> StructureSettings: ...

    async def news_items(self, structure_id: int) -> tuple[NewsRow, ...]: ...

    async def save_news(self, structure_id: int, form: NewsForm,
                        news_id: int | None = None) -> NewsRow: ...

    async def unpublish_news(self, structure_id: int, news_id: int) -> NewsRow: ...

    async def delete_news(self, structure_id: int, news_id: int) -> None: ...

    # -- wallets and activities -------------------------------------------------------

    async def activities_page(self, structure_id: int) -> ActivitiesPage: ...

    async def save_wallet(self, structure_id: int, label: str, display_order: int,
                          wallet_id: int | None = None) -> WalletRow: ...

    async def activity_definition(self, activity_id: int) -> ActivityDefinition: ...

    async def add_activity(self, structure_id: int, form: ActivityForm) -> ActivityDefinition: ...

    async def update_activity(self, activity_id: int, form: ActivityForm) -> ActivityDefinition: ...

    async def deadlines_on(self, structure_id: int, day: date, booking_rule: RuleParts,
                           cancellation_rule: RuleParts | None = None) -> DeadlinesTest:
        """The rule tester: the deadlines of rules saved or not; saves nothing."""
        ...

    # -- the opening calendar ---------------------------------------------------------

    async def opening_calendar(self, activity_id: int, first: date,
                               last: date) -> tuple[CalendarDay, ...]: ...

    async def preview_openings(self, activity_id: int, request: OpeningRequest) -> OpeningPlan: ...

    async def apply_openings(self, activity_id: int, request: OpeningRequest) -> OpeningPlan: ...

    async def open_day(self, activity_id: int, day: date, capacity: int | None,
                       waitlist_size: int | None) -> CalendarDay: ...

    async def preview_places(self, activity_id: int, first: date, last: date,
                             capacity: int | None,
                             waitlist_size: int | None | Keep = KEEP) -> PlacesPreview: ...

    async def set_places(self, activity_id: int, first: date, last: date, capacity: int | None,
                         waitlist_size: int | None | Keep = KEEP,
                         overflow: Overflow = Overflow.REFUSE) -> PlacesResult: ...

    async def closure_preview(self, activity_id: int, first: date,
                              last: date | None = None) -> ClosurePreview: ...

    async def close_days(self, activity_id: int, first: date, last: date | None, reason: str,
                         expected_reservations: int | None) -> ClosureResult: ...

    # -- waiting lists ----------------------------------------------------------------

    async def waiting_days(self, structure_id: int,
                           activity_id: int | None = None) -> tuple[WaitingDay, ...]: ...

    async def waiting_list(self, activity_id: int, day: date) -> WaitingList: ...

    async def promote_waiting(self, activity_id: int, day: date,
                              reservation_id: int | None = None) -> WaitingList: ...

    async def remove_waiting(self, activity_id: int, day: date, reservation_id: int,
                             reason: str) -> WaitingList: ...


class AdminGatewayMixin(AdminAccountsGatewayMixin):
    """The back-office services on `LocalGateway`'s worker thread (the accounts and
    structures: `AdminAccountsGatewayMixin`)."""

    if TYPE_CHECKING:  # provided by LocalGateway
        _ctx: AppContext

        async def _call(self, work: Callable[[UnitOfWork], T], *, write: bool = False) -> T: ...

        def _require_session(self) -> SessionInfo: ...

    async def _read(self, work: Callable[[UnitOfWork, SessionInfo], T]) -> T:
        session = self._require_session()
        return await self._call(lambda uow: work(uow, session))

    async def _change(self, work: Callable[[UnitOfWork, SessionInfo], T]) -> T:
        session = self._require_session()
        return await self._call(lambda uow: work(uow, session), write=True)

    # -- the structure ----------------------------------------------------------------

    async def today(self, structure_id: int) -> date:
        session = self._require_session()
        zone = ZoneInfo(session.structure(structure_id).timezone)
        return self._ctx.clock.now().astimezone(zone).date()

    async def structure_settings(self, structure_id: int) -> StructureSettings:
        secrets = self._ctx.secrets
        return await self._read(lambda uow, s: service.structure_settings(
            uow, s, structure_id, secrets=secrets))

    async def save_structure(self, structure_id: int, name: str, holiday_zone: str,
                             kiosk_idle_seconds: int) -> StructureSettings:
        """The session knows the structure's new name, as after a new login."""
        ctx = self._ctx
        saved = await self._change(lambda uow, s: service.save_structure(
            uow, ctx.clock, s, structure_id, name, holiday_zone, kiosk_idle_seconds,
            secrets=ctx.secrets, terminal=ctx.terminal))
        if self._session is not None:
            self._session = with_structures(self._session, (
                replace(choice, name=saved.name) if choice.id == saved.id else choice
                for choice in self._session.structures))
        return saved

    async def save_smtp(self, structure_id: int, form: SmtpForm) -> StructureSettings:
        ctx = self._ctx
        return await self._change(lambda uow, s: service.save_smtp(
            uow, ctx.clock, s, structure_id, form, secrets=ctx.secrets, terminal=ctx.terminal))

    async def save_online_settings(self, structure_id: int,
                                   settings: OnlineSettings) -> StructureSettings:
        ctx = self._ctx

        def work(uow: UnitOfWork, s: SessionInfo) -> StructureSettings:
            service.save_online_settings(uow, ctx.clock, s, structure_id, settings,
                                         terminal=ctx.terminal)
            return service.structure_settings(uow, s, structure_id, secrets=ctx.secrets)

        return await self._change(work)

    async def news_items(self, structure_id: int) -> tuple[NewsRow, ...]:
        clock = self._ctx.clock
        return await self._read(lambda uow, s: service.news_items(uow, clock, s, structure_id))

    async def save_news(self, structure_id: int, form: NewsForm,
                        news_id: int | None = None) -> NewsRow:
        ctx = self._ctx
        return await self._change(lambda uow, s: service.save_news(
            uow, ctx.clock, s, structure_id, form, news_id, terminal=ctx.terminal))

    async def unpublish_news(self, structure_id: int, news_id: int) -> NewsRow:
        ctx = self._ctx
        return await self._change(lambda uow, s: service.unpublish_news(
            uow, ctx.clock, s, structure_id, news_id, terminal=ctx.terminal))

    async def delete_news(self, structure_id: int, news_id: int) -> None:
        ctx = self._ctx
        await self._change(lambda uow, s: service.delete_news(
            uow, ctx.clock, s, structure_id, news_id, terminal=ctx.terminal))

    # -- wallets and activities -------------------------------------------------------

    async def activities_page(self, structure_id: int) -> ActivitiesPage:
        return await self._read(lambda uow, s: (service.wallet_rows(uow, s, structure_id),
                                                service.activity_rows(uow, s, structure_id)))

    async def save_wallet(self, structure_id: int, label: str, display_order: int,
                          wallet_id: int | None = None) -> WalletRow:
        ctx = self._ctx
        return await self._change(lambda uow, s: service.save_wallet(
            uow, ctx.clock, s, structure_id, label, display_order, wallet_id,
            terminal=ctx.terminal))

    async def activity_definition(self, activity_id: int) -> ActivityDefinition:
        return await self._read(lambda uow, s: service.activity_definition(uow, s, activity_id))

    async def add_activity(self, structure_id: int, form: ActivityForm) -> ActivityDefinition:
        ctx = self._ctx
        return await self._change(lambda uow, s: service.add_activity(
            uow, ctx.clock, s, structure_id, form, terminal=ctx.terminal))

    async def update_activity(self, activity_id: int, form: ActivityForm) -> ActivityDefinition:
        ctx = self._ctx
        return await self._change(lambda uow, s: service.update_activity(
            uow, ctx.clock, s, activity_id, form, terminal=ctx.terminal))

    async def deadlines_on(self, structure_id: int, day: date, booking_rule: RuleParts,
                           cancellation_rule: RuleParts | None = None) -> DeadlinesTest:
        return await self._read(lambda uow, s: service.deadlines_on(
            uow, s, structure_id, day, booking_rule, cancellation_rule))

    # -- the opening calendar ---------------------------------------------------------

    async def opening_calendar(self, activity_id: int, first: date,
                               last: date) -> tuple[CalendarDay, ...]:
        clock = self._ctx.clock
        return await self._read(lambda uow, s: service.opening_calendar(
            uow, clock, s, activity_id, first, last))

    async def preview_openings(self, activity_id: int, request: OpeningRequest) -> OpeningPlan:
        clock = self._ctx.clock
        return await self._read(lambda uow, s: service.preview_openings(
            uow, clock, s, activity_id, request))

    async def apply_openings(self, activity_id: int, request: OpeningRequest) -> OpeningPlan:
        ctx = self._ctx
        return await self._change(lambda uow, s: service.apply_openings(
            uow, ctx.clock, s, activity_id, request, terminal=ctx.terminal))

    async def open_day(self, activity_id: int, day: date, capacity: int | None,
                       waitlist_size: int | None) -> CalendarDay:
        ctx = self._ctx
        return await self._change(lambda uow, s: service.open_day(
            uow, ctx.clock, s, activity_id, day, capacity, waitlist_size, terminal=ctx.terminal))

    async def preview_places(self, activity_id: int, first: date, last: date,
                             capacity: int | None,
                             waitlist_size: int | None | Keep = KEEP) -> PlacesPreview:
        clock = self._ctx.clock
        return await self._read(lambda uow, s: service.preview_places(
            uow, clock, s, activity_id, first, last, capacity, waitlist_size))

    async def set_places(self, activity_id: int, first: date, last: date, capacity: int | None,
                         waitlist_size: int | None | Keep = KEEP,
                         overflow: Overflow = Overflow.REFUSE) -> PlacesResult:
        ctx = self._ctx
        return await self._change(lambda uow, s: service.set_places(
            uow, ctx.clock, s, activity_id, first, last, capacity, waitlist_size,
            overflow=overflow, terminal=ctx.terminal))

    async def closure_preview(self, activity_id: int, first: date,
                              last: date | None = None) -> ClosurePreview:
        clock = self._ctx.clock
        return await self._read(lambda uow, s: service.closure_preview(
            uow, clock, s, activity_id, first, last))

    async def close_days(self, activity_id: int, first: date, last: date | None, reason: str,
                         expected_reservations: int | None) -> ClosureResult:
        ctx = self._ctx
        return await self._change(lambda uow, s: service.close_days(
            uow, ctx.clock, s, activity_id, first, last, reason=reason,
            expected_reservations=expected_reservations, terminal=ctx.terminal))

    # -- waiting lists ----------------------------------------------------------------

    async def waiting_days(self, structure_id: int,
                           activity_id: int | None = None) -> tuple[WaitingDay, ...]:
        clock = self._ctx.clock
        return await self._read(lambda uow, s: service.waiting_days(
            uow, clock, s, structure_id, activity_id))

    async def waiting_list(self, activity_id: int, day: date) -> WaitingList:
        clock = self._ctx.clock
        return await self._read(lambda uow, s: service.waiting_list(
            uow, clock, s, activity_id, day))

    async def promote_waiting(self, activity_id: int, day: date,
                              reservation_id: int | None = None) -> WaitingList:
        ctx = self._ctx
        return await self._change(lambda uow, s: service.promote_waiting(
            uow, ctx.clock, s, activity_id, day, reservation_id, terminal=ctx.terminal))

    async def remove_waiting(self, activity_id: int, day: date, reservation_id: int,
                             reason: str) -> WaitingList:
        ctx = self._ctx
        return await self._change(lambda uow, s: service.remove_waiting(
            uow, ctx.clock, s, activity_id, day, reservation_id, reason, terminal=ctx.terminal))
