"""The synced gateway's pages, booking, annual enrollments and the staff's transmission:
one `famdesk serve` route per method (see `famdesk.wire.paths`).

`SyncedBookingMixin` is written against `SyncedGateway`'s `_call(...)`, `_document(...)`,
`_message(...)`, `_require_session()`, and `_api()` and `_watched(...)` for the
transmission, whose answer streams its progress (`famdesk.wire.transmit_lines`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from contextlib import aclosing
from datetime import date, time
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError as WireValidationError

from famdesk.errors import NotAuthorizedError, ValidationError
from famdesk.i18n import _
from famdesk.models.enums import ReservationSource
from famdesk.services.booking import ConfirmResult, Recap
from famdesk.services.booking_info import ActivityInfo, BookingFamily
from famdesk.services.copying import CopyPlan
from famdesk.services.draft import Draft
from famdesk.services.enrollments import EnrollmentLine
from famdesk.services.home import HomePage
from famdesk.services.month import MonthView
from famdesk.services.outbox import OutboxFailure
from famdesk.services.tracking import TrackingFilter, TrackingView
from famdesk.services.transmission import Progress, TransmitSummary
from famdesk.ui.gateway_enrollments import EnrollmentPage
from famdesk.wire import paths
from famdesk.wire.client import unreachable
from famdesk.wire.errors import error_from
from famdesk.wire.messages import (
    MAX_DRAFT_LINES,
    ConfirmRequest,
    CopyRequest,
    DraftIn,
    EnrollmentEndRequest,
    EnrollmentPageAnswer,
    EnrollmentRequest,
    EnrollmentStopRequest,
    MonthRequest,
    PreviewRequest,
)
from famdesk.wire.transmit_lines import ErrorLine, ProgressLine, SummaryLine, TransmitLine

TRANSMIT_SECONDS = 600.0
"""The transmission's call waits this long for the run's end, whatever comes meanwhile (the
run itself goes on to its end on the server)."""
TRANSMIT_LINE_SECONDS = 120.0
"""How long the transmission's answer may stay silent: a running server sends a line at
least every 15 s (progress, or an empty line)."""

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from famdesk.services.auth import SessionInfo
    from famdesk.services.demo import DemoAccount
    from famdesk.wire.client import ApiClient


def tracking_params(filters: TrackingFilter, family_id: int | None) -> dict[str, Any]:
    return {"family_id": family_id, "child_id": filters.child_id,
            "activity_id": filters.activity_id, "first": filters.first,
            "last": filters.last, "outcome": filters.outcome}


class SyncedBookingMixin:
    if TYPE_CHECKING:  # provided by SyncedGateway
        async def _call(self, method: str, path: str, answer: Any, *,
                        body: BaseModel | None = None, params: dict[str, Any] | None = None,
                        session: bool = True, timeout: float | None = None) -> Any: ...

        async def _document(self, path: str, params: dict[str, Any] | None = None) -> bytes: ...

        def _message(self, kind: Any, **fields: Any) -> Any: ...

        def _require_session(self) -> SessionInfo: ...

        def _api(self) -> ApiClient: ...

        async def _watched(self, call: Any) -> Any: ...

    # -- pages --------------------------------------------------------------------------

    async def demo_accounts(self) -> tuple[DemoAccount, ...]:
        from famdesk.services.demo import DemoAccount

        return tuple(await self._call("GET", paths.DEMO_ACCOUNTS, tuple[DemoAccount, ...],
                                      session=False))

    async def home(self, structure_id: int) -> HomePage:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.HOME.format(structure_id=structure_id), HomePage)

    async def tracking(
        self, structure_id: int, filters: TrackingFilter, family_id: int | None = None
    ) -> TrackingView:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.TRACKING.format(structure_id=structure_id), TrackingView,
            params=tracking_params(filters, family_id))

    async def tracking_pdf(
        self,
        structure_id: int,
        filters: TrackingFilter,
        family_id: int | None = None,
        *,
        filters_text: str = "",
    ) -> bytes:
        params = tracking_params(filters, family_id)
        params["filters_text"] = filters_text or None
        return await self._document(paths.TRACKING_PDF.format(structure_id=structure_id), params)

    # -- booking ------------------------------------------------------------------------

    async def booking_family(
        self, structure_id: int, family_id: int | None = None
    ) -> BookingFamily:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.BOOKING_FAMILY.format(structure_id=structure_id), BookingFamily,
            params={"family_id": family_id})

    async def month(
        self,
        child_id: int,
        year: int,
        month: int,
        activity_id: int | None = None,
        draft: Draft | None = None,
    ) -> MonthView:
        body = self._message(MonthRequest, child_id=child_id, year=year, month=month,
                             activity_id=activity_id, draft=_draft_in(draft))
        return await self._call("POST", paths.MONTH, MonthView, body=body)  # type: ignore[no-any-return]

    async def activity_info(self, child_id: int, activity_id: int, on: date) -> ActivityInfo:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.ACTIVITY_INFO.format(child_id=child_id, activity_id=activity_id),
            ActivityInfo, params={"on": on})

    async def preview(self, draft: Draft, override_reason: str | None = None) -> Recap:
        body = self._message(PreviewRequest, draft=_draft_in(draft),
                             override_reason=override_reason)
        return await self._call("POST", paths.PREVIEW, Recap, body=body)  # type: ignore[no-any-return]

    async def confirm(
        self,
        draft: Draft,
        key: str,
        override_reason: str | None = None,
        source: ReservationSource | None = None,
    ) -> ConfirmResult:
        """The recap's `key` goes with the request: sent again after a lost answer, the
        server answers the first answer again (`replayed`) and books nothing more."""
        body = self._message(ConfirmRequest, draft=_draft_in(draft), key=key,
                             override_reason=override_reason, source=source)
        return await self._call("POST", paths.CONFIRM, ConfirmResult, body=body)  # type: ignore[no-any-return]

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
        body = self._message(
            CopyRequest, source_child_id=source_child_id, source_activity_id=source_activity_id,
            first=first, last=last, target_child_id=target_child_id,
            target_activity_id=target_activity_id, times=times, draft=_draft_in(draft))
        return await self._call("POST", paths.COPY, CopyPlan, body=body)  # type: ignore[no-any-return]

    # -- annual enrollments -----------------------------------------------------------------

    async def enrollment_page(self, child_id: int) -> EnrollmentPage:
        page = await self._call("GET", paths.ENROLLMENT_PAGE.format(child_id=child_id),
                                EnrollmentPageAnswer)
        return page.form, tuple(page.lines)

    async def create_enrollment(
        self,
        child_id: int,
        activity_id: int,
        starts_on: date,
        ends_on: date | None,
        weekdays: Iterable[int],
        every_other_week: bool,
        arrival: time | None,
        departure: time | None,
    ) -> EnrollmentLine:
        body = self._message(
            EnrollmentRequest, child_id=child_id, activity_id=activity_id, starts_on=starts_on,
            ends_on=ends_on, weekdays=list(weekdays), every_other_week=every_other_week,
            arrival=arrival, departure=departure)
        return await self._call("POST", paths.ENROLLMENTS, EnrollmentLine, body=body)  # type: ignore[no-any-return]

    async def change_enrollment_end(self, enrollment_id: int,
                                    ends_on: date | None) -> EnrollmentLine:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.ENROLLMENT_END.format(enrollment_id=enrollment_id), EnrollmentLine,
            body=self._message(EnrollmentEndRequest, ends_on=ends_on))

    async def stop_enrollment(self, enrollment_id: int,
                              stops_on: date | None = None) -> EnrollmentLine:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.ENROLLMENT_STOP.format(enrollment_id=enrollment_id), EnrollmentLine,
            body=self._message(EnrollmentStopRequest, stops_on=stops_on))

    # -- staff --------------------------------------------------------------------------------

    async def transmit(self, progress: Progress) -> TransmitSummary:
        """Staff only: the transmission runs on the server (one at a time across every
        desk), which tells each batch as it ends: `progress(step, done, total)` is called
        here, on the event loop's thread (the GUI's, in the app)."""
        session = self._require_session()
        if not session.is_staff:
            raise NotAuthorizedError(_("Only the front-desk staff may do this."))
        return await self._watched(self._follow_transmission(progress))  # type: ignore[no-any-return]

    async def _follow_transmission(self, progress: Progress) -> TransmitSummary:
        lines = self._api().stream("POST", paths.TRANSMIT, TransmitLine,
                                   line_seconds=TRANSMIT_LINE_SECONDS)
        ending: SummaryLine | ErrorLine | None = None
        try:
            # read to the answer's end (just after its last line): a stream left half-read
            # would be closed by the garbage collector, off the event loop
            async with asyncio.timeout(TRANSMIT_SECONDS), aclosing(lines):
                async for line in lines:
                    if isinstance(line, ProgressLine):
                        step = line.progress
                        progress(step.step, step.done, step.total)
                    else:
                        ending = line
        except TimeoutError:
            log.warning("no end of the transmission after %.0f s", TRANSMIT_SECONDS)
            raise unreachable() from None
        if isinstance(ending, SummaryLine):
            return ending.summary
        if isinstance(ending, ErrorLine):  # no status on a line: the class comes from its code
            raise error_from(HTTPStatus.OK, ending.error)
        log.warning("the transmission's answer ended before its summary")
        raise unreachable()

    async def outbox_failures(self, structure_id: int) -> tuple[OutboxFailure, ...]:
        return tuple(await self._call(
            "GET", paths.OUTBOX_FAILURES.format(structure_id=structure_id),
            tuple[OutboxFailure, ...]))


def _draft_in(draft: Draft | None) -> DraftIn | None:
    """The draft on the wire; one the wire cannot carry is the user's French error."""
    if draft is None:
        return None
    if len(draft.lines) > MAX_DRAFT_LINES:
        raise ValidationError(
            _("Too many days in one request: confirm them in several times."))
    try:
        return DraftIn.of(draft)
    except WireValidationError:
        raise ValidationError(
            _("A value of the request is outside what famdesk accepts.")) from None
