"""The synced gateway: the same `Gateway` as `LocalGateway`, over HTTP to `famdesk serve`.

Each method is one call of the wire's `ApiClient` (httpx, on the running asyncio loop: qasync
in the app); the answers decode into the services' own dataclasses and a refusal comes back
as the `FamdeskError` the services raised, so every screen works unchanged. The areas are
mixins, as for the local gateway: booking and tracking (`gateway_synced_booking`), accounts
and family files (`gateway_synced_accounts`), money (`gateway_synced_money`).

- A server that cannot be reached raises `ServerUnreachableError` (an `InfrastructureError`):
  the screens keep what they hold (the draft too) and offer to retry; a confirm retried with
  the recap's key books once (the server keeps the key).
- An expired or revoked session raises `SessionEndedError`; the gateway forgets it.
- What belongs to this computer stays here: the remembered login and the kiosk's device
  token (the `SecretStore`, this computer's keyring), and kiosk mode.
- `on_reachable(bool)` (optional) hears when the server stops or starts answering again.
"""

from __future__ import annotations

import asyncio
import logging
import platform
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel
from pydantic import ValidationError as WireValidationError

from famdesk.errors import FamdeskError, ValidationError
from famdesk.i18n import _
from famdesk.secrets import SecretStore
from famdesk.services.api_sessions import SessionEndedError, session_ended
from famdesk.services.auth import SessionInfo
from famdesk.services.kiosks import Device
from famdesk.ui.gateway_accounts import REMEMBERED_LOGIN
from famdesk.ui.gateway_synced_accounts import SyncedAccountsMixin
from famdesk.ui.gateway_synced_admin import SyncedAdminMixin
from famdesk.ui.gateway_synced_booking import SyncedBookingMixin
from famdesk.ui.gateway_synced_money import SyncedMoneyMixin
from famdesk.wire import paths
from famdesk.wire.client import ApiClient, ServerUnreachableError

log = logging.getLogger(__name__)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

TransportFactory = Callable[[], httpx.AsyncBaseTransport]
CALL_SECONDS = 15.0
"""How long a call may take before the server counts as unreachable."""


