"""One unit of work per user action: a Session bound to the read or the write engine."""

from __future__ import annotations

import logging
from types import TracebackType

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from famdesk.services.database import Database, unavailable
from famdesk.services.search_keys import keep_search_keys

log = logging.getLogger(__name__)


class UnitOfWork:
    """``with UnitOfWork(db, write=True) as uow: ...; uow.commit()``.

    Leaving the block without `commit()` rolls back. Database failures (locked, gone) become
    `DatabaseUnavailableError` with a French message; nothing half-done is kept.
    """

    def __init__(self, db: Database, *, write: bool = False) -> None:
        self.db = db
        self.write = write
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        bind = self.db.write_engine if self.write else self.db.engine
        self.session = Session(bind=bind, expire_on_commit=False, autoflush=True)
        # the families' search keys follow every change of the names they hold
        event.listen(self.session, "before_flush", keep_search_keys)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() ends any open transaction without committing it, and leaves what was read
        # readable (detached, not expired)
        self.session.close()
        if isinstance(exc, OperationalError | DBAPIError) and not _is_integrity(exc):
            raise unavailable(self.db.target, exc) from exc

    def commit(self) -> None:
        try:
            self.session.commit()
        except (OperationalError, DBAPIError) as exc:
            if _is_integrity(exc):
                raise
            self.session.rollback()
            raise unavailable(self.db.target, exc) from exc


def _is_integrity(exc: BaseException) -> bool:
    from sqlalchemy.exc import IntegrityError

    return isinstance(exc, IntegrityError)
