"""A structure's settings: name, school-holiday zone, kiosk idle time, mail server (SMTP) and
online payments.

The SMTP password never enters the database: it goes to the `SecretStore` (the keyring),
under the entry `mail.py` reads (``smtp:<structure id>``); the settings only say whether
one is stored. Online payments are `payment_providers.settings`' own (`save_online_settings`).
Each change is audited (never with a password) and commits.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from famdesk.clock import Clock
from famdesk.errors import InfrastructureError, ValidationError
from famdesk.i18n import _
from famdesk.models import Structure
from famdesk.models.enums import HolidayZone, SmtpSecurity
from famdesk.secrets import SecretStore
from famdesk.services.audit import audit
from famdesk.services.auth import SessionInfo
from famdesk.services.backoffice._common import managed_structure
from famdesk.services.payment_providers.settings import OnlineSettings, online_settings
from famdesk.services.setup._fields import checked_email, optional_text, text
from famdesk.services.setup.structures import holiday_zone_of
from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

KIOSK_IDLE_RANGE = (15, 3600)
DEFAULT_PORTS = {SmtpSecurity.NONE: 25, SmtpSecurity.STARTTLS: 587, SmtpSecurity.SSL: 465}
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]")


def smtp_secret_name(structure_id: int) -> str:
    """The keyring entry of the structure's SMTP password (read by `mail.smtp_settings`)."""
    return f"smtp:{structure_id}"


@dataclass(frozen=True)
class StructureSettings:
    id: int
    name: str
    timezone: str
    holiday_zone: HolidayZone
    kiosk_idle_seconds: int
    smtp_host: str | None
    """None: no mail server, the e-mails wait in the outbox."""
    smtp_port: int | None
    smtp_security: SmtpSecurity
    smtp_login: str | None
    smtp_sender: str | None
    smtp_password_stored: bool
    """Whether the keyring holds a password for it (the password itself is never read out)."""
    online: OnlineSettings | None
    """None: no online payment."""
    last_transmission_at: datetime | None


@dataclass(frozen=True)
class SmtpForm:
    """The mail server as the manager types it; an empty host switches mail off."""

    host: str | None
    port: int | None = None
    """None: the usual port of `security` (25, 587 or 465)."""
    security: SmtpSecurity | str = SmtpSecurity.NONE
    login: str | None = None
    sender: str | None = None
    """The address the e-mails come from."""
    password: str | None = field(default=None, repr=False)
    """None: the stored password is kept; "": it is forgotten; else the new one."""


def structure_settings(uow: UnitOfWork, session: SessionInfo, structure_id: int, *,
                       secrets: SecretStore) -> StructureSettings:
    """What the settings page shows (managers of the structure only)."""
    structure = managed_structure(uow, session, structure_id)
    return StructureSettings(
        id=structure.id, name=structure.name, timezone=structure.timezone,
        holiday_zone=HolidayZone(structure.holiday_zone),
        kiosk_idle_seconds=structure.kiosk_idle_seconds, smtp_host=structure.smtp_host,
        smtp_port=structure.smtp_port, smtp_security=SmtpSecurity(structure.smtp_security),
        smtp_login=structure.smtp_login, smtp_sender=structure.smtp_sender,
        smtp_password_stored=bool(structure.smtp_login)
        and secrets.get(smtp_secret_name(structure.id)) is not None,
        online=online_settings(uow, session, structure.id),
        last_transmission_at=structure.last_transmission_at,
    )


