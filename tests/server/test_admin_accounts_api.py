"""The accounts and structures ("Comptes et structures") through `famdesk serve`: a manager
lists the staff, creates an account whose one-time password logs in once, gives it a new one
(its open session ends), changes its role, and creates a structure the session sees at once;
the front desk is refused in French, malformed bodies with 422; the synced gateway does the
same and its session follows."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from famdesk.errors import ValidationError
from famdesk.models.enums import Role
from famdesk.secrets import MemorySecretStore
from famdesk.services import backoffice
from famdesk.services.auth import SYSTEM, SessionInfo, StructureChoice
from famdesk.services.backoffice import StaffAccountForm, StaffAccountRow
from famdesk.services.families import OneTimePassword
from famdesk.ui.gateway_synced import SyncedGateway
from famdesk.wire import codec, paths
from tests.integration.town import PASSWORD
from tests.server.live import Live, bearer, live_server

REFUSED = "Seul un gestionnaire peut faire cela."


@pytest.fixture(scope="module")
def live(postgres_server) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    with live_server(postgres_server) as server:
        yield server


@pytest.fixture
def manager(live: Live) -> dict[str, str]:
    return bearer(live.token("gestion"))


def alive(live: Live, token: str) -> bool:
    answer = live.http.get(paths.SESSION, headers=bearer(token))
    assert answer.status_code in (200, 401), answer.text
    return answer.status_code == 200


def test_a_manager_lists_the_staff_without_a_secret(live: Live, manager: dict) -> None:
    answer = live.http.get(paths.STAFF_ACCOUNTS.format(structure_id=live.town.structure_id),
                           headers=manager)
    assert answer.status_code == 200, answer.text
    assert "hash" not in answer.text and "$argon2" not in answer.text
    rows = codec.load(answer.content, tuple[StaffAccountRow, ...])
    assert {row.login for row in rows} >= {"accueil", "gestion"}
    mine = next(row for row in rows if row.login == "gestion")
    assert mine.is_self and mine.role is Role.ADMIN

    staff = bearer(live.token("accueil"))
    refused = live.http.get(paths.STAFF_ACCOUNTS.format(structure_id=live.town.structure_id),
                            headers=staff)
    assert refused.status_code == 403 and refused.json()["message"] == REFUSED


def test_a_new_account_its_new_password_and_its_role(live: Live, manager: dict) -> None:
    made = live.http.post(paths.STAFF_ACCOUNT_NEW, headers=manager, json={
        "login": "julie.morel", "display_name": "Julie Morel", "role": "staff",
        "email": "julie.morel@example.org", "structure_ids": [live.town.structure_id]})
    assert made.status_code == 201, made.text
    secret = codec.load(made.content, OneTimePassword)
    first = live.login("julie.morel", secret.password)
    assert first.status_code == 200 and first.json()["session"]["must_change_password"]
    token = first.json()["token"]

    reset = live.http.post(paths.STAFF_ACCOUNT_RESET.format(account_id=_id(live, "julie.morel")),
                           headers=manager)
    assert reset.status_code == 200, reset.text
    again = codec.load(reset.content, OneTimePassword)
    assert again.login == "julie.morel" and again.password != secret.password
    assert not alive(live, token)  # whoever held the old password is out
    assert live.login("julie.morel", secret.password).status_code == 401
    assert live.login("julie.morel", again.password).status_code == 200

    changed = live.http.put(paths.STAFF_ACCOUNT.format(account_id=_id(live, "julie.morel")),
                            headers=manager,
                            json={"role": "admin", "structure_ids": [live.town.structure_id]})
    assert changed.status_code == 200, changed.text
    assert codec.load(changed.content, StaffAccountRow).role is Role.ADMIN

    taken = live.http.post(paths.STAFF_ACCOUNT_NEW, headers=manager, json={
        "login": "julie.morel", "display_name": "Julie", "role": "staff",
        "structure_ids": [live.town.structure_id]})
    assert taken.status_code == 422
    assert (taken.json()["field"], taken.json()["message"]) == (
        "login", "Cet identifiant est déjà pris.")
    malformed = live.http.put(paths.STAFF_ACCOUNT.format(account_id=_id(live, "julie.morel")),
                              headers=manager, json={"role": "admin", "structure_ids": "1"})
    assert malformed.status_code == 422
    staff = live.http.post(paths.STAFF_ACCOUNT_RESET.format(account_id=live.admin_id),
                           headers=bearer(live.token("accueil")))
    assert staff.status_code == 403 and staff.json()["message"] == REFUSED


def test_a_new_structure_is_seen_by_the_managers_session_at_once(live: Live,
                                                                 manager: dict) -> None:
    made = live.http.post(paths.STRUCTURE_NEW, headers=manager, json={
        "from_structure_id": live.town.structure_id, "name": "Centre des Pins",
        "holiday_zone": "A"})
    assert made.status_code == 201, made.text
    structure = codec.load(made.content, StructureChoice)
    assert (structure.name, structure.timezone) == ("Centre des Pins", "Europe/Paris")
    session = codec.load(live.http.get(paths.SESSION, headers=manager).content, SessionInfo)
    assert "Centre des Pins" in [s.name for s in session.structures]
    listed = live.http.get(paths.STAFF_ACCOUNTS.format(structure_id=structure.id),
                           headers=manager)
    assert [row["login"] for row in listed.json()] == ["gestion"]

    twice = live.http.post(paths.STRUCTURE_NEW, headers=manager, json={
        "from_structure_id": live.town.structure_id, "name": "Centre des Pins",
        "holiday_zone": "A"})
    assert twice.status_code == 422 and twice.json()["field"] == "name"


def test_the_synced_gateway_creates_and_its_session_follows(live: Live) -> None:
    async def scenario() -> tuple[OneTimePassword, StructureChoice, SessionInfo, str]:
        gateway = SyncedGateway(live.url, MemorySecretStore())
        try:
            await gateway.login("gestion", PASSWORD)
            secret = await gateway.add_staff_account(StaffAccountForm(
                "paul.henry", "Paul Henry", "staff", None, (live.town.structure_id,)))
            made = await gateway.add_structure(live.town.structure_id, "Annexe du Bourg", "B")
            assert gateway.session is not None
            with pytest.raises(ValidationError) as refused:
                await gateway.change_staff_account(live.admin_id, "staff",
                                                   (live.town.structure_id,))
            return secret, made, gateway.session, refused.value.field or ""
        finally:
            await gateway.aclose()

    secret, made, session, field = asyncio.run(scenario())
    assert secret.login == "paul.henry" and live.login("paul.henry", secret.password).is_success
    assert made.id in [s.id for s in session.structures]
    assert field == "role"
    with live.town.uow() as uow:
        rows = backoffice.staff_accounts(uow, live.clock, SYSTEM, made.id)
    assert [row.login for row in rows] == ["gestion"]


def _id(live: Live, login: str) -> int:
    with live.town.uow() as uow:
        rows = backoffice.staff_accounts(uow, live.clock, SYSTEM, live.town.structure_id)
    return next(row.id for row in rows if row.login == login)
