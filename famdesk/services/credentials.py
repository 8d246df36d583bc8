"""Setting an account's password, whatever the path (profile, recovery, front desk)."""

from __future__ import annotations

from sqlalchemy import update

from famdesk.clock import Clock
from famdesk.models import Account, RecoveryCode
from famdesk.services.api_sessions import end_sessions
from famdesk.services.auth import clear_failures
from famdesk.services.passwords import hash_secret
from famdesk.services.uow import UnitOfWork


def set_password(
    uow: UnitOfWork, clock: Clock, account: Account, password: str, *, one_time: bool = False,
    keep_api_session: int | None = None,
) -> None:
    """Store `password` (as its hash) for `account`, checked by the caller. `one_time`: a
    password handed over by the front desk, to change at the first login. The account's
    failures and lock are cleared; its recovery codes stop working; its sessions on
    `famdesk serve` end, but `keep_api_session` (the one changing its own password). The
    caller commits."""
    account.password_hash = hash_secret(password)
    account.must_change_password = one_time
    clear_failures(account)
    revoke_codes(uow, clock, account.id)
    end_sessions(uow, clock, account.id, keep=keep_api_session)


def revoke_codes(uow: UnitOfWork, clock: Clock, account_id: int) -> None:
    """The account's recovery codes still usable stop working now."""
    uow.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.account_id == account_id, RecoveryCode.used_at.is_(None),
               RecoveryCode.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
