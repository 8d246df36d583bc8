"""The desktop's main flows through the synced gateway, against a real uvicorn on loopback
over a throwaway PostgreSQL database, on the qasync loop inside Qt's (as the app runs):
login, the month, the recap and the confirm (its answer lost, confirmed again: booked
once), the tracking, the enrollments, the balances and the payments, a server stopped then
back, a session ended on the server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from famdesk.errors import NotAuthorizedError
from famdesk.kiosk_setup import register_this_pc
from famdesk.models import Reservation
from famdesk.models.enums import PaymentMethod, PaymentStatus
from famdesk.services.api_sessions import SessionEndedError
from famdesk.services.auth import SessionInfo
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.tracking import TrackingFilter
from famdesk.ui.calendar.panel import BookingPanel
from famdesk.ui.connection_banner import connection_banner, connection_restored
from famdesk.ui.gateway_synced import SyncedGateway
from famdesk.ui.main_window import MainWindow
from famdesk.ui.runner import QasyncRunner
from famdesk.ui.shell import AppShell
from famdesk.ui.synced_start import build_synced_gateway, check_kiosk
from famdesk.wire import paths
from famdesk.wire.client import ServerUnreachableError
from tests.integration.town import PASSWORD
from tests.server.synced import (  # noqa: F401  (qt_garbage_on_the_gui_thread: a fixture)
    MANAGER,
    LosingNetwork,
    SyncedTown,
    qt_garbage_on_the_gui_thread,
    synced_town,
    wait_for,
)
from tests.ui.booking_helpers import click, click_day, show, state
from tests.ui.conftest import qasync_loop  # noqa: F401  (the fixture)
from tests.ui.money_helpers import click_on_page

UNREACHABLE = "Le serveur famdesk ne répond pas. Vérifiez la connexion, puis réessayez."


@pytest.fixture(scope="module")
def synced(postgres_server) -> Iterator[SyncedTown]:  # type: ignore[no-untyped-def]
    with synced_town(postgres_server) as town:
        yield town


@pytest.fixture(scope="module")
def kiosk_keyring(synced: SyncedTown):  # type: ignore[no-untyped-def]
    """A kiosk PC's keyring, once a manager registered the PC (`famdesk kiosk register`)."""
    from famdesk.secrets import MemorySecretStore

    keyring = MemorySecretStore()
    done = asyncio.run(register_this_pc(synced.url, MANAGER, PASSWORD, "Borne du hall", keyring))
    assert done.label == "Borne du hall" and done.structure_name == "Mairie de Testville"
    return keyring


@pytest.fixture
def runner(qasync_loop) -> QasyncRunner:  # type: ignore[no-untyped-def]  # noqa: F811
    return QasyncRunner(qasync_loop)


def on_reachable(reachable: bool) -> None:
    """What `run_synced` wires: the server answers again, the banners know it."""
    if reachable:
        connection_restored()


@pytest.fixture
def kiosk_gateway(qtbot, runner, synced, kiosk_keyring) -> Iterator[SyncedGateway]:  # type: ignore[no-untyped-def]
    gateway = build_synced_gateway(synced.url, kiosk_keyring, kiosk=True,
                                   on_reachable=on_reachable)
    yield gateway
    wait_for(qtbot, runner, gateway.aclose())


@pytest.fixture
def desk_gateway(qtbot, runner, synced) -> Iterator[SyncedGateway]:  # type: ignore[no-untyped-def]
    from famdesk.secrets import MemorySecretStore

    gateway = build_synced_gateway(synced.url, MemorySecretStore(), kiosk=False,
                                   on_reachable=on_reachable)
    yield gateway
    wait_for(qtbot, runner, gateway.aclose())


def reservations(synced: SyncedTown, child_id: int, day: date) -> int:
    with synced.town.uow() as uow:
        return int(uow.session.scalar(select(func.count(Reservation.id)).where(
            Reservation.child_id == child_id, Reservation.activity_id == synced.town.alsh,
            Reservation.day == day)))


