"""The opening-day rush: N families booking the same few days through `famdesk serve`.

    .venv/bin/python benchmarks/rush.py --families N [--workers W] [--concurrency C]
        [--real-hashes]

Starts a throwaway PostgreSQL cluster (benchmarks/pgcluster.py), builds the rush town in it
(benchmarks/rush_town.py: N family accounts, their children registered to a canteen and a
Wednesday centre whose contended days have too few places), starts `famdesk serve
--workers W` on loopback, registers C kiosks through the API as a manager would, then lets
the N families loose at them, C at a time (benchmarks/rush_load.py: login, month, preview,
confirm). At the end, SQL counts the days booked beyond their capacity. Prints:

    METRIC rush_families <families that went through>
    METRIC rush_seconds <wall time of the rush>
    METRIC rush_p99_ms <99th percentile of every call's latency>
    METRIC rush_errors <calls answered neither 2xx nor a rule's refusal (409), or failed>
    METRIC rush_overbooked <days whose booked reservations exceed their capacity>

and, as comments, the settings, the load average, each step's latencies and what became
of the lines asked. Target: 10,000 families within 60 s, p99 <= 1,000 ms, 0 errors,
0 overbooked.

Passwords: by default every account's hash uses argon2's cheapest profile (the server runs
with FAMDESK_FAST_HASHES=1); `--real-hashes` uses famdesk's normal argon2 cost, whose price
per login `METRIC rush_login_hash_ms` gives in both cases (one verification, measured here).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
FAST_HASHES_ENV = "FAMDESK_FAST_HASHES"
DATABASE = "famdesk_rush"
PG_SETTINGS = ("max_connections=400", "shared_buffers=256MB")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=1000, help="families (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="families at it at once, one per kiosk (default 16: more only "
                             "wait longer once the server is busy)")
    parser.add_argument("--real-hashes", action="store_true",
                        help="argon2 at famdesk's normal cost (default: its cheapest profile)")
    parser.add_argument("--server-log", type=Path, help="keep the server's log in this file")
    return parser.parse_args(argv)


def metric(name: str, value: float | int) -> None:
    print(f"METRIC {name} {value}", flush=True)


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def real_hash_ms(password: str) -> float:
    """One verification at argon2's normal cost (what each login costs the server)."""
    from argon2 import PasswordHasher

    hasher = PasswordHasher()
    stored = hasher.hash(password)
    started = time.perf_counter()
    for _ in range(3):
        hasher.verify(stored, password)
    return (time.perf_counter() - started) / 3 * 1000


TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(root: int) -> float:
    """CPU seconds spent so far by the live processes of `root`'s tree (from /proc)."""
    parents, spent = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        spent[int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICKS
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(spent.get(pid, 0.0) for pid in tree)


@dataclass
class Served:
    url: str
    pid: int


@contextmanager
def famdesk_serve(url: str, workers: int, environment: dict[str, str],
                  log_path: Path) -> Iterator[Served]:
    """`famdesk serve` in a process of its own on a free loopback port."""
    from pgcluster import free_port

    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "famdesk", "serve", "--database", url, "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(workers)],
            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
            env={**os.environ, **environment, "PYTHONUNBUFFERED": "1"})
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"famdesk serve stopped:\n{log_path.read_text()[-3000:]}")
                try:
                    if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("famdesk serve did not start within 120 s")
                time.sleep(0.3)
            yield Served(base, process.pid)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def register_kiosks(base: str, structure_id: int, count: int, login: str,
                          password: str) -> list[str]:
    """A manager logs in at the desk and registers `count` kiosks; their device tokens."""
    from famdesk.services.kiosks import KioskRegistered
    from famdesk.wire import paths
    from famdesk.wire.client import ApiClient
    from famdesk.wire.messages import KioskRequest

    client = ApiClient(base, terminal="Bureau de la gestion")
    try:
        await client.login(login, password)
        tokens = []
        for number in range(1, count + 1):
            made = await client.call("POST", paths.KIOSKS.format(structure_id=structure_id),
                                     KioskRegistered, body=KioskRequest(label=f"Borne {number}"))
            tokens.append(made.token)
        await client.logout()
        return tokens
    finally:
        await client.aclose()


OVERBOOKED = """
SELECT count(*) FILTER (WHERE booked > capacity OR booked_count > capacity),
       count(*) FILTER (WHERE booked <> booked_count OR waitlisted <> waitlisted_count),
       count(*) FILTER (WHERE waitlist_size IS NOT NULL AND waitlisted > waitlist_size)
FROM (
    SELECT d.capacity, d.waitlist_size, d.booked_count, d.waitlisted_count,
           count(r.id) FILTER (WHERE r.status = 'booked') AS booked,
           count(r.id) FILTER (WHERE r.status = 'waitlisted') AS waitlisted
    FROM activity_day d LEFT JOIN reservation r ON r.activity_day_id = d.id
    WHERE d.capacity IS NOT NULL
    GROUP BY d.id
) AS days
"""


