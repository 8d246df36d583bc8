"""Where the database is: `--database`, then FAMDESK_DATABASE_URL, then the user data directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir, user_log_dir
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from famdesk.errors import ValidationError
from famdesk.i18n import _

APP_NAME = "famdesk"
ENV_DATABASE_URL = "FAMDESK_DATABASE_URL"
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smbfs", "smb3", "9p", "sshfs", "fuse.sshfs", "afs", "davfs", "fuse.davfs2"}
)


@dataclass(frozen=True)
class DatabaseTarget:
    url: URL

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def is_postgresql(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    def display(self) -> str:
        """The URL without its password, for messages and logs."""
        return self.url.render_as_string(hide_password=True)


def default_database_path() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "famdesk.db"


def log_directory() -> Path:
    return Path(user_log_dir(APP_NAME, appauthor=False))


def resolve_database(explicit: str | None = None, environ: dict[str, str] | None = None) -> DatabaseTarget:
    """The database to open, checked for what can be told before connecting."""
    env = os.environ if environ is None else environ
    raw = explicit or env.get(ENV_DATABASE_URL) or ""
    if not raw:
        path = default_database_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        raw = f"sqlite:///{path}"
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ValidationError(
            _("“{url}” is not a database address (expected sqlite:///FILE or postgresql+psycopg://...).").format(url=raw)
        ) from exc
    backend = url.get_backend_name()
    if backend == "postgresql" and url.drivername != "postgresql+psycopg":
        url = url.set(drivername="postgresql+psycopg")
    elif backend not in ("sqlite", "postgresql"):
        raise ValidationError(
            _("famdesk works with SQLite or PostgreSQL, not “{backend}”.").format(backend=backend)
        )
    target = DatabaseTarget(url)
    path = target.sqlite_path
    if path is not None:
        check_sqlite_path(path)
    return target


def check_sqlite_path(path: Path) -> None:
    """A SQLite file must sit in an existing, writable folder of a local disk."""
    folder = path.parent if str(path.parent) else Path(".")
    if str(path).startswith(("\\\\", "//")):
        raise ValidationError(
            _("The database {path} is on a network share: famdesk only opens a SQLite file on this computer's own disk.").format(path=path)
        )
    if not folder.is_dir():
        raise ValidationError(
            _("The folder {folder} does not exist: the database cannot be created there.").format(folder=folder)
        )
    if path.exists() and path.is_dir():
        raise ValidationError(_("{path} is a folder, not a database file.").format(path=path))
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ValidationError(
            _("famdesk cannot write to {path}: check the folder's permissions.").format(path=path)
        )
    fs = filesystem_type(folder)
    if fs in NETWORK_FILESYSTEMS:
        raise ValidationError(
            _("The database {path} is on a network share: famdesk only opens a SQLite file on this computer's own disk.").format(path=path)
        )


def filesystem_type(folder: Path) -> str | None:
    """The type of the file system holding `folder`, from /proc/mounts (None where unknown)."""
    mounts = Path("/proc/mounts")
    if not mounts.exists():
        return None
    target = folder.resolve()
    best, best_type = "", None
    for line in mounts.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        if (str(target) == mount_point or str(target).startswith(mount_point.rstrip("/") + "/")) and len(
            mount_point
        ) >= len(best):
            best, best_type = mount_point, parts[2]
    return best_type
