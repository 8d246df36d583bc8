"""The accounts and structures ("Comptes et structures") through the synced gateway.

`SyncedAdminAccountsMixin` is written against `SyncedGateway`'s `_call(...)`, `_message(...)`
and `_session`: each method of `AdminAccountsGateway` is one call of `famdesk serve`'s
routes (`routes_admin_accounts`), whose services check the manager. A one-time password
comes back in that call's answer only. After a new structure (or a change of the manager's
own structures) the gateway asks the server for its session again: the server already
answers for the new structure, and the gateway's session says so too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from famdesk.services.auth import SessionInfo, StructureChoice
from famdesk.services.backoffice import StaffAccountForm, StaffAccountRow
from famdesk.services.families import OneTimePassword
from famdesk.wire import paths
from famdesk.wire.messages_admin import (
    NewStructureRequest,
    StaffAccountChange,
    StaffAccountRequest,
)

if TYPE_CHECKING:
    from pydantic import BaseModel


class SyncedAdminAccountsMixin:
    """`AdminAccountsGateway`'s methods (see the module's docstring)."""

    if TYPE_CHECKING:  # provided by SyncedGateway
        _session: SessionInfo | None

        async def _call(self, method: str, path: str, answer: Any, *,
                        body: BaseModel | None = None, params: dict[str, Any] | None = None,
                        session: bool = True, timeout: float | None = None) -> Any: ...

        def _message(self, kind: Any, **fields: Any) -> Any: ...

    async def staff_accounts(self, structure_id: int) -> tuple[StaffAccountRow, ...]:
        return tuple(await self._call(
            "GET", paths.STAFF_ACCOUNTS.format(structure_id=structure_id),
            tuple[StaffAccountRow, ...]))

    async def add_staff_account(self, form: StaffAccountForm) -> OneTimePassword:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.STAFF_ACCOUNT_NEW, OneTimePassword,
            body=self._message(StaffAccountRequest, **StaffAccountRequest.of(form)))

    async def reset_staff_password(self, account_id: int) -> OneTimePassword:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.STAFF_ACCOUNT_RESET.format(account_id=account_id), OneTimePassword)

    async def change_staff_account(self, account_id: int, role: str,
                                   structure_ids: tuple[int, ...]) -> StaffAccountRow:
        body = self._message(StaffAccountChange, role=role, structure_ids=list(structure_ids))
        row: StaffAccountRow = await self._call(
            "PUT", paths.STAFF_ACCOUNT.format(account_id=account_id), StaffAccountRow,
            body=body)
        if row.is_self:
            await self._refresh_session()
        return row

    async def add_structure(self, structure_id: int, name: str, holiday_zone: str,
                            timezone: str = "Europe/Paris") -> StructureChoice:
        body = self._message(NewStructureRequest, from_structure_id=structure_id, name=name,
                             holiday_zone=holiday_zone, timezone=timezone)
        made: StructureChoice = await self._call("POST", paths.STRUCTURE_NEW, StructureChoice,
                                                 body=body)
        await self._refresh_session()
        return made

    async def _refresh_session(self) -> None:
        fresh: SessionInfo = await self._call("GET", paths.SESSION, SessionInfo)
        if self._session is not None and self._session.account_id == fresh.account_id:
            self._session = fresh
