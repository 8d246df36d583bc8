"""The gateway's import of families from a spreadsheet (managers: "Importer des familles").

`AdminImportGatewayMixin` is written against `LocalGateway`'s own attributes (`_ctx`,
`_call(work, write=)`, `_require_session()`): `class LocalGateway(AdminImportGatewayMixin,
...)` gives it these methods. `AdminImportGateway` is what the import dialog may ask; a
`SyncedGateway` will implement it too (the file's bytes travel, never a path). The import
commits itself: it gets a write unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from famdesk.services import family_import as service
from famdesk.services.auth import SessionInfo
from famdesk.services.family_import import FamilyImportReport

if TYPE_CHECKING:
    from famdesk.bootstrap import AppContext
    from famdesk.services.uow import UnitOfWork

T = TypeVar("T")


class AdminImportGateway(Protocol):
    """What the import dialog may ask of the core."""

    @property
    def session(self) -> SessionInfo | None: ...

    async def check_family_import(self, structure_id: int, data: bytes) -> FamilyImportReport:
        """The dry run: every rejected line, and what the file would create; writes nothing."""
        ...

    async def import_families(
        self, structure_id: int, data: bytes, source: str = ""
    ) -> FamilyImportReport:
        """All or nothing: raises `ImportRejectedError` (with its report) when a line is
        rejected. `source` is the file's name, for the audit trail."""
        ...


class AdminImportGatewayMixin:
    """The import services on `LocalGateway`'s worker thread."""

    if TYPE_CHECKING:  # provided by LocalGateway
        _ctx: AppContext

        async def _call(self, work: Callable[[UnitOfWork], T], *, write: bool = False) -> T: ...

        def _require_session(self) -> SessionInfo: ...

    async def check_family_import(self, structure_id: int, data: bytes) -> FamilyImportReport:
        session = self._require_session()
        clock = self._ctx.clock
        return await self._call(
            lambda uow: service.check_family_import(uow, clock, session, structure_id, data)
        )

    async def import_families(
        self, structure_id: int, data: bytes, source: str = ""
    ) -> FamilyImportReport:
        session = self._require_session()
        clock = self._ctx.clock
        terminal = self._ctx.terminal
        return await self._call(
            lambda uow: service.import_families(uow, clock, session, structure_id, data,
                                                terminal=terminal, source=source),
            write=True,
        )