def portal(qtbot, runner, gateway, login: str) -> MainWindow:  # type: ignore[no-untyped-def]
    session: SessionInfo = wait_for(qtbot, runner, gateway.login(login, PASSWORD))
    window = MainWindow(gateway, runner, session)
    qtbot.addWidget(window, before_close_func=MainWindow.clear)
    window.show()
    qtbot.waitUntil(lambda: bool(window.user_label.text()), timeout=20_000)
    return window


def booking_month(qtbot, window: MainWindow, child: str, month: int = 10) -> BookingPanel:  # type: ignore[no-untyped-def]
    panel = window.booking_panel
    assert panel is not None
    window.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(lambda: panel.child_combo.count() == 2, timeout=20_000)
    show(panel, child, "ALSH MERCREDI", 2026, month)
    qtbot.waitUntil(lambda: panel.model.view() is not None
                    and panel.model.view().month == month
                    and panel.model.view().activity_id is not None, timeout=20_000)
    return panel


def test_a_family_books_and_follows_its_request_from_a_registered_kiosk(
        qtbot, runner, synced, kiosk_gateway):
    t = synced.town
    device = wait_for(qtbot, runner, check_kiosk(kiosk_gateway))
    assert (device.label, device.structure_id) == ("Borne du hall", t.structure_id)

    shell = AppShell(kiosk_gateway, runner)
    qtbot.addWidget(shell.login_window)
    shell.start()
    assert not shell.login_window.remember_check.isVisible()  # a kiosk remembers nothing
    qtbot.keyClicks(shell.login_window.login_edit, "martin")
    qtbot.keyClicks(shell.login_window.password_edit, PASSWORD)
    qtbot.mouseClick(shell.login_window.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.main_window is not None
                    and "MARTIN" in shell.main_window.user_label.text(), timeout=20_000)
    window = shell.main_window
    assert window.home_panel.isVisible()

    panel = booking_month(qtbot, window, "MARTIN Léa")
    wednesday = date(2026, 10, 7)
    assert state(panel, wednesday)[0] is not None
    click_day(qtbot, panel, wednesday)
    click(qtbot, panel.validate_button)
    qtbot.waitUntil(lambda: panel.recap_flow.recap_dialog is not None, timeout=20_000)
    recap = panel.recap_flow.recap_dialog
    assert [line.day for line in recap.recap.bookings] == [wednesday]
    assert recap.recap.total == Decimal("6.00")  # the family's quotient: 450
    click(qtbot, recap.confirm_button)
    qtbot.waitUntil(lambda: state(panel, wednesday)[1] is None
                    and panel.recap_flow.results_dialog is not None, timeout=20_000)
    assert reservations(synced, t.lea, wednesday) == 1

    tracking = window.tracking_panel
    window.tabs.setCurrentWidget(tracking)
    qtbot.waitUntil(lambda: wednesday in [line.day for line in tracking.model.rows()],
                    timeout=20_000)

    window.logout_button.click()
    qtbot.waitUntil(lambda: shell.main_window is None and shell.login_window.isVisible(),
                    timeout=20_000)
    assert kiosk_gateway.session is None


