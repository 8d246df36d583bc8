"""What the two money tabs share: the family-tab protocol, and their titles.

`set_structure(structure_id)`: a family account's structure (the tab shows the account's
own family there). `set_family(family)`: the family shown — a `BookingFamily` (the front
desk's, which carries its structure), a family id, or None (the logged-in family's own).
`mark_stale()`, `ensure_loaded()`: ask again when shown. `clear()` (the panel's own) drops
every trace of the family.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from famdesk.i18n import N_

if TYPE_CHECKING:
    from famdesk.services.booking_info import BookingFamily

BALANCES_TAB = N_("Balances and payments")
"""The title of the "Soldes et paiements" tab (an English msgid)."""
HISTORIES_TAB = N_("Histories")
"""The title of the "Historiques" tab (an English msgid)."""


class MoneyPanelState:
    """The protocol over `_structure_id`, `family_id` and `_stale`; the widget gives
    `clear()` and `reload()`."""

    _structure_id: int | None = None
    family_id: int | None = None
    _stale: bool = False

    def clear(self) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    @property
    def structure_id(self) -> int | None:
        return self._structure_id

    def set_structure(self, structure_id: int | None) -> None:
        """Another structure: its wallets differ; the family is the account's own again."""
        self.clear()
        self._structure_id = structure_id
        self._stale = structure_id is not None

    def set_family(self, family: BookingFamily | int | None) -> None:
        """The family shown (see the module's docstring)."""
        structure_id = self._structure_id
        family_id = family if family is None or isinstance(family, int) else family.family_id
        if family is not None and not isinstance(family, int):
            structure_id = family.structure_id
        self.clear()
        self._structure_id, self.family_id = structure_id, family_id
        self._stale = structure_id is not None

    def mark_stale(self) -> None:
        """Something changed (a payment, a booking): ask again when next shown."""
        self._stale = self._structure_id is not None

    def ensure_loaded(self) -> None:
        if self._stale:
            self.reload()
