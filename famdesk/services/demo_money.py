"""The demo's payments at the front desk, after the demo's own transmission has debited the
days consumed since the rentrée.

Each family comes to the desk early in the month to pay the month before, wallet by wallet,
and the stories end with a balance of each kind:

- the MARTIN family pays by cheque and by card terminal; one cheque typed twice was
  cancelled the same day; this morning it paid the month so far in cash, with 20 € ahead
  for the school meals: a **credit**;
- the DUBOIS family pays Démoville by transfer, up to this morning: a **zero** balance; at
  the Tilleuls, by card terminal, up to last month;
- the PETIT family paid September in cash and nothing since: a **debt**;
- the LEROY family pays the Tilleuls in cash, up to this morning: zero.

Every demo structure takes card payments online through the local test provider (a page on
this computer with "Payer" and "Refuser": no money moves).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from famdesk.clock import Clock, FixedClock
from famdesk.models import Account, Family, LedgerEntry, Reservation, Structure
from famdesk.models.enums import PaymentMethod, Role
from famdesk.models.online import OnlineProviderKind
from famdesk.models.values import from_cents
from famdesk.services.auth import SYSTEM, SessionInfo, session_info
from famdesk.services.calendars import school_year_of
from famdesk.services.database import Database
from famdesk.services.demo_people import DEMOVILLE, TILLEULS
from famdesk.services.payment_providers.settings import OnlineSettings, save_online_settings
from famdesk.services.payments import cancel_payment, record_payment
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
TERMINAL = "DEMO"
AHEAD = Decimal("20.00")
"""What the MARTIN family pays ahead on its meals."""


@dataclass(frozen=True)
class DemoPayments:
    payments: int
    cancelled: int


@dataclass(frozen=True)
class _Plan:
    """How one family of one structure pays."""

    login: str
    structure: str
    methods: tuple[PaymentMethod, ...]
    """Used in turn, month after month."""
    months: int | None
    """How many past months it paid (None: all of them)."""
    settles_this_month: bool
    final_method: PaymentMethod | None = None
    ahead_wallet: str | None = None


PLANS = (
    _Plan("martin", DEMOVILLE, (PaymentMethod.CHEQUE, PaymentMethod.CARD_TERMINAL), None, True,
          PaymentMethod.CASH, ahead_wallet="Restauration"),
    _Plan("dubois", DEMOVILLE, (PaymentMethod.TRANSFER,), None, True, PaymentMethod.TRANSFER),
    _Plan("dubois", TILLEULS, (PaymentMethod.CARD_TERMINAL,), None, False),
    _Plan("petit", DEMOVILLE, (PaymentMethod.CASH,), 1, False),
    _Plan("leroy", TILLEULS, (PaymentMethod.CASH,), None, True, PaymentMethod.CASH),
)
BANKS = ("Crédit Agricole", "La Banque Postale", "Caisse d'Épargne")


@dataclass
class _Payment:
    at: datetime
    family_id: int
    method: PaymentMethod
    allocations: dict[int, Decimal]
    cheque_number: str | None = None
    bank: str | None = None
    typed_twice: bool = False


def _desk_day(day: date) -> date:
    """The first weekday from `day` (the desk is closed at the week-end)."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _dues(uow: UnitOfWork, family_id: int) -> dict[tuple[int, int], dict[int, int]]:
    """(year, month) -> wallet id -> what the family's days of that month cost (cents)."""
    dues: dict[tuple[int, int], dict[int, int]] = {}
    for day, wallet_id, cents in uow.session.execute(
        select(Reservation.day, LedgerEntry.wallet_id, LedgerEntry.amount_cents)
        .join(Reservation, Reservation.id == LedgerEntry.reservation_id)
        .where(LedgerEntry.family_id == family_id)
    ):
        month = dues.setdefault((day.year, day.month), {})
        month[wallet_id] = month.get(wallet_id, 0) - cents
    return dues


