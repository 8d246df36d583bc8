"""What the account and family screens ask besides the services' own answers: the
activities a child may be registered to, and how long a kiosk waits before logging out.

Read-only services: the local gateway runs them on its worker thread, `famdesk serve` in a
request; both hand the frozen dataclasses on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select

from famdesk.clock import Clock, local_today
from famdesk.models import Activity, Structure
from famdesk.services.auth import SessionInfo
from famdesk.services.setup._fields import get_or_fail
from famdesk.services.uow import UnitOfWork

DEFAULT_KIOSK_IDLE_SECONDS = 120


@dataclass(frozen=True)
class ActivityPeriod:
    """An activity a child may be registered to, with the period it runs."""

    id: int
    label: str
    period_start: date
    period_end: date


@dataclass(frozen=True)
class RecordFacts:
    """What a family file needs besides the family: the structure's day and activities."""

    today: date
    """Today in the structure's time zone (the forms' default dates)."""
    activities: tuple[ActivityPeriod, ...]
    """In display order."""


def record_facts(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, structure_id: int
) -> RecordFacts:
    """The structure's today and activities (staff of the structure only)."""
    session.require_staff()
    session.require_structure(structure_id)
    structure = get_or_fail(uow, Structure, structure_id)
    rows = uow.session.execute(
        select(Activity.id, Activity.label, Activity.period_start, Activity.period_end)
        .where(Activity.structure_id == structure_id)
        .order_by(Activity.display_order, Activity.label, Activity.id)
    )
    today = local_today(clock, ZoneInfo(structure.timezone))
    return RecordFacts(today, tuple(ActivityPeriod(*row) for row in rows))


def kiosk_idle_seconds(uow: UnitOfWork, session: SessionInfo, structure_id: int) -> int:
    """How long the structure's kiosks wait, idle, before the countdown to logging out."""
    session.require_structure(structure_id)
    structure = get_or_fail(uow, Structure, structure_id)
    return int(structure.kiosk_idle_seconds or DEFAULT_KIOSK_IDLE_SECONDS)