def save_structure(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    name: str,
    holiday_zone: HolidayZone | str,
    kiosk_idle_seconds: int,
    *,
    secrets: SecretStore,
    terminal: str = "",
) -> StructureSettings:
    """Rename the structure, set its school-holiday zone (for the openings generated from now
    on: open days stay as they are) and the kiosk's idle time (15 to 3600 s); commits."""
    structure = managed_structure(uow, session, structure_id)
    name = text(name, "name", 120)
    taken = uow.session.scalar(select(Structure.id).where(Structure.name == name))
    if taken is not None and taken != structure.id:
        raise ValidationError(_("A structure with this name already exists."), field="name")
    zone = holiday_zone_of(holiday_zone)
    low, high = KIOSK_IDLE_RANGE
    idle = kiosk_idle_seconds
    if isinstance(idle, bool) or not isinstance(idle, int) or not low <= idle <= high:
        raise ValidationError(
            _("The kiosk's idle time is between {low} and {high} seconds.").format(low=low, high=high),
            field="kiosk_idle_seconds")
    before = {"name": structure.name, "holiday_zone": structure.holiday_zone.value,
              "kiosk_idle_seconds": structure.kiosk_idle_seconds}
    structure.name, structure.holiday_zone, structure.kiosk_idle_seconds = name, zone, idle
    after = {"name": name, "holiday_zone": zone.value, "kiosk_idle_seconds": idle}
    changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    audit(uow, clock.now(), "structure_settings_changed", actor_account_id=session.account_id,
          terminal=terminal, structure_id=structure.id, changed=changed)
    uow.commit()
    log.info("structure %s: settings changed (%s) by account %s", structure.id,
             ", ".join(changed) or "nothing", session.account_id)
    return structure_settings(uow, session, structure.id, secrets=secrets)


def save_smtp(
    uow: UnitOfWork,
    clock: Clock,
    session: SessionInfo,
    structure_id: int,
    form: SmtpForm,
    *,
    secrets: SecretStore,
    terminal: str = "",
) -> StructureSettings:
    """Set the structure's mail server; the password goes to the keyring only (see
    `SmtpForm.password`), and is forgotten with the login or the server. Commits."""
    structure = managed_structure(uow, session, structure_id)
    host = optional_text(form.host, "host", 255)
    if host is None:
        values: dict[str, object] = {"smtp_host": None, "smtp_port": None,
                                     "smtp_security": SmtpSecurity.NONE, "smtp_login": None,
                                     "smtp_sender": None}
    else:
        values = _checked_server(host, form)
    login = values["smtp_login"]
    name = smtp_secret_name(structure.id)
    password_changed = login is None or form.password is not None
    try:
        # first the keyring, the likelier to fail: then nothing is left half-changed
        if login is None or form.password == "":
            secrets.delete(name)
        elif form.password is not None:
            secrets.set(name, form.password)
    except Exception as exc:  # keyring backends raise their own errors
        log.warning("structure %s: SMTP password not stored (%s)", structure.id,
                    type(exc).__name__)
        raise InfrastructureError(
            _("The password could not be stored in the system keyring: nothing was changed."),
        ) from None
    for key, value in values.items():
        setattr(structure, key, value)
    detail = {key.removeprefix("smtp_"): str(value) if value is not None else None
              for key, value in values.items()}
    audit(uow, clock.now(), "smtp_settings_changed", actor_account_id=session.account_id,
          terminal=terminal, structure_id=structure.id, password_changed=password_changed,
          server=detail)
    uow.commit()
    log.info("structure %s: mail server %s by account %s", structure.id,
             f"{host}:{values['smtp_port']}" if host else "removed", session.account_id)
    return structure_settings(uow, session, structure.id, secrets=secrets)


def _checked_server(host: str, form: SmtpForm) -> dict[str, object]:
    if not _HOST.fullmatch(host):
        raise ValidationError(_("“{host}” is not a server name.").format(host=host), field="host")
    try:
        security = SmtpSecurity(form.security)
    except ValueError:
        raise ValidationError(_("Choose the connection's security: none, STARTTLS or SSL."),
                              field="security") from None
    port = form.port
    if port is None:
        port = DEFAULT_PORTS[security]
    elif isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ValidationError(_("A port is a number from 1 to 65535."), field="port")
    login = optional_text(form.login, "login", 255)
    if login is None and form.password:
        raise ValidationError(_("A password goes with a login."), field="login")
    return {"smtp_host": host, "smtp_port": port, "smtp_security": security,
            "smtp_login": login, "smtp_sender": checked_email(form.sender, "sender")}
