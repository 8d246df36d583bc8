"""The ledger: append-only signed entries in integer cents, per family and wallet.

Credit is positive, debt negative; a balance is the sum of a (family, wallet)'s entries.

| kind | sign | written by | linked to |
| --- | --- | --- | --- |
| CONSUMPTION | − | the transmission (`nightly.debit`): a booked day, its price snapshot | the reservation (one at most) |
| REFUND | + | the transmission: a day cancelled after it was debited | the reservation (one at most) |
| PAYMENT | + | a payment: one entry per wallet it covers | the payment |
| ADJUSTMENT | ± | staff (`adjust`, with a reason); a cancelled payment's counter-entries (`payments.cancel_payment`); the transmission's correction of a debited day whose price changed | nothing; the payment; the reservation |

Nothing is ever updated or deleted (the model refuses it): a mistake is corrected by another
entry. Money is `Decimal` euros in Python, integer cents in the database (`to_cents` and
`from_cents` of `famdesk.models.values`); `amount_cents()` turns what a desk typed into cents
with a French message for each mistake.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from famdesk.clock import Clock
from famdesk.errors import NotFoundError, ValidationError
from famdesk.i18n import _
from famdesk.models import LedgerEntry, Wallet
from famdesk.models.enums import LedgerKind
from famdesk.models.values import MoneyError, from_cents, to_cents
from famdesk.services.access import family_in_structure
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.formatting import money
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_AMOUNT = Decimal("10000.00")
"""The most one payment or one adjustment may move, in euros (a typing error above)."""
MAX_REASON = 200

__all__ = [
    "MAX_AMOUNT",
    "AdjustmentDone",
    "adjust",
    "amount_cents",
    "balance_cents",
    "from_cents",
    "kind_text",
    "to_cents",
    "wallet_sums",
]


def kind_text(kind: LedgerKind) -> str:
    return {
        LedgerKind.CONSUMPTION: _("Consumption"),
        LedgerKind.REFUND: _("Refund"),
        LedgerKind.PAYMENT: _("Payment"),
        LedgerKind.ADJUSTMENT: _("Adjustment"),
    }[kind]


def amount_cents(
    amount: Decimal | str | int | None,
    *,
    field: str = "amount",
    allow_negative: bool = False,
    allow_zero: bool = False,
    maximum: Decimal = MAX_AMOUNT,
) -> int:
    """What a desk typed, in cents: a number with at most two decimals, not zero (unless
    `allow_zero`: then nothing typed is zero too), more than zero unless `allow_negative`, at
    most `maximum` euros either way. A string may be written the French way ("12,50 €")."""
    if amount is None or (isinstance(amount, str) and not amount.strip()):
        if allow_zero:
            return 0
        raise ValidationError(_("Enter an amount."), field=field)
    if isinstance(amount, float):
        raise TypeError("amounts are Decimal, never float")
    if isinstance(amount, str):
        amount = amount.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        amount = amount.removesuffix("€").replace(",", ".")
    try:
        value = Decimal(amount)
    except ArithmeticError:
        raise ValidationError(
            _("“{amount}” is not an amount.").format(amount=amount), field=field) from None
    if not value.is_finite():
        raise ValidationError(_("“{amount}” is not an amount.").format(amount=amount), field=field)
    if value == 0 and allow_zero:
        return 0
    if value == 0 or (value < 0 and not allow_negative):
        raise ValidationError(_("The amount must be more than zero."), field=field)
    if abs(value) > maximum:
        raise ValidationError(
            _("An amount cannot be more than {maximum}.").format(maximum=money(maximum)),
            field=field)
    try:
        return to_cents(value)
    except MoneyError:
        raise ValidationError(_("An amount has at most two decimals (cents)."), field=field) from None


def balance_cents(uow: UnitOfWork, family_id: int, wallet_id: int | None = None) -> int:
    """The family's balance in one wallet (or all of them): the sum of its entries."""
    query = select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
        LedgerEntry.family_id == family_id)
    if wallet_id is not None:
        query = query.where(LedgerEntry.wallet_id == wallet_id)
    return int(uow.session.scalar(query) or 0)


def wallet_sums(uow: UnitOfWork, family_id: int) -> dict[int, int]:
    """wallet id -> the family's balance there in cents (wallets without entries left out)."""
    rows = uow.session.execute(
        select(LedgerEntry.wallet_id, func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.family_id == family_id)
        .group_by(LedgerEntry.wallet_id)
    )
    return {wallet_id: int(total) for wallet_id, total in rows}


@dataclass(frozen=True)
class AdjustmentDone:
    entry_id: int
    family_id: int
    wallet_id: int
    wallet_label: str
    amount: Decimal
    """Credit positive, debt negative."""
    reason: str
    at: datetime
    balance: Decimal
    """The wallet's balance after it."""


def adjust(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    family_id: int,
    wallet_id: int,
    amount: Decimal | str,
    reason: str,
    *,
    structure_id: int | None = None,
    terminal: str = "",
) -> AdjustmentDone:
    """A staff correction of a family's wallet ("régularisation"): `amount` positive credits
    it, negative debits it; the reason is required, kept on the entry and audited. Commits."""
    session.require_staff()
    family = family_in_structure(uow, session, structure_id, family_id)
    wallet = uow.session.get(Wallet, wallet_id)
    if wallet is None or wallet.structure_id != family.structure_id:
        raise NotFoundError(_("This wallet is not one of the family's structure."))
    cents = amount_cents(amount, allow_negative=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the adjustment."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(
            _("The reason is too long ({count} characters at most).").format(count=MAX_REASON),
            field="reason")
    now = clock.now()
    entry = LedgerEntry(
        family_id=family.id, wallet_id=wallet.id, kind=LedgerKind.ADJUSTMENT,
        amount_cents=cents, label=reason, created_at=now,
    )
    uow.session.add(entry)
    audit(uow, now, "ledger_adjustment", actor_account_id=session.account_id,
          terminal=terminal, family_id=family.id, wallet_id=wallet.id, amount_cents=cents,
          reason=reason)
    uow.session.flush()
    balance = balance_cents(uow, family.id, wallet.id)
    uow.commit()
    log.info("adjustment %s of %d cents on family %s wallet %s by account %s", entry.id, cents,
             family.id, wallet.id, session.account_id)
    return AdjustmentDone(entry.id, family.id, wallet.id, wallet.label, from_cents(cents),
                          reason, now, from_cents(balance))
