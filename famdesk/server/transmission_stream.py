"""The transmission's answer while it runs: NDJSON lines (`famdesk.wire.transmit_lines`).

`TransmissionStream(run)` is the route's response. When its turn to answer comes, it starts
`run(progress)` on a worker thread (one of the server's `THREADS`, as any request's work)
and hears the run through a memory stream the thread feeds (`anyio.from_thread`): each
batch's progress, then the summary or the exception.

When the answer begins. The refusals come before any work: `transmit_as` checks the role,
then takes the transmission lock without waiting. So the answer waits for the run's first
event: a refusal (not staff: 403; another run holds the lock: 409; the database down: 503)
is raised here and becomes the app's usual JSON error; a progress or the summary begins the
200 stream. A run that says nothing for `OPENING_S` (no batch to do, a long outbox to send)
begins it anyway: the checks are long done by then, and a later failure is the stream's
`error` line, which the client decodes into the same exception. While the run is silent, an
empty line every `KEEPALIVE_S` keeps a reverse proxy from closing the connection.

Stateless: the run lives in its request only (a thread and a memory stream), so any process
may serve a desk, and the lock in PostgreSQL keeps one run at a time among them. A desk that
goes away does not stop the run (a thread cannot be stopped; the run is resumable anyway):
the request ends with the run, and the request's log line is written then, once.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

import anyio
from anyio import from_thread, to_thread
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from fastapi.responses import Response

from famdesk.errors import FamdeskError
from famdesk.i18n import _
from famdesk.server.middleware import Receive, Scope, Send
from famdesk.services.transmission import Progress, TransmitSummary
from famdesk.wire import errors as wire
from famdesk.wire.errors import ErrorBody
from famdesk.wire.transmit_lines import (
    NDJSON,
    ErrorLine,
    ProgressLine,
    StepProgress,
    SummaryLine,
    encoded,
)

log = logging.getLogger(__name__)

OPENING_S = 5.0
"""How long the answer waits for the run's first event before it begins anyway."""
KEEPALIVE_S = 15.0
"""An empty line after this long without one."""
KEEPALIVE = b"\n"

Run = Callable[[Progress], TransmitSummary]


@dataclass(frozen=True)
class Failed:
    error: Exception


Event = StepProgress | TransmitSummary | Failed


class TransmissionStream(Response):
    media_type = NDJSON

    def __init__(self, run: Run) -> None:
        # no body, hence no Content-Length: the lines follow as they come
        self.status_code = HTTPStatus.OK
        self.background = None
        self._run = run
        self.init_headers({"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        feed, events = anyio.create_memory_object_stream[Event](math.inf)
        refusal: Exception | None = None
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(self._work, feed)
            with events:
                first = await _first(events)
                if isinstance(first, Failed):
                    refusal = first.error  # the run is over: raised once the group is
                else:
                    await self._stream(first, events, send)
        if refusal is not None:
            raise refusal  # the app's error answer (nothing was sent yet)

    async def _work(self, feed: MemoryObjectSendStream[Event]) -> None:
        def progress(step: str, done: int, total: int) -> None:
            _offer(feed, StepProgress(step=step, done=done, total=total), threaded=True)

        with feed:
            try:
                summary = await to_thread.run_sync(self._run, progress)
            except Exception as exc:
                _offer(feed, Failed(exc))
            else:
                _offer(feed, summary)

    async def _stream(self, event: Event | None, events: MemoryObjectReceiveStream[Event],
                      send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code,
                    "headers": self.raw_headers})
        while True:
            chunk = KEEPALIVE if event is None else _line(event)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            if isinstance(event, TransmitSummary | Failed):
                break
            event = None
            with anyio.move_on_after(KEEPALIVE_S):
                event = await events.receive()
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _first(events: MemoryObjectReceiveStream[Event]) -> Event | None:
    with anyio.move_on_after(OPENING_S):
        return await events.receive()
    return None


def _offer(feed: MemoryObjectSendStream[Event], event: Event, *, threaded: bool = False) -> None:
    """Hand `event` to the answer; if nobody listens any more, the run itself goes on."""
    try:
        if threaded:
            from_thread.run_sync(feed.send_nowait, event)
        else:
            feed.send_nowait(event)
    except Exception as exc:  # the answer is over (closed stream, stopped loop)
        log.debug("a transmission event was not sent: %s", type(exc).__name__)


def _line(event: Event) -> bytes:
    if isinstance(event, StepProgress):
        return encoded(ProgressLine(progress=event))
    if isinstance(event, TransmitSummary):
        return encoded(SummaryLine(summary=event))
    return encoded(ErrorLine(error=_error_body(event.error)))


def _error_body(exc: Exception) -> ErrorBody:
    """The wire's body for a failure after the answer began (its status is already 200)."""
    if isinstance(exc, FamdeskError):
        body = wire.body_of(exc)
        log.warning("the transmission stopped: %s: %s", body.code, exc.message)
        return body
    log.error("unexpected error in the transmission", exc_info=exc)
    return ErrorBody(code=wire.UNEXPECTED, message=_("An unexpected error occurred."))
