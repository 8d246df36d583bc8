"""The wire's async client, as the synced gateway will use it: the services' dataclasses come
back, and a refusal is raised as the same `FamdeskError` the services raised."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date

import pytest

from famdesk.errors import NotAuthorizedError
from famdesk.services.api_sessions import SessionEndedError
from famdesk.services.booking import ConfirmResult
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.month import MonthView
from famdesk.services.tracking import TrackingView
from famdesk.wire import paths
from famdesk.wire.client import ApiClient, ServerUnreachableError
from famdesk.wire.messages import ConfirmRequest, DraftIn, MonthRequest
from tests.integration.town import PASSWORD
from tests.server.live import Live, free_port, live_server

WED = date(2026, 9, 30)


@pytest.fixture(scope="module")
def live(postgres_server) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    with live_server(postgres_server) as server:
        yield server


def test_a_kiosk_session_through_the_client(live: Live) -> None:
    t = live.town
    device = live.register_kiosk("Borne du hall")

    async def session() -> tuple:
        client = ApiClient(live.url, device_token=device)
        try:
            opened = await client.login("martin", PASSWORD)
            month = await client.call("POST", paths.MONTH, MonthView,
                                      body=MonthRequest(child_id=t.lea, year=2026, month=9))
            draft = DraftIn.of(Draft((DraftLine(LineKind.BOOK, t.lea, t.alsh, WED),)))
            assert draft is not None
            confirm = ConfirmRequest(draft=draft, key="retry-me")
            first = await client.call("POST", paths.CONFIRM, ConfirmResult, body=confirm)
            retried = await client.call("POST", paths.CONFIRM, ConfirmResult, body=confirm)
            tracking = await client.call("GET", paths.TRACKING.format(structure_id=t.structure_id),
                                         TrackingView, params={"first": WED, "child_id": t.lea})
            with pytest.raises(NotAuthorizedError):
                await client.call("POST", paths.MONTH, MonthView,
                                  body=MonthRequest(child_id=t.zoe, year=2026, month=9))
            await client.logout()
            client.token = opened.token  # a token kept after logging out is dead
            with pytest.raises(SessionEndedError) as ended:
                await client.call("GET", paths.PROFILE, None)
            return opened, month, first, retried, tracking, ended.value
        finally:
            await client.aclose()

    opened, month, first, retried, tracking, ended = asyncio.run(session())
    assert opened.session.login == "martin"
    assert isinstance(month, MonthView) and month.child_id == t.lea
    assert (first.replayed, retried.replayed) == (False, True)
    assert isinstance(tracking, TrackingView)
    assert [line.day for line in tracking.lines] == [WED]
    assert ended.message == "Votre session est terminée. Veuillez vous reconnecter."


def test_a_server_that_does_not_answer() -> None:
    async def call() -> None:
        client = ApiClient(f"http://127.0.0.1:{free_port()}", timeout=2)
        try:
            await client.call("GET", paths.HEALTH, None)
        finally:
            await client.aclose()

    with pytest.raises(ServerUnreachableError) as unreachable:
        asyncio.run(call())
    assert unreachable.value.message == ("Le serveur famdesk ne répond pas. Vérifiez la "
                                         "connexion, puis réessayez.")
