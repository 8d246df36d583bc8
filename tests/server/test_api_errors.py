"""Bad requests to `famdesk serve`: a 4xx with a French message in {"code", "message",
"field"}, never a 500, and nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select

from famdesk.errors import NotAuthorizedError, NotFoundError, ValidationError
from famdesk.models import IdempotencyKey, Movement, Reservation
from famdesk.services.api_sessions import SessionEndedError
from famdesk.wire import paths
from famdesk.wire.errors import ErrorBody, error_from
from tests.server.live import Live, bearer, live_server

WED = "2026-09-30"


@pytest.fixture(scope="module")
def live(postgres_server) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    with live_server(postgres_server) as server:
        yield server


@pytest.fixture(scope="module")
def family(live: Live) -> dict[str, str]:
    return bearer(live.token("martin", device=live.register_kiosk("Borne")))


def counts(live: Live) -> tuple[int, ...]:
    with live.town.uow() as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(model))
                     for model in (Reservation, Movement, IdempotencyKey))


def confirm_body(live: Live, **changes: object) -> dict:
    line = {"kind": "book", "child_id": live.town.lea, "activity_id": live.town.alsh, "day": WED}
    body = {"draft": {"lines": [line]}, "key": "cle-1"}
    body.update(changes)
    return body


def refused(answer, status: int, code: str = "invalid_request") -> str:  # type: ignore[no-untyped-def]
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"code", "message", "field"}
    assert body["code"] == code
    return body["message"]


def test_malformed_json(live: Live, family: dict) -> None:
    before = counts(live)
    answer = live.http.post(paths.CONFIRM, headers={**family, "content-type": "application/json"},
                            content=b'{"draft": {"lines": [')
    assert refused(answer, 422) == "La demande n'est pas valide : le corps n'est pas un JSON valide."
    assert counts(live) == before


def test_wrong_types(live: Live, family: dict) -> None:
    before = counts(live)
    body = confirm_body(live)
    body["draft"]["lines"][0]["child_id"] = "Léa"
    message = refused(live.http.post(paths.CONFIRM, headers=family, json=body), 422)
    assert message == ("La demande n'est pas valide : « draft.lines.0.child_id » : "
                       "un nombre entier est attendu.")
    body = confirm_body(live)
    body["draft"]["lines"][0]["day"] = "mercredi"
    message = refused(live.http.post(paths.CONFIRM, headers=family, json=body), 422)
    assert "une date est attendue (AAAA-MM-JJ)" in message
    assert counts(live) == before


def test_missing_and_unexpected_fields(live: Live, family: dict) -> None:
    before = counts(live)
    body = confirm_body(live)
    del body["key"]
    answer = live.http.post(paths.CONFIRM, headers=family, json=body)
    assert refused(answer, 422) == "La demande n'est pas valide : « key » : ce champ manque."
    assert answer.json()["field"] == "key"
    answer = live.http.post(paths.CONFIRM, headers=family, json=confirm_body(live, admin=True))
    assert "ce champ n'est pas attendu" in refused(answer, 422)
    assert counts(live) == before


def test_a_huge_body(live: Live, family: dict) -> None:
    before = counts(live)
    body = confirm_body(live, override_reason="x" * (2 << 20))
    message = refused(live.http.post(paths.CONFIRM, headers=family, json=body), 413,
                      "body_too_large")
    assert message == "La demande est trop volumineuse (1024 ko au plus)."
    assert counts(live) == before


def test_unknown_ids(live: Live, family: dict) -> None:
    before = counts(live)
    month = live.http.post(paths.MONTH, headers=family,
                           json={"child_id": 999_999, "year": 2026, "month": 9})
    assert month.status_code in (403, 404)
    assert month.json()["message"]
    assert counts(live) == before
    # a draft line of an unknown activity is the engine's to refuse, line by line
    body = confirm_body(live)
    body["draft"]["lines"][0]["activity_id"] = 2**31 - 1
    answer = live.http.post(paths.CONFIRM, headers=family, json=body)
    line = answer.json()["recap"]["bookings"][0]
    assert (line["outcome"], line["reason"]) == ("refused", "activité inconnue")
    assert counts(live)[:2] == before[:2]
    before = counts(live)
    too_large = live.http.post(paths.MONTH, headers=family,
                               json={"child_id": 2**40, "year": 2026, "month": 9})
    assert refused(too_large, 422).endswith("ce nombre est trop grand.")
    kiosk = live.http.delete(paths.KIOSK.format(kiosk_id=424242),
                             headers=bearer(live.token("gestion")))
    assert refused(kiosk, 404, "not_found") == "Cette borne n'est pas enregistrée."
    assert counts(live) == before


def test_unknown_address_and_method(live: Live) -> None:
    assert refused(live.http.get("/api/v1/nulle-part"), 404, "unknown_address") == (
        "Cette adresse ne fait pas partie de l'API de famdesk.")
    assert refused(live.http.get(paths.CONFIRM), 405, "method_not_allowed") == (
        "Cette adresse n'accepte pas ce type de demande.")


def test_nul_characters_and_dates_out_of_range(live: Live, family: dict) -> None:
    before = counts(live)
    nul = live.http.post(paths.LOGIN, json={"login": "mar\u0000tin", "password": "x"})
    assert refused(nul, 422) == "La demande contient un caractère que famdesk n'accepte pas."
    search = live.http.get(paths.FAMILY_SEARCH.format(structure_id=live.town.structure_id),
                           headers=family, params={"text": "a\x00b"})
    assert search.status_code == 422
    body = confirm_body(live)
    body["draft"]["lines"][0]["day"] = "9999-12-31"
    assert refused(live.http.post(paths.CONFIRM, headers=family, json=body), 422)
    assert counts(live) == before


def test_a_service_refusal_keeps_its_message_and_field(live: Live, family: dict) -> None:
    answer = live.http.post(paths.PROFILE_EMAIL, headers=family, json={"email": "pas-une-adresse"})
    assert refused(answer, 422, "validation") == "« pas-une-adresse » n'est pas une adresse e-mail valide."
    assert answer.json()["field"] == "email"


@pytest.mark.parametrize(("status", "code", "kind"), [
    (403, "not_authorized", NotAuthorizedError),
    (404, "not_found", NotFoundError),
    (422, "invalid_request", ValidationError),
    (401, "session_ended", SessionEndedError),
])
def test_the_client_raises_the_same_error(status: int, code: str, kind: type) -> None:
    error = error_from(status, ErrorBody(code=code, message="Message en français", field="x"))
    assert type(error) is kind
    assert (error.message, error.field) == ("Message en français", "x")


def test_dates_are_checked_by_the_services_too(live: Live, family: dict) -> None:
    answer = live.http.get(
        paths.TRACKING.format(structure_id=live.town.structure_id), headers=family,
        params={"first": date(2026, 10, 1).isoformat(), "last": date(2026, 9, 1).isoformat()})
    assert refused(answer, 422, "validation") == "La fin de la période est avant son début."
