"""'Soldes et paiements': a family's balance in each wallet of a structure, and a total.

Per wallet (design.md section 7):

- **Solde**: the sum of the family's ledger entries there (credit positive, debt negative);
- **Coût estimé**: what the family's bookings will still cost up to `until` ("Calculer vos
  réservations jusqu'au"): the booked days not debited yet (past days booked since the last
  transmission included), plus what the next transmission will settle on days already
  debited (a refund to come lowers it, a day whose times were changed since its debit moves it);
- **Solde estimé** = Solde − Coût estimé;
- **Montant dû** = max(0, −Solde estimé): what the "Montant de votre règlement" field starts
  with (the family may pay more, ahead).

A family session sees its own family; staff any family of their structures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select

from famdesk.clock import Clock
from famdesk.i18n import _
from famdesk.models import Activity, Child, LedgerEntry, Reservation, Structure, Wallet
from famdesk.models.enums import LedgerKind, ReservationStatus
from famdesk.models.values import from_cents
from famdesk.services.access import family_in_structure
from famdesk.services.auth import SessionInfo
from famdesk.services.ledger import wallet_sums
from famdesk.services.nightly.debit import settle_candidates
from famdesk.services.uow import UnitOfWork

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BalanceRow:
    wallet_id: int | None
    """None on the total row."""
    label: str
    balance: Decimal
    """Solde."""
    estimated_cost: Decimal
    """Coût estimé."""
    estimated_balance: Decimal
    """Solde estimé."""
    amount_due: Decimal
    """Montant dû: max(0, −Solde estimé); on the total row, the sum of the wallets' (a
    credit in one wallet does not pay another's debt)."""

    @property
    def is_total(self) -> bool:
        return self.wallet_id is None


@dataclass(frozen=True)
class BalanceView:
    structure_id: int
    structure_name: str
    family_id: int
    family_name: str
    until: date
    computed_at: datetime
    """In the structure's time zone."""
    last_transmission_at: datetime | None
    """In the structure's time zone: the Solde counts the days debited up to then."""
    rows: tuple[BalanceRow, ...]
    """One per wallet of the structure, in display order."""
    total: BalanceRow


def _row(wallet_id: int | None, label: str, balance_cents: int, cost_cents: int) -> BalanceRow:
    estimated = balance_cents - cost_cents
    return BalanceRow(
        wallet_id=wallet_id, label=label, balance=from_cents(balance_cents),
        estimated_cost=from_cents(cost_cents), estimated_balance=from_cents(estimated),
        amount_due=from_cents(max(0, -estimated)),
    )


def not_debited_cents(uow: UnitOfWork, family_id: int, until: date) -> dict[int, int]:
    """wallet id -> the price of the family's booked days up to `until` not debited yet."""
    debited = exists().where(LedgerEntry.reservation_id == Reservation.id,
                             LedgerEntry.kind == LedgerKind.CONSUMPTION)
    rows = uow.session.execute(
        select(Activity.wallet_id, func.sum(Reservation.price_cents))
        .select_from(Child)
        .join(Reservation, Reservation.child_id == Child.id)
        .join(Activity, Activity.id == Reservation.activity_id)
        .where(Child.family_id == family_id, Reservation.status == ReservationStatus.BOOKED,
               Reservation.day <= until, ~debited)
        .group_by(Activity.wallet_id)
    )
    return {wallet_id: int(total) for wallet_id, total in rows}


def to_settle_cents(uow: UnitOfWork, family_id: int) -> dict[int, int]:
    """wallet id -> what the next transmission will add to the cost of days already debited
    (negative: refunds to come)."""
    found: dict[int, int] = {}
    for row in uow.session.execute(settle_candidates(family_id=family_id)):
        found[row.wallet_id] = found.get(row.wallet_id, 0) - int(row.amount)
    return found


def balances(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    family_id: int | None = None,
    until: date | None = None,
) -> BalanceView:
    """The family's balances in each wallet of `structure_id`, the Coût estimé counting the
    bookings up to `until` (default: the structure's today)."""
    family = family_in_structure(uow, session, structure_id, family_id)
    structure = uow.session.get_one(Structure, structure_id)
    tz = ZoneInfo(structure.timezone)
    now = clock.now().astimezone(tz)
    until = until or now.date()
    wallets = uow.session.execute(
        select(Wallet.id, Wallet.label).where(Wallet.structure_id == structure_id)
        .order_by(Wallet.display_order, Wallet.label, Wallet.id)
    ).all()
    sums = wallet_sums(uow, family.id)
    costs = not_debited_cents(uow, family.id, until)
    for wallet_id, cents in to_settle_cents(uow, family.id).items():
        costs[wallet_id] = costs.get(wallet_id, 0) + cents
    rows = tuple(_row(wallet_id, label, sums.get(wallet_id, 0), costs.get(wallet_id, 0))
                 for wallet_id, label in wallets)
    # a credit in one wallet does not pay another's debt: the total due adds the rows' dues
    total = replace(
        _row(None, _("Total"), sum(sums.get(w, 0) for w, _label in wallets),
             sum(costs.get(w, 0) for w, _label in wallets)),
        amount_due=sum((row.amount_due for row in rows), ZERO),
    )
    return BalanceView(
        structure_id=structure_id, structure_name=structure.name, family_id=family.id,
        family_name=family.holder_name, until=until, computed_at=now,
        last_transmission_at=(structure.last_transmission_at.astimezone(tz)
                              if structure.last_transmission_at else None),
        rows=rows, total=total,
    )


def column_titles() -> tuple[str, str, str, str, str]:
    """The headers of the balances table, in the glossary's words: Porte-monnaie, Solde,
    Coût estimé, Solde estimé, Montant de votre règlement (the field starts at `amount_due`)."""
    return (_("Wallet"), _("Balance"), _("Estimated cost"), _("Estimated balance"),
            _("Amount of your payment"))


def until_label() -> str:
    """The label of the `until` date field."""
    return _("Calculate your bookings up to")
