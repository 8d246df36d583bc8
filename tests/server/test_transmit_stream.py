"""The transmission told as it runs (`POST paths.TRANSMIT`, NDJSON): a line per batch, then
the summary; the refusals before any line; the desk's synced gateway following the run.

A town of its own: the test town and `FAMILIES` more families, each given a request not yet
transmitted before each test, so that the reports go in several batches of `FAMILY_BATCH`.
Its mail server is a `MailGate`: none (the reports wait in the outbox), and the run held in
its last step, the outbox, until the test lets it go — a second run comes meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from sqlalchemy import func, select

from famdesk.clock import FixedClock
from famdesk.errors import InfrastructureError
from famdesk.models import Child, Family, Movement
from famdesk.models.enums import MovementKind, MovementOutcome, ReservationSource, Role
from famdesk.secrets import MemorySecretStore
from famdesk.server import transmission_stream
from famdesk.server.app import create_app
from famdesk.services.auth import SYSTEM
from famdesk.services.outbox import queue
from famdesk.services.setup import people
from famdesk.services.transmission import FAMILY_BATCH, TransmitSummary
from famdesk.services.transmission_lock import TransmissionRunningError
from famdesk.ui import gateway_synced_booking
from famdesk.ui.gateway_synced import SyncedGateway
from famdesk.wire import codec, paths
from famdesk.wire.client import ServerUnreachableError
from tests.conftest import CLOCK_START
from tests.integration.town import PASSWORD, Town, build_town
from tests.server.live import Live, bearer, running, scratch_database

FAMILIES = 2 * FAMILY_BATCH + 30
MARKING = "Transmission des demandes"
REPORTS = "Rédaction des comptes rendus aux familles"
RUNNING = "Une transmission est déjà en cours."
NDJSON = "application/x-ndjson"
WEDNESDAY = date(2026, 9, 30)


class MailGate:
    """The town's `MailerFactory`: no mail server; while held, the run that asks for one
    waits there (its progress all told) until `release()`, then fails with `failure` if set."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self._open = threading.Event()
        self._open.set()
        self.failure: Exception | None = None

    def hold(self, failure: Exception | None = None) -> None:
        self.reached.clear()
        self._open.clear()
        self.failure = failure

    def release(self) -> None:
        self._open.set()

    def __call__(self, _structure: object) -> None:
        self.reached.set()
        if not self._open.wait(60):
            raise RuntimeError("the test never let the run go on")
        failure, self.failure = self.failure, None
        if failure is not None:
            raise failure


@dataclass
class StreamTown:
    live: Live
    gate: MailGate
    children: dict[int, int]  # family id -> child id

    @property
    def town(self) -> Town:
        return self.live.town


@pytest.fixture(scope="module")
def stream(postgres_server) -> Iterator[StreamTown]:  # type: ignore[no-untyped-def]
    clock = FixedClock(CLOCK_START)
    gate = MailGate()
    with scratch_database(postgres_server) as url:
        town = build_town(url, clock)
        with town.uow(write=True) as uow:
            admin_id = people.create_account(
                uow, SYSTEM, "gestion", PASSWORD, "Gestion", Role.ADMIN, "gestion@example.org",
                [town.structure_id], clock=clock)
            families = [Family(structure_id=town.structure_id, civility="Mme",
                               last_name=f"Famille{n}", first_name="Anne",
                               email=f"famille{n}@example.org") for n in range(FAMILIES)]
            uow.session.add_all(families)
            uow.session.flush()
            kids = [Child(family_id=family.id, first_name="Alex", last_name=family.last_name,
                          birth_date=date(2018, 1, 1)) for family in families]
            uow.session.add_all(kids)
            uow.session.flush()
            children = {kid.family_id: kid.id for kid in kids}
            uow.commit()
        app = create_app(town.ctx, mailers=gate)
        try:
            with running(app) as base, httpx.Client(base_url=base, timeout=60) as http:
                yield StreamTown(Live(base, town, clock, http, admin_id), gate, children)
        finally:
            gate.release()
            town.ctx.close()


@pytest.fixture
def pending(stream: StreamTown, staff: dict[str, str]) -> int:
    """One new request for each of the families: nothing else waits for the transmission
    (what an earlier test left is transmitted first)."""
    town = stream.town
    assert stream.live.http.post(paths.TRANSMIT, headers=staff).status_code == 200
    with town.uow(write=True) as uow:
        uow.session.add_all(Movement(
            family_id=family, child_id=child, activity_id=town.alsh, day=WEDNESDAY,
            kind=MovementKind.BOOK, outcome=MovementOutcome.ACCEPTED,
            source=ReservationSource.DESK, created_at=town.clock.now(),
        ) for family, child in stream.children.items())
        uow.commit()
        waiting = uow.session.scalar(
            select(func.count()).select_from(Movement).where(Movement.transmitted_at.is_(None)))
    assert waiting == FAMILIES
    return FAMILIES


@pytest.fixture
def staff(stream: StreamTown) -> dict[str, str]:
    return bearer(stream.live.token("accueil"))


