"""The front desk: family search and records, the transmission, the e-mails that failed, the
sessions the staff end, and the kiosks the managers register."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from famdesk.server.context import CallerDep, PathId, ServerDep, no_content, reply
from famdesk.server.errors import ERROR_RESPONSES
from famdesk.server.transmission_stream import TransmissionStream
from famdesk.services import families, kiosks
from famdesk.services.account_facts import RecordFacts, record_facts
from famdesk.services.api_sessions import revoke_sessions
from famdesk.services.families import FamilyHit, FamilyRecord, OneTimePassword
from famdesk.services.kiosks import KioskRegistered, KioskRow
from famdesk.services.outbox import OutboxFailure, failures
from famdesk.services.transmission_lock import transmit_as
from famdesk.wire import paths
from famdesk.wire.messages import (
    ChildDetailsIn,
    FamilyAccountRequest,
    FamilyDetailsIn,
    IdAnswer,
    KioskRequest,
    QuotientRequest,
    RegistrationRequest,
    RevokedAnswer,
)
from famdesk.wire.transmit_lines import NDJSON, line_schema

router = APIRouter(responses=ERROR_RESPONSES, tags=["front desk"])


@router.get(paths.FAMILY_SEARCH, response_model=tuple[FamilyHit, ...])
def search_families(structure_id: PathId, caller: CallerDep, server: ServerDep,
                    text: Annotated[str, Query(max_length=200)] = "",
                    limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
    """The structure's families matching every word of `text` (staff)."""
    hits = server.run(lambda uow: families.search_families(
        uow, caller.session, structure_id, text, limit))
    return reply(hits, tuple[FamilyHit, ...])


