"""The structure's wallets ("porte-monnaie"): one balance per service, in display order.

A wallet is created or renamed and reordered here; it is never deleted (the ledger's entries
keep pointing to it). Audited; commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import NotFoundError, ValidationError
from famdesk.i18n import _
from famdesk.models import Activity, Wallet
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.backoffice._common import managed_structure
from famdesk.services.setup.structures import free_wallet_label
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_ORDER = 999


@dataclass(frozen=True)
class WalletRow:
    id: int
    label: str
    display_order: int
    activities: tuple[str, ...]
    """The labels of the activities paid from it, in display order."""


def wallet_rows(uow: UnitOfWork, session: SessionInfo, structure_id: int) -> tuple[WalletRow, ...]:
    """The structure's wallets in display order."""
    structure = managed_structure(uow, session, structure_id)
    labels: dict[int, list[str]] = {}
    for wallet_id, label in uow.session.execute(
        select(Activity.wallet_id, Activity.label).where(Activity.structure_id == structure.id)
        .order_by(Activity.display_order, Activity.label)
    ):
        labels.setdefault(wallet_id, []).append(label)
    wallets = uow.session.scalars(
        select(Wallet).where(Wallet.structure_id == structure.id)
        .order_by(Wallet.display_order, Wallet.label)
    )
    return tuple(WalletRow(w.id, w.label, w.display_order, tuple(labels.get(w.id, ())))
                 for w in wallets)


def display_order_of(value: int, field: str = "display_order") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ORDER:
        raise ValidationError(
            _("The display order is a whole number from 0 to {count}.").format(count=MAX_ORDER),
            field=field)
    return value


def save_wallet(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    label: str,
    display_order: int,
    wallet_id: int | None = None,
    *,
    terminal: str = "",
) -> WalletRow:
    """Create a wallet (`wallet_id` None) or rename and reorder wallet `wallet_id`; commits."""
    structure = managed_structure(uow, session, structure_id)
    found = None if wallet_id is None else uow.session.get(Wallet, wallet_id)
    if wallet_id is not None and (found is None or found.structure_id != structure.id):
        raise NotFoundError(_("This wallet does not exist."))
    label = free_wallet_label(uow, structure.id, label, wallet_id)
    order = display_order_of(display_order)
    if found is None:
        wallet = Wallet(structure_id=structure.id, label=label, display_order=order)
        uow.session.add(wallet)
        before = None
    else:
        wallet = found
        before = [wallet.label, wallet.display_order]
        wallet.label, wallet.display_order = label, order
    uow.session.flush()
    audit(uow, clock.now(), "wallet_created" if wallet_id is None else "wallet_changed",
          actor_account_id=session.account_id, terminal=terminal, structure_id=structure.id,
          wallet_id=wallet.id, label=label, display_order=order, before=before)
    uow.commit()
    log.info("wallet %s of structure %s saved by account %s", wallet.id, structure.id,
             session.account_id)
    return next(row for row in wallet_rows(uow, session, structure.id) if row.id == wallet.id)