def steps(lines: list[dict], step: str) -> list[tuple[int, int]]:
    return [(line["progress"]["done"], line["progress"]["total"])
            for line in lines if "progress" in line and line["progress"]["step"] == step]


def batches(count: int, size: int) -> list[tuple[int, int]]:
    """(done, total) after each batch of `size` out of `count`."""
    return [(min(done, count), count) for done in range(size, count + size, size)]


def access_lines(caplog: pytest.LogCaptureFixture, status: int) -> list[str]:
    """The server's log lines of the transmission's requests that ended with `status`
    (written once the answer has ended: looked for a little while)."""
    wanted = f"POST {paths.TRANSMIT} {status} "

    def found() -> list[str]:
        return [record.getMessage() for record in caplog.records
                if record.name == "famdesk.server.access"
                and record.getMessage().startswith(wanted)]

    deadline = time.monotonic() + 10
    while not found() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # and no second line comes
    return found()


def test_the_answer_tells_each_batch_then_the_summary_and_a_second_run_is_refused(
    stream: StreamTown, pending: int, staff: dict, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="famdesk.server.access")
    monkeypatch.setattr(transmission_stream, "KEEPALIVE_S", 0.05)
    http = stream.live.http
    stream.gate.hold()
    raw: list[str] = []
    with http.stream("POST", paths.TRANSMIT, headers=staff) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"] == NDJSON
        lines = answer.iter_lines()
        while not stream.gate.reached.is_set():
            raw.append(next(lines))
        # the run holds the lock in its last step: another desk is refused, in plain JSON
        second = http.post(paths.TRANSMIT, headers=staff)
        assert second.status_code == 409
        assert second.headers["content-type"] == "application/json"
        assert second.json() == {"code": "transmission_running", "message": RUNNING,
                                 "field": None}
        while raw.count("") < 3:  # silence: an empty line now and then
            raw.append(next(lines))
        stream.gate.release()
        raw.extend(lines)

    decoded = [json.loads(text) for text in raw if text]
    assert steps(decoded, MARKING) == [(pending, pending)]
    assert steps(decoded, REPORTS) == batches(pending, FAMILY_BATCH)
    assert len(steps(decoded, REPORTS)) == 3
    *progress, last = decoded
    assert all(set(line) == {"progress"} for line in progress)
    assert set(last) == {"summary"}
    summary = codec.load(json.dumps(last["summary"]), TransmitSummary)
    assert (summary.movements, summary.families, summary.emails_queued) == (pending,) * 3
    assert summary.structures == ["Mairie de Testville"]
    assert last["summary"] == codec.to_jsonable(summary, TransmitSummary)
    assert len(access_lines(caplog, 200)) == 1
    assert len(access_lines(caplog, 409)) == 1


def test_a_family_is_refused_before_any_line(stream: StreamTown, pending: int) -> None:
    live = stream.live
    family = bearer(live.token("martin", device=live.register_kiosk("Borne du hall")))
    answer = live.http.post(paths.TRANSMIT, headers=family)
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["code"] == "not_authorized"
    with stream.town.uow() as uow:  # nothing ran
        assert uow.session.scalar(select(func.count()).select_from(Movement).where(
            Movement.transmitted_at.is_(None))) == pending


def test_a_run_with_nothing_to_do_answers_its_summary_alone(
    stream: StreamTown, staff: dict,
) -> None:
    stream.live.http.post(paths.TRANSMIT, headers=staff)  # what other tests left
    answer = stream.live.http.post(paths.TRANSMIT, headers=staff)
    assert answer.status_code == 200
    (line,) = [json.loads(text) for text in answer.text.splitlines() if text]
    assert line["summary"]["movements"] == 0 and line["summary"]["families"] == 0


def test_a_silent_run_begins_its_answer_anyway_and_keeps_it_alive(
    stream: StreamTown, staff: dict, monkeypatch: pytest.MonkeyPatch,
) -> None:
    http = stream.live.http
    http.post(paths.TRANSMIT, headers=staff)  # what other tests left
    with stream.town.uow(write=True) as uow:  # the run's only work: a message to send
        queue(uow, stream.town.clock, structure_id=stream.town.structure_id,
              recipient="famille0@example.org", subject="Rappel", body_text="Bonjour")
        uow.commit()
    monkeypatch.setattr(transmission_stream, "OPENING_S", 0.1)
    monkeypatch.setattr(transmission_stream, "KEEPALIVE_S", 0.1)
    stream.gate.hold()
    with http.stream("POST", paths.TRANSMIT, headers=staff) as answer:
        # the run is held in the outbox, silent: the answer has begun all the same
        assert answer.status_code == 200 and stream.gate.reached.is_set()
        lines = answer.iter_lines()
        assert [next(lines), next(lines)] == ["", ""]
        stream.gate.release()
        rest = [json.loads(text) for text in lines if text]
    assert [set(line) for line in rest] == [{"summary"}]
    assert rest[0]["summary"]["movements"] == 0 and rest[0]["summary"]["sending"]["waiting"] >= 1


