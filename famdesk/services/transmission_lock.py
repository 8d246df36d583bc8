"""One transmission at a time: across the processes sharing a PostgreSQL database (several
`famdesk serve` workers, its scheduler, cron's `famdesk transmit`, a desk's button) through
a session-level advisory lock, and within one process through a lock of its own.

`exclusive_transmission(db)` takes both without waiting: a second run is refused at once
with `TransmissionRunningError`. It is re-entrant in one thread, so a caller may hold it
around `transmit()` and `transmit()` may take it again. `@exclusive` wraps a function whose
first argument is the `Database`. `transmit_as(db, clock, mailers, session)` is the staff's
button: their structures' transmission, under the lock.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from sqlalchemy import text

from famdesk.clock import Clock
from famdesk.errors import FamdeskError
from famdesk.i18n import _
from famdesk.services.auth import SessionInfo
from famdesk.services.database import Database
from famdesk.services.outbox import MailerFactory

if TYPE_CHECKING:  # transmission.py takes this lock: imported when called
    from famdesk.services.transmission import Progress, TransmitSummary

log = logging.getLogger(__name__)

ADVISORY_KEY = 0x66616D64_7478  # "famd" "tx": the same in every famdesk process
P = ParamSpec("P")
R = TypeVar("R")

_process_lock = threading.Lock()
_held = threading.local()


class TransmissionRunningError(FamdeskError):
    """Another transmission is running on this database."""


def running_error() -> TransmissionRunningError:
    return TransmissionRunningError(_("A transmission is already running."))


@contextmanager
def exclusive_transmission(db: Database) -> Iterator[None]:
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    if not _process_lock.acquire(blocking=False):
        raise running_error()
    try:
        with _advisory_lock(db):
            _held.depth = 1
            try:
                yield
            finally:
                _held.depth = 0
    finally:
        _process_lock.release()


def exclusive(function: Callable[P, R]) -> Callable[P, R]:
    """`function(db, ...)` run under `exclusive_transmission(db)`."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        db = args[0] if args else kwargs["db"]
        assert isinstance(db, Database)
        with exclusive_transmission(db):
            return function(*args, **kwargs)

    return wrapper


def transmit_as(db: Database, clock: Clock, mailers: MailerFactory, session: SessionInfo, *,
                progress: Progress | None = None) -> TransmitSummary:
    """The transmission of the session's structures (staff only; famdesk itself: all of
    them), refused at once while another one runs on this database."""
    from famdesk.services.transmission import transmit

    session.require_staff()
    structure_ids = None if session.is_system else [choice.id for choice in session.structures]
    log.info("transmission started by account %s", session.account_id)
    with exclusive_transmission(db):
        if progress is None:
            return transmit(db, clock, mailers, structure_ids=structure_ids)
        return transmit(db, clock, mailers, structure_ids=structure_ids, progress=progress)


@contextmanager
def _advisory_lock(db: Database) -> Iterator[None]:
    if not db.target.is_postgresql:
        yield  # one PC: the process lock is all there is to take
        return
    # a connection of its own, outside any transaction, held for the whole run: the lock
    # goes with it if the process dies
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"),
                                   {"key": ADVISORY_KEY}).scalar_one()
        if not taken:
            log.info("a transmission is already running elsewhere")
            raise running_error()
        try:
            yield
        finally:
            try:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            except Exception:  # the connection is gone: so is its lock
                connection.invalidate()
                log.warning("the transmission lock's connection was lost")
