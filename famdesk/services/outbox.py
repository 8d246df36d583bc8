"""The outbox: e-mails written in the same transaction as what caused them, then sent.

`queue()` adds a message to the caller's unit of work. `send_pending()` sends what is due,
each message in its own short transaction, with retries and a growing delay; a message the
server refuses for good, or that failed too often, stays in the outbox with its error, for
staff to see (`failures()`).

A time-limited message (`expires_at`: a one-time code) is never sent after that instant,
and its body is erased as soon as it is sent or expired: the code does not stay in the
database. A message's files (`Attachment`: a history's PDFs) go with it and are removed
once it is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import CursorResult, or_, select, update

from famdesk.clock import Clock
from famdesk.i18n import N_, _
from famdesk.models import OutboxAttachment, OutboxMessage, Structure
from famdesk.models.outbox import FILENAME_LENGTH
from famdesk.secrets import SecretStore
from famdesk.services.auth import SessionInfo
from famdesk.services.database import Database
from famdesk.services.mail import (
    Mailer,
    PermanentFailure,
    SmtpMailer,
    TemporaryFailure,
    smtp_settings,
)
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1),
           timedelta(hours=4))
MailerFactory = Callable[[Structure], Mailer | None]
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
"""The most one message's files may weigh (mail servers often refuse more than 10 MB)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    """e.g. "application/pdf"."""
    data: bytes = field(repr=False)
ERASED_BODY = N_("(erased: this message held a one-time code)")


def queue(
    uow: UnitOfWork,
    clock: Clock,
    *,
    structure_id: int,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    family_id: int | None = None,
    urgent: bool = False,
    expires_at: datetime | None = None,
    attachments: Sequence[Attachment] = (),
) -> OutboxMessage:
    """Add a message to the unit of work (sent after it commits). A malformed address is
    kept, marked failed, so that staff see it. A message with `expires_at` is not sent after
    that instant, and its body is erased once sent or expired. `attachments` go with it
    (at most `MAX_ATTACHMENT_BYTES` in all) and are removed once it is sent."""
    if sum(len(a.data) for a in attachments) > MAX_ATTACHMENT_BYTES:
        raise ValueError("the attachments are too large for one e-mail")
    now = clock.now()
    message = OutboxMessage(
        structure_id=structure_id, family_id=family_id, recipient=recipient.strip(),
        subject=subject, body_text=body_text, body_html=body_html, urgent=urgent,
        attempts=0, next_attempt_at=now, created_at=now, expires_at=expires_at,
        attachments=[OutboxAttachment(filename=a.filename[:FILENAME_LENGTH],
                                      content_type=a.content_type, data=a.data)
                     for a in attachments],
    )
    try:
        message.recipient = validate_email(recipient, check_deliverability=False).normalized
    except EmailNotValidError:
        message.attempts = MAX_ATTEMPTS
        message.next_attempt_at = None
        message.last_error = _("malformed address")
        _erase_if_limited(message)
    uow.session.add(message)
    return message


def smtp_mailers(secrets: SecretStore) -> MailerFactory:
    """The SMTP mailer of each structure (None where no server is set up)."""

    def factory(structure: Structure) -> Mailer | None:
        settings = smtp_settings(structure, secrets)
        return SmtpMailer(settings) if settings is not None else None

    return factory


@dataclass(frozen=True)
class SendSummary:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    waiting: int = 0


