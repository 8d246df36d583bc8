"""A new password ends the account's other sessions on `famdesk serve`: whoever logged in
with the old one (a kiosk left open, a stolen token) is out. A change made in "Profil" keeps
the session that made it; a reset ("Le retrouver", the front desk) ends them all."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from famdesk.secrets import MemorySecretStore
from famdesk.services import recovery
from famdesk.services.outbox import smtp_mailers
from famdesk.services.uow import UnitOfWork
from famdesk.wire import paths
from tests.integration.town import PASSWORD
from tests.server.live import Live, bearer, live_server

NEW = "Nouveau-secret-42"
QUESTION = "Prénom de votre grand-mère ?"
ANSWER = "Hélène"


@pytest.fixture
def live(postgres_server) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    with live_server(postgres_server) as server:
        yield server


@pytest.fixture
def kiosk(live: Live) -> str:
    return live.register_kiosk("Borne du hall")


def alive(live: Live, token: str) -> bool:
    answer = live.http.get(paths.SESSION, headers=bearer(token))
    assert answer.status_code in (200, 401), answer.text
    return answer.status_code == 200


def post(live: Live, path: str, body: dict, token: str | None = None):  # type: ignore[no-untyped-def]
    return live.http.post(path, json=body, headers=bearer(token) if token else {})


def test_a_change_in_the_profile_keeps_this_session_and_ends_the_others(
        live: Live, kiosk: str) -> None:
    here, elsewhere, other_kiosk = (live.token("martin", kiosk) for _ in range(3))
    dubois = live.token("dubois", kiosk)

    changed = post(live, paths.PROFILE_PASSWORD, {"current": PASSWORD, "new": NEW}, here)
    assert changed.status_code == 204, changed.text

    assert alive(live, here)
    assert not alive(live, elsewhere) and not alive(live, other_kiosk)
    assert alive(live, dubois)  # another account's sessions are not touched
    assert live.login("martin", PASSWORD, kiosk).status_code == 401
    again = live.login("martin", NEW, kiosk)
    assert again.status_code == 200 and alive(live, again.json()["token"])


def test_a_refused_change_ends_nothing(live: Live, kiosk: str) -> None:
    here, elsewhere = live.token("martin", kiosk), live.token("martin", kiosk)
    wrong = post(live, paths.PROFILE_PASSWORD, {"current": "Pas-le-bon-1", "new": NEW}, here)
    assert wrong.status_code == 401
    assert alive(live, here) and alive(live, elsewhere)


def test_a_desk_reset_ends_every_session_and_the_first_password_keeps_its_own(
        live: Live, kiosk: str) -> None:
    before = [live.token("martin", kiosk) for _ in range(2)]
    staff = live.token("accueil")
    reset = live.http.post(paths.FAMILY_ACCOUNT_RESET.format(family_id=live.town.martin_family),
                           headers=bearer(staff))
    assert reset.status_code == 200, reset.text
    one_time = reset.json()["password"]
    assert not any(alive(live, token) for token in before)
    assert alive(live, staff)

    first = live.login("martin", one_time, kiosk)
    assert first.status_code == 200 and first.json()["session"]["must_change_password"]
    here = first.json()["token"]
    elsewhere = live.login("martin", one_time, kiosk).json()["token"]
    chosen = post(live, paths.PROFILE_FIRST_PASSWORD,
                  {"one_time_password": one_time, "new": NEW}, here)
    assert chosen.status_code == 200, chosen.text
    assert alive(live, here) and not alive(live, elsewhere)


def test_a_reset_with_the_security_answer_ends_every_session(live: Live, kiosk: str) -> None:
    token = live.token("dubois", kiosk)
    question = post(live, paths.PROFILE_SECURITY_QUESTION,
                    {"current_password": PASSWORD, "question": QUESTION, "answer": ANSWER}, token)
    assert question.status_code == 204, question.text
    others = [token, live.token("dubois", kiosk)]

    reset = live.http.post(paths.RECOVERY_ANSWER, headers={paths.DEVICE_HEADER: kiosk},
                           json={"login": "dubois", "answer": "hélène", "new_password": NEW})
    assert reset.status_code == 204, reset.text
    assert not any(alive(live, t) for t in others)
    assert live.login("dubois", NEW, kiosk).status_code == 200


def test_a_reset_with_an_emailed_code_ends_every_session(
        live: Live, kiosk: str, smtp_server) -> None:  # type: ignore[no-untyped-def]
    tokens = [live.token("dubois", kiosk) for _ in range(2)]
    db, clock = live.town.ctx.db, live.clock
    with UnitOfWork(db, write=True) as uow:
        sent = recovery.send_code(uow, clock, smtp_mailers(MemorySecretStore()), "dubois",
                                  "Borne du hall")
    assert sent.delivered
    code = re.search(r"\b(\d{6})\b", smtp_server.inbox.text(
        smtp_server.inbox.messages[-1])).group(1)  # type: ignore[union-attr]
    with UnitOfWork(db, write=True) as uow:
        recovery.reset_with_code(uow, clock, "dubois", code, NEW, "Borne du hall")

    assert not any(alive(live, t) for t in tokens)
    assert live.login("dubois", NEW, kiosk).status_code == 200