@router.get(paths.FAMILY_RECORD, response_model=FamilyRecord)
def family_record(family_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    record = server.run(lambda uow: families.family_record(uow, caller.session, family_id))
    return reply(record, FamilyRecord)


@router.get(paths.RECORD_FACTS, response_model=RecordFacts)
def get_record_facts(structure_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    """The structure's today and activities, for a family file's forms."""
    facts = server.run(lambda uow: record_facts(uow, server.clock, caller.session, structure_id))
    return reply(facts, RecordFacts)


@router.post(paths.FAMILY_CREATE, response_model=IdAnswer, status_code=201)
def create_family(structure_id: PathId, body: FamilyDetailsIn, caller: CallerDep,
                  server: ServerDep) -> Response:
    family_id = server.run(lambda uow: families.save_family(
        uow, server.clock, caller.session, structure_id, body.to_details(), None,
        terminal=caller.terminal), write=True)
    return reply(IdAnswer(id=family_id), IdAnswer, 201)


@router.put(paths.FAMILY_SAVE, response_model=IdAnswer)
def save_family(structure_id: PathId, family_id: PathId, body: FamilyDetailsIn,
                caller: CallerDep, server: ServerDep) -> Response:
    saved = server.run(lambda uow: families.save_family(
        uow, server.clock, caller.session, structure_id, body.to_details(), family_id,
        terminal=caller.terminal), write=True)
    return reply(IdAnswer(id=saved), IdAnswer)


@router.post(paths.QUOTIENTS, response_model=IdAnswer, status_code=201)
def set_quotient(family_id: PathId, body: QuotientRequest, caller: CallerDep,
                 server: ServerDep) -> Response:
    quotient_id = server.run(lambda uow: families.set_quotient(
        uow, server.clock, caller.session, family_id, body.value, body.valid_from,
        body.valid_until, terminal=caller.terminal), write=True)
    return reply(IdAnswer(id=quotient_id), IdAnswer, 201)


@router.post(paths.CHILD_CREATE, response_model=IdAnswer, status_code=201)
def create_child(family_id: PathId, body: ChildDetailsIn, caller: CallerDep,
                 server: ServerDep) -> Response:
    child_id = server.run(lambda uow: families.save_child(
        uow, server.clock, caller.session, family_id, body.to_details(), None,
        terminal=caller.terminal), write=True)
    return reply(IdAnswer(id=child_id), IdAnswer, 201)


@router.put(paths.CHILD_SAVE, response_model=IdAnswer)
def save_child(family_id: PathId, child_id: PathId, body: ChildDetailsIn, caller: CallerDep,
               server: ServerDep) -> Response:
    saved = server.run(lambda uow: families.save_child(
        uow, server.clock, caller.session, family_id, body.to_details(), child_id,
        terminal=caller.terminal), write=True)
    return reply(IdAnswer(id=saved), IdAnswer)


@router.post(paths.REGISTRATIONS, response_model=IdAnswer, status_code=201)
def register(body: RegistrationRequest, caller: CallerDep, server: ServerDep) -> Response:
    registration_id = server.run(lambda uow: families.register(
        uow, server.clock, caller.session, body.child_id, body.activity_id, body.starts_on,
        body.ends_on, terminal=caller.terminal), write=True)
    return reply(IdAnswer(id=registration_id), IdAnswer, 201)


@router.delete(paths.REGISTRATION, status_code=204, response_class=Response)
def unregister(registration_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    server.run(lambda uow: families.unregister(
        uow, server.clock, caller.session, registration_id, terminal=caller.terminal),
        write=True)
    return no_content()


@router.post(paths.FAMILY_ACCOUNT, response_model=OneTimePassword, status_code=201)
def create_family_account(family_id: PathId, body: FamilyAccountRequest, caller: CallerDep,
                          server: ServerDep) -> Response:
    """The family's account, with a one-time password to hand over (shown this once)."""
    made = server.run(lambda uow: families.create_family_account(
        uow, server.clock, caller.session, family_id, body.login, terminal=caller.terminal),
        write=True)
    return reply(made, OneTimePassword, 201)


@router.post(paths.FAMILY_ACCOUNT_RESET, response_model=OneTimePassword)
def reset_family_password(family_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    made = server.run(lambda uow: families.reset_family_password(
        uow, server.clock, caller.session, family_id, terminal=caller.terminal), write=True)
    return reply(made, OneTimePassword)


@router.post(paths.ACCOUNT_SESSIONS_REVOKE, response_model=RevokedAnswer)
def revoke_account_sessions(account_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    """End every open session of an account (staff: a family's; managers: any of theirs)."""
    ended = server.run(lambda uow: revoke_sessions(
        uow, server.clock, caller.session, account_id, terminal=caller.terminal), write=True)
    return reply(RevokedAnswer(revoked=ended), RevokedAnswer)


# -- the transmission and the outbox ---------------------------------------------------------------


TRANSMIT_ANSWER: dict[int | str, dict[str, Any]] = {200: {
    "description": "the run's progress as each batch ends, then its summary (or the error "
                   "that stopped it): NDJSON, one object per line; an empty line while the "
                   "run is silent",
    "content": {NDJSON: {"schema": line_schema()}},
}}


@router.post(paths.TRANSMIT, response_class=Response, responses=TRANSMIT_ANSWER)
async def transmit(caller: CallerDep, server: ServerDep) -> Response:
    """The transmission of the staff's structures, now, told as it runs: a line per batch,
    then the summary. Refused at once while another transmission runs (409).
    \f
    Design (stateless: several processes may serve one database). The run — `transmit_as`,
    which checks the role, then takes the transmission lock without waiting — starts on a
    worker thread and feeds its events to this request through a memory stream. The answer
    waits for the first event: a refusal (403 not staff, 409 the lock held elsewhere) comes
    before any batch and is raised as an ordinary JSON error; a progress or the summary
    begins the 200 stream (so do `OPENING_S` of silence), whose last line is the summary, or
    the error that stopped the run. Nothing outlives the request; see
    `famdesk.server.transmission_stream`.
    """
    return TransmissionStream(lambda progress: transmit_as(
        server.ctx.db, server.clock, server.mailers, caller.session, progress=progress))


@router.get(paths.OUTBOX_FAILURES, response_model=tuple[OutboxFailure, ...])
def outbox_failures(structure_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    found = server.run(lambda uow: failures(uow, caller.session, structure_id))
    return reply(found, tuple[OutboxFailure, ...])


# -- kiosks (managers) -----------------------------------------------------------------------------------


@router.post(paths.KIOSKS, response_model=KioskRegistered, status_code=201)
def register_kiosk(structure_id: PathId, body: KioskRequest, caller: CallerDep,
                   server: ServerDep) -> Response:
    """Register a kiosk PC; its device token is in this answer only."""
    made = server.run(lambda uow: kiosks.register_kiosk(
        uow, server.clock, caller.session, structure_id, body.label, terminal=caller.terminal),
        write=True)
    return reply(made, KioskRegistered, 201)


@router.get(paths.KIOSKS, response_model=tuple[KioskRow, ...])
def list_kiosks(structure_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    rows = server.run(lambda uow: kiosks.kiosks(uow, caller.session, structure_id))
    return reply(rows, tuple[KioskRow, ...])


@router.delete(paths.KIOSK, status_code=204, response_class=Response)
def revoke_kiosk(kiosk_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    """The kiosk's token stops working and its sessions end."""
    server.run(lambda uow: kiosks.revoke_kiosk(
        uow, server.clock, caller.session, kiosk_id, terminal=caller.terminal), write=True)
    return no_content()
