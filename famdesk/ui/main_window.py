"""The logged-in window: the header families know, then one tab per part of the portal.

A family account gets "Home", its family tabs (`FAMILY_TABS`: "Bookings", "Booking
requests", ...) and "Profile". Staff get "Home", "Families" (`FrontDesk`: the search, then
the banner and the same family tabs for the family they act for), "Profile", a "Transmit"
button in the header and, in the status bar, the e-mails that could not be sent.
"""

from __future__ import annotations

import functools
import logging
from typing import TypeVar, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _, ngettext
from famdesk.models.enums import Role
from famdesk.services.auth import SessionInfo
from famdesk.services.home import HomePage
from famdesk.services.outbox import OutboxFailure
from famdesk.ui.admin import AdminPanel
from famdesk.ui.calendar.panel import BookingPanel
from famdesk.ui.enrollment_panel import EnrollmentPanel
from famdesk.ui.errors import clear_retry_notice, present_error
from famdesk.ui.family_panels import FAMILY_TABS, FamilyPanel
from famdesk.ui.formats import last_update_text
from famdesk.ui.front_desk import FrontDesk
from famdesk.ui.gateway import Gateway
from famdesk.ui.home_panel import HomePanel
from famdesk.ui.profile_panel import ProfilePanel
from famdesk.ui.runner import Job, Runner
from famdesk.ui.tracking_panel import TrackingPanel
from famdesk.ui.transmission_dialog import OutboxFailuresDialog, TransmissionDialog

log = logging.getLogger(__name__)

T = TypeVar("T")


