"""A forgotten password ("Le retrouver"): a security answer, or a one-time code by e-mail.

The screen asks the login, then offers what the account allows (`recovery_options`):
answering its security question (`reset_with_answer`), or receiving a 6-digit code at its
e-mail address (`send_code`, then `reset_with_code`); with neither it says to contact the
front desk. Each path sets a new password at once. No password is ever shown or sent.

- An unknown login is answered exactly like an account with neither way: the screen never
  tells whether a login exists.
- A code is 6 digits from `secrets.randbelow`, kept as an argon2 hash, valid
  `CODE_VALIDITY`, usable once, dead after `MAX_CODE_TRIES` wrong tries; asking for a new
  one kills the previous one. It travels in the e-mail's body only (an urgent outbox message
  sent at once, erased from the outbox once sent or expired), never in a log line, an error
  message or the audit trail.
- Wrong answers and codes count toward the account's lock, like wrong passwords
  (`auth.count_failure`); a locked account recovers nothing until the lock ends.
- Each terminal may take `MAX_TERMINAL_ATTEMPTS` counted steps per `TERMINAL_WINDOW`
  (sliding): asking a login's options, asking for a code, a wrong answer or code. Right
  answers and codes are not counted, but a terminal at its limit may not try them either.

Every function here is a whole user action and commits itself, also when it refuses (the
attempt and the failure are counted), like `auth.authenticate`: give it a write unit of work.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_time
from sqlalchemy import delete, select

from famdesk.clock import PARIS, Clock
from famdesk.errors import AuthenticationError, TooManyAttemptsError, ValidationError
from famdesk.i18n import _, ngettext
from famdesk.models import Account, OutboxMessage, RecoveryAttempt, RecoveryCode
from famdesk.models.enums import RecoveryStep
from famdesk.services import outbox
from famdesk.services.audit import audit
from famdesk.services.auth import check_not_locked, count_failure, locked_error
from famdesk.services.credentials import revoke_codes, set_password
from famdesk.services.formatting import LOCALE
from famdesk.services.outbox import MailerFactory
from famdesk.services.passwords import (
    check_password,
    hash_secret,
    normalize_answer,
    normalize_login,
    verify_secret,
)
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_VALIDITY = timedelta(minutes=15)
MAX_CODE_TRIES = 5
MAX_TERMINAL_ATTEMPTS = 10
TERMINAL_WINDOW = timedelta(minutes=15)
ATTEMPTS_KEPT = timedelta(days=1)
"""Older attempts are deleted (they no longer count)."""
_CODE = re.compile(rf"\d{{{CODE_DIGITS}}}")
_MASK = "•••"


@dataclass(frozen=True)
class RecoveryOptions:
    """What "Le retrouver" may offer for a login (the same for an unknown login as for an
    account with neither way)."""

    login: str
    question: str | None
    """The security question to show, if the account has one (with its answer)."""
    masked_email: str | None
    """Where a code would go ("m•••n@example.org"), if the account has an e-mail."""

    @property
    def front_desk_only(self) -> bool:
        """Neither way: the screen says to contact the front desk."""
        return self.question is None and self.masked_email is None


@dataclass(frozen=True)
class CodeSent:
    masked_email: str
    expires_at: datetime
    delivered: bool
    """False when the mail server did not take it at once: it is retried until it expires."""


def mask_email(email: str) -> str:
    """'martin@example.org' -> 'm•••n@example.org' (the domain stays readable)."""
    local, _at, domain = email.rpartition("@")
    if not local:
        return _MASK
    shown = local[0] + _MASK + (local[-1] if len(local) > 2 else "")
    return f"{shown}@{domain}"


def recovery_options(uow: UnitOfWork, clock: Clock, login: str, terminal: str) -> RecoveryOptions:
    """What the account of `login` may recover with; counts one step for `terminal`."""
    login = _login(login)
    _check_terminal(uow, clock, terminal)
    _count(uow, clock, terminal, RecoveryStep.OPTIONS)
    account = _account(uow, login)
    uow.commit()
    if account is None:
        log.info("recovery options asked for an unknown login")
        return RecoveryOptions(login, None, None)
    question = account.security_question if account.security_answer_hash else None
    masked = mask_email(account.email) if account.email and account.structures else None
    log.info("recovery options asked for account %s", account.id)
    return RecoveryOptions(login, question, masked)


def reset_with_answer(
    uow: UnitOfWork, clock: Clock, login: str, answer: str, new_password: str, terminal: str
) -> None:
    """The right answer to the security question sets `new_password` at once."""
    login = _login(login)
    if not normalize_answer(answer or ""):
        raise ValidationError(_("Give the answer to the question."), field="answer")
    check_password(new_password, login, field="new_password")
    _check_terminal(uow, clock, terminal)
    account = _account(uow, login)
    if account is None or account.security_answer_hash is None:
        verify_secret(None, normalize_answer(answer))  # the same cost either way
        _count(uow, clock, terminal, RecoveryStep.WRONG_ANSWER)
        uow.commit()
        raise ValidationError(
            _("No security question is set for this login: contact the front desk."),
            field="login",
        )
    _refuse_if_locked(uow, clock, account, terminal, RecoveryStep.WRONG_ANSWER)
    if not verify_secret(account.security_answer_hash, normalize_answer(answer)):
        _count(uow, clock, terminal, RecoveryStep.WRONG_ANSWER)
        locked = count_failure(account, clock)
        uow.commit()
        log.info("recovery: wrong answer for account %s", account.id)
        if locked:
            raise locked_error(account, clock)
        raise AuthenticationError(_("This is not the right answer."), field="answer")
    set_password(uow, clock, account, new_password)
    audit(uow, clock.now(), "password_reset_with_answer", actor_account_id=account.id,
          terminal=terminal)
    uow.commit()
    log.info("recovery: account %s set a new password with its security answer", account.id)


def send_code(
    uow: UnitOfWork, clock: Clock, mailers: MailerFactory, login: str, terminal: str
) -> CodeSent:
    """Send a new one-time code to the account's e-mail at once (the previous one dies)."""
    login = _login(login)
    _check_terminal(uow, clock, terminal)
    _count(uow, clock, terminal, RecoveryStep.CODE_SENT)
    account = _account(uow, login)
    if account is None or not account.email or not account.structures:
        uow.commit()
        raise ValidationError(
            _("No e-mail address is set for this login: contact the front desk."), field="login"
        )
    _refuse_if_locked(uow, clock, account, terminal, None)
    now = clock.now()
    revoke_codes(uow, clock, account.id)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    expires_at = now + CODE_VALIDITY
    uow.session.add(RecoveryCode(
        account_id=account.id, code_hash=hash_secret(code), created_at=now, expires_at=expires_at,
        tries=0,
    ))
    structure = account.structures[0]
    until = format_time(expires_at.astimezone(ZoneInfo(structure.timezone)), "HH:mm", locale=LOCALE)
    message = outbox.queue(
        uow, clock, structure_id=structure.id, recipient=account.email,
        subject=_("Your code to choose a new password"),
        body_text=_(
            "Hello,\n\n"
            "Here is the code to choose a new password on the family portal of {structure}:\n\n"
            "    {code}\n\n"
            "It works once, until {time}. If you did not ask for it, ignore this message: "
            "your password has not changed.\n"
        ).format(structure=structure.name, code=code, time=until),
        urgent=True, expires_at=expires_at,
    )
    masked = mask_email(account.email)
    audit(uow, now, "recovery_code_sent", actor_account_id=account.id, terminal=terminal,
          to=masked)
    uow.commit()
    outbox.send_pending(uow.db, clock, mailers, structure_id=structure.id, urgent_only=True)
    with UnitOfWork(uow.db) as check:
        delivered = check.session.scalar(
            select(OutboxMessage.sent_at).where(OutboxMessage.id == message.id)
        ) is not None
    log.info("recovery: code for account %s %s", account.id, "sent" if delivered else "queued")
    return CodeSent(masked, expires_at, delivered)


