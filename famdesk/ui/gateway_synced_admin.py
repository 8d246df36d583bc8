"""The back office ("Paramétrage") and the families import through the synced gateway.

`famdesk serve` has no routes for them (yet): a manager sets the town up from a desk
connected to the database itself (`famdesk --database postgresql+psycopg://...`). Every
method of `AdminGateway` (the import's included) is here: `today` through the family
files' route, the others refuse with that sentence instead of failing as a missing method
would.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from datetime import date
from typing import TYPE_CHECKING, Any

from famdesk.errors import FamdeskError
from famdesk.i18n import _
from famdesk.ui.gateway_admin import AdminGateway

if TYPE_CHECKING:
    from famdesk.services.account_facts import RecordFacts


class NotThroughServerError(FamdeskError):
    """Something the famdesk server does not offer."""


def not_through_server() -> NotThroughServerError:
    return NotThroughServerError(_(
        "The set-up screens work on a computer connected to the database (famdesk "
        "--database postgresql+psycopg://...), not through the famdesk server."))


def protocol_methods(protocol: type) -> tuple[str, ...]:
    """The coroutine methods `protocol` (and the protocols it extends) declares."""
    names: set[str] = set()
    for kind in protocol.__mro__:
        if kind is object or not getattr(kind, "_is_protocol", False):
            continue
        names |= {name for name, value in vars(kind).items()
                  if not name.startswith("_") and inspect.iscoroutinefunction(value)}
    return tuple(sorted(names))




def _refusal(name: str) -> Callable[..., Coroutine[Any, Any, Any]]:
    async def refuse(self: object, *args: object, **kwargs: object) -> Any:
        raise not_through_server()

    refuse.__name__ = refuse.__qualname__ = name
    refuse.__doc__ = "Not offered by famdesk serve: raises `NotThroughServerError`."
    return refuse


class SyncedAdminMixin:
    """`AdminGateway`'s methods (see the module's docstring)."""

    if TYPE_CHECKING:  # provided by SyncedAccountsMixin
        async def record_facts(self, structure_id: int) -> RecordFacts: ...

    async def today(self, structure_id: int) -> date:
        """The structure's date now (its time zone, the server's clock)."""
        return (await self.record_facts(structure_id)).today


UNAVAILABLE = frozenset(name for name in protocol_methods(AdminGateway)
                        if not hasattr(SyncedAdminMixin, name))
"""The `AdminGateway` methods the server does not offer."""

for _name in UNAVAILABLE:
    setattr(SyncedAdminMixin, _name, _refusal(_name))