@pytest.mark.parametrize("again", ["recap", "banner"])
def test_a_confirm_whose_answer_was_lost_is_confirmed_again_and_books_once(
        qtbot, runner, synced, kiosk_keyring, again):
    t = synced.town
    network = LosingNetwork()
    gateway = build_synced_gateway(synced.url, kiosk_keyring, kiosk=True, transport=network,
                                   on_reachable=on_reachable)
    try:
        window = portal(qtbot, runner, gateway, "martin")
        panel = booking_month(qtbot, window, "MARTIN Léa")
        wednesday = date(2026, 10, 14)
        click_day(qtbot, panel, wednesday)
        click(qtbot, panel.validate_button)
        qtbot.waitUntil(lambda: panel.recap_flow.recap_dialog is not None, timeout=20_000)
        recap = panel.recap_flow.recap_dialog

        network.lose_next(paths.CONFIRM)
        click(qtbot, recap.confirm_button)
        qtbot.waitUntil(lambda: recap.error_label.text() == UNREACHABLE, timeout=20_000)
        assert network.lost == [paths.CONFIRM]
        # the server booked; the desk does not know it: the draft and the recap stay
        assert reservations(synced, t.lea, wednesday) == 1
        assert len(panel.draft.lines) == 1 and recap.isVisible() and recap.confirm_button.isEnabled()
        banner = connection_banner(window)
        assert banner is not None and banner.isVisibleTo(window)
        assert banner.title.text() == "Connexion au serveur perdue"
        assert banner.retry_button.text() == "Réessayer"

        # the same recap, the same key: by hand, or by the banner's "Réessayer"
        click(qtbot, recap.confirm_button if again == "recap" else banner.retry_button)
        qtbot.waitUntil(lambda: panel.recap_flow.results_dialog is not None, timeout=20_000)
        qtbot.waitUntil(lambda: state(panel, wednesday)[1] is None, timeout=20_000)
        assert reservations(synced, t.lea, wednesday) == 1
        assert not panel.draft.lines
        assert not banner.isVisibleTo(window)  # the server answered: the banner went
    finally:
        wait_for(qtbot, runner, gateway.aclose())


def test_a_server_stopped_shows_the_banner_and_retry_works_once_it_is_back(
        qtbot, runner, synced, kiosk_gateway):
    t = synced.town
    window = portal(qtbot, runner, kiosk_gateway, "martin")
    panel = booking_month(qtbot, window, "MARTIN Tom")
    wednesday = date(2026, 10, 21)
    click_day(qtbot, panel, wednesday)

    synced.server.stop()
    try:
        with pytest.raises(ServerUnreachableError):
            wait_for(qtbot, runner, kiosk_gateway.home(t.structure_id))
        window.reload()
        qtbot.waitUntil(lambda: (found := connection_banner(window)) is not None
                        and found.isVisibleTo(window), timeout=20_000)
        banner = connection_banner(window)
        assert banner.title.text() == "Connexion au serveur perdue"
        assert banner.label.text() == UNREACHABLE
        assert not kiosk_gateway.reachable
    finally:
        synced.server.start()
    assert len(panel.draft.lines) == 1  # the draft is kept
    assert state(panel, wednesday)[1] is not None

    qtbot.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not banner.isVisibleTo(window) and kiosk_gateway.reachable,
                    timeout=20_000)
    assert "MARTIN" in window.user_label.text()
    click(qtbot, panel.validate_button)
    qtbot.waitUntil(lambda: panel.recap_flow.recap_dialog is not None, timeout=20_000)
    click(qtbot, panel.recap_flow.recap_dialog.confirm_button)
    qtbot.waitUntil(lambda: panel.recap_flow.results_dialog is not None, timeout=20_000)
    assert reservations(synced, t.tom, wednesday) == 1


def test_a_session_ended_on_the_server_goes_back_to_the_login_window(
        qtbot, runner, synced, desk_gateway):
    shell = AppShell(desk_gateway, runner)
    qtbot.addWidget(shell.login_window)
    shell.start()
    qtbot.keyClicks(shell.login_window.login_edit, "accueil")
    qtbot.keyClicks(shell.login_window.password_edit, PASSWORD)
    qtbot.mouseClick(shell.login_window.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.main_window is not None
                    and bool(shell.main_window.user_label.text()), timeout=20_000)
    staff_id = desk_gateway.session.account_id

    # a manager ends every session of the desk's account (from another desk)
    from famdesk.secrets import MemorySecretStore

    manager = build_synced_gateway(synced.url, MemorySecretStore(), kiosk=False)
    try:
        wait_for(qtbot, runner, manager.login(MANAGER, PASSWORD))
        wait_for(qtbot, runner, manager._call(
            "POST", paths.ACCOUNT_SESSIONS_REVOKE.format(account_id=staff_id), None))
    finally:
        wait_for(qtbot, runner, manager.aclose())

    shell.main_window.reload()
    login = shell.login_window
    qtbot.waitUntil(lambda: shell.main_window is None and login.isVisible(), timeout=20_000)
    assert login.error_label.text() == "Votre session est terminée. Veuillez vous reconnecter."
    assert desk_gateway.session is None
    with pytest.raises(SessionEndedError):
        wait_for(qtbot, runner, desk_gateway.home(synced.town.structure_id))