def reset_with_code(
    uow: UnitOfWork, clock: Clock, login: str, code: str, new_password: str, terminal: str
) -> None:
    """The last code sent, typed right before it expires, sets `new_password` at once."""
    login = _login(login)
    code = "".join((code or "").split())
    if not _CODE.fullmatch(code):
        raise ValidationError(
            _("The code has {count} digits.").format(count=CODE_DIGITS), field="code"
        )
    check_password(new_password, login, field="new_password")
    _check_terminal(uow, clock, terminal)
    now = clock.now()
    account = _account(uow, login)
    latest = None if account is None else uow.session.scalar(
        select(RecoveryCode).where(RecoveryCode.account_id == account.id)
        .order_by(RecoveryCode.created_at.desc(), RecoveryCode.id.desc()).limit(1)
        .with_for_update()  # PostgreSQL: two desks typing the same code, one wins
    )
    if account is None or latest is None:
        verify_secret(None, code)  # the same cost either way
        _count(uow, clock, terminal, RecoveryStep.WRONG_CODE)
        uow.commit()
        raise ValidationError(_("No code was sent for this login: ask for one first."), field="code")
    _refuse_if_locked(uow, clock, account, terminal, RecoveryStep.WRONG_CODE)
    dead = _dead_code_message(latest, now)
    if dead is not None:
        _count(uow, clock, terminal, RecoveryStep.WRONG_CODE)
        uow.commit()
        raise ValidationError(dead, field="code")
    if not verify_secret(latest.code_hash, code):
        latest.tries += 1
        if latest.tries >= MAX_CODE_TRIES:
            latest.revoked_at = now
        _count(uow, clock, terminal, RecoveryStep.WRONG_CODE)
        locked = count_failure(account, clock)
        uow.commit()
        log.info("recovery: wrong code for account %s (%d tries)", account.id, latest.tries)
        if locked:
            raise locked_error(account, clock)
        if latest.revoked_at is not None:
            raise ValidationError(_too_many_tries(), field="code")
        left = MAX_CODE_TRIES - latest.tries
        raise AuthenticationError(
            ngettext("This is not the code sent: {count} try left.",
                     "This is not the code sent: {count} tries left.", left).format(count=left),
            field="code",
        )
    latest.used_at = now
    set_password(uow, clock, account, new_password)
    audit(uow, now, "password_reset_with_code", actor_account_id=account.id, terminal=terminal)
    uow.commit()
    log.info("recovery: account %s set a new password with an e-mailed code", account.id)


