"""The gateway's accounts and family files: "Le retrouver", "Profil", the first password,
the front desk's family search and records, and a staff PC's remembered login.

`AccountsGatewayMixin` is written against `LocalGateway`'s own attributes (`_ctx`,
`_executor`, `_mailers`, `_session`, `_call(work, write=)`, `_require_session()`):
`class LocalGateway(AccountsGatewayMixin, ...)` gives it these methods. `AccountsGateway`
is what the widgets of this part may ask; a `SyncedGateway` will implement it too.

Recovery and profile services commit themselves, also when they refuse (the attempt
counts): they always get a write unit of work. The terminal is the computer's name.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Protocol, TypeVar

from famdesk.services import account_facts, families, profile, recovery
from famdesk.services.account_facts import RecordFacts
from famdesk.services.auth import SessionInfo
from famdesk.services.families import (
    ChildDetails,
    FamilyDetails,
    FamilyHit,
    FamilyRecord,
    OneTimePassword,
)
from famdesk.services.outbox import MailerFactory, smtp_mailers
from famdesk.services.profile import Profile
from famdesk.services.recovery import CodeSent, RecoveryOptions

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    from famdesk.bootstrap import AppContext
    from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

T = TypeVar("T")

REMEMBERED_LOGIN = "remembered_login"
"""The SecretStore entry of a staff PC's remembered login (a name, not a secret)."""


class AccountsGateway(Protocol):
    """What the accounts and family-file widgets may ask of the core."""

    kiosk: bool
    """A shared kiosk: nothing is remembered between sessions."""

    @property
    def session(self) -> SessionInfo | None: ...

    # -- "Le retrouver" (no session) ----------------------------------------------
    async def recovery_options(self, login: str) -> RecoveryOptions: ...
    async def reset_with_answer(self, login: str, answer: str, new_password: str) -> None: ...
    async def send_code(self, login: str) -> CodeSent: ...
    async def reset_with_code(self, login: str, code: str, new_password: str) -> None: ...

    # -- "Profil" (the session's own account) -------------------------------------
    async def profile(self) -> Profile: ...
    async def change_password(self, current: str, new: str) -> None: ...
    async def change_email(self, email: str | None) -> str | None: ...
    async def change_security_question(
        self, current_password: str, question: str, answer: str
    ) -> None: ...
    async def set_first_password(self, one_time_password: str, new: str) -> SessionInfo: ...

    # -- the front desk's family files --------------------------------------------
    async def search_families(
        self, structure_id: int, text: str, limit: int = 50
    ) -> tuple[FamilyHit, ...]: ...
    async def family_record(self, family_id: int) -> FamilyRecord: ...
    async def record_facts(self, structure_id: int) -> RecordFacts: ...
    async def save_family(
        self, structure_id: int, details: FamilyDetails, family_id: int | None = None
    ) -> int: ...
    async def set_quotient(
        self, family_id: int, value: int, valid_from: date, valid_until: date | None = None
    ) -> int: ...
    async def save_child(
        self, family_id: int, details: ChildDetails, child_id: int | None = None
    ) -> int: ...
    async def register(
        self, child_id: int, activity_id: int, starts_on: date, ends_on: date
    ) -> int: ...
    async def unregister(self, registration_id: int) -> None: ...
    async def create_family_account(self, family_id: int, login: str) -> OneTimePassword: ...
    async def reset_family_password(self, family_id: int) -> OneTimePassword: ...

    # -- the PC --------------------------------------------------------------------
    async def kiosk_idle_seconds(self, structure_id: int) -> int: ...
    async def remembered_login(self) -> str | None: ...
    async def remember_login(self, login: str | None) -> None: ...
    def enter_kiosk_mode(self) -> None: ...


