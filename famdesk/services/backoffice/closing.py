"""Closing open days: one day or a range, with or without reservations — never silently.

`closure_preview` says first who is affected: each reservation (booked or waiting), its
child and family, how many families, what was already debited and will be refunded, and
which families have no e-mail address (to call them). `close_days` then, in one transaction
under the write lock: cancels every active reservation of those days at no charge (one
movement each, "cancelled", with the reason), refunds once a day already debited (the
ledger's own rule: a REFUND entry, at most one per reservation, of what its entries hold),
removes the open days (their cancelled reservations stay, without an open day), tells each
family by e-mail through the outbox (in French, with the reason), audits and commits.
Past days are never closed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select, update

from famdesk.clock import Clock
from famdesk.errors import ValidationError
from famdesk.i18n import _, ngettext
from famdesk.models import Activity, ActivityDay, Child, LedgerEntry, Movement, Reservation, Wallet
from famdesk.models.enums import (
    ACTIVE_STATUSES,
    LedgerKind,
    MovementKind,
    MovementOutcome,
    ReservationSource,
    ReservationStatus,
)
from famdesk.models.values import from_cents
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.backoffice._common import (
    check_range,
    lock_days,
    managed_activity,
    reason_text,
    recipients,
    structure_today,
    tell_family,
)
from famdesk.services.formatting import money, numeric_date, short_day
from famdesk.services.nightly.debit import settle_candidates
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)
LINE_INDENT = " " * 9


@dataclass(frozen=True)
class AffectedReservation:
    reservation_id: int
    day: date
    child_id: int
    child_name: str
    """"MARTIN Léa"."""
    family_id: int
    family_name: str
    """"M. MARTIN Hugo"."""
    status: ReservationStatus
    """Booked or waitlisted."""
    refund: Decimal
    """What was debited for it and is refunded at the closure (0 when not debited)."""


@dataclass(frozen=True)
class ClosurePreview:
    activity_id: int
    activity_label: str
    days: tuple[date, ...]
    """The open days that would close (from today on), in date order."""
    reservations: tuple[AffectedReservation, ...]
    """By day, then child."""
    booked: int
    waitlisted: int
    families: int
    refund: Decimal
    families_without_email: tuple[str, ...]
    """Families told by no e-mail (no address): to call."""
    summary: str

    @property
    def affected(self) -> int:
        return len(self.reservations)


@dataclass(frozen=True)
class ClosureResult:
    closed: tuple[date, ...]
    cancelled: int
    families: int
    refunded: Decimal
    emails_queued: int
    families_without_email: tuple[str, ...]


def closure_preview(uow: UnitOfWork, clock: Clock, session: SessionInfo, activity_id: int,
                    first: date, last: date | None = None) -> ClosurePreview:
    """Who closing the open days of [first, last] (or `first` alone) would affect."""
    activity = managed_activity(uow, session, activity_id)
    first, last = _period(clock, activity, first, last)
    rows = list(uow.session.scalars(select(ActivityDay).where(
        ActivityDay.activity_id == activity.id, ActivityDay.day.between(first, last))
        .order_by(ActivityDay.day)))
    return _preview(uow, activity, rows)


def close_days(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    activity_id: int,
    first: date,
    last: date | None = None,
    *,
    reason: str | None = None,
    expected_reservations: int | None = None,
    terminal: str = "",
) -> ClosureResult:
    """Close the open days of [first, last] (or `first` alone) from today on; see the module.

    `reason` is required when reservations are cancelled (the families read it).
    `expected_reservations`: the number the preview showed; if it changed meanwhile, nothing
    is done and a `ValidationError` says so (the manager looks again).
    """
    activity = managed_activity(uow, session, activity_id)
    first, last = _period(clock, activity, first, last)
    rows = lock_days(uow, activity.id, first, last)
    preview = _preview(uow, activity, rows)
    if not rows:
        raise ValidationError(_("No open day to close in this period."), field="first")
    if expected_reservations is not None and expected_reservations != preview.affected:
        raise ValidationError(_(
            "The reservations of these days changed since they were counted ({before} then, "
            "{now} now): look at them again before closing.").format(
                before=expected_reservations, now=preview.affected))
    why = reason_text(reason, required=bool(preview.reservations))
    now = clock.now()
    s = uow.session
    day_ids = [row.id for row in rows]
    active = list(s.scalars(select(Reservation).where(
        Reservation.activity_day_id.in_(day_ids), Reservation.status.in_(ACTIVE_STATUSES))))
    families = {a.reservation_id: a.family_id for a in preview.reservations}
    remark = _("day closed: {reason}").format(reason=why) if why else _("day closed")
    for reservation in active:
        reservation.status = ReservationStatus.CANCELLED
        family_id = families[reservation.id]
        s.add(Movement(
            reservation=reservation, family_id=family_id, child_id=reservation.child_id,
            activity_id=reservation.activity_id, day=reservation.day,
            arrival=reservation.arrival, departure=reservation.departure,
            kind=MovementKind.CANCEL, outcome=MovementOutcome.CANCELLED,
            source=ReservationSource.DESK, remark=remark,
            actor_account_id=session.account_id or None, on_behalf_family_id=family_id,
            terminal=terminal, created_at=now))
    s.flush()
    refunds = _refund(uow, activity.structure_id, [r.id for r in active], why, now)
    s.execute(update(Reservation).where(Reservation.activity_day_id.in_(day_ids))
              .values(activity_day_id=None))
    for row in rows:
        s.delete(row)
    s.flush()
    queued, without = _tell_families(uow, clock, activity, preview, why, refunds)
    audit(uow, now, "days_closed", actor_account_id=session.account_id, terminal=terminal,
          activity_id=activity.id, days=[row.day for row in rows], reason=why,
          cancelled=[r.id for r in active], refunded_cents=sum(refunds.values()))
    uow.commit()
    refunded = from_cents(sum(refunds.values()))
    log.info("activity %s: %d days closed (%s to %s), %d reservations cancelled, %s refunded, "
             "by account %s", activity.id, len(rows), first, last, len(active), refunded,
             session.account_id)
    return ClosureResult(tuple(row.day for row in rows), len(active), preview.families,
                         refunded, queued, without)


def _period(clock: Clock, activity: Activity, first: date, last: date | None) -> tuple[date, date]:
    last = first if last is None else last
    check_range(first, last)
    today = structure_today(clock, activity.structure)
    if last < today:
        raise ValidationError(_("These days are past: they can no longer be closed."),
                              field="first")
    return max(first, today), last


def _preview(uow: UnitOfWork, activity: Activity, rows: list[ActivityDay]) -> ClosurePreview:
    s = uow.session
    day_ids = [row.id for row in rows]
    reservations = []
    if day_ids:
        paid = dict(s.execute(
            select(LedgerEntry.reservation_id, func.sum(LedgerEntry.amount_cents))
            .join(Reservation, Reservation.id == LedgerEntry.reservation_id)
            .where(Reservation.activity_day_id.in_(day_ids))
            .group_by(LedgerEntry.reservation_id)).all())
        found = s.execute(
            select(Reservation, Child).join(Child, Child.id == Reservation.child_id)
            .where(Reservation.activity_day_id.in_(day_ids),
                   Reservation.status.in_(ACTIVE_STATUSES))
            .order_by(Reservation.day, Child.last_name, Child.first_name)).all()
        names = recipients(uow, {child.family_id for _r, child in found})
        for reservation, child in found:
            family, _email = names[child.family_id]
            reservations.append(AffectedReservation(
                reservation.id, reservation.day, child.id, child.full_name, family.id,
                family.holder_name, ReservationStatus(reservation.status),
                from_cents(max(-(paid.get(reservation.id) or 0), 0))))
        without = tuple(sorted({names[r.family_id][0].holder_name for r in reservations
                                if not names[r.family_id][1]}))
    else:
        without = ()
    booked = sum(1 for r in reservations if r.status is ReservationStatus.BOOKED)
    families = len({r.family_id for r in reservations})
    refund = sum((r.refund for r in reservations), Decimal("0.00"))
    return ClosurePreview(
        activity.id, activity.label, tuple(row.day for row in rows), tuple(reservations),
        booked, len(reservations) - booked, families, refund, without,
        _summary(len(rows), len(reservations), families, refund, len(without)))


def _summary(days: int, reservations: int, families: int, refund: Decimal, without: int) -> str:
    parts = [ngettext("{count} open day closes.", "{count} open days close.", days)
             .format(count=days)]
    if not reservations:
        parts.append(_("No reservation is affected."))
        return " ".join(parts)
    parts.append(ngettext(
        "{count} reservation is cancelled at no charge", "{count} reservations are cancelled at no charge",
        reservations).format(count=reservations) + " " + ngettext(
        "({count} family, told by e-mail).", "({count} families, told by e-mail).",
        families).format(count=families))
    if refund:
        parts.append(_("{amount} already debited is refunded.").format(amount=money(refund)))
    if without:
        parts.append(ngettext("{count} family has no e-mail address: call it.",
                              "{count} families have no e-mail address: call them.",
                              without).format(count=without))
    return " ".join(parts)


def _refund(uow: UnitOfWork, structure_id: int, reservation_ids: list[int], reason: str,
            now: datetime) -> dict[int, int]:
    """REFUND entries of the debited reservations among `reservation_ids` (now cancelled),
    as the nightly settlement would write them; family id -> cents refunded."""
    if not reservation_ids:
        return {}
    refunded: dict[int, int] = defaultdict(int)
    rows = uow.session.execute(
        settle_candidates(structure_id).where(Reservation.id.in_(reservation_ids)))
    for row in rows:
        uow.session.add(LedgerEntry(
            family_id=row.family_id, wallet_id=row.wallet_id, kind=LedgerKind(row.kind),
            amount_cents=int(row.amount), reservation_id=row.id, payment_id=None,
            label=(_("day closed: {reason}").format(reason=reason) if reason else "")[:200],
            created_at=now))
        refunded[row.family_id] += int(row.amount)
    uow.session.flush()
    return dict(refunded)


def _tell_families(uow: UnitOfWork, clock: Clock, activity: Activity, preview: ClosurePreview,
                   reason: str, refunds: dict[int, int]) -> tuple[int, tuple[str, ...]]:
    by_family: dict[int, list[AffectedReservation]] = defaultdict(list)
    for reservation in preview.reservations:
        by_family[reservation.family_id].append(reservation)
    wallet = uow.session.get_one(Wallet, activity.wallet_id).label
    queued = 0
    for family_id, (family, recipient) in recipients(uow, by_family).items():
        lines = sorted(by_family[family_id], key=lambda r: (r.child_name, r.day))
        days = sorted({r.day for r in lines})
        opening = ngettext("The activity {activity} is closed on {days}.",
                           "The activity {activity} is closed on these days: {days}.",
                           len(days)).format(activity=activity.label,
                                             days=", ".join(numeric_date(d) for d in days))
        if reason:
            opening += "\n" + _("Reason: {reason}").format(reason=reason)
        listed = _("Your reservations below are cancelled, at no charge:") + "\n" + "\n".join(
            f"{LINE_INDENT}{r.child_name} : {short_day(r.day)} ({_status_text(r.status)})"
            for r in lines)
        paragraphs = [opening, listed]
        if refunds.get(family_id):
            paragraphs.append(_("{amount} already debited is refunded to your wallet {wallet}.")
                              .format(amount=money(from_cents(refunds[family_id])), wallet=wallet))
        subject = _("{activity}: closure").format(activity=activity.label)
        queued += tell_family(uow, clock, activity.structure_id, family, recipient, subject,
                              paragraphs)
    return queued, preview.families_without_email


def _status_text(status: ReservationStatus) -> str:
    return _("booked") if status is ReservationStatus.BOOKED else _("on the waiting list")
