"""The transmission's step 20: the annual enrollments become reservations.

`apply_enrollments()` (also usable alone) takes each enrollment of the structure that still
has days ahead, or that changed since the last run, and:

- books the days of its pattern over its whole period — after today, never a public holiday,
  in school time (school holidays only for a holiday centre) — through the engine's rules
  (opening, window, registration, times, capacity and waiting list) but not the booking
  deadline, with source "annual" and the enrollment on each reservation. A day closed now
  (not open, outside the window) is tried again the next night; one refused for want of a
  place is refused once, like a family's request;
- leaves alone a day the family changed by hand: one the enrollment booked before (cancelled
  since, or not — unless the enrollment cancelled it itself when shortened, and is longer
  again), one held by any reservation, one the family (or the desk) booked or cancelled by
  hand after the enrollment was made;
- cancels the days it booked after its last day (shortened or stopped), when the family did
  not change them by hand, from tomorrow on;
- stamps the enrollment transmitted.

Every movement it writes is dated `run_at`: the same run marks and reports them. Enrollments
go by batches, each in a short write transaction of its own, with a pause between batches
for the desks. Running it again changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update

from famdesk.clock import Clock
from famdesk.i18n import N_, _
from famdesk.models import (
    Activity,
    ActivityDay,
    AnnualEnrollment,
    Child,
    Family,
    Movement,
    Reservation,
    Structure,
)
from famdesk.models.enums import (
    ACTIVE_STATUSES,
    EnrollmentStatus,
    MovementKind,
    MovementOutcome,
    ReservationSource,
)
from famdesk.services.booking import apply_standing_order
from famdesk.services.calendars import school_year_of
from famdesk.services.database import Database
from famdesk.services.draft import Draft, DraftLine, LineKey, LineKind
from famdesk.services.enrollments import (
    HAND_SOURCES,
    attended,
    last_day,
    mask_weekdays,
    pattern_days,
)
from famdesk.services.planning import Decision, Outcome
from famdesk.services.transmission import BATCH_PAUSE_S, NightlyStep, RunContext
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

ENROLLMENT_BATCH = 10
"""Enrollments per write transaction (each may book a school year's days)."""
Progress = Callable[[str, int, int], None]


@dataclass
class ApplySummary:
    enrollments: int = 0
    """Enrollments looked at."""
    booked: int = 0
    waitlisted: int = 0
    refused: int = 0
    cancelled: int = 0
    promotions: int = 0

    @property
    def movements(self) -> int:
        """The requests written (bookings, refusals, cancellations; promotions not counted)."""
        return self.booked + self.waitlisted + self.refused + self.cancelled

    def add(self, decisions: list[Decision]) -> None:
        for decision in decisions:
            if decision.outcome is Outcome.BOOKED:
                self.booked += 1
            elif decision.outcome is Outcome.WAITLISTED:
                self.waitlisted += 1
            elif decision.outcome is Outcome.REFUSED:
                self.refused += 1
            elif decision.outcome is Outcome.CANCELLED:
                self.cancelled += 1
            self.promotions += len(decision.promoted)


def _nothing(_step: str, _done: int, _total: int) -> None:
    return None


def apply_enrollments(
    db: Database,
    clock: Clock,
    *,
    structure_id: int | None = None,
    run_at: datetime | None = None,
    batch: int = ENROLLMENT_BATCH,
    progress: Progress = _nothing,
) -> ApplySummary:
    """Apply the annual enrollments of `structure_id` (every structure when None) as at
    `run_at` (now by default); see the module's docstring."""
    run_at = run_at or clock.now()
    summary = ApplySummary()
    with UnitOfWork(db) as uow:
        query = select(Structure.id, Structure.timezone).order_by(Structure.id)
        if structure_id is not None:
            query = query.where(Structure.id == structure_id)
        structures = list(uow.session.execute(query))
    for sid, timezone in structures:
        today = run_at.astimezone(ZoneInfo(timezone)).date()
        with UnitOfWork(db) as uow:
            ids = list(uow.session.scalars(_to_apply(sid, today, run_at)))
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            with UnitOfWork(db, write=True) as uow:
                _apply_batch(uow, chunk, today, run_at, summary)
                uow.commit()
            summary.enrollments += len(chunk)
            progress(_("Applying the annual enrollments"), start + len(chunk), len(ids))
            time.sleep(BATCH_PAUSE_S)  # a desk waiting for the write lock gets it now
    log.info("annual enrollments at %s: %d looked at, %d booked, %d waitlisted, %d refused, "
             "%d cancelled", run_at.isoformat(), summary.enrollments, summary.booked,
             summary.waitlisted, summary.refused, summary.cancelled)
    return summary


def _to_apply(structure_id: int, today: date, run_at: datetime):  # type: ignore[no-untyped-def]
    """The enrollments with days after today, or changed since the last run."""
    days_ahead = or_(
        AnnualEnrollment.ends_on > today,
        and_(AnnualEnrollment.ends_on.is_(None), AnnualEnrollment.status == EnrollmentStatus.ACTIVE),
    )
    return (
        select(AnnualEnrollment.id)
        .join(Child, Child.id == AnnualEnrollment.child_id)
        .join(Family, Family.id == Child.family_id)
        .where(Family.structure_id == structure_id, AnnualEnrollment.created_at <= run_at,
               or_(AnnualEnrollment.transmitted_at.is_(None), days_ahead))
        .order_by(AnnualEnrollment.id)
    )


def _apply_batch(uow: UnitOfWork, ids: list[int], today: date, run_at: datetime,
                 summary: ApplySummary) -> None:
    s = uow.session
    rows = list(s.execute(
        select(AnnualEnrollment, Activity.during_school_holidays_only, Structure.holiday_zone)
        .join(Activity, Activity.id == AnnualEnrollment.activity_id)
        .join(Structure, Structure.id == Activity.structure_id)
        .where(AnnualEnrollment.id.in_(ids))
        .order_by(AnnualEnrollment.id)
        .with_for_update(of=AnnualEnrollment)
    ))
    if not rows:
        return
    enrollments = [row for row, _holidays, _zone in rows]
    children = sorted({e.child_id for e in enrollments})
    activities = sorted({e.activity_id for e in enrollments})
    # every day an enrollment ever booked lies in its start's school year
    first = min(e.starts_on for e in enrollments)
    last = max(school_year_of(e.starts_on)[1] for e in enrollments)
    # the open days first, in id order like a confirm: no hand change slips in between what is
    # read below and what is written (PostgreSQL; SQLite holds its write lock already)
    s.execute(select(ActivityDay.id).where(ActivityDay.activity_id.in_(activities),
                                           ActivityDay.day.between(first, last))
              .order_by(ActivityDay.id).with_for_update())
    # what each enrollment booked before: day -> [(reservation id, active or not)]
    own: dict[int, dict[date, list[tuple[int, bool]]]] = {}
    for enrollment_id, reservation_id, day, status in s.execute(
        select(Reservation.enrollment_id, Reservation.id, Reservation.day, Reservation.status)
        .where(Reservation.enrollment_id.in_(ids))
    ):
        assert enrollment_id is not None
        own.setdefault(enrollment_id, {}).setdefault(day, []).append(
            (reservation_id, status in ACTIVE_STATUSES))
    since = min(e.created_at for e in enrollments)
    movements = list(s.execute(
        select(Movement.child_id, Movement.activity_id, Movement.day, Movement.created_at,
               Movement.source, Movement.kind, Movement.outcome, Movement.reservation_id)
        .where(Movement.child_id.in_(children), Movement.activity_id.in_(activities),
               Movement.day.between(first, last), Movement.created_at >= since)
    ))
    by_hand = {m.reservation_id for m in movements if m.source in HAND_SOURCES}
    # days the enrollment itself cancelled (shortened): a longer period books them again
    withdrawn = {m.reservation_id for m in movements
                 if m.source == ReservationSource.ANNUAL and m.kind == MovementKind.CANCEL}

    bookings: list[DraftLine] = []
    cancellations: list[DraftLine] = []
    enrollment_ids: dict[LineKey, int] = {}
    for enrollment, holidays_only, zone in rows:
        mine = own.get(enrollment.id, {})
        final = last_day(enrollment)
        for day, held in sorted(mine.items()):
            beyond = final is None or day > final
            for reservation_id, active in held:
                if beyond and active and day > today and reservation_id not in by_hand:
                    cancellations.append(DraftLine(LineKind.CANCEL, enrollment.child_id,
                                                   enrollment.activity_id, day))
        if final is None:
            continue
        left_alone = {
            day for day, held in mine.items()
            if any(active or reservation_id not in withdrawn for reservation_id, active in held)
        } | {
            m.day for m in movements
            if m.child_id == enrollment.child_id and m.activity_id == enrollment.activity_id
            and m.created_at >= enrollment.created_at
            and (m.source in HAND_SOURCES
                 or (m.source == ReservationSource.ANNUAL and m.kind == MovementKind.BOOK
                     and m.outcome == MovementOutcome.REFUSED))
        }
        start = max(enrollment.starts_on, today + timedelta(days=1))
        for day in pattern_days(enrollment.starts_on, final, mask_weekdays(enrollment.weekdays),
                                enrollment.every_other_week):
            if day < start or day in left_alone or not attended(day, zone, holidays_only):
                continue
            line = DraftLine(LineKind.BOOK, enrollment.child_id, enrollment.activity_id, day,
                             enrollment.arrival, enrollment.departure)
            bookings.append(line)
            enrollment_ids[line.key] = enrollment.id
    if cancellations:
        summary.add(apply_standing_order(
            uow, run_at, Draft(tuple(cancellations)), enrollment_ids={},
            remark=_("annual enrollment shortened or stopped"), cancellations=True))
    if bookings:
        summary.add(apply_standing_order(uow, run_at, Draft(tuple(bookings)),
                                         enrollment_ids=enrollment_ids))
    s.execute(update(AnnualEnrollment)
              .where(AnnualEnrollment.id.in_(ids), AnnualEnrollment.transmitted_at.is_(None))
              .values(transmitted_at=run_at))


def _run(ctx: RunContext) -> int:
    return apply_enrollments(ctx.db, ctx.clock, structure_id=ctx.structure_id, run_at=ctx.run_at,
                             progress=ctx.progress).movements


STEP = NightlyStep(20, N_("Reservations from annual enrollments"), _run)
