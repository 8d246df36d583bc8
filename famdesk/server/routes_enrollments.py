"""Annual enrollments ("Inscriptions à l'année")."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from famdesk.server.context import CallerDep, PathId, ServerDep, reply
from famdesk.server.errors import ERROR_RESPONSES
from famdesk.services import enrollments as service
from famdesk.services.enrollments import EnrollmentLine
from famdesk.services.uow import UnitOfWork
from famdesk.wire import paths
from famdesk.wire.messages import (
    EnrollmentEndRequest,
    EnrollmentPageAnswer,
    EnrollmentRequest,
    EnrollmentStopRequest,
)

router = APIRouter(responses=ERROR_RESPONSES, tags=["enrollments"])


@router.get(paths.ENROLLMENT_PAGE, response_model=EnrollmentPageAnswer)
def enrollment_page(child_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    """The form's choices for the child and the child's enrollments, read together."""
    session, clock = caller.session, server.clock

    def work(uow: UnitOfWork) -> EnrollmentPageAnswer:
        form = service.enrollment_form(uow, clock, session, child_id)
        return EnrollmentPageAnswer(form=form, lines=service.enrollments(uow, clock, session,
                                                                          child_id))

    return reply(server.run(work), EnrollmentPageAnswer)


@router.post(paths.ENROLLMENTS, response_model=EnrollmentLine, status_code=201)
def create_enrollment(body: EnrollmentRequest, caller: CallerDep, server: ServerDep) -> Response:
    line = server.run(lambda uow: service.create_enrollment(
        uow, server.clock, caller.session, body.child_id, body.activity_id, body.starts_on,
        body.ends_on, tuple(body.weekdays), body.every_other_week, body.arrival,
        body.departure, terminal=caller.terminal), write=True)
    return reply(line, EnrollmentLine, 201)


@router.post(paths.ENROLLMENT_END, response_model=EnrollmentLine)
def change_enrollment_end(enrollment_id: PathId, body: EnrollmentEndRequest, caller: CallerDep,
                          server: ServerDep) -> Response:
    """Another end (null: the school year's end), no earlier than the lead time."""
    line = server.run(lambda uow: service.change_enrollment_end(
        uow, server.clock, caller.session, enrollment_id, body.ends_on,
        terminal=caller.terminal), write=True)
    return reply(line, EnrollmentLine)


@router.post(paths.ENROLLMENT_STOP, response_model=EnrollmentLine)
def stop_enrollment(enrollment_id: PathId, body: EnrollmentStopRequest, caller: CallerDep,
                    server: ServerDep) -> Response:
    """Stop from `stops_on` (null: the earliest day the lead time allows)."""
    line = server.run(lambda uow: service.stop_enrollment(
        uow, server.clock, caller.session, enrollment_id, body.stops_on,
        terminal=caller.terminal), write=True)
    return reply(line, EnrollmentLine)
