"""The famdesk server a desk or a kiosk works through (the synced mode): its address, checked;
the address kept in this computer's settings (the "Serveur famdesk" dialog); the keyring
entry of this computer's device token when it is a registered kiosk. No Qt here.

`famdesk --server URL` wins over the kept address; `--database URL` opens a database
instead; with neither, a kept address is used, else this computer's own database.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from platformdirs import user_config_dir

from famdesk.config import APP_NAME, ENV_DATABASE_URL
from famdesk.errors import ValidationError
from famdesk.i18n import _

log = logging.getLogger(__name__)

SETTINGS_FILE = "server.json"
MAX_URL_LENGTH = 500
FIELD = "server_url"


def check_server_url(text: str) -> str:
    """`text` as the server's base address, "http(s)://host[:port][/path]" without a
    trailing slash; a French `ValidationError` when it is not one."""
    url = (text or "").strip()
    example = _("Enter the server's address, e.g. http://server:8765 or "
                "https://famdesk.town.fr.")
    if not url:
        raise ValidationError(example, field=FIELD)
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(_("This address is too long."), field=FIELD)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValidationError(example, field=FIELD)
    if parts.username is not None or parts.password is not None:
        raise ValidationError(_("The server's address must not hold a login or a password."),
                              field=FIELD)
    if parts.query or parts.fragment or any(ch.isspace() for ch in url):
        raise ValidationError(example, field=FIELD)
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise ValidationError(_("The port of this address is not valid."), field=FIELD) from None
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), "", ""))


def device_token_key(url: str) -> str:
    """The SecretStore entry of this computer's device token for the server at `url`: a
    token is only ever sent to the server that issued it."""
    return f"device_token:{check_server_url(url)}"


# -- the kept address --------------------------------------------------------------------


def settings_path() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False)) / SETTINGS_FILE


def stored_server_url() -> str | None:
    """The address kept by the settings dialog (None: this computer's own database)."""
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("the server settings %s cannot be read: %s", path, type(exc).__name__)
        return None
    raw = data.get("server_url") if isinstance(data, dict) else None
    if not raw:
        return None
    try:
        return check_server_url(str(raw))
    except ValidationError:
        log.warning("the server address kept in %s is not valid: ignored", path)
        return None


def store_server_url(url: str | None) -> str | None:
    """Keep `url` (checked) for the next starts; None or "" forgets it. Returns what is kept."""
    path = settings_path()
    if not (url or "").strip():
        path.unlink(missing_ok=True)
        log.info("no famdesk server kept: this computer's database next time")
        return None
    checked = check_server_url(url or "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"server_url": checked}, indent=2) + "\n", encoding="utf-8")
    log.info("famdesk server kept for the next starts: %s", checked)
    return checked


def chosen_server(server: str | None, database: str | None,
                  environ: Mapping[str, str] | None = None) -> str | None:
    """The server the desktop opens on: `--server`; else, with neither `--database` nor
    FAMDESK_DATABASE_URL, the kept address. None: a database (this computer's or given)."""
    env = os.environ if environ is None else environ
    if server:
        if database:
            raise ValidationError(_("Give --server or --database, not both."))
        return check_server_url(server)
    if database or env.get(ENV_DATABASE_URL):
        return None
    return stored_server_url()
