"""An async client of `famdesk serve` (httpx): the synced gateway's transport, and the rush
benchmark's. Qt-free.

It holds the session token (after `login`), sends the kiosk's device token and the desk's
name on every request, decodes answers into the services' dataclasses (`codec`) — line by
line as they arrive for a streamed one (`stream`: the transmission's) — and turns a refusal
back into the `FamdeskError` the services raised (`errors.error_from`). A server
that cannot be reached raises `ServerUnreachableError` (an `InfrastructureError`): the
caller may retry, and a confirm retried with the same key books once.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from famdesk.errors import InfrastructureError
from famdesk.i18n import _
from famdesk.wire import codec, paths
from famdesk.wire.errors import ErrorBody, error_from
from famdesk.wire.messages import LoginAnswer, LoginRequest

T = TypeVar("T")


class ServerUnreachableError(InfrastructureError):
    """No answer from the server (network down, server stopped, timeout)."""


class ApiClient:
    def __init__(
        self,
        base_url: str,
        *,
        device_token: str | None = None,
        terminal: str | None = None,
        timeout: float = 15.0,
        verify: bool | str = True,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        headers = {}
        if device_token:
            headers[paths.DEVICE_HEADER] = device_token
        if terminal:
            headers[paths.TERMINAL_HEADER] = terminal
        self._http = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout,
                                       verify=verify, transport=transport)
        self.token: str | None = None

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- the session ---------------------------------------------------------------------

    async def login(self, login: str, password: str) -> LoginAnswer:
        answer = await self.call("POST", paths.LOGIN, LoginAnswer,
                                 body=LoginRequest(login=login, password=password))
        self.token = answer.token
        return answer

    async def logout(self) -> None:
        """End the session on the server (forgotten here even if the server is gone)."""
        try:
            if self.token is not None:
                await self.call("POST", paths.LOGOUT, None)
        finally:
            self.token = None

    # -- calls ---------------------------------------------------------------------------------

    async def call(self, method: str, path: str, answer: Any, *, body: BaseModel | None = None,
                   params: dict[str, Any] | None = None) -> Any:
        """`answer` decoded from the JSON the server sent (None: no body expected)."""
        response = await self._send(method, path, body, params)
        if answer is None:
            return None
        return codec.load(response.content, answer)

    async def document(self, path: str, params: dict[str, Any] | None = None) -> bytes:
        """A PDF (or an export) as bytes."""
        return (await self._send("GET", path, None, params)).content

    async def stream(self, method: str, path: str, line: Any, *, body: BaseModel | None = None,
                     params: dict[str, Any] | None = None,
                     line_seconds: float | None = None) -> AsyncGenerator[Any, None]:
        """The lines of an NDJSON answer as they arrive, each decoded into `line` (the empty
        lines that keep the connection alive are skipped). A refusal is raised as `call`
        raises it, a lost connection as `ServerUnreachableError`. `line_seconds`: how long
        to wait for each line (the client's timeout when None). Read it to its end: httpx's
        generators left half-read are closed by the garbage collector, off the loop."""
        content, query, headers = self._parts(body, params)
        timeout = self._http.timeout
        if line_seconds is not None:
            timeout = httpx.Timeout(timeout.connect, read=line_seconds)
        try:
            async with self._http.stream(method, path, content=content, params=query,
                                         headers=headers, timeout=timeout) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise _refusal(response)
                async for text in response.aiter_lines():
                    if text.strip():
                        yield codec.load(text, line)
        except httpx.TransportError as exc:
            raise unreachable() from exc

    async def _send(self, method: str, path: str, body: BaseModel | None,
                    params: dict[str, Any] | None) -> httpx.Response:
        content, query, headers = self._parts(body, params)
        try:
            response = await self._http.request(method, path, content=content, params=query,
                                                headers=headers)
        except httpx.TransportError as exc:
            raise unreachable() from exc
        if response.status_code >= 400:
            raise _refusal(response)
        return response

    def _parts(self, body: BaseModel | None, params: dict[str, Any] | None,
               ) -> tuple[bytes | None, dict[str, Any], dict[str, str]]:
        """A request's body, query and headers (the session's token among them)."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        content = body.model_dump_json().encode() if body is not None else None
        if content is not None:
            headers["Content-Type"] = "application/json"
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        return content, query, headers


def unreachable() -> ServerUnreachableError:
    """The server's silence, in French."""
    return ServerUnreachableError(_(
        "The famdesk server does not answer. Check the connection, then try again."))


def _query_value(value: Any) -> Any:
    isoformat = getattr(value, "isoformat", None)
    if isoformat is not None:
        return isoformat()
    return getattr(value, "value", value)  # an enum's value


def _refusal(response: httpx.Response) -> Exception:
    try:
        body = ErrorBody.model_validate_json(response.content)
    except ValidationError:
        body = ErrorBody(code="unexpected", message=_("An unexpected error occurred."))
    return error_from(response.status_code, body)
