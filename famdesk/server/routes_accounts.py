"""The session (login, logout, the calling kiosk), "Le retrouver" and "Profil"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response

from famdesk.server.context import (
    CallerDep,
    PathId,
    ServerDep,
    bearer_token,
    client_address,
    desk_terminal,
    no_content,
    reply,
)
from famdesk.server.errors import ERROR_RESPONSES
from famdesk.services import profile, recovery
from famdesk.services.account_facts import kiosk_idle_seconds
from famdesk.services.api_sessions import log_in, log_out
from famdesk.services.auth import SessionInfo
from famdesk.services.demo import DemoAccount, demo_accounts
from famdesk.services.kiosks import Device, identify_device
from famdesk.services.profile import Profile
from famdesk.services.recovery import CodeSent, RecoveryOptions
from famdesk.wire import paths
from famdesk.wire.messages import (
    AnswerReset,
    CodeReset,
    EmailAnswer,
    EmailChange,
    FirstPassword,
    IdleSecondsAnswer,
    LoginAnswer,
    LoginOnly,
    LoginRequest,
    PasswordChange,
    SecurityQuestionChange,
)

router = APIRouter(responses=ERROR_RESPONSES, tags=["session"])

DeviceHeader = Annotated[str | None, Header(
    alias=paths.DEVICE_HEADER, description="a registered kiosk's device token")]


@router.post(paths.LOGIN, response_model=LoginAnswer)
def login(body: LoginRequest, request: Request, server: ServerDep,
          device: DeviceHeader = None) -> Response:
    """Open a session. Family accounts only from a registered kiosk (`X-Famdesk-Device`)."""
    client, terminal = client_address(request), desk_terminal(request)
    settings = server.settings
    opened = server.run(
        lambda uow: log_in(uow, server.clock, body.login, body.password, device_token=device,
                           client=client, terminal=terminal, lifetimes=settings.lifetimes,
                           limit=settings.device_limit),
        write=True,
    )
    answer = LoginAnswer(token=opened.token, expires_at=opened.expires_at, session=opened.session)
    return reply(answer, LoginAnswer)


@router.post(paths.LOGOUT, status_code=204, response_class=Response)
def logout(request: Request, server: ServerDep) -> Response:
    """End this session (a token that names none any more: nothing to do)."""
    token = bearer_token(request)
    server.run(lambda uow: log_out(uow, server.clock, token), write=True)
    return no_content()


@router.get(paths.SESSION, response_model=SessionInfo)
def current_session(caller: CallerDep) -> Response:
    return reply(caller.session, SessionInfo)


@router.get(paths.DEMO_ACCOUNTS, response_model=tuple[DemoAccount, ...])
def demo(server: ServerDep) -> Response:
    """The demo town's accounts and published password; [] for a real town."""
    return reply(server.run(demo_accounts), tuple[DemoAccount, ...])


@router.get(paths.DEVICE, response_model=Device)
def device_info(server: ServerDep, device: DeviceHeader = None) -> Response:
    """The registered kiosk this device token names (a kiosk checks it at start-up)."""
    token = device or ""
    return reply(server.run(lambda uow: identify_device(uow, token)), Device)


@router.get(paths.KIOSK_IDLE, response_model=IdleSecondsAnswer)
def idle_seconds(structure_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    seconds = server.run(lambda uow: kiosk_idle_seconds(uow, caller.session, structure_id))
    return reply(IdleSecondsAnswer(seconds=seconds), IdleSecondsAnswer)


# -- "Le retrouver": no session; counted per terminal (the kiosk, else the address) -------------


def _recovery_terminal(request: Request, server: ServerDep, device: str | None) -> str:
    if device is None:
        return client_address(request)
    found = server.run(lambda uow: identify_device(uow, device))
    return f"{found.label} #{found.kiosk_id}"


@router.post(paths.RECOVERY_OPTIONS, response_model=RecoveryOptions)
def recovery_options(body: LoginOnly, request: Request, server: ServerDep,
                     device: DeviceHeader = None) -> Response:
    terminal = _recovery_terminal(request, server, device)
    options = server.run(
        lambda uow: recovery.recovery_options(uow, server.clock, body.login, terminal), write=True)
    return reply(options, RecoveryOptions)


@router.post(paths.RECOVERY_ANSWER, status_code=204, response_class=Response)
def reset_with_answer(body: AnswerReset, request: Request, server: ServerDep,
                      device: DeviceHeader = None) -> Response:
    terminal = _recovery_terminal(request, server, device)
    server.run(lambda uow: recovery.reset_with_answer(
        uow, server.clock, body.login, body.answer, body.new_password, terminal), write=True)
    return no_content()


@router.post(paths.RECOVERY_CODE, response_model=CodeSent)
def send_code(body: LoginOnly, request: Request, server: ServerDep,
              device: DeviceHeader = None) -> Response:
    terminal = _recovery_terminal(request, server, device)
    sent = server.run(lambda uow: recovery.send_code(
        uow, server.clock, server.mailers, body.login, terminal), write=True)
    return reply(sent, CodeSent)


@router.post(paths.RECOVERY_CODE_RESET, status_code=204, response_class=Response)
def reset_with_code(body: CodeReset, request: Request, server: ServerDep,
                    device: DeviceHeader = None) -> Response:
    terminal = _recovery_terminal(request, server, device)
    server.run(lambda uow: recovery.reset_with_code(
        uow, server.clock, body.login, body.code, body.new_password, terminal), write=True)
    return no_content()


# -- "Profil": the session's own account ------------------------------------------------------------


@router.get(paths.PROFILE, response_model=Profile)
def get_profile(caller: CallerDep, server: ServerDep) -> Response:
    return reply(server.run(lambda uow: profile.profile(uow, caller.session)), Profile)


@router.post(paths.PROFILE_PASSWORD, status_code=204, response_class=Response)
def change_password(body: PasswordChange, caller: CallerDep, server: ServerDep) -> Response:
    server.run(lambda uow: profile.change_password(
        uow, server.clock, caller.session, body.current, body.new, terminal=caller.terminal,
        keep_api_session=caller.api_session_id), write=True)
    return no_content()


@router.post(paths.PROFILE_EMAIL, response_model=EmailAnswer)
def change_email(body: EmailChange, caller: CallerDep, server: ServerDep) -> Response:
    email = server.run(lambda uow: profile.change_email(
        uow, server.clock, caller.session, body.email, terminal=caller.terminal), write=True)
    return reply(EmailAnswer(email=email), EmailAnswer)


@router.post(paths.PROFILE_SECURITY_QUESTION, status_code=204, response_class=Response)
def change_security_question(body: SecurityQuestionChange, caller: CallerDep,
                             server: ServerDep) -> Response:
    server.run(lambda uow: profile.change_security_question(
        uow, server.clock, caller.session, body.current_password, body.question, body.answer,
        terminal=caller.terminal), write=True)
    return no_content()


@router.post(paths.PROFILE_FIRST_PASSWORD, response_model=SessionInfo)
def set_first_password(body: FirstPassword, caller: CallerDep, server: ServerDep) -> Response:
    updated = server.run(lambda uow: profile.set_first_password(
        uow, server.clock, caller.session, body.one_time_password, body.new,
        terminal=caller.terminal, keep_api_session=caller.api_session_id), write=True)
    return reply(updated, SessionInfo)
