"""Staff acting for one family at a time.

The "Families" tab finds the family (`FamilySearchPanel`); opening it asks the service for
it (`booking_family`), shows the banner "Vous agissez pour la famille MARTIN" and hands
the family to every family tab, which then appear, the calendar first. "Leave" (or another
structure, or the logout) clears those tabs and hides them again: no empty tab, nothing of
the family left in them. The family file (`FamilyRecordDialog`) opens from the search or
the banner; a save searches again and, for the family acted for, refreshes its tabs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import cast

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QTabWidget, QWidget

from famdesk.i18n import _
from famdesk.services.booking_info import BookingFamily
from famdesk.services.draft import Draft
from famdesk.services.family_search import FamilyHit
from famdesk.ui.acting_banner import ActingBanner
from famdesk.ui.calendar.flows import ask_to_drop
from famdesk.ui.calendar.panel import BookingPanel
from famdesk.ui.errors import present_error
from famdesk.ui.family_panels import FamilyPanel
from famdesk.ui.family_record_dialog import FamilyRecordDialog
from famdesk.ui.family_search_panel import FamilySearchPanel
from famdesk.ui.gateway import Gateway
from famdesk.ui.gateway_accounts import AccountsGateway
from famdesk.ui.models.family_model import family_name
from famdesk.ui.runner import Job, Runner

log = logging.getLogger(__name__)


class FrontDesk(QObject):
    """Owns the "Families" tab (put before the family `panels` of `tabs`), the banner (the
    window places it) and the family file; shows the family tabs only while acting for a
    family."""

    family_shown = Signal(object)
    """The `BookingFamily` now in every family tab."""
    family_left = Signal()

    def __init__(
        self, gateway: Gateway, runner: Runner, tabs: QTabWidget,
        panels: Sequence[QWidget], window: QWidget,
    ) -> None:
        super().__init__(window)
        self._gateway = gateway
        self._runner = runner
        self._tabs = tabs
        self._panels = tuple(panels)
        self._window = window
        self._structure_id: int | None = None
        self._request = 0
        self._job: Job | None = None
        self.family: BookingFamily | None = None
        self.record_dialog: FamilyRecordDialog | None = None
        accounts = cast(AccountsGateway, gateway)
        self.search_panel = FamilySearchPanel(accounts, runner)
        self.banner = ActingBanner()
        self.drop_box: QMessageBox | None = None
        self.search_panel.family_opened.connect(self._on_search_panel_family_opened)
        self.search_panel.record_requested.connect(self.open_record)
        self.search_panel.new_family_requested.connect(self._on_search_panel_new_family_requested)
        self.banner.left.connect(self._on_banner_left)
        self.banner.record_requested.connect(self.open_record)
        first = tabs.indexOf(self._panels[0]) if self._panels else tabs.count()
        tabs.insertTab(first if first >= 0 else tabs.count(), self.search_panel, _("Families"))
        self._show_family_tabs(False)

    # -- state ----------------------------------------------------------------------

    def set_structure(self, structure_id: int | None) -> None:
        """Another structure: stop acting, close the file, search its families."""
        self.leave()
        self._close_record()
        self._structure_id = structure_id
        self.search_panel.set_structure(structure_id)

    def family_id(self) -> int | None:
        return self.banner.family_id()

    def open_family(self, hit: FamilyHit) -> None:
        """Act for `hit`'s family: the banner at once, its tabs once the service answers."""
        if self._structure_id is None:
            return
        if self.family is not None and self.family.family_id != hit.family_id:
            self.leave()
        log.info("the desk acts for family %s", hit.family_id)
        self.banner.set_family(hit.family_id, family_name(hit.holder_name))
        self._load(hit.family_id, show_calendar=True)

    def leave(self) -> None:
        """Stop acting for the family: its tabs forget it and hide, the banner goes."""
        self._request += 1
        if self._job is not None:
            self._job.cancel()
            self._job = None
        was_acting = self.family is not None or self.banner.family_id() is not None
        self.family = None
        self.banner.clear()
        for panel in self._panels:
            cast(FamilyPanel, panel).clear()
        if self._tabs.currentWidget() in self._panels:
            self._tabs.setCurrentWidget(self.search_panel)  # before its tab hides
        self._show_family_tabs(False)
        if was_acting:
            log.info("the desk stopped acting for a family")
            self.family_left.emit()

    def clear(self) -> None:
        """The session ended: nothing searched, acted for or opened remains."""
        if self.drop_box is not None:
            self.drop_box.close()
            self.drop_box = None
        self.leave()
        self._close_record()
        self.search_panel.clear()
        self._structure_id = None

    # -- loading --------------------------------------------------------------------

    def _load(self, family_id: int, *, show_calendar: bool) -> None:
        assert self._structure_id is not None
        self._request += 1
        request = self._request
        if self._job is not None:
            self._job.cancel()
        self._job = self._runner.submit(
            self._gateway.booking_family(self._structure_id, family_id),
            lambda family: self._on_family_loaded(request, family, show_calendar),
            lambda exc: self._on_family_failed(request, exc),
        )

    def _on_family_loaded(self, request: int, family: BookingFamily, show_calendar: bool) -> None:
        if request != self._request:
            return  # left, or another family opened meanwhile
        self._job = None
        self.family = family
        self.banner.set_family(family.family_id, family_name(family.family_name))
        for panel in self._panels:
            cast(FamilyPanel, panel).set_family(family)
        self._show_family_tabs(True)
        if show_calendar and self._panels:
            self._tabs.setCurrentWidget(self._panels[0])
        current = self._tabs.currentWidget()
        if current in self._panels:
            cast(FamilyPanel, current).ensure_loaded()
        self.family_shown.emit(family)

    def _on_family_failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self._job = None
        self.leave()
        present_error(self.search_panel, exc)

    def _show_family_tabs(self, visible: bool) -> None:
        for panel in self._panels:
            self._tabs.setTabVisible(self._tabs.indexOf(panel), visible)

    # -- the family file ------------------------------------------------------------

    def open_record(self, family_id: int | None = None) -> None:
        """The family file of `family_id` (None: a new family), non-modal, one at a time."""
        if self._structure_id is None:
            return
        self._close_record()
        dialog = FamilyRecordDialog(cast(AccountsGateway, self._gateway), self._runner,
                                    self._structure_id, family_id, self._window)
        dialog.family_saved.connect(self._on_record_dialog_family_saved)
        self.record_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _close_record(self) -> None:
        dialog, self.record_dialog = self.record_dialog, None
        if dialog is not None:
            dialog.close()  # it forgets the family when it finishes
            dialog.clear()
            dialog.deleteLater()

    def _on_search_panel_family_opened(self, hit: FamilyHit) -> None:
        if self.family is not None and self.family.family_id == hit.family_id:
            self.open_family(hit)
        else:
            self._after_asking(lambda: self.open_family(hit))

    def _on_banner_left(self) -> None:
        self._after_asking(self.leave)

    def _after_asking(self, then: Callable[[], object]) -> None:
        """`then()` at once, or once the desk agreed to drop the family's changes not
        confirmed yet (leaving a family, or acting for another, forgets its draft)."""
        pending = sum(len(draft) for draft in self._drafts())
        if not pending:
            then()
            return
        self.drop_box = ask_to_drop(self._tabs, pending, then)

    def _drafts(self) -> list[Draft]:
        return [panel.draft for panel in self._panels
                if isinstance(panel, BookingPanel) and panel.draft.lines]

    def _on_search_panel_new_family_requested(self) -> None:
        self.open_record(None)

    def _on_record_dialog_family_saved(self, family_id: int) -> None:
        self.search_panel.search_now()  # a name, a child or a login may have changed
        if self.family is not None and self.family.family_id == family_id:
            self._load(family_id, show_calendar=False)
