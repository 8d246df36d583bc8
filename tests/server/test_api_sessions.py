"""Logging in through `famdesk serve`: session tokens (hashed, expiring, revocable), family
logins from registered kiosks only, the kiosks' own tokens, and the rate limits."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from famdesk.models.server_tokens import ApiSession, Kiosk
from famdesk.server.context import ServerSettings
from famdesk.services.api_sessions import DeviceLimit
from famdesk.wire import paths
from tests.integration.town import PASSWORD
from tests.server.live import Live, bearer, live_server

DEVICE_FAILURES = 8


@pytest.fixture(scope="module")
def live(postgres_server) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    settings = ServerSettings(device_limit=DeviceLimit(failures=DEVICE_FAILURES))
    with live_server(postgres_server, settings) as server:
        yield server


def session_of(live: Live, token: str):  # type: ignore[no-untyped-def]
    return live.http.get(paths.SESSION, headers=bearer(token))


def test_health_says_the_database_answers(live: Live) -> None:
    answer = live.http.get(paths.HEALTH)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok"}


def test_staff_log_in_from_the_desk_and_out_again(live: Live) -> None:
    answer = live.login("accueil")
    assert answer.status_code == 200
    body = answer.json()
    token = body["token"]
    assert body["session"]["role"] == "staff"
    assert body["session"]["structures"][0]["name"] == "Mairie de Testville"
    assert session_of(live, token).json()["login"] == "accueil"

    # only the token's SHA-256 is kept
    with live.town.uow() as uow:
        hashes = set(uow.session.scalars(select(ApiSession.token_hash)))
    assert token not in hashes
    assert hashlib.sha256(token.encode()).hexdigest() in hashes

    assert live.http.post(paths.LOGOUT, headers=bearer(token)).status_code == 204
    after = session_of(live, token)
    assert after.status_code == 401
    assert after.json() == {"code": "session_ended", "field": None,
                            "message": "Votre session est terminée. Veuillez vous reconnecter."}


def test_no_token_or_a_made_up_one_is_refused(live: Live) -> None:
    for headers in ({}, bearer("n'importe-quoi"), {"Authorization": "Basic abc"}):
        answer = live.http.get(paths.PROFILE, headers=headers)
        assert answer.status_code == 401
        assert answer.json()["code"] == "session_ended"


def test_wrong_password_says_nothing_of_the_login(live: Live) -> None:
    unknown = live.login("personne", "faux")
    wrong = live.login("accueil", "faux")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json() == {
        "code": "authentication", "field": None, "message": "Identifiant ou mot de passe incorrect."}


def test_a_family_logs_in_only_from_a_registered_kiosk(live: Live) -> None:
    refused = live.login("martin")
    assert refused.status_code == 403
    assert refused.json()["code"] == "kiosk_only"
    assert refused.json()["message"].startswith("Les familles se connectent depuis une borne")

    unknown_device = live.login("martin", device="pas-une-borne")
    assert unknown_device.status_code == 401
    assert unknown_device.json()["code"] == "device_unknown"

    device = live.register_kiosk("Borne du hall")
    answer = live.login("martin", device=device)
    assert answer.status_code == 200
    assert answer.json()["session"]["role"] == "family"
    with live.town.uow() as uow:
        assert device not in set(uow.session.scalars(select(Kiosk.token_hash)))
    info = live.http.get(paths.DEVICE, headers={paths.DEVICE_HEADER: device})
    assert info.json()["label"] == "Borne du hall"
    assert info.json()["structure_name"] == "Mairie de Testville"


def test_only_a_manager_registers_a_kiosk(live: Live) -> None:
    staff = live.token("accueil")
    answer = live.http.post(paths.KIOSKS.format(structure_id=live.town.structure_id),
                            json={"label": "Borne"}, headers=bearer(staff))
    assert answer.status_code == 403
    assert answer.json()["message"] == "Seul un gestionnaire peut faire cela."


def test_a_revoked_kiosk_is_refused_and_its_sessions_end(live: Live) -> None:
    admin = live.token("gestion")
    device = live.register_kiosk("Borne de l'ALSH", admin)
    family = live.token("dubois", device=device)
    kiosks = live.http.get(paths.KIOSKS.format(structure_id=live.town.structure_id),
                           headers=bearer(admin)).json()
    kiosk_id = next(k["id"] for k in kiosks if k["label"] == "Borne de l'ALSH")

    assert live.http.delete(paths.KIOSK.format(kiosk_id=kiosk_id),
                            headers=bearer(admin)).status_code == 204

    assert session_of(live, family).status_code == 401
    again = live.login("dubois", device=device)
    assert again.status_code == 401
    assert again.json()["code"] == "device_unknown"
    assert "borne" in again.json()["message"]


def test_an_expired_token_is_refused(live: Live) -> None:
    token = live.token("accueil")
    live.clock.advance(timedelta(hours=12, seconds=1))
    try:
        answer = session_of(live, token)
    finally:
        live.clock.advance(-timedelta(hours=12, seconds=1))
    assert answer.status_code == 401
    assert answer.json()["code"] == "session_ended"
    assert session_of(live, token).status_code == 200  # the same instant as before: valid


def test_staff_end_a_familys_sessions(live: Live) -> None:
    device = live.register_kiosk("Borne de la cantine")
    family = live.token("martin", device=device)
    staff = live.token("accueil")

    # a family may not end anyone's sessions
    refused = live.http.post(paths.ACCOUNT_SESSIONS_REVOKE.format(
        account_id=live.town.dubois.account_id), headers=bearer(family))
    assert refused.status_code == 403

    answer = live.http.post(paths.ACCOUNT_SESSIONS_REVOKE.format(
        account_id=live.town.martin.account_id), headers=bearer(staff))
    assert answer.status_code == 200
    assert answer.json()["revoked"] >= 1
    assert session_of(live, family).status_code == 401
    assert session_of(live, staff).status_code == 200


def test_failed_logins_pause_a_kiosk(live: Live) -> None:
    device = live.register_kiosk("Borne de test")
    other = live.register_kiosk("Autre borne")
    answers = [live.login(f"inconnu{n}", "faux", device=device) for n in range(DEVICE_FAILURES)]
    assert [a.status_code for a in answers[:-1]] == [401] * (DEVICE_FAILURES - 1)
    assert answers[-1].status_code == 429
    assert answers[-1].json()["message"].startswith(
        "Trop de connexions échouées depuis ce poste")

    # even the right password waits on that kiosk; another kiosk is not paused
    assert live.login("martin", device=device).status_code == 429
    assert live.login("martin", device=other).status_code == 200


def test_failed_logins_lock_a_login(live: Live) -> None:
    device = live.register_kiosk("Borne du verrou")
    answers = [live.login("dubois", "faux", device=device) for _ in range(5)]
    assert answers[-1].status_code == 429
    assert answers[-1].json()["code"] == "account_locked"
    assert live.login("dubois", PASSWORD, device=device).status_code == 429
