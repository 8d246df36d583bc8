"""The server's services in the authorization meta-test (tests/integration/
test_authorization_meta.py): what they read, and the refusals of those that change data."""

from __future__ import annotations

from collections.abc import Callable

from famdesk.services import api_sessions, kiosks
from famdesk.services.auth import SYSTEM, SessionInfo
from famdesk.services.uow import UnitOfWork
from tests.integration.town import Town

SERVER_READ_ONLY = {
    "account_facts.record_facts": "a structure's today and activities, for the family files",
    "account_facts.kiosk_idle_seconds": "how long a structure's kiosks wait before logging out",
    "kiosks.kiosks": "a structure's registered kiosks",
}


def _revoke_kiosk(town: Town, uow: UnitOfWork, session: SessionInfo) -> object:
    made = kiosks.register_kiosk(uow, town.clock, SYSTEM, town.structure_id, "Borne à retirer")
    return kiosks.revoke_kiosk(uow, town.clock, session, made.id)


SERVER_REFUSALS: dict[str, tuple[Callable[[Town, UnitOfWork, SessionInfo], object], str, str]] = {
    # name: (call, the family session refused, a session allowed to act)
    "kiosks.register_kiosk": (
        lambda t, uow, s: kiosks.register_kiosk(uow, t.clock, s, t.structure_id, "Borne du hall"),
        "martin", "system"),
    "kiosks.revoke_kiosk": (_revoke_kiosk, "martin", "system"),
    "api_sessions.revoke_sessions": (
        lambda t, uow, s: api_sessions.revoke_sessions(uow, t.clock, s, t.martin.account_id),
        "dubois", "staff"),
}