def test_enrollments_balances_and_payments_through_the_server(
        qtbot, runner, synced, desk_gateway, kiosk_gateway):
    t = synced.town
    wait_for(qtbot, runner, desk_gateway.login("accueil", PASSWORD))
    hits = wait_for(qtbot, runner, desk_gateway.search_families(t.structure_id, "dubois"))
    assert [hit.family_id for hit in hits] == [t.dubois_family]

    form, lines = wait_for(qtbot, runner, desk_gateway.enrollment_page(t.zoe))
    assert form.child_name == "DUBOIS Zoé" and lines == ()
    assert [choice.id for choice in form.activities] == [synced.meals]
    line = wait_for(qtbot, runner, desk_gateway.create_enrollment(
        t.zoe, synced.meals, date(2026, 11, 2), None, [0, 1, 3, 4], False, None, None))
    stopped = wait_for(qtbot, runner, desk_gateway.change_enrollment_end(
        line.id, date(2026, 12, 18)))
    assert stopped.id == line.id
    _form, lines = wait_for(qtbot, runner, desk_gateway.enrollment_page(t.zoe))
    assert [item.id for item in lines] == [line.id]

    view = wait_for(qtbot, runner, desk_gateway.balances(t.structure_id, t.dubois_family))
    wallet = view.rows[0].wallet_id
    before = view.rows[0].balance
    receipt = wait_for(qtbot, runner, desk_gateway.record_payment(
        t.dubois_family, PaymentMethod.CASH, {wallet: "12,50"}))
    assert receipt.amount == Decimal("12.50")
    pdf = wait_for(qtbot, runner, desk_gateway.receipt_pdf(receipt.payment_id))
    assert pdf.startswith(b"%PDF")
    after = wait_for(qtbot, runner, desk_gateway.balances(t.structure_id, t.dubois_family))
    assert after.rows[0].balance == before + Decimal("12.50")
    # the desk books for the family it acts for, and follows the request
    october = date(2026, 10, 28)
    draft = Draft((DraftLine(LineKind.BOOK, t.zoe, t.alsh, october),))
    recap = wait_for(qtbot, runner, desk_gateway.preview(draft))
    booked = wait_for(qtbot, runner, desk_gateway.confirm(draft, recap_key := "desk-zoe-1"))
    again = wait_for(qtbot, runner, desk_gateway.confirm(draft, recap_key))
    assert (booked.replayed, again.replayed) == (False, True)
    assert recap.total == booked.recap.total
    tracking = wait_for(qtbot, runner, desk_gateway.tracking(
        t.structure_id, TrackingFilter(child_id=t.zoe), t.dubois_family))
    assert [line.day for line in tracking.lines] == [october]
    assert reservations(synced, t.zoe, october) == 1

    # a family pays 10 € by card through the local test provider (the server's)
    wait_for(qtbot, runner, kiosk_gateway.login("martin", PASSWORD))
    with pytest.raises(NotAuthorizedError):  # the desk's payments are the staff's
        wait_for(qtbot, runner, kiosk_gateway.record_payment(
            t.martin_family, PaymentMethod.CASH, {wallet: "1"}))
    options = wait_for(qtbot, runner, kiosk_gateway.checkout_options(t.structure_id))
    assert options.provider == "localtest"
    balance = wait_for(qtbot, runner, kiosk_gateway.balances(t.structure_id)).rows[0]
    started = wait_for(qtbot, runner, kiosk_gateway.start_online_payment(
        t.structure_id, None, {balance.wallet_id: Decimal("10.00")}, "martin@example.org"))
    click_on_page(started.page_url, "pay")
    paid = wait_for(qtbot, runner, kiosk_gateway.online_payment_state(started.payment_id))
    assert paid.status is PaymentStatus.PAID
    again = wait_for(qtbot, runner, kiosk_gateway.balances(t.structure_id)).rows[0]
    assert again.balance == balance.balance + Decimal("10.00")
