"""The FastAPI application of `famdesk serve`: the routes of each area, the request guard and
log, the French errors, and `GET /health`.

`create_app(ctx)` serves an open `AppContext`; `app_from_environment()` is uvicorn's factory
for the worker processes (`--workers N`): each opens the database of FAMDESK_DATABASE_URL
(its password from the keyring, as every famdesk process does) without migrating it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from famdesk import __version__, i18n
from famdesk.bootstrap import AppContext, open_context
from famdesk.errors import InfrastructureError
from famdesk.server import (
    routes_accounts,
    routes_admin,
    routes_admin_accounts,
    routes_admin_days,
    routes_booking,
    routes_desk,
    routes_enrollments,
    routes_money,
)
from famdesk.server.body_limits import GuardByPath
from famdesk.server.context import (
    MAX_BODY_BYTES,
    SWITCH_INTERVAL_S,
    Server,
    ServerDep,
    ServerSettings,
)
from famdesk.server.errors import error_response, install
from famdesk.services.outbox import MailerFactory
from famdesk.services.payment_providers.pool import ProviderSource
from famdesk.wire import paths
from famdesk.wire.errors import ErrorBody, body_of
from famdesk.wire.messages import HealthAnswer

log = logging.getLogger(__name__)

DESCRIPTION = """famdesk's core over HTTP: the same services as the desktop's local mode,
on a shared PostgreSQL database. Log in (`POST /api/v1/login`), then send the token as
`Authorization: Bearer TOKEN`. Family accounts log in only from a registered kiosk
(`X-Famdesk-Device: DEVICE_TOKEN`). Dates are ISO 8601, money is a decimal string ("3.20");
every refusal is `{"code", "message", "field"}` with a French message."""


def create_app(
    ctx: AppContext,
    settings: ServerSettings | None = None,
    *,
    mailers: MailerFactory | None = None,
    providers: ProviderSource | None = None,
    close_context: bool = False,
) -> FastAPI:
    """The API over `ctx` (closed with the app when `close_context`)."""
    server = Server(ctx, settings, mailers=mailers, providers=providers)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        log.info("famdesk serve on %s", ctx.db.target.display())
        to_thread.current_default_thread_limiter().total_tokens = server.settings.threads
        i18n.language()  # the catalog loaded now, not by the first requests all at once
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        server.start_payment_poll()
        try:
            yield
        finally:
            sys.setswitchinterval(switch_interval)
            server.close()
            if close_context:
                ctx.close()

    app = _application(lifespan)
    app.state.server = server
    _assemble(app, server.settings.max_body_bytes)
    return app


def openapi_description() -> dict[str, Any]:
    """The API's OpenAPI description, without a database (what /openapi.json serves)."""
    app = _application(None)
    _assemble(app, MAX_BODY_BYTES)
    return app.openapi()


def _application(lifespan: Any) -> FastAPI:
    app = FastAPI(title="famdesk", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, lifespan=lifespan)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = local_times(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


PARTIAL_TIME = {"type": "string", "format": "partial-time",
                "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"}


def local_times(node: Any) -> Any:
    """A time of day is local ("07:30:00", RFC 3339's partial-time), never with an offset:
    JSON Schema's "time" format would require one."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            return {**{k: v for k, v in node.items() if k != "format"}, **PARTIAL_TIME}
        return {key: local_times(value) for key, value in node.items()}
    if isinstance(node, list):
        return [local_times(item) for item in node]
    return node


def _assemble(app: FastAPI, max_body_bytes: int) -> None:
    for module in (routes_accounts, routes_booking, routes_enrollments, routes_money,
                   routes_desk, routes_admin, routes_admin_days, routes_admin_accounts):
        app.include_router(module.router)
    app.add_api_route(paths.HEALTH, health, methods=["GET"], response_model=HealthAnswer,
                      responses={503: {"model": ErrorBody}}, tags=["operations"])
    install(app)
    app.add_middleware(GuardByPath, max_body_bytes=max_body_bytes)


def health(server: ServerDep) -> Response:
    """The server runs and its database answers."""
    try:
        server.run(lambda uow: uow.session.execute(text("SELECT 1")).scalar_one())
    except InfrastructureError as exc:
        body = body_of(exc)
        return error_response(503, body.code, body.message)
    return JSONResponse(HealthAnswer(status="ok", database="ok").model_dump())


def app_from_environment() -> FastAPI:
    """uvicorn's factory in each worker process (see the module's docstring)."""
    from famdesk.logsetup import configure_logging
    from famdesk.server.runner import console_log

    configure_logging()
    console_log()
    return create_app(open_context(None, upgrade=False), close_context=True)
