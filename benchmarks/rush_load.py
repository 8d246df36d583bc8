"""The families of the rush, simulated with asyncio and the wire's own client (`ApiClient`).

Each family, at one of the registered kiosks: logs in, reads the month of the first day it
wants (its first child, every activity), previews its draft — for each child two contended
canteen days and one contended Wednesday — and confirms it under a new idempotency key.
As many families are at it at any moment as there are kiosks: each kiosk takes the next
family waiting as soon as the previous one is done, over its own HTTP connection.

Every call is timed from the client. A refusal is an error unless it is a rule of the
workflow saying no (HTTP 409): those are counted apart. Lines refused or put on a waiting
list inside a confirmed draft are no refusal of the call: they are the confirm's answer.
The month and the recap are not decoded on this side: the client shares the CPU with the
server here, so it does only what the benchmark needs (the confirm's outcomes).
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from rush_town import ASKED, RushFamily, RushTown

from famdesk.errors import FamdeskError
from famdesk.services.booking import ConfirmResult
from famdesk.services.draft import LineKind
from famdesk.wire import paths
from famdesk.wire.client import ApiClient
from famdesk.wire.errors import error_code, status_of
from famdesk.wire.messages import (
    ConfirmRequest,
    DraftIn,
    DraftLineIn,
    MonthRequest,
    PreviewRequest,
)

BUSINESS_REFUSAL = 409
PROGRESS_EVERY_S = 30


@dataclass
class Tally:
    """What the families saw."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    """"step: code" -> count (an exception: its class name)."""
    refusals: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    families_done: int = 0

    def all_latencies(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]


def draft_of(family: RushFamily, town: RushTown, rnd: random.Random) -> DraftIn:
    lines = []
    for child in family.children:
        for label, count in ASKED.items():
            for day in sorted(rnd.sample(town.contended[label], count)):
                lines.append(DraftLineIn(kind=LineKind.BOOK, child_id=child,
                                         activity_id=town.activity_ids[label], day=day))
    return DraftIn(lines=sorted(lines, key=lambda line: (line.day, line.child_id)))


async def _timed(tally: Tally, step: str, call: Awaitable[Any]) -> tuple[bool, Any]:
    started = time.perf_counter()
    try:
        result = await call
    except FamdeskError as exc:
        tally.latencies[step].append(time.perf_counter() - started)
        if status_of(exc) == BUSINESS_REFUSAL:
            tally.refusals[f"{step}: {error_code(type(exc))}"] += 1
        else:
            tally.errors[f"{step}: {error_code(type(exc))} {exc.message[:80]}"] += 1
        return False, None
    except Exception as exc:  # noqa: BLE001 - counted and shown, the rush goes on
        tally.latencies[step].append(time.perf_counter() - started)
        tally.errors[f"{step}: {type(exc).__name__}"] += 1
        return False, None
    tally.latencies[step].append(time.perf_counter() - started)
    return True, result


async def one_family(tally: Tally, base: str, transport: httpx.AsyncBaseTransport,
                     device: str, family: RushFamily, town: RushTown, draft: DraftIn) -> None:
    client = ApiClient(base, device_token=device, timeout=120, transport=transport)
    ok, _answer = await _timed(tally, "login", client.login(family.login, town.password))
    if not ok:
        return
    first = draft.lines[0].day
    month = MonthRequest(child_id=family.children[0], year=first.year, month=first.month)
    ok, _view = await _timed(tally, "month", client.call("POST", paths.MONTH, None, body=month))
    if not ok:
        return
    ok, _recap = await _timed(tally, "preview", client.call(
        "POST", paths.PREVIEW, None, body=PreviewRequest(draft=draft)))
    if not ok:
        return
    request = ConfirmRequest(draft=draft, key=uuid.uuid4().hex)
    ok, result = await _timed(tally, "confirm", client.call(
        "POST", paths.CONFIRM, ConfirmResult, body=request))
    if ok:
        for line in result.recap.lines:
            tally.outcomes[line.outcome.value] += 1
        tally.families_done += 1
    # the kiosk's client is dropped, not closed: the transport is shared


async def rush(base: str, town: RushTown, devices: Sequence[str],
               seed: int = 7) -> tuple[Tally, float]:
    """Every family of `town` once, one at a time at each kiosk of `devices` (so as many at
    once as there are kiosks); the tally and the seconds."""
    rnd = random.Random(seed)
    drafts = [draft_of(family, town, rnd) for family in town.families]
    order = list(range(len(town.families)))
    rnd.shuffle(order)
    tally = Tally()
    pending = iter(order)

    async def kiosk(device: str) -> None:
        # one connection per kiosk, kept from one family to the next
        transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=1))
        try:
            for index in pending:
                await one_family(tally, base, transport, device, town.families[index], town,
                                 drafts[index])
        finally:
            await transport.aclose()

    async def progress() -> None:
        while True:
            await asyncio.sleep(PROGRESS_EVERY_S)
            calls = sum(len(values) for values in tally.latencies.values())
            print(f"# {time.perf_counter() - started:.0f} s: {tally.families_done} families, "
                  f"{calls} calls, {sum(tally.errors.values())} errors", file=sys.stderr,
                  flush=True)

    started = time.perf_counter()
    reporter = asyncio.create_task(progress())
    try:
        await asyncio.gather(*(kiosk(device) for device in devices))
    finally:
        reporter.cancel()
    return tally, time.perf_counter() - started