class MainWindow(QMainWindow):
    """Shows `session`'s portal; emits `logged_out()` once the gateway forgot the session."""

    logged_out = Signal()
    structure_changed = Signal(int)

    def __init__(
        self,
        gateway: Gateway,
        runner: Runner,
        session: SessionInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self._runner = runner
        self._session: SessionInfo | None = session
        self._structure_id: int | None = None
        self._request = 0
        self._jobs: list[Job] = []
        self.setWindowTitle(_("Family portal"))
        self.setMinimumSize(720, 480)

        self.user_label = QLabel()
        self.user_label.setObjectName("userName")
        self.logout_button = QPushButton(_("Log out"))
        self.logout_button.setObjectName("logoutButton")
        self.logout_button.clicked.connect(self._on_logout_button_clicked)
        self.structure_combo = QComboBox()
        self.structure_combo.setObjectName("structureCombo")
        self.structure_combo.setAccessibleName(_("Structure"))
        self.structure_label = QLabel()
        self.structure_label.setObjectName("structureName")
        self.last_update_label = QLabel()
        self.last_update_label.setObjectName("lastUpdate")
        self.transmit_button: QPushButton | None = None
        self.transmission_dialog: TransmissionDialog | None = None
        self.failures_dialog: OutboxFailuresDialog | None = None
        self._failures: tuple[OutboxFailure, ...] = ()

        header = QFrame()
        header.setObjectName("headerBand")
        grid = QGridLayout(header)
        grid.setContentsMargins(20, 10, 20, 10)
        grid.setHorizontalSpacing(12)
        title = QLabel(_("Family portal"))
        title.setObjectName("appTitle")
        grid.addWidget(title, 0, 0, 1, 3)
        grid.addWidget(self.user_label, 0, 4)
        grid.addWidget(self.logout_button, 0, 5)
        structure_row = QHBoxLayout()
        structure_row.setSpacing(8)
        structure_caption = QLabel(_("Structure:"))
        structure_caption.setBuddy(self.structure_combo)
        structure_row.addWidget(structure_caption)
        structure_row.addWidget(self.structure_combo)
        structure_row.addWidget(self.structure_label)
        grid.addLayout(structure_row, 1, 0, 1, 3)
        if session.is_staff:
            self.transmit_button = QPushButton(_("Transmit"))
            self.transmit_button.setObjectName("transmitButton")
            self.transmit_button.setToolTip(
                _("Run the transmission now: mark the requests, e-mail the reports")
            )
            self.transmit_button.clicked.connect(self._on_transmit_button_clicked)
            grid.addWidget(self.last_update_label, 1, 4)
            grid.addWidget(self.transmit_button, 1, 5)
        else:
            grid.addWidget(self.last_update_label, 1, 4, 1, 2)
        grid.setColumnStretch(3, 1)

        self.home_panel = HomePanel()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.home_panel, _("Home"))
        self.family_panels: tuple[QWidget, ...] = tuple(
            tab.make(gateway, runner) for tab in FAMILY_TABS)
        for tab, panel in zip(FAMILY_TABS, self.family_panels, strict=True):
            self.tabs.addTab(panel, _(tab.title))
        # staff: "Families" before the family tabs, which hide until a family is opened
        self.front_desk = (FrontDesk(gateway, runner, self.tabs, self.family_panels, self)
                           if session.is_staff else None)
        self.booking_panel = self.family_panel(BookingPanel)
        self.tracking_panel = self.family_panel(TrackingPanel)
        self.enrollment_panel = self.family_panel(EnrollmentPanel)
        if self.booking_panel is not None:
            self.booking_panel.tracking_requested.connect(self._on_booking_panel_tracking_requested)
            self.booking_panel.reservations_confirmed.connect(
                self._on_booking_panel_reservations_confirmed)
        if self.enrollment_panel is not None:
            self.enrollment_panel.calendar_requested.connect(
                self._on_enrollment_panel_calendar_requested)
        for panel in self.family_panels:  # a payment in one money tab: the others ask again
            changed = getattr(panel, "money_changed", None)
            if changed is not None:
                changed.connect(functools.partial(self._on_money_changed, panel))
        # managers: "Paramétrage", the back office of the structure chosen
        self.admin_panel = (AdminPanel(gateway, runner)
                            if session.role is Role.ADMIN else None)
        if self.admin_panel is not None:
            self.tabs.addTab(self.admin_panel, _("Settings"))
            self.admin_panel.settings_changed.connect(self._on_admin_panel_settings_changed)
            self.admin_panel.structure_renamed.connect(self._on_admin_panel_structures_changed)
            self.admin_panel.structure_created.connect(self._on_admin_panel_structures_changed)
        self.profile_panel = ProfilePanel(gateway, runner)  # type: ignore[arg-type]
        self.tabs.addTab(self.profile_panel, _("Profile"))
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        if self.front_desk is not None:
            banner_row = QHBoxLayout()
            banner_row.setContentsMargins(12, 8, 12, 0)
            banner_row.addWidget(self.front_desk.banner)
            layout.addLayout(banner_row)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.failures_label = QLabel()
        self.failures_label.setObjectName("outboxFailures")
        self.failures_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.failures_label.linkActivated.connect(self._on_failures_label_link_activated)
        self.failures_label.hide()
        self.statusBar().addPermanentWidget(self.failures_label)

        self._fill_structures(session)
        self.structure_combo.currentIndexChanged.connect(
            self._on_structure_combo_current_index_changed
        )
        if session.structures:
            self._select_structure(session.structures[0].id)
        else:
            self.user_label.setText(session.display_name)
            self.last_update_label.clear()
            self.statusBar().showMessage(_("This account is not linked to any structure."))

    # -- header -----------------------------------------------------------------

    def _fill_structures(self, session: SessionInfo) -> None:
        # the name shown comes with the home page (a family: its holder, "M. MARTIN Hugo")
        self.structure_combo.clear()
        for choice in session.structures:
            self.structure_combo.addItem(choice.name, choice.id)
        several = len(session.structures) > 1
        self.structure_combo.setVisible(several)
        self.structure_label.setVisible(not several)
        self.structure_label.setText(
            session.structures[0].name if len(session.structures) == 1 else ""
        )

    def current_structure_id(self) -> int | None:
        return self._structure_id

    def family_panel(self, kind: type[T]) -> T | None:
        """The family tab of that class (None when there is none)."""
        return next((p for p in self.family_panels if isinstance(p, kind)), None)

    def _select_structure(self, structure_id: int) -> None:
        """Every view follows: the home page, the family tabs (staff: the search; acting for
        a family of the structure left ends), the e-mails that failed."""
        self._structure_id = structure_id
        if self.front_desk is not None:
            self.front_desk.set_structure(structure_id)
        else:
            for panel in self.family_panels:
                cast(FamilyPanel, panel).set_structure(structure_id)
        if self.admin_panel is not None:
            self.admin_panel.set_structure(structure_id)
        self._show_failures(())
        self.reload()

    def reload(self) -> None:
        """Ask the gateway for every view of the current structure again."""
        if self._structure_id is None or self._session is None:
            return
        self._request += 1
        request = self._request
        self.statusBar().showMessage(_("Loading…"))
        self._jobs = [j for j in self._jobs if not j.done()]
        self._jobs.append(
            self._runner.submit(
                self._gateway.home(self._structure_id),
                lambda page: self._on_home_loaded(request, page),
                lambda exc: self._on_home_failed(request, exc),
            )
        )
        if self._session.is_staff:
            self._jobs.append(
                self._runner.submit(
                    self._gateway.outbox_failures(self._structure_id),
                    lambda failures: self._on_failures_loaded(request, failures),
                    lambda exc: self._on_failures_failed(request, exc),
                )
            )
        for panel in self._panels():
            panel.mark_stale()
            if self.tabs.currentWidget() is panel:
                panel.ensure_loaded()

    def _on_home_loaded(self, request: int, page: HomePage) -> None:
        if request != self._request:
            return  # an older answer, or the window was cleared meanwhile
        self.statusBar().clearMessage()
        clear_retry_notice(self)
        self.user_label.setText(page.greeting_name)
        self.last_update_label.setText(
            _("Site updated: {when}").format(when=last_update_text(page.last_update))
        )
        self.home_panel.show_page(page)

    def _on_home_failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self.statusBar().clearMessage()
        present_error(self, exc, retry=self.reload)

    # -- staff ------------------------------------------------------------------

    def _on_failures_loaded(self, request: int, failures: tuple[OutboxFailure, ...]) -> None:
        if request == self._request:
            self._show_failures(failures)

    def _on_failures_failed(self, request: int, exc: BaseException) -> None:
        if request == self._request:
            log.warning("outbox failures not shown: %s", exc)
            self._show_failures(())

    def _show_failures(self, failures: tuple[OutboxFailure, ...]) -> None:
        self._failures = tuple(failures)
        count = len(self._failures)
        text = ngettext("{count} e-mail failed", "{count} e-mails failed", count).format(
            count=count
        )
        self.failures_label.setText(f'<a href="#failures">{text}</a>' if count else "")
        self.failures_label.setToolTip(_("Show the e-mails that could not be sent"))
        self.failures_label.setVisible(bool(count))
        if self.failures_dialog is not None:
            self.failures_dialog.set_failures(self._failures)

    def _on_failures_label_link_activated(self, _link: str) -> None:
        if self.failures_dialog is None:
            self.failures_dialog = OutboxFailuresDialog(self)
        self.failures_dialog.set_failures(self._failures)
        self.failures_dialog.show()
        self.failures_dialog.raise_()

    def _on_transmit_button_clicked(self) -> None:
        if self._session is None:
            return
        if self.transmission_dialog is None:
            names = [choice.name for choice in self._session.structures]
            self.transmission_dialog = TransmissionDialog(self._gateway, self._runner, names, self)
            self.transmission_dialog.transmission_finished.connect(
                self._on_transmission_dialog_transmission_finished
            )
        # non-modal: the desk keeps working while the run goes on
        self.transmission_dialog.show()
        self.transmission_dialog.raise_()
        self.transmission_dialog.activateWindow()

    def _on_transmission_dialog_transmission_finished(self, _summary: object) -> None:
        self.reload()  # "Site updated", the failed e-mails

    # -- slots ------------------------------------------------------------------

    def _on_tabs_current_changed(self, _index: int) -> None:
        current = self.tabs.currentWidget()
        if current in self._panels():
            cast(FamilyPanel, current).ensure_loaded()

    def _panels(self) -> tuple[FamilyPanel, ...]:
        """The tabs that load when shown: the family tabs, the back office and the profile."""
        admin = (self.admin_panel,) if self.admin_panel is not None else ()
        return cast(tuple[FamilyPanel, ...], (*self.family_panels, *admin, self.profile_panel))

    def _on_admin_panel_settings_changed(self, what: str) -> None:
        for panel in self.family_panels:  # activities, openings or places changed
            cast(FamilyPanel, panel).mark_stale()
        if what == "news" and self._structure_id is not None:  # the home page shows them
            request = self._request
            self._jobs.append(self._runner.submit(
                self._gateway.home(self._structure_id),
                lambda page: self._on_home_loaded(request, page),
                lambda exc: self._on_home_failed(request, exc)))

    def _on_admin_panel_structures_changed(self, _structure_id: int, _name: str) -> None:
        """A structure renamed or made: the header, its structure list (the current one kept)
        and the transmission's list show the gateway's session, which knows it."""
        session = self._gateway.session
        if session is None or self._session is None:
            return
        self._session = session
        self.structure_combo.blockSignals(True)
        self._fill_structures(session)
        self.structure_combo.setCurrentIndex(
            max(self.structure_combo.findData(self._structure_id), 0))
        self.structure_combo.blockSignals(False)
        if self.transmission_dialog is not None and not self.transmission_dialog.isVisible():
            self.transmission_dialog.deleteLater()
            self.transmission_dialog = None  # made again with the new names

    def _on_enrollment_panel_calendar_requested(self) -> None:
        if self.booking_panel is not None:
            self.tabs.setCurrentWidget(self.booking_panel)

    def _on_booking_panel_tracking_requested(self) -> None:
        if self.tracking_panel is not None:
            self.tabs.setCurrentWidget(self.tracking_panel)

    def _on_booking_panel_reservations_confirmed(self, _result: object) -> None:
        for panel in self.family_panels:  # new requests to follow, amounts changed
            if panel is not self.booking_panel:
                cast(FamilyPanel, panel).mark_stale()

    def _on_money_changed(self, source: QWidget) -> None:
        for panel in self.family_panels:
            if panel is not source:
                cast(FamilyPanel, panel).mark_stale()

    def _on_structure_combo_current_index_changed(self, index: int) -> None:
        structure_id = self.structure_combo.itemData(index)
        if structure_id is None or structure_id == self._structure_id:
            return
        log.info("structure %s selected", structure_id)
        self._select_structure(int(structure_id))
        self.structure_changed.emit(int(structure_id))

    def _on_logout_button_clicked(self) -> None:
        self.logout_button.setEnabled(False)
        self._runner.submit(self._gateway.logout(), self._on_logout_done, self._on_logout_failed)

    def _on_logout_done(self, _result: object = None) -> None:
        self.clear()
        self.logged_out.emit()

    def _on_logout_failed(self, exc: BaseException) -> None:
        self.logout_button.setEnabled(True)
        present_error(self, exc)

    # -- forgetting -------------------------------------------------------------

    def clear(self) -> None:
        """Drop every trace of the session from the widgets; late answers are ignored."""
        self._request += 1
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        self._session = None
        self._structure_id = None
        self.structure_combo.blockSignals(True)
        self.structure_combo.clear()
        self.structure_combo.blockSignals(False)
        for label in (self.user_label, self.structure_label, self.last_update_label):
            label.clear()
        self.home_panel.clear()
        if self.front_desk is not None:
            self.front_desk.clear()
        for panel in self._panels():
            panel.clear()
        self.tabs.setCurrentWidget(self.home_panel)
        self._show_failures(())
        if self.failures_dialog is not None:
            self.failures_dialog.close()
        if self.transmission_dialog is not None:
            self.transmission_dialog.forget()
        self.statusBar().clearMessage()
        clear_retry_notice(self)
