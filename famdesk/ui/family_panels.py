"""The tabs about one family: a family account's own, or the one the front desk acts for.

Each is a widget that follows the same protocol (`FamilyPanel`); the main window builds
one per entry of `FAMILY_TABS`, in that order, for every account. Adding a tab is one
more line there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QWidget

from famdesk.i18n import N_
from famdesk.ui.balances_panel import BalancesPanel
from famdesk.ui.calendar.panel import BookingPanel
from famdesk.ui.enrollment_panel import EnrollmentPanel
from famdesk.ui.history_panel import HistoryPanel
from famdesk.ui.money_panels import BALANCES_TAB, HISTORIES_TAB
from famdesk.ui.tracking_panel import TrackingPanel

if TYPE_CHECKING:
    from famdesk.services.booking_info import BookingFamily
    from famdesk.ui.gateway import Gateway
    from famdesk.ui.runner import Runner


class FamilyPanel(Protocol):
    """What the main window and the front desk ask of a family tab."""

    def set_structure(self, structure_id: int | None) -> None:
        """A family account's structure: the panel asks for the account's own family there."""
        ...

    def set_family(self, family: BookingFamily) -> None:
        """Staff: the family they act for (its structure comes with it)."""
        ...

    def mark_stale(self) -> None:
        """Something changed: ask again when next shown."""
        ...

    def ensure_loaded(self) -> None:
        """The tab is shown: ask now if stale."""
        ...

    def clear(self) -> None:
        """Forget the family (logout, leaving it); late answers are ignored."""
        ...


@dataclass(frozen=True)
class FamilyTab:
    title: str
    """English msgid of the tab's title (translated when the tab is made)."""
    make: Callable[[Gateway, Runner], QWidget]
    """Builds the panel (a `FamilyPanel`)."""


FAMILY_TABS: tuple[FamilyTab, ...] = (
    FamilyTab(N_("Booking management"), BookingPanel),
    FamilyTab(N_("Booking requests"), TrackingPanel),
    FamilyTab(N_("Annual enrollments"), EnrollmentPanel),  # type: ignore[arg-type]
    FamilyTab(BALANCES_TAB, BalancesPanel),
    FamilyTab(HISTORIES_TAB, HistoryPanel),
)
