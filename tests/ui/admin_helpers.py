"""The back office's UI tests: the test town on a real SQLite file with a manager
("gestion"), a gateway carrying the back-office calls, the panel, and bookings made through
the engine.

Test modules import the fixtures they use from here (`town`, `gateway`, `panel`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from famdesk.models import OutboxMessage
from famdesk.services.booking import confirm
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.ui.admin import AdminPanel
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.gateway_admin import AdminGatewayMixin
from famdesk.ui.gateway_admin_import import AdminImportGatewayMixin
from tests.integration.backoffice import manager
from tests.integration.town import PASSWORD, Town, build_town
from tests.ui.helpers import run

CLICK = Qt.MouseButton.LeftButton
WED = date(2026, 9, 30)
"""A Wednesday of the town's ALSH: 2 places, a waiting list of 1; families may cancel until
Thursday 24 September 12:00 (the town's clock: Monday 14 September 2026, 10:00)."""


class AdminTestGateway(LocalGateway, AdminGatewayMixin, AdminImportGatewayMixin):
    """`LocalGateway` with the back office (whether or not gateway.py composes it already:
    the mixins come after it, so the order holds either way)."""


@pytest.fixture
def town(sqlite_url, clock) -> Iterator[Town]:
    town = build_town(sqlite_url, clock)
    manager(town)
    yield town
    town.ctx.close()


@pytest.fixture
def gateway(town) -> Iterator[AdminTestGateway]:
    gw = AdminTestGateway(town.ctx)
    run(gw.login("gestion", PASSWORD))
    yield gw
    gw.close()


@pytest.fixture
def panel(qtbot, gateway, sync_runner, town) -> AdminPanel:
    panel = AdminPanel(gateway, sync_runner)
    qtbot.addWidget(panel)
    panel.resize(1200, 760)
    panel.set_structure(town.structure_id)
    panel.show()
    panel.ensure_loaded()
    return panel


def book(town: Town, session, child: int, activity: int | None = None,  # type: ignore[no-untyped-def]
         day: date = WED) -> str:
    """Confirm one booking through the engine; its outcome ("booked", "waitlisted", ...)."""
    town.clock.advance(timedelta(minutes=1))
    line = DraftLine(LineKind.BOOK, child, activity or town.alsh, day)
    with town.uow(write=True) as uow:
        result = confirm(uow, town.clock, session, Draft((line,)), uuid.uuid4().hex)
    return result.recap.lines[0].outcome.value


def outbox(town: Town) -> dict[str, OutboxMessage]:
    with town.uow() as uow:
        return {m.recipient: m for m in uow.session.scalars(select(OutboxMessage))}


def top_dialog(kind: type[QWidget], name: str | None = None) -> QWidget:
    """The visible top-level window of that class (and object name)."""
    found = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, kind) and w.isVisible() and (name is None or w.objectName() == name)]
    assert found, f"no visible {kind.__name__} {name or ''}"
    return found[-1]
