"""A throwaway PostgreSQL cluster on loopback, for the tests and the benchmarks (no famdesk,
no pytest here).

`throwaway_cluster()` runs ``initdb`` and ``pg_ctl`` from the local PostgreSQL installation
on a free loopback port, with its socket and data in a temporary folder, yields a
`PostgresServer` (superuser ``postgres``, trust authentication) and removes it all at the end.
As root it runs PostgreSQL as the ``postgres`` system user: initdb refuses root.
`ClusterUnavailableError` says why no cluster can run here (no PostgreSQL, no such user).
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BINDIR_ENV = "FAMDESK_PG_BINDIR"
SUPERUSER = "postgres"
START_ATTEMPTS = 3
QUICK_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")
"""Nothing here outlives the run: durability is not worth its cost."""


class ClusterUnavailableError(RuntimeError):
    """No PostgreSQL cluster can run on this machine (the reason is the message)."""


@dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    socket_dir: Path
    startup_seconds: float

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def connect_admin(self):  # type: ignore[no-untyped-def]
        """An autocommit connection to the `postgres` maintenance database."""
        import psycopg

        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        )


def _version_key(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path))


def find_bindir() -> Path | None:
    """The folder holding both `initdb` and `pg_ctl`, or None."""
    candidates: list[Path] = []
    if os.environ.get(BINDIR_ENV):
        candidates.append(Path(os.environ[BINDIR_ENV]))
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        if result.returncode == 0 and result.stdout.strip():
            candidates.append(Path(result.stdout.strip()))
    candidates += [
        Path(p)
        for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    ]
    # /usr/local/bin/initdb and the like may be symbolic links into the real folder
    for tool in ("initdb", "pg_ctl"):
        found = shutil.which(tool)
        if found:
            candidates.append(Path(found).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """initdb/pg_ctl for one data folder, run as the `postgres` user when we are root."""

    def __init__(self, bindir: Path, base: Path, system_user: str | None) -> None:
        self.bindir = bindir
        self.base = base
        self.data = base / "data"
        self.log = base / "server.log"
        self.system_user = system_user

    def run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / tool), *args]
        if self.system_user is not None:
            if shutil.which("runuser"):
                command = ["runuser", "-u", self.system_user, "--", *command]
            else:
                command = ["su", self.system_user, "-s", "/bin/sh", "-c", shlex.join(command)]
        # cwd: the postgres user may not be able to enter the caller's folder
        return subprocess.run(
            command,
            cwd=self.base,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def initdb(self) -> None:
        options = ["-A", "trust", "-U", SUPERUSER, "-E", "UTF8", "--locale=C", "--no-sync"]
        result = self.run("initdb", "-D", str(self.data), *options, "--no-instructions")
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{result.stdout}\n{result.stderr}")

    def start(self, port: int, settings: Sequence[str] = ()) -> bool:
        options = f"-p {port} -k {self.base} -c listen_addresses=127.0.0.1 " + " ".join(
            f"-c {setting}" for setting in (*QUICK_SETTINGS, *settings))
        # -l: the server must not inherit our pipes, or waiting for pg_ctl never ends
        wait = ["-w", "-t", "60"]
        result = self.run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), *wait, "start"
        )
        return result.returncode == 0

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def server_log(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""


def system_user() -> str | None:
    """The user PostgreSQL runs as: ourselves, or `postgres` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise ClusterUnavailableError(
            "running as root and there is no `postgres` user to run PostgreSQL") from None
    return SUPERUSER


@contextmanager
def throwaway_cluster(settings: Sequence[str] = (), prefix: str = "famdesk-pg-",
                      ) -> Iterator[PostgresServer]:
    """A PostgreSQL server on 127.0.0.1 for the `with` block; `settings` are more
    ``name=value`` server settings (``max_connections=200``...)."""
    bindir = find_bindir()
    if bindir is None:
        raise ClusterUnavailableError("PostgreSQL absent")
    user = system_user()
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix=prefix))
    if user is not None:
        account = pwd.getpwnam(user)
        os.chown(base, account.pw_uid, account.pw_gid)
    cluster = Cluster(bindir, base, user)
    running = False
    try:
        cluster.initdb()
        for _attempt in range(START_ATTEMPTS):
            port = free_port()
            if cluster.start(port, settings):
                running = True
                break
        if not running:
            raise RuntimeError(f"PostgreSQL did not start:\n{cluster.server_log()}")
        yield PostgresServer(
            host="127.0.0.1",
            port=port,
            user=SUPERUSER,
            socket_dir=base,
            startup_seconds=time.monotonic() - started,
        )
    finally:
        if running:
            cluster.stop()
        shutil.rmtree(base, ignore_errors=True)
