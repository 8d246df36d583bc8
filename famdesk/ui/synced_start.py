"""Starting the desktop in synced mode (`famdesk --server URL`, or the address kept by the
"Serveur famdesk" dialog): the same windows on a `SyncedGateway`.

A kiosk in synced mode needs its device token, kept in this computer's keyring by
`famdesk kiosk register` (`famdesk.kiosk_setup`): without it, or with one the server no
longer knows (`GET device`), the kiosk refuses to start with the reason in French.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from famdesk.errors import FamdeskError
from famdesk.i18n import _
from famdesk.secrets import KeyringSecretStore, SecretStore
from famdesk.server_address import check_server_url, device_token_key
from famdesk.ui.gateway_synced import SyncedGateway, TransportFactory

if TYPE_CHECKING:
    from famdesk.services.kiosks import Device

log = logging.getLogger(__name__)

CLOSE_SECONDS = 3.0
"""At the end, how long logging out on the server may take."""


class KioskNotRegisteredError(FamdeskError):
    """A kiosk without a device token for this server."""


def kiosk_not_registered(url: str) -> KioskNotRegisteredError:
    return KioskNotRegisteredError(_(
        "This computer is not registered as a kiosk of {server}: a manager registers it once "
        "with “famdesk kiosk register --server {server} --label NAME”.").format(server=url))


def build_synced_gateway(
    url: str,
    secrets: SecretStore,
    kiosk: bool,
    *,
    transport: TransportFactory | None = None,
    on_reachable: Any = None,
    timeout: float | None = None,
) -> SyncedGateway:
    """The gateway to the server at `url`; a kiosk's carries this computer's device token
    (`KioskNotRegisteredError` without one). Nothing is sent yet."""
    url = check_server_url(url)
    token = secrets.get(device_token_key(url)) if kiosk else None
    if kiosk and not token:
        raise kiosk_not_registered(url)
    options: dict[str, Any] = {"transport": transport, "on_reachable": on_reachable}
    if timeout is not None:
        options["timeout"] = timeout
    gateway = SyncedGateway(url, secrets, device_token=token, **options)
    if kiosk:
        gateway.enter_kiosk_mode()
    return gateway


async def check_kiosk(gateway: SyncedGateway) -> Device:
    """The kiosk's registration is alive on the server (else `DeviceUnknownError`, whose
    sentence tells to ask the town hall to register the computer again)."""
    device = await gateway.device()
    log.info("kiosk %s (%s) of structure %s", device.kiosk_id, device.label, device.structure_id)
    return device


def run_synced(url: str, *, argv: Sequence[str], kiosk: bool = False,
               secrets: SecretStore | None = None) -> int:
    """Show the login window on the server at `url` and run until the last window closes;
    returns the exit code (see `famdesk.ui.app.run_app`, the local mode's)."""
    from PySide6.QtWidgets import QMessageBox

    from famdesk.ui.app import run_desktop
    from famdesk.ui.connection_banner import connection_restored

    def on_reachable(reachable: bool) -> None:
        if reachable:
            connection_restored()

    gateway = build_synced_gateway(url, secrets or KeyringSecretStore(), kiosk,
                                   on_reachable=on_reachable)

    def before_start(loop: asyncio.AbstractEventLoop) -> None:
        if not kiosk:
            return
        try:
            loop.run_until_complete(check_kiosk(gateway))
        except FamdeskError as exc:
            # a kiosk has no terminal: the reason on screen too (before any window)
            QMessageBox.critical(None, _("Family portal"), exc.message)
            raise

    return run_desktop(gateway, argv=argv, kiosk=kiosk, where=f"the server {gateway.url}",
                       before_start=before_start, before_close=lambda loop: _close(loop, gateway))


def _close(loop: asyncio.AbstractEventLoop, gateway: SyncedGateway) -> None:
    """Log out on the server before leaving (not waiting long for a server gone)."""
    try:
        loop.run_until_complete(asyncio.wait_for(gateway.aclose(), CLOSE_SECONDS))
    except (FamdeskError, TimeoutError, OSError) as exc:
        log.info("the server session was not ended at exit (%s)", type(exc).__name__)
