"""What this machine can do at best for the rush, whatever the server's work: the rush's
shape (as many kiosks at once, one connection each, four calls per family) against a
server doing nothing but answering, under the same uvicorn settings as `famdesk serve`.

    .venv/bin/python benchmarks/rush_floor.py [--families N] [--workers W] [--concurrency C]

Two runs: a route that only answers (`floor_bare`), then a route that also runs one
transaction (`SELECT 1`) on a throwaway PostgreSQL (`floor_db`). Prints, for each:

    METRIC floor_<run>_calls_per_s <calls answered per second>
    METRIC floor_<run>_seconds_10000 <seconds 10,000 families' 40,000 calls would take>
    METRIC floor_<run>_cpu_ms <CPU per call: server, PostgreSQL and client together>

`rush.py` makes 4 calls per family: 10,000 families within 60 s is 667 calls a second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
from pgcluster import free_port, throwaway_cluster
from rush import PG_SETTINGS, tree_cpu

HERE = Path(__file__).resolve().parent
CALLS_PER_FAMILY = 4
TARGET_FAMILIES = 10_000
BODY = {"draft": {"lines": [{"kind": "book", "child_id": 1, "activity_id": 1,
                             "day": "2026-12-08"}] * 6}}


def metric(name: str, value: float) -> None:
    print(f"METRIC {name} {value}", flush=True)


@contextmanager
def floor_server(workers: int, database_url: str | None) -> Iterator[tuple[str, int]]:
    port = free_port()
    environment = {**os.environ, "FLOOR_DATABASE_URL": database_url or ""}
    if not database_url:
        environment.pop("FLOOR_DATABASE_URL")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "rush_floor_app:make_app",
         "--app-dir", str(HERE), "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--no-access-log", "--no-server-header",
         "--log-level", "warning"], env=environment)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.post(f"{base}/call", json={}, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("the floor server did not start")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


async def load(base: str, calls: int, concurrency: int) -> float:
    remaining = iter(range(calls))

    async def kiosk() -> None:
        transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=1))
        async with httpx.AsyncClient(base_url=base, transport=transport) as client:
            for _ in remaining:
                answer = await client.post("/call", json=BODY,
                                           headers={"Authorization": "Bearer floor"})
                answer.raise_for_status()

    started = time.perf_counter()
    await asyncio.gather(*(kiosk() for _ in range(concurrency)))
    return time.perf_counter() - started


def measure(name: str, workers: int, calls: int, concurrency: int,
            database_url: str | None, postmaster: int | None) -> None:
    with floor_server(workers, database_url) as (base, pid):
        asyncio.run(load(base, min(calls, 500), concurrency))  # warm up
        before = [tree_cpu(pid), tree_cpu(postmaster) if postmaster else 0.0,
                  time.process_time()]
        seconds = asyncio.run(load(base, calls, concurrency))
        after = [tree_cpu(pid), tree_cpu(postmaster) if postmaster else 0.0,
                 time.process_time()]
    spent = [b - a for a, b in zip(before, after, strict=True)]
    print("# {}: {} calls in {:.1f} s; CPU per call: server {:.2f} ms, PostgreSQL {:.2f} ms, "
          "client {:.2f} ms".format(name, calls, seconds, *(s / calls * 1000 for s in spent)),
          flush=True)
    metric(f"floor_{name}_calls_per_s", round(calls / seconds))
    metric(f"floor_{name}_seconds_10000",
           round(TARGET_FAMILIES * CALLS_PER_FAMILY / (calls / seconds), 1))
    metric(f"floor_{name}_cpu_ms", round(sum(spent) / calls * 1000, 2))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=2500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)
    calls = args.families * CALLS_PER_FAMILY
    print(f"# {args.families} families, {calls} calls, workers={args.workers} "
          f"concurrency={args.concurrency} cores={os.cpu_count()}", flush=True)
    measure("bare", args.workers, calls, args.concurrency, None, None)
    with throwaway_cluster(PG_SETTINGS, prefix="famdesk-floor-") as postgres:
        postmaster = int((postgres.socket_dir / "data" / "postmaster.pid").read_text()
                         .split()[0])
        measure("db", args.workers, calls, args.concurrency, postgres.url("postgres"),
                postmaster)
    return 0


if __name__ == "__main__":
    sys.exit(main())