class SyncedGateway(SyncedBookingMixin, SyncedAccountsMixin, SyncedMoneyMixin,
                    SyncedAdminMixin):
    """`Gateway` over `famdesk serve` at `url` (checked by `famdesk.server_address`)."""

    kiosk: bool = False

    def __init__(
        self,
        url: str,
        secrets: SecretStore,
        *,
        device_token: str | None = None,
        terminal: str | None = None,
        timeout: float = CALL_SECONDS,
        verify: bool | str = True,
        transport: TransportFactory | None = None,
        on_reachable: Callable[[bool], object] | None = None,
    ) -> None:
        self.url = url
        self._secrets = secrets
        self._device_token = device_token
        self._terminal = terminal if terminal is not None else platform.node()
        self._timeout = timeout
        self._verify = verify
        self._transport = transport
        self._on_reachable = on_reachable
        self._client: ApiClient | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None
        self._token: str | None = None
        self._session: SessionInfo | None = None
        self.reachable = True
        """False from a call the server did not answer until one it answers."""

    @property
    def session(self) -> SessionInfo | None:
        return self._session

    # -- the calls ----------------------------------------------------------------------

    def _new_client(self, timeout: float) -> ApiClient:
        return ApiClient(self.url, device_token=self._device_token, terminal=self._terminal,
                         timeout=timeout, verify=self._verify,
                         transport=self._transport() if self._transport else None)

    def _api(self) -> ApiClient:
        """The client of the running loop (httpx's connections belong to one loop: a
        widget test's runner makes a loop per call, the app has one)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client, self._client_loop = self._new_client(self._timeout), loop
        self._client.token = self._token
        return self._client

    def _require_session(self) -> SessionInfo:
        if self._session is None or self._token is None:
            raise session_ended()
        return self._session

    async def _call(self, method: str, path: str, answer: Any, *, body: BaseModel | None = None,
                    params: dict[str, Any] | None = None, session: bool = True,
                    timeout: float | None = None) -> Any:
        """One request; `answer` decoded (None: no body). `session`: the call needs one."""
        if session:
            self._require_session()
        if timeout is None:
            client = self._api()
            return await self._watched(client.call(method, path, answer, body=body,
                                                   params=params))
        client = self._new_client(timeout)
        client.token = self._token
        try:
            return await self._watched(client.call(method, path, answer, body=body,
                                                   params=params))
        finally:
            await client.aclose()

    async def _document(self, path: str, params: dict[str, Any] | None = None) -> bytes:
        """A PDF or an export, as bytes."""
        self._require_session()
        return await self._watched(self._api().document(path, params))  # type: ignore[no-any-return]

    async def _watched(self, call: Any) -> Any:
        try:
            result = await call
        except ServerUnreachableError:
            self._set_reachable(False)
            raise
        except SessionEndedError:
            self._set_reachable(True)
            if self._session is not None:
                log.info("the server ended the session of account %s", self._session.account_id)
            self._forget_session()
            raise
        except FamdeskError:
            self._set_reachable(True)
            raise
        self._set_reachable(True)
        return result

    def _set_reachable(self, reachable: bool) -> None:
        if reachable == self.reachable:
            return
        self.reachable = reachable
        if reachable:
            log.info("the famdesk server answers again")
        else:
            log.warning("the famdesk server at %s does not answer", self.url)
        if self._on_reachable is not None:
            self._on_reachable(reachable)

    def _forget_session(self) -> None:
        self._session, self._token = None, None

    @staticmethod
    def _message(kind: type[M], **fields: Any) -> M:
        """A request body; a value the wire refuses is the user's French `ValidationError`
        (the same sentence the server would answer), never an unexpected error."""
        try:
            return kind(**fields)
        except WireValidationError as exc:
            problems = exc.errors()
            where = problems[0].get("loc", ()) if problems else ()
            field = str(where[0]) if where else None
            raise ValidationError(
                _("A value of the request is outside what famdesk accepts."), field=field
            ) from None

    # -- the session --------------------------------------------------------------------

    async def login(self, login: str, password: str) -> SessionInfo:
        client = self._api()
        self._forget_session()
        answer = await self._watched(client.login(login, password))
        self._token, self._session = answer.token, answer.session
        log.info("account %s logged in on %s", answer.session.account_id, self.url)
        return answer.session  # type: ignore[no-any-return]

    async def logout(self) -> None:
        """End the session on the server; forgotten here even if the server is gone."""
        session, token = self._session, self._token
        self._forget_session()
        if token is None:
            return
        client = self._api()
        client.token = token
        try:
            await self._watched(client.logout())
        except (ServerUnreachableError, SessionEndedError):
            log.info("logged out here; the server will let the session expire")
        if session is not None:
            log.info("account %s logged out", session.account_id)

    async def device(self) -> Device:
        """The registered kiosk this computer's device token names (`GET device`):
        `DeviceUnknownError` when it names none, or a revoked one."""
        return await self._call("GET", paths.DEVICE, Device, session=False)  # type: ignore[no-any-return]

    # -- this computer --------------------------------------------------------------------

    async def remembered_login(self) -> str | None:
        """The login this staff PC remembers (never on a kiosk)."""
        if self.kiosk:
            return None
        return await asyncio.to_thread(self._secrets.get, REMEMBERED_LOGIN)

    async def remember_login(self, login: str | None) -> None:
        """Remember `login` on this PC; None (or a kiosk) forgets it. A keyring that
        refuses is logged, not shown: remembering is a convenience."""
        secrets = self._secrets
        login = (login or "").strip() or None
        if self.kiosk or login is None:
            await asyncio.to_thread(secrets.delete, REMEMBERED_LOGIN)
            return

        def store() -> None:
            try:
                secrets.set(REMEMBERED_LOGIN, login)
            except Exception as exc:  # keyring backends raise their own errors
                log.warning("the login could not be remembered: %s", type(exc).__name__)

        await asyncio.to_thread(store)

    def enter_kiosk_mode(self) -> None:
        """From now on nothing is remembered; a login remembered before is forgotten."""
        self.kiosk = True
        self._secrets.delete(REMEMBERED_LOGIN)
        log.info("kiosk mode: no login is remembered on this computer")

    # -- the end ----------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Log out (if the server answers) and close the connections."""
        try:
            await self.logout()
        finally:
            client, self._client, self._client_loop = self._client, None, None
            if client is not None:
                await client.aclose()

    def close(self) -> None:
        """Forget the session and the connections (`aclose()` first, on the loop, to log
        out on the server too)."""
        self._forget_session()
        self._client, self._client_loop = None, None
