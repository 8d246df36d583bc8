"""UI test fixtures: a portal database on a real SQLite file, its gateway and a sync runner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from famdesk.bootstrap import AppContext, open_context
from famdesk.clock import FixedClock
from famdesk.secrets import MemorySecretStore
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.runner import SyncRunner
from tests.ui.factories import PortalIds, build_portal

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
