"""The back office's days ("Paramétrage", managers): the opening calendar, the places of open
days, closing days, and the waiting lists.

The same services as the desktop's local mode (`AdminGatewayMixin`); they refuse anyone but
a manager of the activity's structure. The previews read and change nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from famdesk.server.context import CallerDep, PathId, QueryId, ServerDep, reply
from famdesk.server.errors import ERROR_RESPONSES
from famdesk.services import backoffice as service
from famdesk.services.backoffice import (
    CalendarDay,
    ClosurePreview,
    ClosureResult,
    OpeningPlan,
    PlacesPreview,
    PlacesResult,
    WaitingDay,
    WaitingList,
)
from famdesk.wire import paths
from famdesk.wire.messages import Day
from famdesk.wire.messages_admin import (
    ClosureRequest,
    OpenDayRequest,
    OpeningRequestIn,
    PlacesPreviewRequest,
    PlacesRequest,
    PromoteRequest,
    RemoveWaitingRequest,
)

router = APIRouter(responses=ERROR_RESPONSES, tags=["back office"])

DayQuery = Annotated[Day, Query()]


# -- the opening calendar -------------------------------------------------------------------------


@router.get(paths.OPENING_CALENDAR, response_model=tuple[CalendarDay, ...])
def opening_calendar(activity_id: PathId, first: DayQuery, last: DayQuery, caller: CallerDep,
                     server: ServerDep) -> Response:
    days = server.run(lambda uow: service.opening_calendar(
        uow, server.clock, caller.session, activity_id, first, last))
    return reply(days, tuple[CalendarDay, ...])


@router.post(paths.OPENINGS_PREVIEW, response_model=OpeningPlan)
def preview_openings(activity_id: PathId, body: OpeningRequestIn, caller: CallerDep,
                     server: ServerDep) -> Response:
    """The days that would open, and those left closed with why; changes nothing."""
    plan = server.run(lambda uow: service.preview_openings(
        uow, server.clock, caller.session, activity_id, body.to_request()))
    return reply(plan, OpeningPlan)


@router.post(paths.OPENINGS, response_model=OpeningPlan)
def apply_openings(activity_id: PathId, body: OpeningRequestIn, caller: CallerDep,
                   server: ServerDep) -> Response:
    """Open the days of the plan (days already open are left as they are)."""
    plan = server.run(lambda uow: service.apply_openings(
        uow, server.clock, caller.session, activity_id, body.to_request(),
        terminal=caller.terminal), write=True)
    return reply(plan, OpeningPlan)


@router.post(paths.OPEN_DAY, response_model=CalendarDay)
def open_day(activity_id: PathId, body: OpenDayRequest, caller: CallerDep,
             server: ServerDep) -> Response:
    day = server.run(lambda uow: service.open_day(
        uow, server.clock, caller.session, activity_id, body.day, body.capacity,
        body.waitlist_size, terminal=caller.terminal), write=True)
    return reply(day, CalendarDay)


# -- places -------------------------------------------------------------------------------------


@router.post(paths.PLACES_PREVIEW, response_model=PlacesPreview)
def preview_places(activity_id: PathId, body: PlacesPreviewRequest, caller: CallerDep,
                   server: ServerDep) -> Response:
    """What the change of places would do, day by day; changes nothing."""
    preview = server.run(lambda uow: service.preview_places(
        uow, server.clock, caller.session, activity_id, body.first, body.last, body.capacity,
        body.size()))
    return reply(preview, PlacesPreview)


@router.post(paths.PLACES, response_model=PlacesResult)
def set_places(activity_id: PathId, body: PlacesRequest, caller: CallerDep,
               server: ServerDep) -> Response:
    result = server.run(lambda uow: service.set_places(
        uow, server.clock, caller.session, activity_id, body.first, body.last, body.capacity,
        body.size(), overflow=body.overflow, terminal=caller.terminal), write=True)
    return reply(result, PlacesResult)


# -- closing days -------------------------------------------------------------------------------


@router.get(paths.CLOSURE_PREVIEW, response_model=ClosurePreview)
def closure_preview(activity_id: PathId, first: DayQuery, caller: CallerDep, server: ServerDep,
                    last: Annotated[Day | None, Query()] = None) -> Response:
    """The open days that would close, the reservations cancelled and refunded."""
    preview = server.run(lambda uow: service.closure_preview(
        uow, server.clock, caller.session, activity_id, first, last))
    return reply(preview, ClosurePreview)


@router.post(paths.CLOSURE, response_model=ClosureResult)
def close_days(activity_id: PathId, body: ClosureRequest, caller: CallerDep,
               server: ServerDep) -> Response:
    """Close the days; `expected_reservations` (the preview's count) refuses the closure
    when the reservations changed since."""
    result = server.run(lambda uow: service.close_days(
        uow, server.clock, caller.session, activity_id, body.first, body.last,
        reason=body.reason, expected_reservations=body.expected_reservations,
        terminal=caller.terminal), write=True)
    return reply(result, ClosureResult)


# -- waiting lists ------------------------------------------------------------------------------


@router.get(paths.WAITING_DAYS, response_model=tuple[WaitingDay, ...])
def waiting_days(structure_id: PathId, caller: CallerDep, server: ServerDep,
                 activity_id: QueryId = None) -> Response:
    days = server.run(lambda uow: service.waiting_days(
        uow, server.clock, caller.session, structure_id, activity_id))
    return reply(days, tuple[WaitingDay, ...])


@router.get(paths.WAITING_LIST, response_model=WaitingList)
def waiting_list(activity_id: PathId, day: DayQuery, caller: CallerDep,
                 server: ServerDep) -> Response:
    found = server.run(lambda uow: service.waiting_list(
        uow, server.clock, caller.session, activity_id, day))
    return reply(found, WaitingList)


@router.post(paths.WAITING_PROMOTE, response_model=WaitingList)
def promote_waiting(activity_id: PathId, body: PromoteRequest, caller: CallerDep,
                    server: ServerDep) -> Response:
    """Give a place to a waiting child (no id: the head of the list)."""
    found = server.run(lambda uow: service.promote_waiting(
        uow, server.clock, caller.session, activity_id, body.day, body.reservation_id,
        terminal=caller.terminal), write=True)
    return reply(found, WaitingList)


@router.post(paths.WAITING_REMOVE, response_model=WaitingList)
def remove_waiting(activity_id: PathId, body: RemoveWaitingRequest, caller: CallerDep,
                   server: ServerDep) -> Response:
    found = server.run(lambda uow: service.remove_waiting(
        uow, server.clock, caller.session, activity_id, body.day, body.reservation_id,
        body.reason, terminal=caller.terminal), write=True)
    return reply(found, WaitingList)
