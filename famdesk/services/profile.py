"""The logged-in account's own profile ("Profil"): password, e-mail, security question.

Each function acts on the session's own account only (it takes no account id), applies at
once, writes an `AuditEntry` (actor, terminal, action, a detail without secrets) and commits
itself — also when a wrong current password is refused, which counts toward the account's
lock like a wrong login. Give them a write unit of work.

`set_first_password` is the change forced at the first login with a one-time password
handed over by the front desk (`SessionInfo.must_change_password`); it returns the updated
session for the gateway to keep.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from famdesk.clock import Clock
from famdesk.errors import AuthenticationError, NotAuthorizedError, NotFoundError, ValidationError
from famdesk.i18n import _
from famdesk.models import Account
from famdesk.services import outbox
from famdesk.services.audit import audit
from famdesk.services.auth import (
    SessionInfo,
    check_not_locked,
    count_failure,
    locked_error,
    session_info,
)
from famdesk.services.credentials import set_password
from famdesk.services.passwords import check_password, hash_secret, normalize_answer, verify_secret
from famdesk.services.setup._fields import checked_email, text
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

MIN_ANSWER_LENGTH = 3
MAX_ANSWER_LENGTH = 200


@dataclass(frozen=True)
class Profile:
    """What "Profil" shows (never a hash)."""

    login: str
    display_name: str
    email: str | None
    security_question: str | None
    must_change_password: bool


def profile(uow: UnitOfWork, session: SessionInfo) -> Profile:
    account = _own_account(uow, session)
    return Profile(
        account.login, account.display_name, account.email,
        account.security_question if account.security_answer_hash else None,
        account.must_change_password,
    )


def change_password(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, current: str, new: str, *,
    terminal: str = "", keep_api_session: int | None = None,
) -> None:
    """Replace the password; the current one is required. The account's other sessions on
    `famdesk serve` end: only `keep_api_session`, the one asking, stays open."""
    account = _own_account(uow, session)
    _check_new_password(account, current, new)
    _check_current(uow, clock, account, current, "current")
    set_password(uow, clock, account, new, keep_api_session=keep_api_session)
    audit(uow, clock.now(), "password_changed", actor_account_id=account.id, terminal=terminal)
    uow.commit()
    log.info("account %s changed its password", account.id)


def set_first_password(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, one_time_password: str, new: str, *,
    terminal: str = "", keep_api_session: int | None = None,
) -> SessionInfo:
    """Replace the one-time password handed over by the front desk (forced at the first
    login); returns the session, no longer bound to change its password. The account's
    other sessions on `famdesk serve` end, as in `change_password`."""
    account = _own_account(uow, session)
    if not account.must_change_password:
        raise ValidationError(_("This account has no one-time password to replace."))
    _check_new_password(account, one_time_password, new)
    _check_current(uow, clock, account, one_time_password, "one_time_password")
    set_password(uow, clock, account, new, keep_api_session=keep_api_session)
    audit(uow, clock.now(), "first_password_set", actor_account_id=account.id, terminal=terminal)
    uow.commit()
    log.info("account %s replaced its one-time password", account.id)
    return session_info(account)


def change_email(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, email: str | None, *,
    terminal: str = "",
) -> str | None:
    """Set (or, empty, remove) the account's e-mail, where recovery codes go; returns it
    normalized. The previous address, if any, is told of the change (if it was not you,
    contact the front desk)."""
    account = _own_account(uow, session)
    new = checked_email(email)
    old = account.email
    if new == old:
        return new
    account.email = new
    if old and account.structures:
        structure = account.structures[0]
        outbox.queue(
            uow, clock, structure_id=structure.id, recipient=old,
            subject=_("Your e-mail address was changed"),
            body_text=_(
                "Hello,\n\n"
                "The e-mail address of your account on the family portal of {structure} "
                "was changed. If you did not make this change, contact the front desk.\n"
            ).format(structure=structure.name),
        )
    audit(uow, clock.now(), "email_changed", actor_account_id=account.id, terminal=terminal,
          old=old, new=new)
    uow.commit()
    log.info("account %s changed its e-mail", account.id)
    return new


def change_security_question(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, current_password: str, question: str,
    answer: str, *, terminal: str = "",
) -> None:
    """Set the security question and its answer (kept folded and hashed); the current
    password is required."""
    account = _own_account(uow, session)
    question = text(question, "question", 200)
    folded = normalize_answer(answer or "")
    if len(folded) < MIN_ANSWER_LENGTH:
        raise ValidationError(
            _("The answer needs at least {count} characters.").format(count=MIN_ANSWER_LENGTH),
            field="answer",
        )
    if len(folded) > MAX_ANSWER_LENGTH:
        raise ValidationError(
            _("This field holds at most {count} characters.").format(count=MAX_ANSWER_LENGTH),
            field="answer",
        )
    _check_current(uow, clock, account, current_password, "current")
    account.security_question = question
    account.security_answer_hash = hash_secret(folded)
    audit(uow, clock.now(), "security_question_changed", actor_account_id=account.id,
          terminal=terminal, question=question)
    uow.commit()
    log.info("account %s changed its security question", account.id)


def _own_account(uow: UnitOfWork, session: SessionInfo) -> Account:
    if session.is_system:
        raise NotAuthorizedError(_("famdesk itself has no profile."))
    account = uow.session.get(Account, session.account_id)
    if account is None:
        raise NotFoundError(_("This account does not exist."))
    return account


def _check_new_password(account: Account, current: str, new: str) -> None:
    check_password(new, account.login, field="new")
    if new == current:
        raise ValidationError(
            _("The new password must differ from the current one."), field="new"
        )


def _check_current(
    uow: UnitOfWork, clock: Clock, account: Account, password: str, field: str
) -> None:
    """The account's current password, or a counted failure (committed) and a refusal."""
    check_not_locked(account, clock)
    if verify_secret(account.password_hash, password or ""):
        return
    locked = count_failure(account, clock)
    uow.commit()
    log.info("account %s: wrong current password in its profile", account.id)
    if locked:
        raise locked_error(account, clock)
    raise AuthenticationError(_("The current password is not correct."), field=field)
