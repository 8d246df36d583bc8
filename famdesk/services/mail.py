"""Sending e-mail: SMTP settings per structure (or FAMDESK_SMTP_URL), and the Mailer.

The SMTP password is never in the database: it comes from the keyring (`SecretStore`, entry
``smtp:<structure id>``), or from the environment (FAMDESK_SMTP_PASSWORD, or the password of
FAMDESK_SMTP_URL) on a single server.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import unquote, urlsplit

from famdesk.errors import InfrastructureError, ValidationError
from famdesk.i18n import _
from famdesk.models import Structure
from famdesk.models.enums import SmtpSecurity
from famdesk.secrets import SecretStore

ENV_SMTP_URL = "FAMDESK_SMTP_URL"
ENV_SMTP_PASSWORD = "FAMDESK_SMTP_PASSWORD"
DEFAULT_SENDER = "portail-famille@localhost"
SMTP_TIMEOUT_S = 15


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: SmtpSecurity = SmtpSecurity.NONE
    login: str | None = None
    password: str | None = None
    sender: str = DEFAULT_SENDER

    def __repr__(self) -> str:  # never show the password
        return f"SmtpSettings({self.host}:{self.port}, {self.security.value}, login={self.login!r})"


class PermanentFailure(Exception):
    """The server refused this message for good (a recipient it does not know...)."""


class TemporaryFailure(Exception):
    """The server is down or busy: try again later."""


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Send one message; raises PermanentFailure or TemporaryFailure."""
        ...


def smtp_url_settings(url: str, sender: str | None = None) -> SmtpSettings:
    """`smtp://[user[:password]@]host[:port]`, `smtp+starttls://...` or `smtps://...`."""
    parts = urlsplit(url)
    security = {
        "smtp": SmtpSecurity.NONE,
        "smtp+starttls": SmtpSecurity.STARTTLS,
        "smtps": SmtpSecurity.SSL,
    }.get(parts.scheme)
    if security is None or not parts.hostname:
        raise ValidationError(
            _("“{url}” is not a mail server address (expected smtp://HOST:PORT).").format(url=url)
        )
    default_port = 465 if security is SmtpSecurity.SSL else 587 if security is SmtpSecurity.STARTTLS else 25
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or default_port,
        security=security,
        login=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else os.environ.get(ENV_SMTP_PASSWORD),
        sender=sender or DEFAULT_SENDER,
    )


def smtp_settings(structure: Structure, secrets: SecretStore) -> SmtpSettings | None:
    """The structure's SMTP settings; FAMDESK_SMTP_URL overrides them. None: not set up."""
    sender = structure.smtp_sender or DEFAULT_SENDER
    override = os.environ.get(ENV_SMTP_URL)
    if override:
        return smtp_url_settings(override, sender)
    if not structure.smtp_host:
        return None
    password = None
    if structure.smtp_login:
        password = secrets.get(f"smtp:{structure.id}") or os.environ.get(ENV_SMTP_PASSWORD)
    return SmtpSettings(
        host=structure.smtp_host,
        port=structure.smtp_port or 25,
        security=SmtpSecurity(structure.smtp_security),
        login=structure.smtp_login,
        password=password,
        sender=sender,
    )


class SmtpMailer:
    """Sends each message over its own SMTP connection (families' reports are few per run)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.security is SmtpSecurity.SSL:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=SMTP_TIMEOUT_S, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=SMTP_TIMEOUT_S)
            if s.security is SmtpSecurity.STARTTLS:
                client.starttls(context=ssl.create_default_context())
        if s.login:
            client.login(s.login, s.password or "")
        return client

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as client:
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _message in exc.recipients.values()]
            detail = "; ".join(f"{code} {message!r}" for code, message in exc.recipients.values())
            if all(400 <= code < 500 for code in codes):  # "try again later"
                raise TemporaryFailure(detail) from exc
            raise PermanentFailure(detail) from exc
        except smtplib.SMTPSenderRefused as exc:
            failure = TemporaryFailure if 400 <= exc.smtp_code < 500 else PermanentFailure
            raise failure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600 and exc.smtp_code not in (503,):
                raise PermanentFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
            raise TemporaryFailure(f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(str(exc) or type(exc).__name__) from exc


def unreachable(settings: SmtpSettings) -> InfrastructureError:
    return InfrastructureError(
        _("The mail server {host}:{port} does not answer: the e-mails wait in the outbox.").format(
            host=settings.host, port=settings.port
        )
    )
