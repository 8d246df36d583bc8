"""`famdesk kiosk register`: a manager, once, on the kiosk PC itself, registers it with the
famdesk server; the device token the server gives goes straight into this computer's keyring
(never printed, never in a file). No Qt here.

The manager logs in with their own login and password (asked on the terminal), the kiosk is
registered for their structure (`--structure` when they have several), and the session is
closed at once. A PC registered before gets the new token, and its former kiosk is revoked.
"""

from __future__ import annotations

import logging
import platform
from dataclasses import dataclass

from famdesk.errors import FamdeskError, NotAuthorizedError, ValidationError
from famdesk.i18n import _
from famdesk.models.enums import Role
from famdesk.secrets import SecretStore
from famdesk.server_address import check_server_url, device_token_key
from famdesk.services.auth import SessionInfo, StructureChoice
from famdesk.services.kiosks import Device, DeviceUnknownError, KioskRegistered
from famdesk.wire import paths
from famdesk.wire.client import ApiClient
from famdesk.wire.messages import KioskRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KioskSetUp:
    """What the terminal may show (no token)."""

    kiosk_id: int
    label: str
    structure_name: str
    replaced_kiosk_id: int | None
    """The kiosk this PC was before, now revoked."""


def choose_structure(session: SessionInfo, name: str | None) -> StructureChoice:
    """The manager's structure called `name`, or their only one."""
    if session.role is not Role.ADMIN:
        raise NotAuthorizedError(_("Only a manager may do this."))
    choices = session.structures
    if name:
        wanted = name.strip().casefold()
        for choice in choices:
            if choice.name.casefold() == wanted:
                return choice
        raise ValidationError(_("This account has no structure called “{name}”: {names}.").format(
            name=name, names=", ".join(c.name for c in choices)), field="structure")
    if len(choices) == 1:
        return choices[0]
    if not choices:
        raise NotAuthorizedError(_("This account is not linked to any structure."))
    raise ValidationError(_(
        "This account manages several structures: choose one with --structure ({names})."
    ).format(names=", ".join(c.name for c in choices)), field="structure")


async def register_this_pc(
    url: str,
    login: str,
    password: str,
    label: str,
    secrets: SecretStore,
    *,
    structure: str | None = None,
) -> KioskSetUp:
    """Register this computer as a kiosk of the server at `url` and keep its device token
    in `secrets`; the manager's session is ended before returning."""
    url = check_server_url(url)
    key = device_token_key(url)
    client = ApiClient(url, terminal=platform.node())
    try:
        answer = await client.login(login, password)
        try:
            choice = choose_structure(answer.session, structure)
            made: KioskRegistered = await client.call(
                "POST", paths.KIOSKS.format(structure_id=choice.id), KioskRegistered,
                body=KioskRequest(label=label))
            previous = secrets.get(key)
            try:
                secrets.set(key, made.token)
            except Exception as exc:  # keyring backends raise their own errors
                log.warning("the device token could not be kept: %s", type(exc).__name__)
                await client.call("DELETE", paths.KIOSK.format(kiosk_id=made.id), None)
                raise FamdeskError(_(
                    "The device token could not be kept in this computer's keyring: the "
                    "kiosk is not registered.")) from None
            replaced = await _revoke_previous(client, url, previous)
        finally:
            await client.logout()
    finally:
        await client.aclose()
    log.info("this computer is kiosk %s of structure %s", made.id, made.structure_id)
    return KioskSetUp(made.id, made.label, choice.name, replaced)


async def _revoke_previous(client: ApiClient, url: str, token: str | None) -> int | None:
    """The kiosk an older token of this PC names, revoked (None: there was none alive)."""
    if not token:
        return None
    device_client = ApiClient(url, device_token=token)
    try:
        device: Device = await device_client.call("GET", paths.DEVICE, Device)
    except DeviceUnknownError:
        return None
    finally:
        await device_client.aclose()
    try:
        await client.call("DELETE", paths.KIOSK.format(kiosk_id=device.kiosk_id), None)
    except FamdeskError as exc:  # another structure's kiosk: its managers revoke it
        log.warning("the former kiosk %s was not revoked: %s", device.kiosk_id, exc.message)
        return None
    return device.kiosk_id