def _dead_code_message(code: RecoveryCode, now: datetime) -> str | None:
    if code.used_at is not None:
        return _("This code has already been used: ask for a new one.")
    if code.tries >= MAX_CODE_TRIES:
        return _too_many_tries()
    if code.revoked_at is not None:
        return _("This code no longer works: ask for a new one.")
    if code.expires_at <= now:
        return _("This code has expired: ask for a new one.")
    return None


def _too_many_tries() -> str:
    return _("Too many wrong codes: this one no longer works, ask for a new one.")


def _login(login: str) -> str:
    login = normalize_login(login or "")
    if not login:
        raise ValidationError(_("Give your login."), field="login")
    return login


def _account(uow: UnitOfWork, login: str) -> Account | None:
    return uow.session.scalar(select(Account).where(Account.login == login))


def _refuse_if_locked(
    uow: UnitOfWork, clock: Clock, account: Account, terminal: str, step: RecoveryStep | None
) -> None:
    """A locked account recovers nothing until the lock ends (the step still counts)."""
    try:
        check_not_locked(account, clock)
    except AuthenticationError:
        if step is not None:
            _count(uow, clock, terminal, step)
        uow.commit()
        raise


def _check_terminal(uow: UnitOfWork, clock: Clock, terminal: str) -> None:
    """Refuse a terminal that took its counted steps already, saying until when."""
    now = clock.now()
    recent = list(uow.session.scalars(
        select(RecoveryAttempt.at)
        .where(RecoveryAttempt.terminal == _terminal(terminal),
               RecoveryAttempt.at > now - TERMINAL_WINDOW)
        .order_by(RecoveryAttempt.at.desc())
        .limit(MAX_TERMINAL_ATTEMPTS)
    ))
    if len(recent) < MAX_TERMINAL_ATTEMPTS:
        return
    free_at = recent[-1] + TERMINAL_WINDOW
    log.warning("recovery refused: terminal at its limit of %d attempts", MAX_TERMINAL_ATTEMPTS)
    raise TooManyAttemptsError(
        _("Too many recovery attempts from this computer: try again after {time}.").format(
            time=format_time(free_at.astimezone(PARIS), "HH:mm", locale=LOCALE)
        )
    )


def _count(uow: UnitOfWork, clock: Clock, terminal: str, step: RecoveryStep) -> None:
    now = clock.now()
    uow.session.execute(delete(RecoveryAttempt).where(RecoveryAttempt.at < now - ATTEMPTS_KEPT))
    uow.session.add(RecoveryAttempt(terminal=_terminal(terminal), at=now, step=step))


def _terminal(terminal: str) -> str:
    return (terminal or "")[:64]

