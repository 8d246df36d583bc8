"""Payments at the front desk ("régie"): cash, cheque, card terminal, transfer.

`record_payment()` checks the amounts (more than zero, cents at most, 10 000 € at most in
all, wallets of the family's structure), takes the next receipt number of the structure's
year from its `ReceiptCounter` under lock, writes the `Payment` (paid) and one PAYMENT ledger
entry per wallet, audits it and commits: the lock is held until then, so two desks never get
one number and a number is never skipped (a failed payment rolls its number back with it).

`cancel_payment()` undoes a payment without deleting anything: one ADJUSTMENT per wallet,
minus what it credited there, referencing the payment; the payment becomes cancelled, its
receipt number stays taken.

Online card payments are written by `famdesk.services.online_payments` (one PAYMENT entry
per wallet, `payment_id` set); `receipt()` reads both kinds.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from famdesk.clock import Clock
from famdesk.errors import FamdeskError, NotFoundError, ValidationError
from famdesk.i18n import _
from famdesk.models import Account, Family, LedgerEntry, Payment, ReceiptCounter, Structure, Wallet
from famdesk.models.enums import LedgerKind, PaymentMethod, PaymentStatus
from famdesk.models.values import from_cents, to_cents
from famdesk.services.access import authorize_family, check_family
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.formatting import money
from famdesk.services.ledger import MAX_AMOUNT, amount_cents
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

DESK_METHODS = (PaymentMethod.CASH, PaymentMethod.CHEQUE, PaymentMethod.CARD_TERMINAL,
                PaymentMethod.TRANSFER)
MAX_CHEQUE_NUMBER = 32
MAX_BANK = 80
MAX_REASON = 200
BACKDATE_DAYS = 31
"""How many days back a payment received earlier may be dated (within the same year)."""


def method_text(method: PaymentMethod | str) -> str:
    return {
        PaymentMethod.CASH: _("Cash"),
        PaymentMethod.CHEQUE: _("Cheque"),
        PaymentMethod.CARD_TERMINAL: _("Card (terminal)"),
        PaymentMethod.TRANSFER: _("Transfer"),
        PaymentMethod.ONLINE_CARD: _("Online card payment"),
    }[PaymentMethod(method)]


def status_text(status: PaymentStatus | str) -> str:
    return {
        PaymentStatus.PENDING: _("Pending"),
        PaymentStatus.PAID: _("Paid"),
        PaymentStatus.FAILED: _("Failed"),
        PaymentStatus.CANCELLED: _("Payment cancelled"),
    }[PaymentStatus(status)]


def receipt_label(year: int | None, number: int | None) -> str:
    """'2026-000012' (empty when the payment has no receipt number)."""
    if year is None or number is None:
        return ""
    return f"{year}-{number:06d}"


@dataclass(frozen=True)
class ReceiptLine:
    wallet_id: int
    wallet_label: str
    amount: Decimal


@dataclass(frozen=True)
class PaymentReceipt:
    """A payment as its receipt shows it (instants in the structure's time zone)."""

    payment_id: int
    structure_id: int
    structure_name: str
    family_id: int
    family_name: str
    family_address: str
    receipt: str
    """'2026-000012'."""
    receipt_year: int | None
    receipt_number: int | None
    method: PaymentMethod
    status: PaymentStatus
    amount: Decimal
    lines: tuple[ReceiptLine, ...]
    """What it credited, wallet by wallet (from the ledger)."""
    paid_at: datetime | None
    recorded_by: str
    terminal: str
    cheque_number: str | None
    bank: str | None
    cancelled_at: datetime | None = None
    cancelled_by: str = ""
    cancel_reason: str = ""

    @property
    def method_text(self) -> str:
        return method_text(self.method)

    @property
    def status_text(self) -> str:
        return status_text(self.status)

    @property
    def cancelled(self) -> bool:
        return self.status is PaymentStatus.CANCELLED


# -- the receipt counter --------------------------------------------------------------


def take_receipt_number(uow: UnitOfWork, structure_id: int, year: int) -> int:
    """The next receipt number of the structure's year, from its counter, locked until the
    caller's unit of work ends (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the write
    connection's ``BEGIN IMMEDIATE`` already holds the database). Give it a write unit of
    work and commit the payment in it: rolled back, the number is not taken."""
    if not uow.write:
        raise RuntimeError("a receipt number is taken in a write unit of work")
    dialect = uow.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    uow.session.execute(
        upsert(ReceiptCounter).values(structure_id=structure_id, year=year, last_number=0)
        .on_conflict_do_nothing()
    )
    where = (ReceiptCounter.structure_id == structure_id, ReceiptCounter.year == year)
    last = uow.session.execute(
        select(ReceiptCounter.last_number).where(*where).with_for_update()
    ).scalar_one()
    number = last + 1
    uow.session.execute(update(ReceiptCounter).where(*where).values(last_number=number))
    return number


# -- recording --------------------------------------------------------------------------


def _text(value: str | None, field: str, limit: int) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError(
            _("Too long ({count} characters at most).").format(count=limit), field=field)
    return value or None


def _allocations(uow: UnitOfWork, family: Family,
                 allocations: Mapping[int, Decimal | str]) -> dict[int, int]:
    """wallet id -> cents, checked; wallets left at zero are dropped."""
    cents: dict[int, int] = {}
    for wallet_id, amount in allocations.items():
        value = amount_cents(amount, field=f"wallet_{wallet_id}", allow_zero=True)
        if value:
            cents[wallet_id] = value
    if not cents:
        raise ValidationError(_("The amount must be more than zero."), field="amount")
    total = sum(cents.values())
    if total > to_cents(MAX_AMOUNT):
        raise ValidationError(
            _("A payment cannot be more than {maximum}.").format(maximum=money(MAX_AMOUNT)),
            field="amount")
    found = set(uow.session.scalars(
        select(Wallet.id).where(Wallet.id.in_(sorted(cents)),
                                Wallet.structure_id == family.structure_id)))
    if found != set(cents):
        raise ValidationError(_("This wallet is not one of the family's structure."),
                              field="allocations")
    return cents


def record_payment(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    family_id: int,
    method: PaymentMethod | str,
    allocations: Mapping[int, Decimal | str],
    *,
    cheque_number: str | None = None,
    bank: str | None = None,
    paid_on: date | None = None,
    terminal: str = "",
) -> PaymentReceipt:
    """Record a payment made at the desk; `allocations`: wallet id -> euros. Commits.

    `paid_on`: the day the money was received (default today), up to `BACKDATE_DAYS` back
    in the same year (the receipt is numbered in this year's series); the payment and its
    entries are dated that day, at the present time of day."""
    session.require_staff()
    try:
        method = PaymentMethod(method)
    except ValueError:
        method = None  # type: ignore[assignment]
    if method not in DESK_METHODS:
        raise ValidationError(_("Choose cash, cheque, card terminal or transfer."), field="method")
    cheque_number = _text(cheque_number, "cheque_number", MAX_CHEQUE_NUMBER)
    bank = _text(bank, "bank", MAX_BANK)
    if method is PaymentMethod.CHEQUE and not cheque_number:
        raise ValidationError(_("Enter the cheque number."), field="cheque_number")
    if method is not PaymentMethod.CHEQUE and cheque_number:
        raise ValidationError(_("A cheque number goes with a cheque only."), field="cheque_number")
    if method not in (PaymentMethod.CHEQUE, PaymentMethod.TRANSFER) and bank:
        raise ValidationError(_("A bank goes with a cheque or a transfer only."), field="bank")
    family = authorize_family(uow, session, family_id)
    cents = _allocations(uow, family, allocations)
    structure = uow.session.get_one(Structure, family.structure_id)
    now = clock.now()
    tz = ZoneInfo(structure.timezone)
    year = now.astimezone(tz).year
    at = _paid_at(now, tz, paid_on)
    try:
        number = take_receipt_number(uow, structure.id, year)
        payment = Payment(
            structure_id=structure.id, family_id=family.id, amount_cents=sum(cents.values()),
            method=method, status=PaymentStatus.PAID, receipt_year=year, receipt_number=number,
            created_at=now, paid_at=at, recorded_by_account_id=session.account_id or None,
            terminal=(terminal or "")[:64], cheque_number=cheque_number, bank=bank,
        )
        uow.session.add(payment)
        uow.session.flush()
        uow.session.add_all(
            LedgerEntry(family_id=family.id, wallet_id=wallet_id, kind=LedgerKind.PAYMENT,
                        amount_cents=amount, payment_id=payment.id, label="", created_at=at)
            for wallet_id, amount in sorted(cents.items())
        )
        audit(uow, now, "payment_recorded", actor_account_id=session.account_id,
              terminal=terminal, family_id=family.id, payment_id=payment.id,
              receipt=receipt_label(year, number), method=method.value,
              amount_cents=payment.amount_cents, paid_on=at.astimezone(tz).date(),
              wallets={str(w): c for w, c in sorted(cents.items())})
        uow.session.flush()
        answer = _receipt(uow, payment)
        uow.commit()
    except IntegrityError as exc:
        uow.session.rollback()
        log.warning("payment of family %s refused by a constraint: %s", family.id, exc.orig)
        raise FamdeskError(_("The payment could not be recorded: try again.")) from exc
    log.info("payment %s (receipt %s, %s, %d cents) for family %s by account %s", payment.id,
             answer.receipt, method.value, payment.amount_cents, family.id, session.account_id)
    return answer


def _paid_at(now: datetime, tz: ZoneInfo, paid_on: date | None) -> datetime:
    """The instant a payment received on `paid_on` is dated (see `record_payment`)."""
    local = now.astimezone(tz)
    if paid_on is None or paid_on == local.date():
        return now
    if paid_on > local.date():
        raise ValidationError(_("The payment date cannot be in the future."), field="paid_on")
    if paid_on.year != local.year or paid_on < local.date() - timedelta(days=BACKDATE_DAYS):
        raise ValidationError(
            _("The payment date is at most {days} days ago, in this year.").format(
                days=BACKDATE_DAYS), field="paid_on")
    return datetime.combine(paid_on, local.time(), tzinfo=tz).astimezone(now.tzinfo)


def cancel_payment(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    payment_id: int,
    reason: str,
    *,
    terminal: str = "",
) -> PaymentReceipt:
    """Cancel a payment recorded at the desk (a cheque returned unpaid, a typing mistake):
    counter-entries in each wallet it credited, the payment marked cancelled, nothing
    deleted. The reason is required. Commits."""
    session.require_staff()
    query = select(Payment).where(Payment.id == payment_id)
    if uow.db.write_lock:
        query = query.with_for_update()
    payment = uow.session.scalar(query)
    if payment is None:
        raise NotFoundError(_("This payment does not exist."))
    family = uow.session.get_one(Family, payment.family_id)
    check_family(session, family)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for cancelling the payment."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(
            _("The reason is too long ({count} characters at most).").format(count=MAX_REASON),
            field="reason")
    if payment.status is PaymentStatus.CANCELLED:
        raise ValidationError(_("This payment is already cancelled."))
    if payment.status is not PaymentStatus.PAID:
        raise ValidationError(_("Only a paid payment can be cancelled."))
    if payment.method not in DESK_METHODS:
        raise ValidationError(_("An online payment is not cancelled here: it is refunded through the payment provider."))
    now = clock.now()
    credited = uow.session.execute(
        select(LedgerEntry.wallet_id, func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.payment_id == payment.id)
        .group_by(LedgerEntry.wallet_id).order_by(LedgerEntry.wallet_id)
    ).all()
    uow.session.add_all(
        LedgerEntry(family_id=payment.family_id, wallet_id=wallet_id,
                    kind=LedgerKind.ADJUSTMENT, amount_cents=-int(total), payment_id=payment.id,
                    label=reason[:200], created_at=now)
        for wallet_id, total in credited if total
    )
    payment.status = PaymentStatus.CANCELLED
    payment.cancelled_at = now
    payment.cancelled_by_account_id = session.account_id or None
    payment.cancel_reason = reason
    audit(uow, now, "payment_cancelled", actor_account_id=session.account_id, terminal=terminal,
          family_id=payment.family_id, payment_id=payment.id,
          receipt=receipt_label(payment.receipt_year, payment.receipt_number), reason=reason)
    uow.session.flush()
    answer = _receipt(uow, payment)
    uow.commit()
    log.info("payment %s (receipt %s) cancelled by account %s", payment.id, answer.receipt,
             session.account_id)
    return answer


