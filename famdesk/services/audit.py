"""The audit trail of changes outside the reservations' movements: who, where, when, what.

Never put a password, an answer, a code or a hash in `detail`.
"""

from __future__ import annotations

import json
from datetime import datetime

from famdesk.models import AuditEntry
from famdesk.services.uow import UnitOfWork


def audit(
    uow: UnitOfWork,
    at: datetime,
    action: str,
    *,
    actor_account_id: int | None,
    terminal: str = "",
    family_id: int | None = None,
    **detail: object,
) -> AuditEntry:
    """Add an `AuditEntry` to the unit of work; `detail` is kept as JSON."""
    entry = AuditEntry(
        at=at,
        actor_account_id=actor_account_id or None,
        on_behalf_family_id=family_id,
        terminal=(terminal or "")[:64],
        action=action,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else "",
    )
    uow.session.add(entry)
    return entry
