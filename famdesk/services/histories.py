"""'Historiques': a family's consumptions (consommations) and payments (règlements), month
by month, from the ledger. Every month since the family's first entry is reachable (the
portal this replaces showed only the current and the previous one).

Dates: a consumption, its refund and a correction of its price are dated the day consumed
(September's meals are in September, even when the cancellation of one was refunded in
October); a payment, its cancellation and a staff adjustment are dated the day written.
`reports.history_export` writes what a `HistoryView` shows as CSV or XLSX.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import func, select

from famdesk.clock import Clock
from famdesk.errors import ValidationError
from famdesk.i18n import _
from famdesk.models import (
    Activity,
    Child,
    LedgerEntry,
    Payment,
    Reservation,
    Structure,
    Wallet,
)
from famdesk.models.enums import LedgerKind, PaymentMethod, PaymentStatus
from famdesk.models.values import from_cents
from famdesk.services.access import family_in_structure
from famdesk.services.auth import SessionInfo
from famdesk.services.formatting import LOCALE, money
from famdesk.services.payments import DESK_METHODS, method_text, receipt_label
from famdesk.services.uow import UnitOfWork

ZERO = Decimal("0.00")
FIRST_YEAR = 2000


@dataclass(frozen=True)
class ConsumptionLine:
    entry_id: int
    kind: LedgerKind
    """CONSUMPTION, REFUND, or ADJUSTMENT (a correction of the day's price)."""
    day: date
    """The day consumed."""
    posted_on: date
    """The day the ledger entry was written (the transmission's)."""
    child_id: int
    child_name: str
    activity_label: str
    activity_order: int
    wallet_label: str
    meals: bool
    arrival: time | None
    departure: time | None
    cost: Decimal
    """What it costs the family: a consumption positive, a refund negative."""

    @property
    def kind_text(self) -> str:
        return consumption_kind_text(self.kind)

    @property
    def times_text(self) -> str:
        return "–".join(f"{t:%H:%M}" for t in (self.arrival, self.departure) if t is not None)


@dataclass(frozen=True)
class PaymentLine:
    kind: LedgerKind
    """PAYMENT (a payment received), or ADJUSTMENT (a payment's cancellation when
    `payment_id` is set, else a staff adjustment)."""
    day: date
    payment_id: int | None
    receipt: str
    method: PaymentMethod | None
    status: PaymentStatus | None
    """The payment's status now (a cancelled payment keeps its PAYMENT line)."""
    wallets: tuple[tuple[str, Decimal], ...]
    """(wallet label, amount) of each wallet it moved."""
    credit: Decimal
    """Credit positive (a payment), debt negative (a cancellation)."""
    reason: str
    cheque_number: str | None = None
    bank: str | None = None

    @property
    def description(self) -> str:
        if self.kind is LedgerKind.PAYMENT:
            text = method_text(self.method) if self.method else _("Payment")
            if self.cheque_number:
                text = _("{method} no. {number}").format(method=text, number=self.cheque_number)
            if self.bank:
                text = f"{text} ({self.bank})"
            return text
        if self.payment_id is not None:
            return _("Cancellation of receipt {receipt}").format(receipt=self.receipt or self.payment_id)
        return _("Adjustment")

    @property
    def cancellable(self) -> bool:
        """A desk payment still paid: staff may cancel it (`payments.cancel_payment`)."""
        return (self.kind is LedgerKind.PAYMENT and self.payment_id is not None
                and self.status is PaymentStatus.PAID and self.method in DESK_METHODS)

    @property
    def wallets_text(self) -> str:
        if len(self.wallets) == 1:
            return self.wallets[0][0]
        return ", ".join(f"{label} {money(amount)}" for label, amount in self.wallets)


@dataclass(frozen=True)
class MonthHistory:
    year: int
    month: int
    consumptions: tuple[ConsumptionLine, ...]
    payments: tuple[PaymentLine, ...]
    consumed: Decimal
    paid: Decimal

    @property
    def title(self) -> str:
        """'septembre 2026'."""
        return month_title(self.year, self.month)


@dataclass(frozen=True)
class HistoryView:
    structure_id: int
    structure_name: str
    family_id: int
    family_name: str
    first: date
    last: date
    months: tuple[MonthHistory, ...]
    """Each month of the period, in order (empty ones included)."""
    consumed: Decimal
    """The period's consumptions, net of refunds."""
    paid: Decimal
    """The period's payments, net of cancellations and adjustments."""
    available: tuple[tuple[int, int], ...]
    """Every (year, month) that can be asked, newest first: from the family's first entry to
    this month."""
    computed_at: datetime

    @property
    def consumptions(self) -> tuple[ConsumptionLine, ...]:
        return tuple(line for month in self.months for line in month.consumptions)

    @property
    def payments(self) -> tuple[PaymentLine, ...]:
        return tuple(line for month in self.months for line in month.payments)

    @property
    def period_name(self) -> str:
        """For a file's name: `period_name` of its month or year, else first_last."""
        if len(self.months) == 1:
            return period_name(self.months[0].year, self.months[0].month)
        if self.first == date(self.first.year, 1, 1) and self.last == date(self.first.year, 12, 31):
            return period_name(self.first.year, None)
        return f"{self.first.isoformat()}_{self.last.isoformat()}"

    @property
    def period_text(self) -> str:
        if len(self.months) == 1:
            return self.months[0].title
        if self.first == date(self.first.year, 1, 1) and self.last == date(self.first.year, 12, 31):
            return _("Year {year}").format(year=self.first.year)
        return _("{first} to {last}").format(first=self.months[0].title, last=self.months[-1].title)


def period_name(year: int, month: int | None) -> str:
    """A month or a year in a file's name: "2026-10", "2026"."""
    return f"{year}-{month:02d}" if month else str(year)


def consumption_kind_text(kind: LedgerKind) -> str:
    return {
        LedgerKind.CONSUMPTION: _("Consumption"),
        LedgerKind.REFUND: _("Refund (cancelled)"),
        LedgerKind.ADJUSTMENT: _("Price correction"),
    }.get(kind, kind.value)


def month_title(year: int, month: int) -> str:
    return format_date(date(year, month, 1), "MMMM y", locale=LOCALE)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first, last


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The start of `day` in `tz`, in UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)


