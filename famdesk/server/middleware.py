"""The ASGI layer in front of the routes: one log line per request, and the checks made before
any route reads a byte — the body's size (413 past the limit) and NUL characters, which no
text of famdesk holds and PostgreSQL refuses (422)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from http import HTTPStatus
from typing import Any

from famdesk.i18n import _
from famdesk.server.errors import error_response
from famdesk.wire import errors as wire

access_log = logging.getLogger("famdesk.server.access")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NUL_MARKS = (b"\x00", b"\\u0000", b"%00")


class RequestGuard:
    """Logs `METHOD /path/{template} STATUS DURATION` (no ids, no query, no header, no body:
    nothing personal, no token) and refuses huge bodies and NUL characters."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [HTTPStatus.INTERNAL_SERVER_ERROR.value]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            refusal, receive = await self._check(scope, receive)
            if refusal is not None:
                await refusal(scope, receive, sending)
            else:
                await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "(no route)"
            access_log.info("%s %s %d %.1f ms", scope.get("method", "?"), path, status[0],
                            (time.perf_counter() - started) * 1000)

    async def _check(self, scope: Scope, receive: Receive) -> tuple[Any, Receive]:
        if b"%00" in scope.get("query_string", b"") or "\x00" in scope.get("path", ""):
            return _nul(), receive
        length = _content_length(scope)
        if length is not None and length > self.max_body_bytes:
            return self._too_large(), receive
        if scope.get("method") not in BODY_METHODS:
            return None, receive
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None, _replay([message], receive)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return self._too_large(), receive
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if any(mark in body for mark in NUL_MARKS[:2]):
            return _nul(), receive
        return None, _replay([{"type": "http.request", "body": body, "more_body": False}],
                             receive)

    def _too_large(self) -> Any:
        return error_response(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE, wire.BODY_TOO_LARGE,
            _("The request is too large (at most {size} kB).").format(
                size=self.max_body_bytes // 1024))


def _nul() -> Any:
    return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, wire.INVALID_REQUEST,
                          _("The request holds a character famdesk does not accept."))


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(messages: list[Message], then: Receive) -> Receive:
    """The messages already read, then the connection's own (its disconnect)."""
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        return await then()

    return receive
