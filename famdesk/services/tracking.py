"""'Suivi des réservations': every request of a family's children and what became of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import aliased

from famdesk.errors import NotFoundError, ValidationError
from famdesk.i18n import _
from famdesk.models import Account, Activity, Child, Movement, Structure
from famdesk.models.enums import MovementKind, MovementOutcome, ReservationSource
from famdesk.services.access import authorize_family
from famdesk.services.auth import SessionInfo, family_of
from famdesk.services.formatting import numeric_date
from famdesk.services.uow import UnitOfWork

MAX_LINES = 20_000


@dataclass(frozen=True)
class TrackingFilter:
    child_id: int | None = None
    activity_id: int | None = None
    first: date | None = None
    last: date | None = None
    outcome: MovementOutcome | None = None


@dataclass(frozen=True)
class TrackingLine:
    movement_id: int
    day: date
    activity_id: int
    activity_label: str
    child_id: int
    child_name: str
    arrival: time | None
    departure: time | None
    kind: MovementKind
    outcome: MovementOutcome
    transmitted_at: datetime | None
    """In the structure's time zone; None while "Non transmis"."""
    requested_at: datetime
    source: ReservationSource
    made_by: str
    remark: str

    @property
    def request_text(self) -> str:
        return kind_text(self.kind)

    @property
    def outcome_text(self) -> str:
        return outcome_text(self.outcome)

    @property
    def transmission_text(self) -> str:
        if self.transmitted_at is None:
            return _("Not transmitted")
        return _("Transmitted on {date}").format(date=numeric_date(self.transmitted_at.date()))


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class TrackingView:
    family_id: int
    family_name: str
    structure_name: str
    children: tuple[Choice, ...]
    activities: tuple[Choice, ...]
    lines: tuple[TrackingLine, ...]
    truncated: bool = False


def kind_text(kind: MovementKind) -> str:
    return {
        MovementKind.BOOK: _("Booking"),
        MovementKind.CANCEL: _("Cancellation"),
        MovementKind.CHANGE_TIMES: _("Change of times"),
        MovementKind.PROMOTION: _("Place from the waiting list"),
        MovementKind.MOVED_TO_WAITLIST: _("Moved to the waiting list"),
    }[kind]


def outcome_text(outcome: MovementOutcome) -> str:
    return {
        MovementOutcome.ACCEPTED: _("Accepted"),
        MovementOutcome.WAITLISTED: _("On the waiting list"),
        MovementOutcome.REFUSED: _("Refused"),
        MovementOutcome.CANCELLED: _("Cancelled"),
    }[outcome]


def _made_by(kind: MovementKind, source: ReservationSource, actor_name: str | None) -> str:
    if kind is MovementKind.PROMOTION and actor_name is None:
        return _("Waiting list (a place was freed)")
    if source is ReservationSource.ANNUAL:
        return _("Annual enrollment")
    if source is ReservationSource.DESK or kind is MovementKind.MOVED_TO_WAITLIST:
        return _("Front desk ({name})").format(name=actor_name) if actor_name else _("Front desk")
    if source is ReservationSource.COPY:
        return _("Family (copy)")
    return _("Family")


def tracking(
    uow: UnitOfWork,
    session: SessionInfo,
    structure_id: int,
    family_id: int | None = None,
    filters: TrackingFilter | None = None,
) -> TrackingView:
    """The requests of the family (the session's own, or the one staff act for), newest first."""
    filters = filters or TrackingFilter()
    if filters.first and filters.last and filters.last < filters.first:
        raise ValidationError(_("The end of the period is before its start."), field="last")
    session.require_structure(structure_id)
    if family_id is None:
        family = family_of(uow, session, structure_id)
        if family is None:
            raise NotFoundError(_("Choose the family first."))
    else:
        family = authorize_family(uow, session, family_id)
        if family.structure_id != structure_id:
            raise NotFoundError(_("This family is not in this structure."))
    structure = uow.session.get_one(Structure, structure_id)
    tz = ZoneInfo(structure.timezone)
    children = tuple(Choice(c.id, c.full_name) for c in family.children)
    actor = aliased(Account)
    query = (
        select(Movement, Activity.label, Child.last_name, Child.first_name, actor.display_name)
        .join(Activity, Activity.id == Movement.activity_id)
        .join(Child, Child.id == Movement.child_id)
        .outerjoin(actor, actor.id == Movement.actor_account_id)
        .where(Movement.family_id == family.id)
        .order_by(Movement.created_at.desc(), Movement.id.desc())
        .limit(MAX_LINES + 1)
    )
    if filters.child_id is not None:
        query = query.where(Movement.child_id == filters.child_id)
    if filters.activity_id is not None:
        query = query.where(Movement.activity_id == filters.activity_id)
    if filters.first is not None:
        query = query.where(Movement.day >= filters.first)
    if filters.last is not None:
        query = query.where(Movement.day <= filters.last)
    if filters.outcome is not None:
        query = query.where(Movement.outcome == filters.outcome)
    lines = [
        TrackingLine(
            movement_id=m.id, day=m.day, activity_id=m.activity_id, activity_label=label,
            child_id=m.child_id, child_name=f"{last_name.upper()} {first_name}",
            arrival=m.arrival, departure=m.departure, kind=m.kind, outcome=m.outcome,
            transmitted_at=m.transmitted_at.astimezone(tz) if m.transmitted_at else None,
            requested_at=m.created_at.astimezone(tz), source=m.source,
            made_by=_made_by(m.kind, m.source, actor_name), remark=m.remark,
        )
        for m, label, last_name, first_name, actor_name in uow.session.execute(query)
    ]
    activity_rows = uow.session.execute(
        select(Activity.id, Activity.label).where(Activity.structure_id == structure_id)
        .order_by(Activity.display_order, Activity.label)
    )
    return TrackingView(
        family_id=family.id,
        family_name=family.holder_name,
        structure_name=structure.name,
        children=children,
        activities=tuple(Choice(i, label) for i, label in activity_rows),
        lines=tuple(lines[:MAX_LINES]),
        truncated=len(lines) > MAX_LINES,
    )

