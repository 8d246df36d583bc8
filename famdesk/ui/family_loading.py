"""The load-when-shown part of the family tabs' protocol (`family_panels.FamilyPanel`),
shared by the tabs that first ask for the family (`gateway.booking_family`) and then for
their own view of it (`load_view`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from famdesk.services.booking_info import BookingFamily


class FamilyLoading:
    """Mixed into a family tab (before its Qt base) that keeps `_structure_id`, `_stale`,
    `family`, `_gateway` and `_submit(call, done, failed)`, and defines `set_family`,
    `_on_load_failed` and `load_view`."""

    _structure_id: int | None
    _stale: bool
    family: BookingFamily | None
    _gateway: Any

    def mark_stale(self) -> None:
        self._stale = self._structure_id is not None

    def ensure_loaded(self) -> None:
        if self._stale:
            self.reload()

    def reload(self) -> None:
        self._stale = False
        if self.family is None and self._structure_id is not None:
            self._submit(self._gateway.booking_family(self._structure_id),  # type: ignore[attr-defined]
                         self.set_family, self._on_load_failed)  # type: ignore[attr-defined]
        else:
            self.load_view()

    def load_view(self) -> None:
        """Ask for the tab's own view of the family loaded."""
        raise NotImplementedError
