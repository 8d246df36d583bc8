"""The gateway's accounts and structures for managers ("Comptes et structures").

`AdminAccountsGatewayMixin` is written against `LocalGateway`'s own attributes (`_ctx`,
`_session`, `_call(work, write=)`, `_require_session()`); `AdminGatewayMixin` extends it, so
`LocalGateway` has these methods. `AdminAccountsGateway` is what the section may ask; the
synced gateway implements it too (`gateway_synced_admin_accounts`).

A one-time password comes back once, in a `OneTimePassword`, for the dialog that shows it.
When the manager creates a structure (or changes their own structures), the gateway's
session follows: the services accept the new structure at once; the window's list of
structures is the window's (it shows it at the next login).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol, TypeVar

from famdesk.services import backoffice as service
from famdesk.services.auth import SessionInfo, StructureChoice
from famdesk.services.backoffice import StaffAccountForm, StaffAccountRow
from famdesk.services.families import OneTimePassword

if TYPE_CHECKING:
    from famdesk.bootstrap import AppContext
    from famdesk.services.uow import UnitOfWork

T = TypeVar("T")


class AdminAccountsGateway(Protocol):
    """What the "Comptes et structures" section may ask of the core (managers only)."""

    async def staff_accounts(self, structure_id: int) -> tuple[StaffAccountRow, ...]: ...

    async def add_staff_account(self, form: StaffAccountForm) -> OneTimePassword:
        """The new account's one-time password, to show once."""
        ...

    async def reset_staff_password(self, account_id: int) -> OneTimePassword: ...

    async def change_staff_account(self, account_id: int, role: str,
                                   structure_ids: tuple[int, ...]) -> StaffAccountRow: ...

    async def add_structure(self, structure_id: int, name: str, holiday_zone: str,
                            timezone: str = "Europe/Paris") -> StructureChoice:
        """A new structure, made from `structure_id` (the manager's); the session sees it."""
        ...


def with_structures(session: SessionInfo, structures: Iterable[StructureChoice]) -> SessionInfo:
    """`session` seeing `structures`, by name (as a new login would)."""
    return replace(session, structures=tuple(sorted(structures, key=lambda s: s.name)))


class AdminAccountsGatewayMixin:
    """`AdminAccountsGateway` on `LocalGateway`'s worker thread."""

    if TYPE_CHECKING:  # provided by LocalGateway
        _ctx: AppContext
        _session: SessionInfo | None

        async def _call(self, work: Callable[[UnitOfWork], T], *, write: bool = False) -> T: ...

        def _require_session(self) -> SessionInfo: ...

    async def staff_accounts(self, structure_id: int) -> tuple[StaffAccountRow, ...]:
        session, clock = self._require_session(), self._ctx.clock
        return await self._call(lambda uow: service.staff_accounts(
            uow, clock, session, structure_id))

    async def add_staff_account(self, form: StaffAccountForm) -> OneTimePassword:
        session, ctx = self._require_session(), self._ctx
        return await self._call(lambda uow: service.add_staff_account(
            uow, ctx.clock, session, form, terminal=ctx.terminal), write=True)

    async def reset_staff_password(self, account_id: int) -> OneTimePassword:
        session, ctx = self._require_session(), self._ctx
        return await self._call(lambda uow: service.reset_staff_password(
            uow, ctx.clock, session, account_id, terminal=ctx.terminal), write=True)

    async def change_staff_account(self, account_id: int, role: str,
                                   structure_ids: tuple[int, ...]) -> StaffAccountRow:
        session, ctx = self._require_session(), self._ctx
        row = await self._call(lambda uow: service.change_staff_account(
            uow, ctx.clock, session, account_id, role, structure_ids, terminal=ctx.terminal),
            write=True)
        if row.is_self and self._session is not None:
            self._session = with_structures(self._session, row.structures)
        return row

    async def add_structure(self, structure_id: int, name: str, holiday_zone: str,
                            timezone: str = "Europe/Paris") -> StructureChoice:
        session, ctx = self._require_session(), self._ctx
        made = await self._call(lambda uow: service.add_structure(
            uow, ctx.clock, session, structure_id, name, holiday_zone, timezone,
            terminal=ctx.terminal), write=True)
        if self._session is not None and self._session.account_id == session.account_id:
            self._session = with_structures(self._session, (*self._session.structures, made))
        return made
