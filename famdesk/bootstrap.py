"""The composition root: settings -> database -> clock, secrets -> services. No Qt here."""

from __future__ import annotations

import logging
import platform
from dataclasses import dataclass, field

from famdesk.clock import Clock, SystemClock
from famdesk.config import DatabaseTarget, resolve_database
from famdesk.secrets import KeyringSecretStore, SecretStore
from famdesk.services.database import Database

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    """What every service call needs, built once at start-up."""

    db: Database
    clock: Clock = field(default_factory=SystemClock)
    secrets: SecretStore = field(default_factory=KeyringSecretStore)
    terminal: str = field(default_factory=platform.node)

    def close(self) -> None:
        self.db.dispose()


def open_context(
    database: str | None = None,
    *,
    clock: Clock | None = None,
    secrets: SecretStore | None = None,
    upgrade: bool = True,
) -> AppContext:
    """Resolve and open the database (migrating it to this version when `upgrade`)."""
    secrets = secrets or KeyringSecretStore()
    target = with_stored_password(resolve_database(database), secrets)
    created = target.sqlite_path is not None and not target.sqlite_path.exists()
    db = Database(target)
    try:
        if upgrade:
            if db.needs_upgrade():
                db.upgrade()
        else:
            db.check_schema()
    except BaseException:
        # nothing created half-way: a new file that could not be set up is removed
        db.dispose()
        if created and target.sqlite_path is not None:
            _remove_sqlite_files(target.sqlite_path)
        raise
    return AppContext(db=db, clock=clock or SystemClock(), secrets=secrets)


def password_key(target: DatabaseTarget) -> str:
    """The keyring entry of a server database's password (user, host, port and name)."""
    url = target.url
    return f"database:{url.username or ''}@{url.host or ''}:{url.port or 5432}/{url.database or ''}"


def with_stored_password(target: DatabaseTarget, secrets: SecretStore) -> DatabaseTarget:
    """A PostgreSQL URL without a password gets the one kept in the keyring, if any."""
    if not target.is_postgresql or target.url.password:
        return target
    password = secrets.get(password_key(target))
    return DatabaseTarget(target.url.set(password=password)) if password else target


def _remove_sqlite_files(path) -> None:  # type: ignore[no-untyped-def]
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            candidate.unlink()