def receipt(uow: UnitOfWork, session: SessionInfo, payment_id: int) -> PaymentReceipt:
    """A payment's receipt (the family's own, or any of their structures' for staff)."""
    payment = uow.session.get(Payment, payment_id)
    if payment is None:
        raise NotFoundError(_("This payment does not exist."))
    check_family(session, uow.session.get_one(Family, payment.family_id))
    return _receipt(uow, payment)


def _receipt(uow: UnitOfWork, payment: Payment) -> PaymentReceipt:
    s = uow.session
    structure = s.get_one(Structure, payment.structure_id)
    family = s.get_one(Family, payment.family_id)
    tz = ZoneInfo(structure.timezone)
    lines = tuple(
        ReceiptLine(wallet_id, label, from_cents(int(total)))
        for wallet_id, label, total in s.execute(
            select(Wallet.id, Wallet.label, func.sum(LedgerEntry.amount_cents))
            .join(Wallet, Wallet.id == LedgerEntry.wallet_id)
            .where(LedgerEntry.payment_id == payment.id, LedgerEntry.kind == LedgerKind.PAYMENT)
            .group_by(Wallet.id, Wallet.label, Wallet.display_order)
            .order_by(Wallet.display_order, Wallet.label)
        )
    )
    names = dict(s.execute(
        select(Account.id, Account.display_name).where(Account.id.in_(
            [i for i in (payment.recorded_by_account_id, payment.cancelled_by_account_id) if i])))
        .all())
    return PaymentReceipt(
        payment_id=payment.id, structure_id=structure.id, structure_name=structure.name,
        family_id=family.id, family_name=family.holder_name, family_address=family.address or "",
        receipt=receipt_label(payment.receipt_year, payment.receipt_number),
        receipt_year=payment.receipt_year, receipt_number=payment.receipt_number,
        method=PaymentMethod(payment.method), status=PaymentStatus(payment.status),
        amount=from_cents(payment.amount_cents), lines=lines,
        paid_at=payment.paid_at.astimezone(tz) if payment.paid_at else None,
        recorded_by=names.get(payment.recorded_by_account_id, ""),
        terminal=payment.terminal or "", cheque_number=payment.cheque_number, bank=payment.bank,
        cancelled_at=payment.cancelled_at.astimezone(tz) if payment.cancelled_at else None,
        cancelled_by=names.get(payment.cancelled_by_account_id, ""),
        cancel_reason=payment.cancel_reason or "",
    )
