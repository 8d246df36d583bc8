"""A throwaway PostgreSQL cluster for the test session (pytest plugin, loaded by conftest).

`postgres_server` runs ``initdb`` and ``pg_ctl`` from the local PostgreSQL installation on a
free loopback port, with its socket and data in a temporary folder, and removes it all at the
end of the session. `postgres_url` gives each test a database of its own.

Without PostgreSQL the tests that use them are skipped — unless FAMDESK_REQUIRE_POSTGRES=1
(set by CI), where that is a failure. Tests using these fixtures get the ``postgres`` marker,
so ``pytest -m "not postgres"`` leaves them out.
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
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

REQUIRE_ENV = "FAMDESK_REQUIRE_POSTGRES"
BINDIR_ENV = "FAMDESK_PG_BINDIR"
SUPERUSER = "postgres"
START_ATTEMPTS = 3

POSTGRES_FIXTURES = frozenset({"postgres_server", "postgres_url"})


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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Cluster:
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

    def start(self, port: int) -> bool:
        options = (
            f"-p {port} -k {self.base} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
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


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this session on 127.0.0.1, superuser `postgres`, trust auth."""
    bindir = find_bindir()
    if bindir is None:
        _unavailable("PostgreSQL absent")
    system_user: str | None = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            account = pwd.getpwnam(SUPERUSER)
        except KeyError:
            _unavailable("running as root and there is no `postgres` user to run PostgreSQL")
        system_user = SUPERUSER

    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="famdesk-pg-"))
    if system_user is not None:
        os.chown(base, account.pw_uid, account.pw_gid)
    cluster = _Cluster(bindir, base, system_user)
    running = False
    try:
        cluster.initdb()
        for _attempt in range(START_ATTEMPTS):
            port = _free_port()
            if cluster.start(port):
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


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A SQLAlchemy URL to an empty database of this test, dropped afterwards."""
    name = f"famdesk_test_{uuid.uuid4().hex[:12]}"
    with postgres_server.connect_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.url(name)
    finally:
        with postgres_server.connect_admin() as admin:
            # FORCE: an engine the test did not dispose of must not keep the database alive
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if POSTGRES_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