def pay_demo(db: Database, clock: Clock, today: date, last_night: datetime) -> DemoPayments:
    """The demo families' payments since the rentrée (see the module's docstring)."""
    start, _end = school_year_of(today)
    this_morning = datetime.combine(today, time(8, 30), tzinfo=PARIS)
    final_at = max(last_night + timedelta(minutes=1),
                   min(this_morning, clock.now() - timedelta(minutes=1))).replace(second=0, microsecond=0)
    payments: list[_Payment] = []
    with UnitOfWork(db) as uow:
        staff = session_info(uow.session.scalars(
            select(Account).where(Account.role == Role.STAFF).order_by(Account.id)).first())
        for plan_index, plan in enumerate(PLANS):
            family = uow.session.scalar(
                select(Family).join(Account, Account.id == Family.account_id)
                .join(Structure, Structure.id == Family.structure_id)
                .where(Account.login == plan.login, Structure.name == plan.structure))
            if family is None:
                continue
            wallets = {w.label: w.id for w in family.structure.wallets}
            dues = _dues(uow, family.id)
            months = sorted(m for m in dues if date(*m, 1) < today.replace(day=1)
                            and date(*m, 1) >= start.replace(day=1))
            paid = months if plan.months is None else months[:plan.months]
            cheques = 0
            for index, (year, month) in enumerate(paid):
                amounts = {w: from_cents(c) for w, c in sorted(dues[(year, month)].items()) if c > 0}
                if not amounts:
                    continue
                first_of_next = (date(year, month, 1) + timedelta(days=32)).replace(day=1)
                day = _desk_day(first_of_next + timedelta(days=3 + plan_index))
                at = datetime.combine(day, time(9 + plan_index, 15), tzinfo=PARIS)
                if at >= final_at:
                    continue
                method = plan.methods[index % len(plan.methods)]
                cheque = f"{3_482_190 + 37 * index + plan_index:07d}" if method is PaymentMethod.CHEQUE else None
                bank = BANKS[index % len(BANKS)] if method in (PaymentMethod.CHEQUE, PaymentMethod.TRANSFER) else None
                payments.append(_Payment(at, family.id, method, amounts, cheque, bank,
                                         typed_twice=cheques == 0 and cheque is not None))
                cheques += cheque is not None
            if plan.settles_this_month and plan.final_method is not None:
                owed: dict[int, int] = {}
                for (year, month), by_wallet in dues.items():
                    if (year, month) not in paid:
                        for wallet_id, cents in by_wallet.items():
                            owed[wallet_id] = owed.get(wallet_id, 0) + cents
                if plan.ahead_wallet in wallets:
                    wallet_id = wallets[plan.ahead_wallet]  # type: ignore[index]
                    owed[wallet_id] = owed.get(wallet_id, 0) + int(AHEAD * 100)
                amounts = {w: from_cents(c) for w, c in sorted(owed.items()) if c > 0}
                if amounts:
                    payments.append(_Payment(final_at + timedelta(minutes=plan_index), family.id,
                                             plan.final_method, amounts,
                                             bank=BANKS[0] if plan.final_method is PaymentMethod.TRANSFER else None))
    cancelled = 0
    for payment in sorted(payments, key=lambda p: p.at):
        _record(db, payment.at, staff, payment)
        if payment.typed_twice:
            twice = _record(db, payment.at + timedelta(minutes=2), staff, payment)
            with UnitOfWork(db, write=True) as uow:
                cancel_payment(uow, FixedClock(payment.at + timedelta(minutes=10)), staff,
                               twice.payment_id, "Chèque saisi deux fois", terminal=TERMINAL)
            cancelled += 1
    log.info("demo payments: %d recorded, %d cancelled", len(payments) + cancelled, cancelled)
    offer_online_payments(db, clock)
    return DemoPayments(len(payments) + cancelled, cancelled)


def offer_online_payments(db: Database, clock: Clock) -> None:
    """Every structure pays online through the local test provider."""
    with UnitOfWork(db, write=True) as uow:
        structure_ids = list(uow.session.scalars(select(Structure.id).order_by(Structure.id)))
    for structure_id in structure_ids:
        with UnitOfWork(db, write=True) as uow:
            save_online_settings(uow, clock, SYSTEM, structure_id,
                                 OnlineSettings(OnlineProviderKind.LOCALTEST), terminal=TERMINAL)


def _record(db: Database, at: datetime, staff: SessionInfo, payment: _Payment):  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=True) as uow:
        return record_payment(uow, FixedClock(at), staff, payment.family_id, payment.method,
                              payment.allocations, cheque_number=payment.cheque_number,
                              bank=payment.bank, terminal=TERMINAL)
