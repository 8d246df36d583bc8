"""UI test fixtures: a portal database on a real SQLite file, its gateway and a sync runner."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import qasync

from famdesk.bootstrap import AppContext, open_context
from famdesk.clock import FixedClock
from famdesk.secrets import MemorySecretStore
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.runner import SyncRunner
from tests.ui.factories import PortalIds, RequestIds, add_requests, build_portal

PORTAL_NOW = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


@pytest.fixture
def portal_ctx(tmp_path: Path) -> Iterator[AppContext]:
    ctx = open_context(
        "sqlite:///" + str(tmp_path / "t.db"),
        clock=FixedClock(PORTAL_NOW),
        secrets=MemorySecretStore(),
    )
    yield ctx
    ctx.close()


@pytest.fixture
def portal(portal_ctx: AppContext) -> PortalIds:
    return build_portal(portal_ctx)


@pytest.fixture
def gateway(portal_ctx: AppContext, portal: PortalIds) -> Iterator[LocalGateway]:
    gw = LocalGateway(portal_ctx)
    yield gw
    gw.close()


@pytest.fixture
def sync_runner() -> SyncRunner:
    return SyncRunner()


@pytest.fixture
def booked(portal_ctx: AppContext, portal: PortalIds) -> RequestIds:
    """Léa's and Tom's requests in the town, confirmed on the portal, not transmitted yet."""
    return add_requests(portal_ctx, portal)


@pytest.fixture
def qasync_loop(qapp):
    """An asyncio loop that runs whenever Qt processes events (qtbot.wait*, clicks)."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    for task in asyncio.all_tasks(loop):
        task.cancel()
    # Detach without stop(): stop() would exit the QApplication that pytest-qt keeps for the
    # whole session. The loop was never started by us, so it is only marked stopped here.
    qapp.aboutToQuit.disconnect(loop._after_run_forever)
    asyncio.events._set_running_loop(None)
    loop._QEventLoop__is_running = False
    loop.close()
    asyncio.set_event_loop(None)
    gc.collect()  # Qt objects of this test freed here, on the GUI thread, not on a worker's
