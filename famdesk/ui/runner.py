"""Running the gateway's coroutines without blocking the GUI: `Runner.submit(coro, ok, err)`.

`QasyncRunner` schedules the coroutine on the running qasync loop; its callbacks run on the
GUI thread (the loop's thread). `SyncRunner` runs the coroutine to completion at once on a
private event loop, then calls the callback: widget tests stay linear. A callback never opens
a modal dialog with `exec()`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from typing import Any, Protocol, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
OnSuccess = Callable[[T], object]
OnError = Callable[[BaseException], object]


class Job(Protocol):
    def cancel(self) -> object:
        """Forget the result: neither callback will run (the work itself may still finish)."""
        ...

    def done(self) -> bool: ...


class Runner(Protocol):
    def submit(
        self,
        coro: Coroutine[Any, Any, T],
        on_success: Callable[[T], object],
        on_error: Callable[[BaseException], object],
    ) -> Job: ...


def _report_callback_failure() -> None:
    """A callback itself failed: it ends where every unexpected error ends."""
    sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]


class QasyncRunner:
    """Schedules coroutines on the running (qasync) event loop; callbacks on its thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop
        self._tasks: set[asyncio.Future[None]] = set()

    def submit(
        self,
        coro: Coroutine[Any, Any, T],
        on_success: Callable[[T], object],
        on_error: Callable[[BaseException], object],
    ) -> Job:
        task = asyncio.ensure_future(self._run(coro, on_success, on_error), loop=self._loop)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _run(
        self,
        coro: Coroutine[Any, Any, T],
        on_success: Callable[[T], object],
        on_error: Callable[[BaseException], object],
    ) -> None:
        try:
            result = await coro
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            try:
                on_error(exc)
            except Exception:
                _report_callback_failure()
            return
        try:
            on_success(result)
        except Exception:
            _report_callback_failure()

    def pending(self) -> int:
        return len(self._tasks)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()


class _DoneJob:
    def cancel(self) -> None:
        pass

    def done(self) -> bool:
        return True


class SyncRunner:
    """Runs each coroutine to the end immediately (widget tests): no qasync, no waiting."""

    def submit(
        self,
        coro: Coroutine[Any, Any, T],
        on_success: Callable[[T], object],
        on_error: Callable[[BaseException], object],
    ) -> Job:
        loop = asyncio.new_event_loop()
        try:
            result = loop.run_until_complete(coro)
        except Exception as exc:
            error: Exception | None = exc
        else:
            error = None
        finally:
            loop.close()
        if error is not None:
            on_error(error)
        else:
            on_success(result)
        return _DoneJob()
