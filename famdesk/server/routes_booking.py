"""The home page, the booking tab ("Réservations") and the tracking ("Suivi des demandes")."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import Response

from famdesk.models.enums import MovementOutcome
from famdesk.server.context import CallerDep, PathId, QueryId, ServerDep, reply
from famdesk.server.errors import ERROR_RESPONSES
from famdesk.services.booking import ConfirmResult, Recap, confirm, preview
from famdesk.services.booking_info import ActivityInfo, BookingFamily, activity_info, booking_family
from famdesk.services.copying import CopyPlan, copy_reservations
from famdesk.services.home import HomePage, home_page
from famdesk.services.month import MonthView, month_view
from famdesk.services.reports.tracking_pdf import tracking_pdf
from famdesk.services.tracking import TrackingFilter, TrackingView, tracking
from famdesk.services.uow import UnitOfWork
from famdesk.wire import paths
from famdesk.wire.messages import (
    ConfirmRequest,
    CopyRequest,
    Day,
    MonthRequest,
    PreviewRequest,
    draft_of,
)

router = APIRouter(responses=ERROR_RESPONSES, tags=["booking"])

QueryDay = Annotated[Day | None, Query(description="YYYY-MM-DD")]


@router.get(paths.HOME, response_model=HomePage)
def home(structure_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    page = server.run(lambda uow: home_page(uow, server.clock, caller.session, structure_id))
    return reply(page, HomePage)


@router.get(paths.BOOKING_FAMILY, response_model=BookingFamily)
def get_booking_family(structure_id: PathId, caller: CallerDep, server: ServerDep,
                       family_id: QueryId = None) -> Response:
    """The account's family (staff give `family_id`)."""
    family = server.run(lambda uow: booking_family(
        uow, server.clock, caller.session, structure_id, family_id))
    return reply(family, BookingFamily)


@router.post(paths.MONTH, response_model=MonthView)
def month(body: MonthRequest, caller: CallerDep, server: ServerDep) -> Response:
    """The child's month (one activity or all), seen through the draft; saves nothing."""
    draft = draft_of(body.draft)
    view = server.run(lambda uow: month_view(
        uow, server.clock, caller.session, body.child_id, body.year, body.month,
        body.activity_id, draft))
    return reply(view, MonthView)


@router.get(paths.ACTIVITY_INFO, response_model=ActivityInfo)
def get_activity_info(child_id: PathId, activity_id: PathId, on: Annotated[Day, Query()],
                      caller: CallerDep, server: ServerDep) -> Response:
    info = server.run(lambda uow: activity_info(
        uow, server.clock, caller.session, child_id, activity_id, on))
    return reply(info, ActivityInfo)


@router.post(paths.PREVIEW, response_model=Recap)
def get_preview(body: PreviewRequest, caller: CallerDep, server: ServerDep) -> Response:
    """What confirming the draft now would do; saves nothing."""
    draft = body.draft.to_draft()
    recap = server.run(lambda uow: preview(
        uow, server.clock, caller.session, draft, body.override_reason))
    return reply(recap, Recap)


@router.post(paths.CONFIRM, response_model=ConfirmResult)
def do_confirm(body: ConfirmRequest, caller: CallerDep, server: ServerDep) -> Response:
    """Apply the draft. The same `key` again (a retry) books nothing more and answers the
    first answer again, with `replayed` true."""
    draft = body.draft.to_draft()
    session = caller.session
    # keys are the account's own: another account's key can neither replay nor block it
    key = f"a{session.account_id}-{body.key}"
    result = server.run(lambda uow: confirm(
        uow, server.clock, session, draft, key, terminal=caller.terminal, source=body.source,
        override_reason=body.override_reason), write=True)
    return reply(replace(result, key=body.key), ConfirmResult)


@router.post(paths.COPY, response_model=CopyPlan)
def copy(body: CopyRequest, caller: CallerDep, server: ServerDep) -> Response:
    """The source's days tried on the target, added to the draft (nothing saved)."""
    draft = draft_of(body.draft)
    plan = server.run(lambda uow: copy_reservations(
        uow, server.clock, caller.session, source_child_id=body.source_child_id,
        source_activity_id=body.source_activity_id, first=body.first, last=body.last,
        target_child_id=body.target_child_id, target_activity_id=body.target_activity_id,
        times=body.times, draft=draft))
    return reply(plan, CopyPlan)


def _filters(child_id: int | None, activity_id: int | None, first: date | None,
             last: date | None, outcome: MovementOutcome | None) -> TrackingFilter:
    return TrackingFilter(child_id, activity_id, first, last, outcome)


@router.get(paths.TRACKING, response_model=TrackingView)
def get_tracking(structure_id: PathId, caller: CallerDep, server: ServerDep,
                 family_id: QueryId = None, child_id: QueryId = None,
                 activity_id: QueryId = None, first: QueryDay = None, last: QueryDay = None,
                 outcome: MovementOutcome | None = None) -> Response:
    """The family's requests and what became of them (staff give `family_id`)."""
    filters = _filters(child_id, activity_id, first, last, outcome)
    view = server.run(lambda uow: tracking(uow, caller.session, structure_id, family_id, filters))
    return reply(view, TrackingView)


@router.get(paths.TRACKING_PDF, response_class=Response,
            responses={200: {"content": {"application/pdf": {}},
                             "description": "the requests, printable"}})
def get_tracking_pdf(structure_id: PathId, caller: CallerDep, server: ServerDep,
                     family_id: QueryId = None, child_id: QueryId = None,
                     activity_id: QueryId = None, first: QueryDay = None,
                     last: QueryDay = None, outcome: MovementOutcome | None = None,
                     filters_text: Annotated[str, Query(max_length=500)] = "") -> Response:
    """The same requests as a PDF, printed now (in the structure's time zone)."""
    filters = _filters(child_id, activity_id, first, last, outcome)
    session = caller.session

    def work(uow: UnitOfWork) -> bytes:
        view = tracking(uow, session, structure_id, family_id, filters)
        zone = ZoneInfo(session.structure(structure_id).timezone)
        return tracking_pdf(view, server.clock.now().astimezone(zone), filters_text)

    return Response(server.run(work), media_type="application/pdf")
