"""A family's yearly documents, computed from the ledger: the annual statement ("relevé
annuel") and the attestation de frais de garde.

The statement lists the year's entries by value date (see `histories`), with each wallet's
balance on 1 January and on 31 December, and a running balance.

The attestation is for the tax credit on the care of young children (article 200 quater B
of the code général des impôts): the children under 6 on 1 January of the year, and what
their care cost in that year — the days consumed, net of refunds and price corrections —
leaving out meals (activities flagged `meals`, school catering: food is not childcare).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from famdesk.clock import Clock
from famdesk.errors import ValidationError
from famdesk.i18n import _
from famdesk.models import Child, LedgerEntry, Reservation, Structure, Wallet
from famdesk.models.enums import LedgerKind
from famdesk.models.values import from_cents, to_cents
from famdesk.services.access import family_in_structure
from famdesk.services.auth import SessionInfo
from famdesk.services.histories import (
    FIRST_YEAR,
    ConsumptionLine,
    PaymentLine,
    consumption_lines,
    day_start,
    payment_lines,
)
from famdesk.services.uow import UnitOfWork

ZERO = Decimal("0.00")
CHILDCARE_AGE = 6


@dataclass(frozen=True)
class StatementLine:
    day: date
    text: str
    wallet_label: str
    """The wallet, or the wallets and their amounts of a payment that covered several."""
    debit: Decimal | None
    credit: Decimal | None
    balance: Decimal
    """The running balance of every wallet after this line."""
    wallets: tuple[tuple[str, Decimal], ...] = ()
    """(wallet, amount) of each wallet the line moved."""


@dataclass(frozen=True)
class WalletSummary:
    wallet_id: int | None
    """None on the total."""
    label: str
    opening: Decimal
    """The balance on 1 January (before the year's entries)."""
    consumed: Decimal
    """The year's consumptions, net of refunds and price corrections (a debt: positive)."""
    paid: Decimal
    """The year's payments, net of cancelled ones."""
    adjusted: Decimal
    """The year's staff adjustments (credit positive)."""
    closing: Decimal
    """The balance on 31 December (today for the current year)."""


@dataclass(frozen=True)
class AnnualStatement:
    structure_id: int
    structure_name: str
    family_id: int
    family_name: str
    family_address: str
    year: int
    last: date
    """31 December, or today for the current year: the closing balance's day."""
    wallets: tuple[WalletSummary, ...]
    total: WalletSummary
    lines: tuple[StatementLine, ...]
    computed_at: datetime

    @property
    def first(self) -> date:
        return date(self.year, 1, 1)


@dataclass(frozen=True)
class AttestedChild:
    child_id: int
    name: str
    birth_date: date
    days: int
    """Days of care consumed in the year (cancelled ones left out)."""
    amount: Decimal
    activities: tuple[str, ...]


@dataclass(frozen=True)
class ChildcareAttestation:
    structure_id: int
    structure_name: str
    family_id: int
    family_name: str
    family_address: str
    year: int
    children: tuple[AttestedChild, ...]
    """The children under 6 on 1 January of the year (those without care cost too)."""
    total: Decimal
    computed_at: datetime

    @property
    def born_after(self) -> date:
        """The children born after this day were under 6 on 1 January."""
        return date(self.year - CHILDCARE_AGE, 1, 1)


def _year(year: int, now: datetime) -> None:
    if not FIRST_YEAR <= year <= now.year:
        raise ValidationError(_("Choose a year between {first} and {last}.").format(
            first=FIRST_YEAR, last=now.year), field="year")


def _consumption_text(line: ConsumptionLine) -> str:
    text = f"{line.activity_label} – {line.child_name}"
    if line.times_text:
        text = f"{text} ({line.times_text})"
    if line.kind is LedgerKind.CONSUMPTION:
        return text
    return _("{kind}: {what}").format(kind=line.kind_text, what=text)


def _payment_text(line: PaymentLine) -> str:
    if line.kind is LedgerKind.PAYMENT:
        text = _("Payment, receipt {receipt}").format(receipt=line.receipt) if line.receipt else _("Payment")
        return f"{text} – {line.description}"
    if line.reason:
        return _("{kind}: {what}").format(kind=line.description, what=line.reason)
    return line.description


def _openings(uow: UnitOfWork, family_id: int, first: date, tz: ZoneInfo) -> dict[int, int]:
    """wallet id -> the balance before `first` (by value date)."""
    opening: dict[int, int] = {}
    for wallet_id, cents in uow.session.execute(
        select(LedgerEntry.wallet_id, func.sum(LedgerEntry.amount_cents))
        .join(Reservation, Reservation.id == LedgerEntry.reservation_id)
        .where(LedgerEntry.family_id == family_id, Reservation.day < first)
        .group_by(LedgerEntry.wallet_id)
    ):
        opening[wallet_id] = opening.get(wallet_id, 0) + int(cents)
    for wallet_id, cents in uow.session.execute(
        select(LedgerEntry.wallet_id, func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.family_id == family_id, LedgerEntry.reservation_id.is_(None),
               LedgerEntry.created_at < day_start(first, tz))
        .group_by(LedgerEntry.wallet_id)
    ):
        opening[wallet_id] = opening.get(wallet_id, 0) + int(cents)
    return opening


def annual_statement(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    family_id: int | None = None,
    *,
    year: int,
) -> AnnualStatement:
    """The family's statement of `year`: each wallet's opening and closing balance, and
    every entry of the year with a running balance."""
    family = family_in_structure(uow, session, structure_id, family_id)
    structure = uow.session.get_one(Structure, structure_id)
    tz = ZoneInfo(structure.timezone)
    now = clock.now().astimezone(tz)
    _year(year, now)
    first, last = date(year, 1, 1), min(date(year, 12, 31), now.date())
    wallets = uow.session.execute(
        select(Wallet.id, Wallet.label).where(Wallet.structure_id == structure_id)
        .order_by(Wallet.display_order, Wallet.label, Wallet.id)
    ).all()
    by_label = {label: wallet_id for wallet_id, label in wallets}
    openings = _openings(uow, family.id, first, tz)
    sums = {wallet_id: {"consumed": 0, "paid": 0, "adjusted": 0} for wallet_id, _label in wallets}
    entries: list[tuple] = []  # day, order, text, wallet, signed cents, wallets
    for line in consumption_lines(uow, family.id, tz, first, last):
        cents = -to_cents(line.cost)
        sums[by_label[line.wallet_label]]["consumed"] -= cents
        entries.append((line.day, 0, _consumption_text(line), line.wallet_label, cents,
                        ((line.wallet_label, -line.cost),)))
    for pay in payment_lines(uow, family.id, tz, first, last):
        for label, amount in pay.wallets:
            bucket = "adjusted" if pay.kind is LedgerKind.ADJUSTMENT and pay.payment_id is None else "paid"
            sums[by_label[label]][bucket] += to_cents(amount)
        entries.append((pay.day, 1, _payment_text(pay), pay.wallets_text, to_cents(pay.credit),
                        pay.wallets))
    entries.sort(key=lambda e: (e[0], e[1]))
    running = sum(openings.values())
    lines = []
    for day, _order, text, wallet, cents, moved in entries:
        running += cents
        lines.append(StatementLine(
            day=day, text=text, wallet_label=wallet,
            debit=from_cents(-cents) if cents < 0 else None,
            credit=from_cents(cents) if cents >= 0 else None, balance=from_cents(running),
            wallets=moved))
    summaries = []
    for wallet_id, label in wallets:
        done = sums[wallet_id]
        opening = openings.get(wallet_id, 0)
        summaries.append(_summary(wallet_id, label, opening, done["consumed"], done["paid"],
                                  done["adjusted"]))
    total = _summary(None, _("Total"), sum(openings.get(w, 0) for w, _label in wallets),
                     *(sum(sums[w][k] for w, _label in wallets) for k in ("consumed", "paid", "adjusted")))
    return AnnualStatement(
        structure_id=structure.id, structure_name=structure.name, family_id=family.id,
        family_name=family.holder_name, family_address=family.address or "", year=year,
        last=last, wallets=tuple(summaries), total=total, lines=tuple(lines), computed_at=now,
    )


def _summary(wallet_id: int | None, label: str, opening: int, consumed: int, paid: int,
             adjusted: int) -> WalletSummary:
    return WalletSummary(
        wallet_id=wallet_id, label=label, opening=from_cents(opening),
        consumed=from_cents(consumed), paid=from_cents(paid), adjusted=from_cents(adjusted),
        closing=from_cents(opening - consumed + paid + adjusted),
    )


def childcare_attestation(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    family_id: int | None = None,
    *,
    year: int,
) -> ChildcareAttestation:
    """The attestation de frais de garde of `year` (see the module's docstring)."""
    family = family_in_structure(uow, session, structure_id, family_id)
    structure = uow.session.get_one(Structure, structure_id)
    tz = ZoneInfo(structure.timezone)
    now = clock.now().astimezone(tz)
    _year(year, now)
    born_after = date(year - CHILDCARE_AGE, 1, 1)
    young = {
        child.id: child
        for child in uow.session.scalars(
            select(Child).where(Child.family_id == family.id, Child.birth_date > born_after)
            .order_by(Child.last_name, Child.first_name))
    }
    cents: dict[int, int] = dict.fromkeys(young, 0)
    days: dict[int, int] = dict.fromkeys(young, 0)
    activities: dict[int, dict[str, int]] = {child_id: {} for child_id in young}
    for line in consumption_lines(uow, family.id, tz, date(year, 1, 1), date(year, 12, 31)):
        if line.child_id not in young or line.meals:
            continue
        cents[line.child_id] += to_cents(line.cost)
        step = {LedgerKind.CONSUMPTION: 1, LedgerKind.REFUND: -1}.get(line.kind, 0)
        days[line.child_id] += step
        activities[line.child_id].setdefault(line.activity_label, line.activity_order)
    children = tuple(
        AttestedChild(
            child_id=child.id, name=child.full_name, birth_date=child.birth_date,
            days=days[child.id], amount=from_cents(cents[child.id]),
            activities=tuple(sorted(activities[child.id], key=lambda a: (activities[child.id][a], a))),
        )
        for child in young.values()
    )
    return ChildcareAttestation(
        structure_id=structure.id, structure_name=structure.name, family_id=family.id,
        family_name=family.holder_name, family_address=family.address or "", year=year,
        children=children, total=sum((c.amount for c in children), ZERO), computed_at=now,
    )


__all__ = [
    "AnnualStatement",
    "AttestedChild",
    "ChildcareAttestation",
    "StatementLine",
    "WalletSummary",
    "annual_statement",
    "childcare_attestation",
]
