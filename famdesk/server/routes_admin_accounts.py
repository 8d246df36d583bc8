"""The back office's accounts and structures ("Comptes et structures", managers): the
front-desk and manager accounts of a structure, a new account or a new password (a one-time
password in the answer, this once: the server keeps only its hash), a new role or other
structures, and a new structure.

The same services as the desktop's local mode (`AdminGatewayMixin`); they refuse anyone but
a manager, and a manager acts only within their own structures.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from famdesk.server.context import CallerDep, PathId, ServerDep, reply
from famdesk.server.errors import ERROR_RESPONSES
from famdesk.services import backoffice as service
from famdesk.services.auth import StructureChoice
from famdesk.services.backoffice import StaffAccountRow
from famdesk.services.families import OneTimePassword
from famdesk.wire import paths
from famdesk.wire.messages_admin import (
    NewStructureRequest,
    StaffAccountChange,
    StaffAccountRequest,
)

router = APIRouter(responses=ERROR_RESPONSES, tags=["back office"])


@router.get(paths.STAFF_ACCOUNTS, response_model=tuple[StaffAccountRow, ...])
def staff_accounts(structure_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    """The front-desk and manager accounts that see the structure (never a secret)."""
    rows = server.run(lambda uow: service.staff_accounts(
        uow, server.clock, caller.session, structure_id))
    return reply(rows, tuple[StaffAccountRow, ...])


@router.post(paths.STAFF_ACCOUNT_NEW, response_model=OneTimePassword, status_code=201)
def add_staff_account(body: StaffAccountRequest, caller: CallerDep,
                      server: ServerDep) -> Response:
    """A front-desk or manager account, with a one-time password to hand over (shown once)."""
    made = server.run(lambda uow: service.add_staff_account(
        uow, server.clock, caller.session, body.to_form(), terminal=caller.terminal),
        write=True)
    return reply(made, OneTimePassword, 201)


@router.put(paths.STAFF_ACCOUNT, response_model=StaffAccountRow)
def change_staff_account(account_id: PathId, body: StaffAccountChange, caller: CallerDep,
                         server: ServerDep) -> Response:
    """The account's role and structures (a structure keeps a manager)."""
    row = server.run(lambda uow: service.change_staff_account(
        uow, server.clock, caller.session, account_id, body.role, body.structure_ids,
        terminal=caller.terminal), write=True)
    return reply(row, StaffAccountRow)


@router.post(paths.STAFF_ACCOUNT_RESET, response_model=OneTimePassword)
def reset_staff_password(account_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    """A one-time password (shown once); the account's sessions end, its lock lifts."""
    made = server.run(lambda uow: service.reset_staff_password(
        uow, server.clock, caller.session, account_id, terminal=caller.terminal), write=True)
    return reply(made, OneTimePassword)


@router.post(paths.STRUCTURE_NEW, response_model=StructureChoice, status_code=201)
def add_structure(body: NewStructureRequest, caller: CallerDep, server: ServerDep) -> Response:
    """A new structure, by a manager of `from_structure_id`, who is linked to it at once
    (the session's next request sees it)."""
    made = server.run(lambda uow: service.add_structure(
        uow, server.clock, caller.session, body.from_structure_id, body.name,
        body.holiday_zone, body.timezone, terminal=caller.terminal), write=True)
    return reply(made, StructureChoice, 201)