class AccountsGatewayMixin:
    """`AccountsGateway` over `LocalGateway`'s worker thread and units of work."""

    kiosk: bool = False

    if TYPE_CHECKING:  # provided by LocalGateway
        _ctx: AppContext
        _executor: ThreadPoolExecutor
        _mailers: MailerFactory | None
        _session: SessionInfo | None

        async def _call(self, work: Callable[[UnitOfWork], T], *, write: bool = False) -> T: ...

        def _require_session(self) -> SessionInfo: ...

    # -- "Le retrouver" ---------------------------------------------------------------

    async def recovery_options(self, login: str) -> RecoveryOptions:
        clock, terminal = self._ctx.clock, self._ctx.terminal
        return await self._call(
            lambda uow: recovery.recovery_options(uow, clock, login, terminal), write=True
        )

    async def reset_with_answer(self, login: str, answer: str, new_password: str) -> None:
        clock, terminal = self._ctx.clock, self._ctx.terminal
        await self._call(
            lambda uow: recovery.reset_with_answer(
                uow, clock, login, answer, new_password, terminal
            ),
            write=True,
        )

    async def send_code(self, login: str) -> CodeSent:
        clock, terminal = self._ctx.clock, self._ctx.terminal
        mailers = self._mailers or smtp_mailers(self._ctx.secrets)
        return await self._call(
            lambda uow: recovery.send_code(uow, clock, mailers, login, terminal), write=True
        )

    async def reset_with_code(self, login: str, code: str, new_password: str) -> None:
        clock, terminal = self._ctx.clock, self._ctx.terminal
        await self._call(
            lambda uow: recovery.reset_with_code(uow, clock, login, code, new_password, terminal),
            write=True,
        )

    # -- "Profil" ---------------------------------------------------------------------

    async def profile(self) -> Profile:
        session = self._require_session()
        return await self._call(lambda uow: profile.profile(uow, session))

    async def change_password(self, current: str, new: str) -> None:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        await self._call(
            lambda uow: profile.change_password(
                uow, clock, session, current, new, terminal=terminal
            ),
            write=True,
        )

    async def change_email(self, email: str | None) -> str | None:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        return await self._call(
            lambda uow: profile.change_email(uow, clock, session, email, terminal=terminal),
            write=True,
        )

    async def change_security_question(
        self, current_password: str, question: str, answer: str
    ) -> None:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        await self._call(
            lambda uow: profile.change_security_question(
                uow, clock, session, current_password, question, answer, terminal=terminal
            ),
            write=True,
        )

    async def set_first_password(self, one_time_password: str, new: str) -> SessionInfo:
        """Replaces the one-time password; the gateway keeps the session it returns."""
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        updated = await self._call(
            lambda uow: profile.set_first_password(
                uow, clock, session, one_time_password, new, terminal=terminal
            ),
            write=True,
        )
        if self._session is not None and self._session.account_id == updated.account_id:
            self._session = updated
        return updated

    # -- family files -----------------------------------------------------------------

    async def search_families(
        self, structure_id: int, text: str, limit: int = 50
    ) -> tuple[FamilyHit, ...]:
        session = self._require_session()
        return await self._call(
            lambda uow: families.search_families(uow, session, structure_id, text, limit)
        )

    async def family_record(self, family_id: int) -> FamilyRecord:
        session = self._require_session()
        return await self._call(lambda uow: families.family_record(uow, session, family_id))

    async def record_facts(self, structure_id: int) -> RecordFacts:
        """The structure's today and activities, for a family file's forms."""
        session = self._require_session()
        clock = self._ctx.clock
        return await self._call(
            lambda uow: account_facts.record_facts(uow, clock, session, structure_id)
        )

    async def save_family(
        self, structure_id: int, details: FamilyDetails, family_id: int | None = None
    ) -> int:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        return await self._call(
            lambda uow: families.save_family(
                uow, clock, session, structure_id, details, family_id, terminal=terminal
            ),
            write=True,
        )

    async def set_quotient(
        self, family_id: int, value: int, valid_from: date, valid_until: date | None = None
    ) -> int:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        return await self._call(
            lambda uow: families.set_quotient(
                uow, clock, session, family_id, value, valid_from, valid_until,
                terminal=terminal,
            ),
            write=True,
        )

    async def save_child(
        self, family_id: int, details: ChildDetails, child_id: int | None = None
    ) -> int:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        return await self._call(
            lambda uow: families.save_child(
                uow, clock, session, family_id, details, child_id, terminal=terminal
            ),
            write=True,
        )

    async def register(
        self, child_id: int, activity_id: int, starts_on: date, ends_on: date
    ) -> int:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        return await self._call(
            lambda uow: families.register(
                uow, clock, session, child_id, activity_id, starts_on, ends_on,
                terminal=terminal,
            ),
            write=True,
        )

    async def unregister(self, registration_id: int) -> None:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        await self._call(
            lambda uow: families.unregister(
                uow, clock, session, registration_id, terminal=terminal
            ),
            write=True,
        )

    async def create_family_account(self, family_id: int, login: str) -> OneTimePassword:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        return await self._call(
            lambda uow: families.create_family_account(
                uow, clock, session, family_id, login, terminal=terminal
            ),
            write=True,
        )

    async def reset_family_password(self, family_id: int) -> OneTimePassword:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        return await self._call(
            lambda uow: families.reset_family_password(
                uow, clock, session, family_id, terminal=terminal
            ),
            write=True,
        )

    # -- the PC -----------------------------------------------------------------------

    async def kiosk_idle_seconds(self, structure_id: int) -> int:
        session = self._require_session()
        return await self._call(
            lambda uow: account_facts.kiosk_idle_seconds(uow, session, structure_id)
        )

    async def remembered_login(self) -> str | None:
        """The login this staff PC remembers (never on a kiosk)."""
        if self.kiosk:
            return None
        secrets = self._ctx.secrets
        return await self._off_thread(lambda: secrets.get(REMEMBERED_LOGIN))

    async def remember_login(self, login: str | None) -> None:
        """Remember `login` on this PC for the next start; None (or a kiosk) forgets it.
        A keyring that refuses is logged, not shown: remembering is a convenience."""
        secrets = self._ctx.secrets
        login = (login or "").strip() or None
        if self.kiosk or login is None:
            await self._off_thread(lambda: secrets.delete(REMEMBERED_LOGIN))
            return

        def store() -> None:
            try:
                secrets.set(REMEMBERED_LOGIN, login)
            except Exception as exc:  # keyring backends raise their own errors
                log.warning("the login could not be remembered: %s", type(exc).__name__)

        await self._off_thread(store)

    def enter_kiosk_mode(self) -> None:
        """From now on nothing is remembered; a login remembered before is forgotten."""
        self.kiosk = True
        self._executor.submit(self._ctx.secrets.delete, REMEMBERED_LOGIN)
        log.info("kiosk mode: no login is remembered on this computer")

    async def _off_thread(self, work: Callable[[], T]) -> T:
        """Keyring calls may block (D-Bus, a locked wallet): on the worker thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, work)