def send_pending(
    db: Database,
    clock: Clock,
    mailers: MailerFactory,
    *,
    structure_id: int | None = None,
    urgent_only: bool = False,
    limit: int = 10_000,
) -> SendSummary:
    """Send the messages that are due. Each is marked sent right after the server took it."""
    now = clock.now()
    _erase_expired(db, now)
    with UnitOfWork(db) as uow:
        query = (
            select(OutboxMessage.id, OutboxMessage.structure_id)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS,
                   or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
                   or_(OutboxMessage.expires_at.is_(None), OutboxMessage.expires_at > now))
            .order_by(OutboxMessage.urgent.desc(), OutboxMessage.id)
            .limit(limit)
        )
        if structure_id is not None:
            query = query.where(OutboxMessage.structure_id == structure_id)
        if urgent_only:
            query = query.where(OutboxMessage.urgent.is_(True))
        due = list(uow.session.execute(query))
        structures = {s.id: s for s in uow.session.scalars(select(Structure))}
    sent = retried = failed = waiting = 0
    senders: dict[int, Mailer | None] = {}
    down: set[int] = set()
    for message_id, message_structure in due:
        if message_structure not in senders:
            senders[message_structure] = mailers(structures[message_structure])
        mailer = senders[message_structure]
        if mailer is None or message_structure in down:
            waiting += 1
            continue
        with UnitOfWork(db, write=True) as uow:
            message = uow.session.get_one(OutboxMessage, message_id)
            if message.sent_at is not None:  # another sender was quicker
                continue
            if message.expires_at is not None and message.expires_at <= clock.now():
                continue  # too late: erased by the next run
            try:
                mailer.send(_email(message, structures[message_structure]))
            except PermanentFailure as exc:
                message.attempts = MAX_ATTEMPTS
                message.last_error = str(exc)[:500]
                message.next_attempt_at = None
                _erase_if_limited(message)
                failed += 1
                log.warning("outbox %s refused for good: %s", message.id, exc)
            except TemporaryFailure as exc:
                message.attempts += 1
                message.last_error = str(exc)[:500]
                message.next_attempt_at = clock.now() + BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
                retried += 1
                down.add(message_structure)  # the server is down: the rest waits for the next try
                log.warning("outbox %s not sent (attempt %d): %s", message.id, message.attempts, exc)
            else:
                message.attempts += 1
                message.sent_at = clock.now()
                message.last_error = None
                _erase_if_limited(message)
                message.attachments.clear()  # sent: the files are the family's now
                sent += 1
            uow.commit()
    if sent or retried or failed:
        log.info("outbox: %d sent, %d to retry, %d failed, %d waiting", sent, retried, failed, waiting)
    return SendSummary(sent, retried, failed, waiting)


def _erase_if_limited(message: OutboxMessage) -> None:
    """A time-limited message that will not be sent (again) loses its body (a code)."""
    if message.expires_at is not None:
        message.body_text, message.body_html = _(ERASED_BODY), None


def _erase_expired(db: Database, now: datetime) -> None:
    """Give up the time-limited messages not sent in time, and erase their bodies."""
    with UnitOfWork(db) as uow:
        late = uow.session.scalar(
            select(OutboxMessage.id).where(
                OutboxMessage.sent_at.is_(None), OutboxMessage.expires_at <= now,
                OutboxMessage.next_attempt_at.is_not(None),
            ).limit(1)
        )
    if late is None:
        return
    with UnitOfWork(db, write=True) as uow:
        result: CursorResult[Any] = uow.session.execute(  # type: ignore[assignment]
            update(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.expires_at <= now,
                   OutboxMessage.next_attempt_at.is_not(None))
            .values(body_text=_(ERASED_BODY), body_html=None, attempts=MAX_ATTEMPTS,
                    next_attempt_at=None, last_error=_("not sent in time: it was only valid for a few minutes"))
        )
        uow.commit()
    log.info("outbox: %d time-limited message(s) given up", result.rowcount)


def _email(message: OutboxMessage, structure: Structure) -> EmailMessage:
    email = EmailMessage()
    sender = structure.smtp_sender or "portail-famille@localhost"
    email["From"] = formataddr((structure.name, sender))
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"famdesk.{message.id}")
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    for attachment in message.attachments:
        maintype, _slash, subtype = attachment.content_type.partition("/")
        email.add_attachment(attachment.data, maintype=maintype,
                             subtype=subtype or "octet-stream", filename=attachment.filename)
    return email


@dataclass(frozen=True)
class OutboxFailure:
    id: int
    recipient: str
    subject: str
    attempts: int
    last_error: str
    created_at: datetime
    next_attempt_at: datetime | None
    """None when famdesk gave up on it."""


def failures(uow: UnitOfWork, session: SessionInfo, structure_id: int) -> tuple[OutboxFailure, ...]:
    """Messages not sent because of an error, for the structure's staff."""
    session.require_staff()
    session.require_structure(structure_id)
    rows = uow.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.structure_id == structure_id, OutboxMessage.sent_at.is_(None),
               OutboxMessage.last_error.is_not(None))
        .order_by(OutboxMessage.id)
    )
    return tuple(
        OutboxFailure(m.id, m.recipient, m.subject, m.attempts, m.last_error or "", m.created_at,
                      m.next_attempt_at if m.attempts < MAX_ATTEMPTS else None)
        for m in rows
    )
