"""Engines, the SQLite pragmas and write lock, migrations and the schema's version check.

Two engines over one database: `engine` for reads, `write_engine` for units of work that
change data. On SQLite the write engine opens its transactions with ``BEGIN IMMEDIATE`` so
two desks cannot both take the last place; reads stay on ordinary connections and, with WAL,
never queue behind a writer. On PostgreSQL both are ordinary and confirm locks rows with
``SELECT ... FOR UPDATE``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from famdesk.config import DatabaseTarget
from famdesk.errors import DatabaseUnavailableError, SchemaMismatchError
from famdesk.i18n import _

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
SQLITE_BUSY_MS = 15_000  # a desk waits its turn rather than fail: 20 desks at once on a slow PC


def _install_sqlite_pragmas(engine: Engine, *, immediate: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # let SQLAlchemy, not the driver, say when transactions begin
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


POOL_BURST = 4
"""Connections a pool of `pool_size` may open beyond it for a moment (then closed)."""
POOL_RECYCLE_S = 1800
"""A server's connections are made again after this long (they are not pinged)."""


def make_engine(target: DatabaseTarget, *, write: bool = False, pooled: bool = True,
                pool_size: int | None = None) -> Engine:
    """An engine for `target`; `write=True` takes SQLite's write lock at each BEGIN.

    `pool_size` (a server): the PostgreSQL connections kept open, as many as the threads
    that may use them at once, or each request past them would open and close its own; and
    no ping at each checkout, a round trip per request (a connection the database dropped
    fails once and is replaced: `famdesk.server` tries a read again)."""
    kwargs: dict = {"future": True}
    if target.is_sqlite:
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000}
        if not pooled:
            kwargs["poolclass"] = NullPool
        engine = create_engine(target.url, **kwargs)
        _install_sqlite_pragmas(engine, immediate=write)
        return engine
    kwargs["connect_args"] = {"connect_timeout": 5}
    kwargs["pool_pre_ping"] = True
    if not pooled:
        kwargs["poolclass"] = NullPool
    elif pool_size is not None:
        kwargs.update(pool_size=pool_size, max_overflow=POOL_BURST, pool_pre_ping=False,
                      pool_recycle=POOL_RECYCLE_S)
    return create_engine(target.url, **kwargs)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def unavailable(target: DatabaseTarget, exc: BaseException) -> DatabaseUnavailableError:
    """The French message for a database that cannot be reached or used."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "locked" in text or "busy" in text:
        message = _("The database is busy (locked by another desk). Try again in a moment.")
    elif target.is_postgresql:
        message = _("Cannot connect to the database server {url}. Check the address and that the server is running.").format(url=target.display())
    else:
        message = _("Cannot open the database {url}.").format(url=target.display())
    return DatabaseUnavailableError(message)


@dataclass
class Database:
    """The database famdesk works on: its target and its read and write engines."""

    target: DatabaseTarget
    write_lock: bool = True
    """Take the write lock in confirms (switched off only by a test that proves it matters)."""
    pooled: bool = True
    engine: Engine = field(init=False)
    write_engine: Engine = field(init=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.target, pooled=self.pooled)
        self.write_engine = make_engine(self.target, write=self.write_lock, pooled=self.pooled)

    def dispose(self) -> None:
        self.engine.dispose()
        self.write_engine.dispose()

    def fit_pools(self, size: int) -> None:
        """Serve many requests at once (`famdesk serve`): keep `size` PostgreSQL connections
        open in each engine, one per thread serving requests, unpinged (`make_engine`). The
        engines are made again: call it before any use."""
        if not self.target.is_postgresql or not self.pooled:
            return
        self.dispose()
        self.engine = make_engine(self.target, pool_size=size)
        self.write_engine = make_engine(self.target, write=self.write_lock, pool_size=size)

    # -- schema -----------------------------------------------------------

    def current_revision(self) -> str | None:
        try:
            with self.engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()
        except (OperationalError, DBAPIError) as exc:
            raise unavailable(self.target, exc) from exc

    def is_empty(self) -> bool:
        try:
            with self.engine.connect() as connection:
                return not inspect(connection).get_table_names()
        except (OperationalError, DBAPIError) as exc:
            raise unavailable(self.target, exc) from exc

    def check_schema(self) -> str | None:
        """Refuse a database made by a newer famdesk, or one that is not famdesk's."""
        revision = self.current_revision()
        if revision is not None and revision not in known_revisions():
            raise SchemaMismatchError(
                _("This database was made by a newer version of famdesk ({revision}). Install the newer version to open it.").format(revision=revision)
            )
        if revision is None and not self.is_empty():
            raise SchemaMismatchError(
                _("{url} is not a famdesk database.").format(url=self.target.display())
            )
        return revision

    def upgrade(self) -> None:
        """Bring the schema to this version's head (creates it in an empty database)."""
        self.check_schema()
        config = alembic_config()
        try:
            with self.write_engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except (OperationalError, DBAPIError) as exc:
            raise unavailable(self.target, exc) from exc
        log.info("database %s at revision %s", self.target.display(), head_revision())

    def needs_upgrade(self) -> bool:
        return self.check_schema() != head_revision()