# -- reading the ledger --------------------------------------------------------------------


def consumption_lines(uow: UnitOfWork, family_id: int, tz: ZoneInfo, first: date,
                      last: date) -> list[ConsumptionLine]:
    """The family's entries of days consumed from `first` to `last`, by day."""
    rows = uow.session.execute(
        select(LedgerEntry.id, LedgerEntry.kind, LedgerEntry.amount_cents, LedgerEntry.created_at,
               Reservation.day, Reservation.arrival, Reservation.departure, Child.id, Child.last_name,
               Child.first_name, Activity.label, Activity.display_order, Activity.meals,
               Wallet.label)
        .join(Reservation, Reservation.id == LedgerEntry.reservation_id)
        .join(Child, Child.id == Reservation.child_id)
        .join(Activity, Activity.id == Reservation.activity_id)
        .join(Wallet, Wallet.id == LedgerEntry.wallet_id)
        .where(LedgerEntry.family_id == family_id, Reservation.day >= first, Reservation.day <= last)
        .order_by(Reservation.day, Activity.display_order, Child.last_name, Child.first_name,
                  LedgerEntry.id)
    )
    return [
        ConsumptionLine(
            entry_id=entry_id, kind=LedgerKind(kind), day=day,
            posted_on=created_at.astimezone(tz).date(), child_id=child_id,
            child_name=f"{last_name.upper()} {first_name}", activity_label=label,
            activity_order=order, wallet_label=wallet, meals=bool(meals), arrival=arrival,
            departure=departure, cost=from_cents(-cents),
        )
        for (entry_id, kind, cents, created_at, day, arrival, departure, child_id, last_name, first_name,
             label, order, meals, wallet) in rows
    ]


