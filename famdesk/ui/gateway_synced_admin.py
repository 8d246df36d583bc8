"""The back office ("Paramétrage") and the families import through the synced gateway.

`SyncedAdminMixin` is written against `SyncedGateway`'s `_call(...)` and `_message(...)`:
every method of `AdminGateway` (the import's included) is one call of `famdesk serve`'s
back-office routes, and the server's services check the manager's role. Settings are the
server's: a mail server's password saved from here goes to the SERVER's secret store, never
to this computer's. The import sends the file's bytes (base64), never a path.
"""

from __future__ import annotations

import inspect
from base64 import b64encode
from datetime import date
from typing import TYPE_CHECKING, Any

from famdesk.errors import ValidationError
from famdesk.services.backoffice import (
    KEEP,
    ActivityDefinition,
    ActivityForm,
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
from famdesk.services.family_import import FamilyImportReport, ImportRejectedError
from famdesk.ui.gateway_synced_admin_accounts import SyncedAdminAccountsMixin
from famdesk.wire import paths
from famdesk.wire.messages_admin import (
    ActivitiesPageAnswer,
    ActivityFormIn,
    ClosureRequest,
    DeadlinesTestRequest,
    FamilyImportRequest,
    NewsRequest,
    OnlineSettingsRequest,
    OpenDayRequest,
    OpeningRequestIn,
    PlacesPreviewRequest,
    PlacesRequest,
    PromoteRequest,
    RemoveWaitingRequest,
    RulePartsIn,
    SmtpRequest,
    StructureRequest,
    WalletRequest,
    activity_definition,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from famdesk.services.account_facts import RecordFacts


def protocol_methods(protocol: type) -> tuple[str, ...]:
    """The coroutine methods `protocol` (and the protocols it extends) declares."""
    names: set[str] = set()
    for kind in protocol.__mro__:
        if kind is object or not getattr(kind, "_is_protocol", False):
            continue
        names |= {name for name, value in vars(kind).items()
                  if not name.startswith("_") and inspect.iscoroutinefunction(value)}
    return tuple(sorted(names))


class SyncedAdminMixin(SyncedAdminAccountsMixin):
    """`AdminGateway`'s methods (see the module's docstring; the accounts and structures:
    `SyncedAdminAccountsMixin`)."""

    if TYPE_CHECKING:  # provided by SyncedGateway and SyncedAccountsMixin
        async def _call(self, method: str, path: str, answer: Any, *,
                        body: BaseModel | None = None, params: dict[str, Any] | None = None,
                        session: bool = True, timeout: float | None = None) -> Any: ...

        def _message(self, kind: Any, **fields: Any) -> Any: ...

        async def record_facts(self, structure_id: int) -> RecordFacts: ...

    # -- the structure ----------------------------------------------------------------

    async def today(self, structure_id: int) -> date:
        """The structure's date now (its time zone, the server's clock)."""
        return (await self.record_facts(structure_id)).today

    async def structure_settings(self, structure_id: int) -> StructureSettings:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.STRUCTURE_SETTINGS.format(structure_id=structure_id), StructureSettings)

    async def save_structure(self, structure_id: int, name: str, holiday_zone: str,
                             kiosk_idle_seconds: int) -> StructureSettings:
        """The session is asked again: it knows the structure's new name."""
        body = self._message(StructureRequest, name=name, holiday_zone=holiday_zone,
                             kiosk_idle_seconds=kiosk_idle_seconds)
        saved: StructureSettings = await self._call(
            "PUT", paths.STRUCTURE_SETTINGS.format(structure_id=structure_id), StructureSettings,
            body=body)
        await self._refresh_session()
        return saved

    async def save_smtp(self, structure_id: int, form: SmtpForm) -> StructureSettings:
        """The password goes to the server's secret store (`SmtpForm.password`: None keeps it)."""
        return await self._call(  # type: ignore[no-any-return]
            "PUT", paths.STRUCTURE_SMTP.format(structure_id=structure_id), StructureSettings,
            body=self._message(SmtpRequest, **SmtpRequest.of(form)))

    async def save_online_settings(self, structure_id: int,
                                   settings: OnlineSettings) -> StructureSettings:
        body = self._message(OnlineSettingsRequest, provider=settings.provider,
                             payfip_numcli=settings.payfip_numcli,
                             payfip_mode=settings.payfip_mode, notify_url=settings.notify_url,
                             return_url=settings.return_url)
        return await self._call(  # type: ignore[no-any-return]
            "PUT", paths.STRUCTURE_ONLINE.format(structure_id=structure_id), StructureSettings,
            body=body)

    async def news_items(self, structure_id: int) -> tuple[NewsRow, ...]:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.NEWS_ITEMS.format(structure_id=structure_id), tuple[NewsRow, ...])

    async def save_news(self, structure_id: int, form: NewsForm,
                        news_id: int | None = None) -> NewsRow:
        body = self._message(NewsRequest, title=form.title, body=form.body,
                             published_from=form.published_from,
                             published_until=form.published_until)
        if news_id is None:
            return await self._call(  # type: ignore[no-any-return]
                "POST", paths.NEWS_ITEMS.format(structure_id=structure_id), NewsRow, body=body)
        return await self._call(  # type: ignore[no-any-return]
            "PUT", paths.NEWS_ITEM.format(structure_id=structure_id, news_id=news_id), NewsRow,
            body=body)

    async def unpublish_news(self, structure_id: int, news_id: int) -> NewsRow:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.NEWS_UNPUBLISH.format(structure_id=structure_id, news_id=news_id),
            NewsRow)

    async def delete_news(self, structure_id: int, news_id: int) -> None:
        await self._call("DELETE", paths.NEWS_ITEM.format(structure_id=structure_id,
                                                          news_id=news_id), None)

    # -- wallets and activities -------------------------------------------------------

    async def activities_page(self, structure_id: int) -> ActivitiesPageAnswer:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.ACTIVITIES_PAGE.format(structure_id=structure_id), ActivitiesPageAnswer)

    async def save_wallet(self, structure_id: int, label: str, display_order: int,
                          wallet_id: int | None = None) -> WalletRow:
        body = self._message(WalletRequest, label=label, display_order=display_order)
        if wallet_id is None:
            return await self._call(  # type: ignore[no-any-return]
                "POST", paths.WALLETS.format(structure_id=structure_id), WalletRow, body=body)
        return await self._call(  # type: ignore[no-any-return]
            "PUT", paths.WALLET.format(structure_id=structure_id, wallet_id=wallet_id),
            WalletRow, body=body)

    async def activity_definition(self, activity_id: int) -> ActivityDefinition:
        return activity_definition(await self._call(
            "GET", paths.ACTIVITY.format(activity_id=activity_id), ActivityDefinition))

    async def add_activity(self, structure_id: int, form: ActivityForm) -> ActivityDefinition:
        return activity_definition(await self._call(
            "POST", paths.ACTIVITIES.format(structure_id=structure_id), ActivityDefinition,
            body=self._message(ActivityFormIn, **ActivityFormIn.of(form))))

    async def update_activity(self, activity_id: int, form: ActivityForm) -> ActivityDefinition:
        return activity_definition(await self._call(
            "PUT", paths.ACTIVITY.format(activity_id=activity_id), ActivityDefinition,
            body=self._message(ActivityFormIn, **ActivityFormIn.of(form))))

    async def deadlines_on(self, structure_id: int, day: date, booking_rule: RuleParts,
                           cancellation_rule: RuleParts | None = None) -> DeadlinesTest:
        body = self._message(DeadlinesTestRequest, day=day,
                             booking_rule=RulePartsIn.of(booking_rule),
                             cancellation_rule=RulePartsIn.of(cancellation_rule))
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.DEADLINES_TEST.format(structure_id=structure_id), DeadlinesTest,
            body=body)

    # -- the opening calendar ---------------------------------------------------------

    async def opening_calendar(self, activity_id: int, first: date,
                               last: date) -> tuple[CalendarDay, ...]:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.OPENING_CALENDAR.format(activity_id=activity_id),
            tuple[CalendarDay, ...], params={"first": first, "last": last})

    async def preview_openings(self, activity_id: int, request: OpeningRequest) -> OpeningPlan:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.OPENINGS_PREVIEW.format(activity_id=activity_id), OpeningPlan,
            body=self._message(OpeningRequestIn, **OpeningRequestIn.of(request)))

    async def apply_openings(self, activity_id: int, request: OpeningRequest) -> OpeningPlan:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.OPENINGS.format(activity_id=activity_id), OpeningPlan,
            body=self._message(OpeningRequestIn, **OpeningRequestIn.of(request)))

    async def open_day(self, activity_id: int, day: date, capacity: int | None,
                       waitlist_size: int | None) -> CalendarDay:
        body = self._message(OpenDayRequest, day=day, capacity=capacity,
                             waitlist_size=waitlist_size)
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.OPEN_DAY.format(activity_id=activity_id), CalendarDay, body=body)

    async def preview_places(self, activity_id: int, first: date, last: date,
                             capacity: int | None,
                             waitlist_size: int | None | Keep = KEEP) -> PlacesPreview:
        body = self._message(PlacesPreviewRequest, first=first, last=last, capacity=capacity,
                             waitlist_size=PlacesPreviewRequest.wire_size(waitlist_size))
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.PLACES_PREVIEW.format(activity_id=activity_id), PlacesPreview,
            body=body)

    async def set_places(self, activity_id: int, first: date, last: date, capacity: int | None,
                         waitlist_size: int | None | Keep = KEEP,
                         overflow: Overflow = Overflow.REFUSE) -> PlacesResult:
        body = self._message(PlacesRequest, first=first, last=last, capacity=capacity,
                             waitlist_size=PlacesRequest.wire_size(waitlist_size),
                             overflow=overflow)
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.PLACES.format(activity_id=activity_id), PlacesResult, body=body)

    async def closure_preview(self, activity_id: int, first: date,
                              last: date | None = None) -> ClosurePreview:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.CLOSURE_PREVIEW.format(activity_id=activity_id), ClosurePreview,
            params={"first": first, "last": last})

    async def close_days(self, activity_id: int, first: date, last: date | None, reason: str,
                         expected_reservations: int | None) -> ClosureResult:
        body = self._message(ClosureRequest, first=first, last=last, reason=reason,
                             expected_reservations=expected_reservations)
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.CLOSURE.format(activity_id=activity_id), ClosureResult, body=body)

    # -- waiting lists ----------------------------------------------------------------

    async def waiting_days(self, structure_id: int,
                           activity_id: int | None = None) -> tuple[WaitingDay, ...]:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.WAITING_DAYS.format(structure_id=structure_id), tuple[WaitingDay, ...],
            params={"activity_id": activity_id})

    async def waiting_list(self, activity_id: int, day: date) -> WaitingList:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.WAITING_LIST.format(activity_id=activity_id), WaitingList,
            params={"day": day})

    async def promote_waiting(self, activity_id: int, day: date,
                              reservation_id: int | None = None) -> WaitingList:
        body = self._message(PromoteRequest, day=day, reservation_id=reservation_id)
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.WAITING_PROMOTE.format(activity_id=activity_id), WaitingList,
            body=body)

    async def remove_waiting(self, activity_id: int, day: date, reservation_id: int,
                             reason: str) -> WaitingList:
        body = self._message(RemoveWaitingRequest, day=day, reservation_id=reservation_id,
                             reason=reason)
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.WAITING_REMOVE.format(activity_id=activity_id), WaitingList,
            body=body)

    # -- the families import ----------------------------------------------------------

    async def check_family_import(self, structure_id: int, data: bytes) -> FamilyImportReport:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.FAMILY_IMPORT_CHECK.format(structure_id=structure_id),
            FamilyImportReport, body=self._message(FamilyImportRequest, data=b64encode(data)))

    async def import_families(
        self, structure_id: int, data: bytes, source: str = ""
    ) -> FamilyImportReport:
        """All or nothing. A refusal that rejected lines comes back as `ImportRejectedError`
        with the report of a new check (the wire carries the sentence, not the report)."""
        body = self._message(FamilyImportRequest, data=b64encode(data), source=source)
        try:
            return await self._call(  # type: ignore[no-any-return]
                "POST", paths.FAMILY_IMPORT.format(structure_id=structure_id),
                FamilyImportReport, body=body)
        except ValidationError as refused:
            report = await self.check_family_import(structure_id, data)
            if report.rejected:
                raise ImportRejectedError(report) from None
            raise refused from None