# -- the desk's synced gateway ----------------------------------------------------------------


async def follow(stream: StreamTown, failure: Exception | None = None,
                 ) -> tuple[list[tuple[str, int, int]], set[str], BaseException | None,
                            TransmitSummary | BaseException]:
    """A desk runs the transmission through its synced gateway while another desk tries too
    (when the run is held in its last step): the progress the first one heard (and on which
    threads), what the second got, and how the first one's call ended."""
    desk = SyncedGateway(stream.live.url, MemorySecretStore(), terminal="Accueil 1")
    other = SyncedGateway(stream.live.url, MemorySecretStore(), terminal="Accueil 2")
    heard: list[tuple[str, int, int]] = []
    threads: set[str] = set()

    def progress(step: str, done: int, total: int) -> None:
        heard.append((step, done, total))
        threads.add(threading.current_thread().name)

    try:
        await desk.login("accueil", PASSWORD)
        await other.login("accueil", PASSWORD)
        stream.gate.hold(failure)
        run = asyncio.ensure_future(desk.transmit(progress))
        while not stream.gate.reached.is_set():
            await asyncio.sleep(0.02)
        refused: BaseException | None = None
        try:
            await other.transmit(lambda *_args: None)
        except TransmissionRunningError as exc:
            refused = exc
        stream.gate.release()
        try:
            ended: TransmitSummary | BaseException = await run
        except InfrastructureError as exc:
            ended = exc
        assert desk.reachable
        return heard, threads, refused, ended
    finally:
        stream.gate.release()
        await desk.aclose()
        await other.aclose()


def test_the_desk_hears_each_batch_and_gets_the_summary(stream: StreamTown, pending: int) -> None:
    heard, threads, refused, summary = asyncio.run(follow(stream))

    reports = [(done, total) for step, done, total in heard if step == REPORTS]
    assert reports == batches(pending, FAMILY_BATCH)
    assert [(done, total) for step, done, total in heard if step == MARKING] == [
        (pending, pending)]
    assert threads == {threading.current_thread().name}  # on the event loop's thread
    assert isinstance(refused, TransmissionRunningError) and refused.message == RUNNING
    assert isinstance(summary, TransmitSummary)
    assert (summary.movements, summary.families, summary.emails_queued) == (pending,) * 3
    assert summary.without_email == 0 and summary.structures == ["Mairie de Testville"]
    assert summary.sending.sent == 0 and summary.sending.waiting >= pending
    assert f"Mouvements transmis : {pending}" in summary.lines()


def test_a_failure_after_the_first_line_reaches_the_desk_as_its_error(
    stream: StreamTown, pending: int, staff: dict,
) -> None:
    message = "Le serveur de messagerie a cessé de répondre."
    heard, _threads, _refused, ended = asyncio.run(follow(stream, InfrastructureError(message)))

    assert [done for step, done, _total in heard if step == REPORTS][-1] == pending
    assert isinstance(ended, InfrastructureError) and ended.message == message
    # the lock is free again and the run resumable: the next one finishes the work
    answer = stream.live.http.post(paths.TRANSMIT, headers=staff)
    assert answer.status_code == 200
    assert "summary" in json.loads(answer.text.splitlines()[-1])


async def through_a_silence(stream: StreamTown, silence: float) -> TransmitSummary:
    """A desk's run, held silent in the outbox for `silence` seconds (unless it ends)."""
    desk = SyncedGateway(stream.live.url, MemorySecretStore(), terminal="Accueil 1")
    try:
        await desk.login("accueil", PASSWORD)
        stream.gate.hold()
        run = asyncio.ensure_future(desk.transmit(lambda *_args: None))
        while not stream.gate.reached.is_set() and not run.done():
            await asyncio.sleep(0.02)
        await asyncio.wait({run}, timeout=silence)
        stream.gate.release()
        return await run
    finally:
        stream.gate.release()
        await desk.aclose()


def test_the_desk_waits_through_a_long_silence_kept_alive(
    stream: StreamTown, pending: int, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(transmission_stream, "KEEPALIVE_S", 0.1)
    monkeypatch.setattr(gateway_synced_booking, "TRANSMIT_LINE_SECONDS", 0.5)
    summary = asyncio.run(through_a_silence(stream, 1.5))
    assert summary.movements == pending


def test_the_desk_gives_up_after_transmit_seconds_and_the_run_goes_on(
    stream: StreamTown, pending: int, staff: dict, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(transmission_stream, "KEEPALIVE_S", 0.1)
    monkeypatch.setattr(gateway_synced_booking, "TRANSMIT_SECONDS", 1.0)
    with pytest.raises(ServerUnreachableError):
        asyncio.run(through_a_silence(stream, 2.0))
    deadline = time.monotonic() + 10
    while (answer := stream.live.http.post(paths.TRANSMIT, headers=staff)).status_code == 409:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    # the first run did the work, without anyone listening
    assert json.loads(answer.text.splitlines()[-1])["summary"]["movements"] == 0
