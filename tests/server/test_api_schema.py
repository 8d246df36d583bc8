"""schemathesis over the server's OpenAPI description: whatever a client sends that the
description allows (and much that it does not), no 500 and no answer outside the description.

The description is drawn from the application's code (`openapi_description`, what
/openapi.json serves, checked below), so the operations are known when the tests are
collected; the calls go to a real server on loopback. Bounded: a few generated examples per
operation, valid and invalid ones (schemathesis' coverage phase, which adds a few hundred
boundary cases, passes too but takes half a minute more), as a staff account (the logout,
which would end the run's session, is left out).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from famdesk.server.app import openapi_description
from famdesk.wire import paths
from tests.server.live import Live, bearer, live_server

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
DESCRIPTION = openapi_description()

schema = schemathesis.openapi.from_dict(DESCRIPTION).exclude(path=paths.LOGOUT)


@pytest.fixture(scope="module")
def live(postgres_server) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    with live_server(postgres_server) as server:
        yield server


@pytest.fixture(scope="module")
def staff(live: Live) -> dict[str, str]:
    return bearer(live.token("accueil"))


def test_the_server_serves_this_description(live: Live) -> None:
    assert live.http.get("/openapi.json").json() == DESCRIPTION


@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_no_server_error_and_answers_as_described(case, live: Live, staff: dict) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(base_url=live.url, headers=staff, checks=CHECKS)