def payment_lines(uow: UnitOfWork, family_id: int, tz: ZoneInfo, first: date,
                  last: date) -> list[PaymentLine]:
    """The family's payments, their cancellations and the staff adjustments written from
    `first` to `last` (local days), in order."""
    rows = uow.session.execute(
        select(LedgerEntry.id, LedgerEntry.kind, LedgerEntry.amount_cents, LedgerEntry.created_at,
               LedgerEntry.label, LedgerEntry.payment_id, Wallet.label, Payment.method,
               Payment.status, Payment.receipt_year, Payment.receipt_number,
               Payment.cheque_number, Payment.bank)
        .join(Wallet, Wallet.id == LedgerEntry.wallet_id)
        .outerjoin(Payment, Payment.id == LedgerEntry.payment_id)
        .where(LedgerEntry.family_id == family_id, LedgerEntry.reservation_id.is_(None),
               LedgerEntry.created_at >= day_start(first, tz),
               LedgerEntry.created_at < day_start(last + timedelta(days=1), tz))
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    )
    lines: dict[tuple, dict] = {}
    for (entry_id, kind, cents, created_at, label, payment_id, wallet, method, status, year,
         number, cheque, bank) in rows:
        kind = LedgerKind(kind)
        key = (kind, payment_id) if payment_id is not None else (kind, "entry", entry_id)
        line = lines.get(key)
        if line is None:
            line = lines[key] = {
                "kind": kind, "day": created_at.astimezone(tz).date(), "payment_id": payment_id,
                "receipt": receipt_label(year, number),
                "method": PaymentMethod(method) if method else None,
                "status": PaymentStatus(status) if status else None, "wallets": {},
                "credit": 0, "reason": label or "",
                "cheque_number": cheque, "bank": bank,
            }
        line["wallets"][wallet] = line["wallets"].get(wallet, 0) + cents
        line["credit"] += cents
    return [
        PaymentLine(**{**line, "credit": from_cents(line["credit"]),
                       "wallets": tuple((w, from_cents(c)) for w, c in line["wallets"].items())})
        for line in lines.values()
    ]


def _months(first: date, last: date) -> list[tuple[int, int]]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def first_entry_day(uow: UnitOfWork, family_id: int, tz: ZoneInfo) -> date | None:
    """The value date of the family's earliest entry (see the module's docstring)."""
    day = uow.session.scalar(
        select(func.min(Reservation.day)).join(LedgerEntry, LedgerEntry.reservation_id == Reservation.id)
        .where(LedgerEntry.family_id == family_id))
    written = uow.session.scalar(
        select(func.min(LedgerEntry.created_at))
        .where(LedgerEntry.family_id == family_id, LedgerEntry.reservation_id.is_(None)))
    days = [d for d in (day, written.astimezone(tz).date() if written else None) if d is not None]
    return min(days) if days else None


def _group(first: date, last: date, consumptions: Iterable[ConsumptionLine],
           payments: Iterable[PaymentLine]) -> tuple[MonthHistory, ...]:
    by_month: dict[tuple[int, int], tuple[list, list]] = {m: ([], []) for m in _months(first, last)}
    for line in consumptions:
        by_month[(line.day.year, line.day.month)][0].append(line)
    for pay in payments:
        by_month[(pay.day.year, pay.day.month)][1].append(pay)
    return tuple(
        MonthHistory(year, month, tuple(cons), tuple(pays),
                     sum((c.cost for c in cons), ZERO), sum((p.credit for p in pays), ZERO))
        for (year, month), (cons, pays) in by_month.items()
    )


def history(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    family_id: int | None = None,
    *,
    year: int | None = None,
    month: int | None = None,
) -> HistoryView:
    """The family's consumptions and payments of a month (`year` and `month`), of a whole
    year (`month` None), or of this month (both None)."""
    family = family_in_structure(uow, session, structure_id, family_id)
    structure = uow.session.get_one(Structure, structure_id)
    tz = ZoneInfo(structure.timezone)
    now = clock.now().astimezone(tz)
    if year is None:
        year, month = now.year, month or now.month
    if not FIRST_YEAR <= year <= now.year + 1:
        raise ValidationError(_("Choose a year between {first} and {last}.").format(
            first=FIRST_YEAR, last=now.year + 1), field="year")
    if month is not None and not 1 <= month <= 12:
        raise ValidationError(_("Choose a month between 1 and 12."), field="month")
    first, last = month_bounds(year, month) if month else (date(year, 1, 1), date(year, 12, 31))
    months = _group(first, last, consumption_lines(uow, family.id, tz, first, last),
                    payment_lines(uow, family.id, tz, first, last))
    start = first_entry_day(uow, family.id, tz) or now.date()
    available = tuple(reversed(_months(min(start, now.date()), max(now.date(), start))))
    return HistoryView(
        structure_id=structure.id, structure_name=structure.name, family_id=family.id,
        family_name=family.holder_name, first=first, last=last, months=months,
        consumed=sum((m.consumed for m in months), ZERO), paid=sum((m.paid for m in months), ZERO),
        available=available, computed_at=now,
    )

