"""The transmission ("la nuit"), design.md section 9, in order:

1. the steps of `famdesk.services.nightly` (debit consumed days, apply annual enrollments),
   in their order;
2. mark the pending movements transmitted;
3. one report per family with an e-mail and new movements, written into the outbox;
4. send the outbox;
5. stamp the structure's last update.

Every batch commits on its own, so a run killed between batches completes on the next run,
with nothing lost or doubled; a second run finds nothing to do and changes nothing. The run
uses its own connections: a desk's confirm waits at most for one short batch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select, update

from famdesk.clock import Clock
from famdesk.i18n import _
from famdesk.models import Account, Activity, Child, Family, Movement, Structure
from famdesk.models.enums import MovementKind
from famdesk.services.database import Database
from famdesk.services.outbox import MailerFactory, SendSummary, queue, send_pending
from famdesk.services.reports.family_report import (
    ReportLine,
    build_report,
    report_html,
    report_text,
)
from famdesk.services.transmission_lock import exclusive
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

MARK_BATCH = 2000
FAMILY_BATCH = 100
BATCH_PAUSE_S = 0.01
Progress = Callable[[str, int, int], None]
"""progress(step, done, total): called after each batch (a step's label, in French)."""


@dataclass(frozen=True)
class RunContext:
    db: Database
    clock: Clock
    run_at: datetime
    structure_id: int
    progress: Progress
    mark_batch: int = MARK_BATCH
    family_batch: int = FAMILY_BATCH


StepFunction = Callable[[RunContext], int]


@dataclass(frozen=True)
class NightlyStep:
    order: int
    name: str
    run: StepFunction


def default_steps() -> list[NightlyStep]:
    """Every `STEP` of the modules of `famdesk.services.nightly`, in order."""
    import importlib
    import pkgutil

    from famdesk.services import nightly

    steps = []
    for module in pkgutil.iter_modules(nightly.__path__):
        step = getattr(importlib.import_module(f"{nightly.__name__}.{module.name}"), "STEP", None)
        if isinstance(step, NightlyStep):
            steps.append(step)
    return sorted(steps, key=lambda step: step.order)


@dataclass
class TransmitSummary:
    movements: int = 0
    families: int = 0
    without_email: int = 0
    emails_queued: int = 0
    promotions: int = 0
    steps: dict[str, int] = field(default_factory=dict)
    sending: SendSummary = field(default_factory=SendSummary)
    structures: list[str] = field(default_factory=list)

    @property
    def emails_sent(self) -> int:
        return self.sending.sent

    def lines(self) -> list[str]:
        """The summary `famdesk transmit` prints."""
        lines = [
            _("Structures: {names}").format(names=", ".join(self.structures) or "-"),
            _("Movements transmitted: {count}").format(count=self.movements),
            _("Families reported: {count} ({without} without e-mail address)").format(
                count=self.families, without=self.without_email),
            _("Promotions from the waiting list reported: {count}").format(count=self.promotions),
            _("E-mails queued: {queued}, sent: {sent}, to retry: {retried}, failed: {failed}, "
              "waiting for a mail server: {waiting}").format(
                queued=self.emails_queued, sent=self.sending.sent, retried=self.sending.retried,
                failed=self.sending.failed, waiting=self.sending.waiting),
        ]
        lines += [_("{step}: {count}").format(step=_(name), count=count)
                  for name, count in self.steps.items()]
        return lines


def _nothing(_step: str, _done: int, _total: int) -> None:
    return None


@exclusive
def transmit(
    db: Database,
    clock: Clock,
    mailers: MailerFactory,
    *,
    structure_ids: list[int] | None = None,
    progress: Progress = _nothing,
    mark_batch: int = MARK_BATCH,
    family_batch: int = FAMILY_BATCH,
    steps: list[NightlyStep] | None = None,
) -> TransmitSummary:
    run_at = clock.now()
    summary = TransmitSummary()
    with UnitOfWork(db) as uow:
        query = select(Structure.id, Structure.name).order_by(Structure.name)
        if structure_ids is not None:
            query = query.where(Structure.id.in_(structure_ids))
        structures = list(uow.session.execute(query))
    for structure_id, name in structures:
        summary.structures.append(name)
        ctx = RunContext(db, clock, run_at, structure_id, progress, mark_batch, family_batch)
        did = 0
        for step in default_steps() if steps is None else steps:
            count = step.run(ctx)
            summary.steps[step.name] = summary.steps.get(step.name, 0) + count
            did += count
        did += _mark_transmitted(ctx, summary)
        did += _write_reports(ctx, summary)
        sending = send_pending(db, clock, mailers, structure_id=structure_id)
        summary.sending = SendSummary(*(a + b for a, b in zip(
            (summary.sending.sent, summary.sending.retried, summary.sending.failed, summary.sending.waiting),
            (sending.sent, sending.retried, sending.failed, sending.waiting), strict=True)))
        _stamp(ctx, did)
    log.info("transmission at %s: %s", run_at.isoformat(), "; ".join(summary.lines()))
    return summary


def _pending_movements(structure_id: int, run_at: datetime):  # type: ignore[no-untyped-def]
    return (
        select(Movement.id)
        .join(Family, Family.id == Movement.family_id)
        .where(Family.structure_id == structure_id, Movement.transmitted_at.is_(None),
               Movement.created_at <= run_at)
        .order_by(Movement.id)
    )


def _mark_transmitted(ctx: RunContext, summary: TransmitSummary) -> int:
    with UnitOfWork(ctx.db) as uow:
        total = uow.session.scalar(select(func.count()).select_from(
            _pending_movements(ctx.structure_id, ctx.run_at).subquery()))
    done = 0
    while True:
        with UnitOfWork(ctx.db, write=True) as uow:
            ids = list(uow.session.scalars(_pending_movements(ctx.structure_id, ctx.run_at).limit(ctx.mark_batch)))
            if not ids:
                break
            uow.session.execute(update(Movement).where(Movement.id.in_(ids)).values(transmitted_at=ctx.run_at))
            uow.commit()
        done += len(ids)
        ctx.progress(_("Marking the requests transmitted"), done, total or done)
        _let_desks_in()
    summary.movements += done
    return done


def _families_to_report(structure_id: int):  # type: ignore[no-untyped-def]
    unreported = (
        select(Movement.id)
        .where(Movement.family_id == Family.id, Movement.transmitted_at.is_not(None),
               Movement.reported_at.is_(None))
    )
    return select(Family.id).where(Family.structure_id == structure_id, exists(unreported)).order_by(Family.id)


def _write_reports(ctx: RunContext, summary: TransmitSummary) -> int:
    with UnitOfWork(ctx.db) as uow:
        total = uow.session.scalar(select(func.count()).select_from(_families_to_report(ctx.structure_id).subquery()))
    done = 0
    while True:
        # the reports are built on a read connection; the write lock is held only to store them
        with UnitOfWork(ctx.db) as uow:
            family_ids = list(uow.session.scalars(_families_to_report(ctx.structure_id).limit(ctx.family_batch)))
            if not family_ids:
                break
            batch = _prepare_reports(uow, ctx, family_ids)
        with UnitOfWork(ctx.db, write=True) as uow:
            stamped = uow.session.execute(
                update(Movement)
                .where(Movement.id.in_(batch.movement_ids), Movement.reported_at.is_(None))
                .values(reported_at=ctx.run_at)
            ).rowcount
            if stamped != len(batch.movement_ids):  # another run reported some meanwhile: redo
                continue
            for mail in batch.mails:
                queue(uow, ctx.clock, structure_id=ctx.structure_id, **mail)
            uow.commit()
        summary.families += len(family_ids)
        summary.without_email += batch.without_email
        summary.promotions += batch.promotions
        summary.emails_queued += len(batch.mails)
        done += len(family_ids)
        ctx.progress(_("Writing the reports to the families"), done, total or done)
        _let_desks_in()
    return done


def let_desks_in() -> None:
    """A short pause between batches: SQLite has no queue, and a desk waiting for the write
    lock must not find it taken again by the next batch each time it looks."""
    time.sleep(BATCH_PAUSE_S)


_let_desks_in = let_desks_in


@dataclass
class _ReportBatch:
    movement_ids: list[int] = field(default_factory=list)
    mails: list[dict] = field(default_factory=list)
    without_email: int = 0
    promotions: int = 0


def _prepare_reports(uow: UnitOfWork, ctx: RunContext, family_ids: list[int]) -> _ReportBatch:
    s = uow.session
    batch = _ReportBatch()
    structure_name = s.get_one(Structure, ctx.structure_id).name
    rows = s.execute(
        select(Movement.id, Movement.family_id, Movement.kind, Movement.outcome, Movement.day,
               Activity.label, Activity.display_order, Child.last_name, Child.first_name)
        .join(Activity, Activity.id == Movement.activity_id)
        .join(Child, Child.id == Movement.child_id)
        .where(Movement.family_id.in_(family_ids), Movement.transmitted_at.is_not(None),
               Movement.reported_at.is_(None))
        .order_by(Movement.id)
    )
    lines: dict[int, list[ReportLine]] = {}
    for movement_id, family_id, kind, outcome, day, label, order, last_name, first_name in rows:
        batch.movement_ids.append(movement_id)
        lines.setdefault(family_id, []).append(
            ReportLine(kind, outcome, label, order, f"{last_name.upper()} {first_name}", day))
    families = {
        family.id: (family, email)
        for family, email in s.execute(
            select(Family, Account.email).outerjoin(Account, Account.id == Family.account_id)
            .where(Family.id.in_(family_ids))
        )
    }
    for family_id in family_ids:
        family, account_email = families[family_id]
        family_lines = lines.get(family_id, [])
        batch.promotions += sum(1 for line in family_lines if line.kind is MovementKind.PROMOTION)
        recipient = family.email or account_email
        if not recipient:
            batch.without_email += 1
            continue
        report = build_report(family.holder_name, structure_name, family_lines)
        batch.mails.append({
            "family_id": family_id, "recipient": recipient, "subject": report.subject,
            "body_text": report_text(report), "body_html": report_html(report),
        })
    return batch


def _stamp(ctx: RunContext, did: int) -> None:
    """The structure's last update ("mise à jour du site"), when the run did something."""
    with UnitOfWork(ctx.db, write=True) as uow:
        structure = uow.session.get_one(Structure, ctx.structure_id)
        if did or structure.last_transmission_at is None:
            structure.last_transmission_at = ctx.run_at
            uow.commit()
