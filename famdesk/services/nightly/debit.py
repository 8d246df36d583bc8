"""Step 10 of the transmission: debit the consumed days (design.md sections 7 and 9).

Two passes over the structure's reservations, each in short batches that commit on their
own (a desk's confirm waits at most for one batch):

1. **debit**: each BOOKED reservation whose day is on or before the run's local date and
   that has no CONSUMPTION entry gets one, of its price snapshot, in the wallet of its
   activity. The batch selects only reservations without one, and the unique index on
   (reservation, kind) backs it: a second run, or a run resumed after a crash, never debits
   a day twice.
2. **settle**: a debited reservation whose entries no longer match what it should cost —
   cancelled after its debit (it should cost nothing), or booked with a price changed since
   (staff changed its times) — gets the difference: a REFUND (one at most, which settles the
   reservation for good) when it is no longer booked, else an ADJUSTMENT linked to it. Both
   go to the wallet the day was debited in.

Waitlisted, refused and cancelled days cost nothing. On PostgreSQL each batch takes an
advisory lock of the structure so two runs at once cannot settle a day twice; on SQLite the
write connection's ``BEGIN IMMEDIATE`` does it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, case, exists, func, insert, literal, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from famdesk.i18n import N_, _
from famdesk.models import Activity, Child, LedgerEntry, Reservation, Structure
from famdesk.models.enums import LedgerKind, ReservationStatus
from famdesk.services.transmission import NightlyStep, RunContext, let_desks_in
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

BATCH = 1000
LOCK_CLASS = 7310
"""First key of the PostgreSQL advisory lock of the debit (the second is the structure)."""
RETRIES = 3


def consumption_candidates(structure_id: int, through: date) -> Select:
    """Booked reservations of the structure up to `through` that were never debited."""
    debited = exists().where(LedgerEntry.reservation_id == Reservation.id,
                             LedgerEntry.kind == LedgerKind.CONSUMPTION)
    return (
        select(Reservation.id, Child.family_id, Activity.wallet_id,
               (-Reservation.price_cents).label("amount"),
               literal(LedgerKind.CONSUMPTION.value).label("kind"))
        .join(Activity, Activity.id == Reservation.activity_id)
        .join(Child, Child.id == Reservation.child_id)
        .where(Activity.structure_id == structure_id,
               Reservation.status == ReservationStatus.BOOKED,
               Reservation.day <= through, ~debited)
    )


def linked_sum():  # type: ignore[no-untyped-def]
    """The sum of the entries of the reservation in the query (correlated)."""
    linked = aliased(LedgerEntry)
    return (
        select(func.coalesce(func.sum(linked.amount_cents), 0))
        .where(linked.reservation_id == Reservation.id)
        .correlate(Reservation)
        .scalar_subquery()
    )


def expected_cents():  # type: ignore[no-untyped-def]
    """What a debited reservation's entries should add up to: minus its price while booked,
    nothing once it is not."""
    return case((Reservation.status == ReservationStatus.BOOKED, -Reservation.price_cents), else_=0)


def settle_candidates(structure_id: int | None = None, *, family_id: int | None = None) -> Select:
    """Debited reservations of the structure (or of the family), not refunded, whose entries
    do not add up to what they should cost; `amount` is the difference (to write)."""
    consumption = aliased(LedgerEntry)
    refunded = exists().where(LedgerEntry.reservation_id == Reservation.id,
                              LedgerEntry.kind == LedgerKind.REFUND)
    difference = expected_cents() - linked_sum()
    kind = case((Reservation.status == ReservationStatus.BOOKED, LedgerKind.ADJUSTMENT.value),
                else_=LedgerKind.REFUND.value)
    query = (
        select(Reservation.id, consumption.family_id, consumption.wallet_id,
               difference.label("amount"), kind.label("kind"))
        .join(consumption, and_(consumption.reservation_id == Reservation.id,
                                consumption.kind == LedgerKind.CONSUMPTION))
        .where(~refunded, difference != 0)
    )
    if structure_id is not None:
        query = query.join(Activity, Activity.id == Reservation.activity_id).where(
            Activity.structure_id == structure_id)
    if family_id is not None:
        query = query.where(consumption.family_id == family_id)
    return query


def run(ctx: RunContext) -> int:
    with UnitOfWork(ctx.db) as uow:
        timezone = uow.session.scalar(
            select(Structure.timezone).where(Structure.id == ctx.structure_id))
    through = ctx.run_at.astimezone(ZoneInfo(timezone or "Europe/Paris")).date()
    debited = _pass(ctx, lambda: consumption_candidates(ctx.structure_id, through))
    settled = _pass(ctx, lambda: settle_candidates(ctx.structure_id))
    if debited or settled:
        log.info("structure %s: %d days debited through %s, %d settled", ctx.structure_id,
                 debited, through, settled)
    return debited + settled


def _pass(ctx: RunContext, candidates: Callable[[], Select]) -> int:
    with UnitOfWork(ctx.db) as uow:
        total = uow.session.scalar(select(func.count()).select_from(candidates().subquery()))
    if not total:
        return 0
    done, after, failures = 0, 0, 0
    while True:
        try:
            with UnitOfWork(ctx.db, write=True) as uow:
                _serialize(uow, ctx.structure_id)
                rows = uow.session.execute(
                    candidates().where(Reservation.id > after).order_by(Reservation.id)
                    .limit(min(ctx.mark_batch, BATCH))
                ).all()
                if not rows:
                    break
                uow.session.execute(insert(LedgerEntry), [_entry(row, ctx.run_at) for row in rows])
                uow.commit()
        except IntegrityError:
            # another run wrote some of these meanwhile: look again
            failures += 1
            if failures > RETRIES:
                raise
            continue
        done += len(rows)
        after = rows[-1].id
        ctx.progress(_("Debiting the consumed days"), done, max(total, done))
        let_desks_in()
    return done


def _entry(row, at: datetime) -> dict:  # type: ignore[no-untyped-def]
    return {
        "family_id": row.family_id, "wallet_id": row.wallet_id, "kind": LedgerKind(row.kind),
        "amount_cents": int(row.amount), "reservation_id": row.id, "payment_id": None,
        "label": "", "created_at": at,
    }


def _serialize(uow: UnitOfWork, structure_id: int) -> None:
    """On PostgreSQL, one debit batch of a structure at a time (until the batch commits)."""
    if uow.session.get_bind().dialect.name == "postgresql":
        uow.session.execute(text("SELECT pg_advisory_xact_lock(:kind, :structure)"),
                            {"kind": LOCK_CLASS, "structure": structure_id})


STEP = NightlyStep(10, N_("Ledger entries written (days debited, refunds)"), run)
