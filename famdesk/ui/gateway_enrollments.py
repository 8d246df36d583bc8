"""The gateway's annual enrollments ("Inscriptions à l'année").

`EnrollmentsGatewayMixin` is written against `LocalGateway`'s own attributes (`_ctx`,
`_call(work, write=)`, `_require_session()`): `class LocalGateway(EnrollmentsGatewayMixin,
...)` gives it these methods. `EnrollmentsGateway` is what the enrollment tab may ask; a
`SyncedGateway` will implement it too. The services that change an enrollment commit
themselves: they get a write unit of work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, time
from typing import TYPE_CHECKING, Protocol, TypeVar

from famdesk.services import enrollments as service
from famdesk.services.auth import SessionInfo
from famdesk.services.booking_info import BookingFamily
from famdesk.services.enrollments import EnrollmentForm, EnrollmentLine

if TYPE_CHECKING:
    from famdesk.bootstrap import AppContext
    from famdesk.services.uow import UnitOfWork

log = logging.getLogger(__name__)

T = TypeVar("T")

EnrollmentPage = tuple[EnrollmentForm, tuple[EnrollmentLine, ...]]
"""What the tab shows for one child: the form's choices and the child's enrollments."""


class EnrollmentsGateway(Protocol):
    """What the enrollment tab may ask of the core."""

    @property
    def session(self) -> SessionInfo | None: ...

    async def booking_family(
        self, structure_id: int, family_id: int | None = None
    ) -> BookingFamily:
        """The account's family (its children); staff give `family_id`."""
        ...

    async def enrollment_page(self, child_id: int) -> EnrollmentPage:
        """The form's choices for the child and the child's enrollments, read together."""
        ...

    async def create_enrollment(
        self,
        child_id: int,
        activity_id: int,
        starts_on: date,
        ends_on: date | None,
        weekdays: Iterable[int],
        every_other_week: bool,
        arrival: time | None,
        departure: time | None,
    ) -> EnrollmentLine: ...

    async def change_enrollment_end(self, enrollment_id: int, ends_on: date | None) -> EnrollmentLine:
        """Another end (None: the school year's end), no earlier than the lead time."""
        ...

    async def stop_enrollment(self, enrollment_id: int, stops_on: date | None = None) -> EnrollmentLine:
        """Stop from `stops_on` (by default the earliest day the lead time allows)."""
        ...


class EnrollmentsGatewayMixin:
    """The enrollment services on `LocalGateway`'s worker thread."""

    if TYPE_CHECKING:  # provided by LocalGateway
        _ctx: AppContext

        async def _call(self, work: Callable[[UnitOfWork], T], *, write: bool = False) -> T: ...

        def _require_session(self) -> SessionInfo: ...

    async def enrollment_page(self, child_id: int) -> EnrollmentPage:
        session = self._require_session()
        clock = self._ctx.clock

        def work(uow: UnitOfWork) -> EnrollmentPage:
            form = service.enrollment_form(uow, clock, session, child_id)
            return form, service.enrollments(uow, clock, session, child_id)

        return await self._call(work)

    async def create_enrollment(
        self,
        child_id: int,
        activity_id: int,
        starts_on: date,
        ends_on: date | None,
        weekdays: Iterable[int],
        every_other_week: bool,
        arrival: time | None,
        departure: time | None,
    ) -> EnrollmentLine:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        days = tuple(weekdays)
        return await self._call(
            lambda uow: service.create_enrollment(
                uow, clock, session, child_id, activity_id, starts_on, ends_on, days,
                every_other_week, arrival, departure, terminal=terminal),
            write=True,
        )

    async def change_enrollment_end(self, enrollment_id: int, ends_on: date | None) -> EnrollmentLine:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        return await self._call(
            lambda uow: service.change_enrollment_end(uow, clock, session, enrollment_id, ends_on,
                                                      terminal=terminal),
            write=True,
        )

    async def stop_enrollment(self, enrollment_id: int, stops_on: date | None = None) -> EnrollmentLine:
        session = self._require_session()
        clock, terminal = self._ctx.clock, self._ctx.terminal
        return await self._call(
            lambda uow: service.stop_enrollment(uow, clock, session, enrollment_id, stops_on,
                                                terminal=terminal),
            write=True,
        )