def check_days(db) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Days overbooked, days whose counters disagree with their rows, waiting lists too long."""
    from sqlalchemy import text

    with db.engine.connect() as connection:
        over, off, long_lists = connection.execute(text(OVERBOOKED)).one()
    return int(over), int(off), int(long_lists)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    environment = {} if args.real_hashes else {FAST_HASHES_ENV: "1"}
    os.environ.pop(FAST_HASHES_ENV, None)
    os.environ.update(environment)  # before famdesk's hasher is imported
    from pgcluster import throwaway_cluster
    from rush_load import rush
    from rush_town import ADMIN_LOGIN, PASSWORD, build_town

    from famdesk.config import resolve_database
    from famdesk.services.database import Database

    hash_ms = real_hash_ms(PASSWORD)
    with throwaway_cluster(PG_SETTINGS, prefix="famdesk-rush-") as postgres, \
            tempfile.TemporaryDirectory(prefix="famdesk-rush-") as scratch:
        with postgres.connect_admin() as admin:
            admin.execute(f'CREATE DATABASE "{DATABASE}"')
        url = postgres.url(DATABASE)
        db = Database(resolve_database(url))
        started = time.perf_counter()
        town = build_town(db, args.families, date.today())
        note(f"town built in {time.perf_counter() - started:.1f} s: {len(town.families):,} "
             f"families, {sum(len(f.children) for f in town.families):,} children; contended "
             + ", ".join(f"{label} {', '.join(d.strftime('%d/%m') for d in days)}"
                         for label, days in town.contended.items()))
        log_path = args.server_log or Path(scratch) / "server.log"
        postmaster = int((postgres.socket_dir / "data" / "postmaster.pid").read_text().split()[0])
        with famdesk_serve(url, args.workers, environment, log_path) as served:
            devices = asyncio.run(register_kiosks(served.url, town.structure_id,
                                                  args.concurrency, ADMIN_LOGIN, town.password))
            load_before = os.getloadavg()
            cpu_before = [tree_cpu(served.pid), tree_cpu(postmaster), time.process_time()]
            tally, seconds = asyncio.run(rush(served.url, town, devices))
            cpu = [after - before for after, before in zip(
                [tree_cpu(served.pid), tree_cpu(postmaster), time.process_time()], cpu_before,
                strict=True)]
            load_after = os.getloadavg()
        overbooked, counters_off, long_lists = check_days(db)
        db.dispose()
    latencies = tally.all_latencies()
    note(f"settings: workers={args.workers} concurrency={args.concurrency} (kiosks) "
         f"hashes={'argon2 normal cost' if args.real_hashes else 'argon2 cheapest (FAMDESK_FAST_HASHES=1)'} "
         f"cores={os.cpu_count()} postgres: {' '.join(PG_SETTINGS)}, fsync off")
    note("load average before {:.2f} {:.2f} {:.2f}, after {:.2f} {:.2f} {:.2f}".format(
        *load_before, *load_after))
    for step, values in tally.latencies.items():
        note(f"{step}: {len(values)} calls, p50 {statistics.median(values) * 1000:.0f} ms, "
             f"p99 {percentile(values, 0.99) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms")
    calls = max(1, len(latencies))
    note("CPU per call: server {:.1f} ms, PostgreSQL {:.1f} ms, this client {:.1f} ms "
         "({:.0f} CPU-seconds in all over {:.0f} s)".format(
             *(spent / calls * 1000 for spent in cpu), sum(cpu), seconds))
    note(f"{len(latencies) / seconds:.0f} calls/s; lines: "
         + ", ".join(f"{k} {v}" for k, v in sorted(tally.outcomes.items())))
    for what, count in (tally.errors + tally.refusals).most_common(10):
        note(f"{count} x {what}")
    note(f"counters disagreeing with their rows: {counters_off}; waiting lists too long: "
         f"{long_lists}")
    metric("rush_families", tally.families_done)
    metric("rush_seconds", round(seconds, 1))
    metric("rush_p99_ms", round(percentile(latencies, 0.99) * 1000))
    metric("rush_errors", sum(tally.errors.values()))
    metric("rush_overbooked", overbooked)
    metric("rush_login_hash_ms", round(hash_ms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
