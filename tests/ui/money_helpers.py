"""The money tabs' tests run on the demo database (a family in credit, one at zero, one in
debt; every structure paying online through the local test provider): built once per test
session, copied for each test. Import the fixtures into a test module to use them."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from famdesk import i18n
from famdesk.bootstrap import AppContext, open_context
from famdesk.clock import FixedClock
from famdesk.models import Account, Family, LedgerEntry, Payment, Structure
from famdesk.secrets import MemorySecretStore
from famdesk.services.auth import SessionInfo
from famdesk.services.demo import DEMO_PASSWORD, build_demo
from famdesk.services.demo_people import DEMOVILLE
from famdesk.services.uow import UnitOfWork
from famdesk.ui.gateway import LocalGateway
from famdesk.ui.payment_window import PaymentPageOpener
from tests.ui.helpers import run

DEMO_TODAY = date(2026, 11, 27)
DEMO_NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 10:00 in Paris


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("money-demo")
    ctx = open_context("sqlite:///" + str(folder / "demo.db"), clock=FixedClock(DEMO_NOW),
                       secrets=MemorySecretStore())
    build_demo(ctx, today=DEMO_TODAY, reset=False)
    ctx.close()
    return folder / "demo.db"


@pytest.fixture
def demo_ctx(demo_template: Path, tmp_path: Path) -> Iterator[AppContext]:
    for file in demo_template.parent.glob(demo_template.name + "*"):
        shutil.copy(file, tmp_path / file.name)
    ctx = open_context("sqlite:///" + str(tmp_path / demo_template.name),
                       clock=FixedClock(DEMO_NOW), secrets=MemorySecretStore())
    ctx.terminal = "TEST-PC"
    yield ctx
    ctx.close()


@pytest.fixture
def money_gateway(demo_ctx: AppContext) -> Iterator[LocalGateway]:
    gateway = LocalGateway(demo_ctx)
    yield gateway
    gateway.close()


@pytest.fixture(autouse=True)
def french() -> Iterator[None]:
    i18n.install("fr")
    yield
    i18n.install(i18n.DEFAULT_LANGUAGE)


def log_in(gateway: LocalGateway, login: str) -> SessionInfo:
    return run(gateway.login(login, DEMO_PASSWORD))


@dataclass(frozen=True)
class DemoFamily:
    structure_id: int
    family_id: int
    account_id: int | None


def demo_family(ctx: AppContext, login: str, structure: str = DEMOVILLE) -> DemoFamily:
    with UnitOfWork(ctx.db) as uow:
        family = uow.session.scalars(
            select(Family).join(Account, Account.id == Family.account_id)
            .join(Structure, Structure.id == Family.structure_id)
            .where(Account.login == login, Structure.name == structure)).one()
        return DemoFamily(family.structure_id, family.id, family.account_id)


def ledger_cents(ctx: AppContext, family_id: int) -> int:
    with UnitOfWork(ctx.db) as uow:
        return int(uow.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0))
                                      .where(LedgerEntry.family_id == family_id)))


def payment_count(ctx: AppContext, family_id: int) -> int:
    with UnitOfWork(ctx.db) as uow:
        return int(uow.session.scalar(select(func.count(Payment.id))
                                      .where(Payment.family_id == family_id)))


class CapturingOpener(PaymentPageOpener):
    """The computer's browser, replaced by a list of the pages it was asked to open."""

    def __init__(self, kiosk: bool = False) -> None:
        self.pages: list[str] = []
        super().__init__(kiosk, web_engine=False, open_url=lambda url: self.pages.append(url.toString()))


def click_on_page(page_url: str, action: str) -> httpx.Response:
    """What the payer's browser does with the button `action` ("pay", "refuse") of the local
    test provider's page: a real HTTP request to the loopback server."""
    page = httpx.get(page_url)
    form = re.search(r"<form method='post' action='([^']+)'", page.text)
    assert form, page.text
    return httpx.post(httpx.URL(page_url).join(form.group(1)), data={"action": action},
                      follow_redirects=True)


def euros(text: str) -> Decimal:
    """'-1 234,50 €' -> Decimal('-1234.50')."""
    return Decimal(re.sub(r"[\s\u202f\xa0€]", "", text).replace(",", "."))
