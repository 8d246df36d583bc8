"""Starting the synced mode: the kiosk's device token (registered once by a manager, refused
when missing or revoked), the server address and its settings dialog, and the synced
gateway's coverage of every gateway protocol."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from famdesk.errors import AuthenticationError, NotAuthorizedError, ValidationError
from famdesk.kiosk_setup import register_this_pc
from famdesk.secrets import MemorySecretStore
from famdesk.server_address import (
    chosen_server,
    device_token_key,
    store_server_url,
    stored_server_url,
)
from famdesk.services.kiosks import DeviceUnknownError
from famdesk.ui.gateway import Gateway
from famdesk.ui.gateway_accounts import AccountsGateway
from famdesk.ui.gateway_admin import AdminGateway
from famdesk.ui.gateway_enrollments import EnrollmentsGateway
from famdesk.ui.gateway_synced import SyncedGateway
from famdesk.ui.gateway_synced_admin import protocol_methods
from famdesk.ui.runner import QasyncRunner
from famdesk.ui.server_settings_dialog import ServerSettingsDialog, server_settings_link
from famdesk.ui.synced_start import KioskNotRegisteredError, build_synced_gateway, check_kiosk
from tests.integration.town import PASSWORD
from tests.server.live import free_port
from tests.server.synced import (  # noqa: F401  (qt_garbage_on_the_gui_thread: a fixture)
    MANAGER,
    SyncedTown,
    qt_garbage_on_the_gui_thread,
    synced_town,
    wait_for,
)
from tests.ui.conftest import qasync_loop  # noqa: F401  (the fixture)

PROTOCOLS = (Gateway, AccountsGateway, EnrollmentsGateway, AdminGateway)


@pytest.fixture(scope="module")
def synced(postgres_server) -> Iterator[SyncedTown]:  # type: ignore[no-untyped-def]
    with synced_town(postgres_server) as town:
        yield town


@pytest.fixture
def runner(qasync_loop) -> QasyncRunner:  # type: ignore[no-untyped-def]  # noqa: F811
    return QasyncRunner(qasync_loop)


@pytest.fixture
def no_kept_server() -> Iterator[None]:
    store_server_url(None)
    yield
    store_server_url(None)


# -- the kiosk's device token ----------------------------------------------------------------


def test_a_kiosk_without_its_device_token_refuses_to_start(synced):
    with pytest.raises(KioskNotRegisteredError) as refused:
        build_synced_gateway(synced.url, MemorySecretStore(), kiosk=True)
    assert refused.value.message == (
        f"Cet ordinateur n'est pas enregistré comme borne de {synced.url} : un gestionnaire "
        f"l'enregistre une fois avec « famdesk kiosk register --server {synced.url} "
        "--label NOM ».")
    # a token kept for another server is not sent to this one
    keyring = MemorySecretStore()
    keyring.set(device_token_key("http://elsewhere:8765"), "a-token")
    with pytest.raises(KioskNotRegisteredError):
        build_synced_gateway(synced.url, keyring, kiosk=True)
    # a desk needs none
    assert build_synced_gateway(synced.url, MemorySecretStore(), kiosk=False).kiosk is False


def test_a_kiosk_registered_again_gets_a_new_token_and_the_old_kiosk_is_revoked(
        qtbot, runner, synced):
    keyring = MemorySecretStore()
    first = wait_for(qtbot, runner, register_this_pc(synced.url, MANAGER, PASSWORD,
                                                      "Borne de la cantine", keyring))
    old_token = keyring.get(device_token_key(synced.url))
    assert first.replaced_kiosk_id is None and old_token
    old = build_synced_gateway(synced.url, keyring, kiosk=True)
    assert wait_for(qtbot, runner, check_kiosk(old)).kiosk_id == first.kiosk_id

    second = wait_for(qtbot, runner, register_this_pc(synced.url, MANAGER, PASSWORD,
                                                       "Borne de la cantine", keyring))
    assert second.replaced_kiosk_id == first.kiosk_id
    assert keyring.get(device_token_key(synced.url)) != old_token
    with pytest.raises(DeviceUnknownError) as revoked:  # the former token is dead
        wait_for(qtbot, runner, check_kiosk(old))
    assert revoked.value.message.startswith("Cet ordinateur n'est pas (ou plus) une borne")
    wait_for(qtbot, runner, old.aclose())
    gateway = build_synced_gateway(synced.url, keyring, kiosk=True)
    assert gateway.kiosk
    assert wait_for(qtbot, runner, check_kiosk(gateway)).kiosk_id == second.kiosk_id
    session = wait_for(qtbot, runner, gateway.login("dubois", PASSWORD))
    assert session.login == "dubois"
    wait_for(qtbot, runner, gateway.aclose())


def test_only_a_manager_registers_a_kiosk(synced):
    keyring = MemorySecretStore()
    with pytest.raises(NotAuthorizedError):
        asyncio.run(register_this_pc(synced.url, "accueil", PASSWORD, "Borne", keyring))
    with pytest.raises(AuthenticationError):
        asyncio.run(register_this_pc(synced.url, MANAGER, "wrong", "Borne", keyring))
    assert keyring.get(device_token_key(synced.url)) is None


def test_a_family_cannot_log_in_from_a_desk(qtbot, runner, synced):
    gateway = build_synced_gateway(synced.url, MemorySecretStore(), kiosk=False)
    with pytest.raises(NotAuthorizedError) as refused:
        wait_for(qtbot, runner, gateway.login("martin", PASSWORD))
    assert "borne enregistrée" in refused.value.message
    assert gateway.session is None
    wait_for(qtbot, runner, gateway.aclose())


def test_a_value_the_wire_refuses_is_a_french_error_before_anything_is_sent(qtbot, runner):
    gateway = build_synced_gateway(f"http://127.0.0.1:{free_port()}", MemorySecretStore(),
                                   kiosk=False)
    with pytest.raises(ValidationError) as refused:
        wait_for(qtbot, runner, gateway.recovery_options("x" * 300))
    assert refused.value.message == ("Une valeur de la demande est hors des limites acceptées "
                                     "par famdesk.")
    assert refused.value.field == "login"
    assert gateway.reachable  # nothing was sent


# -- the gateway's coverage -----------------------------------------------------------------


def test_the_synced_gateway_has_every_method_of_the_gateway_protocols():
    for protocol in PROTOCOLS:
        for name in protocol_methods(protocol):
            mine = getattr(SyncedGateway, name, None)
            assert mine is not None, f"{protocol.__name__}.{name} is missing"
            expected = list(inspect.signature(getattr(protocol, name)).parameters.values())
            found = list(inspect.signature(mine).parameters.values())
            assert [(p.name, p.kind, p.default) for p in found] == \
                [(p.name, p.kind, p.default) for p in expected], name
    for name in ("session", "kiosk", "close", "enter_kiosk_mode"):
        assert hasattr(SyncedGateway, name)


# -- the server address and its dialog -----------------------------------------------------


def test_the_server_address_is_checked_and_chosen(no_kept_server):
    assert chosen_server(" HTTP://Serveur:8765/ ", None, {}) == "http://serveur:8765"
    assert chosen_server(None, None, {}) is None
    store_server_url("https://famdesk.mairie.fr/portail/")
    assert stored_server_url() == "https://famdesk.mairie.fr/portail"
    assert chosen_server(None, None, {}) == "https://famdesk.mairie.fr/portail"
    assert chosen_server(None, "sqlite:///x.db", {}) is None
    assert chosen_server(None, None, {"FAMDESK_DATABASE_URL": "sqlite:///x.db"}) is None
    with pytest.raises(ValidationError, match="pas les deux"):
        chosen_server("http://a:1", "sqlite:///x.db", {})
    for bad, words in (("serveur:8765", "Saisissez l'adresse du serveur"),
                       ("ftp://serveur", "Saisissez l'adresse du serveur"),
                       ("http://moi:secret@serveur", "ni identifiant ni mot de passe"),
                       ("http://serveur:99999", "Le port de cette adresse"),
                       ("http://serveur/?x=1", "Saisissez l'adresse du serveur")):
        with pytest.raises(ValidationError, match=words) as refused:
            chosen_server(bad, None, {})
        assert refused.value.field == "server_url"


def test_the_settings_dialog_tests_and_keeps_the_address(qtbot, runner, synced, no_kept_server):
    dialog = ServerSettingsDialog(runner, current=None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Serveur famdesk"
    assert dialog.current_label.text() == "Actuellement : la base de données de cet ordinateur."

    qtbot.keyClicks(dialog.url_edit, "serveur:8765")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.fields.error_text("server_url").startswith("Saisissez l'adresse du serveur")
    assert stored_server_url() is None

    dialog.url_edit.setText(f"{synced.url}/")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.feedback.success_label.text()
                    == "Le serveur répond, sa base de données aussi.", timeout=20_000)
    dialog.url_edit.setText(f"http://127.0.0.1:{free_port()}")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.feedback.error_label.text().startswith(
        "Le serveur famdesk ne répond pas"), timeout=20_000)

    saved: list = []
    dialog.saved.connect(saved.append)
    dialog.url_edit.setText(f"{synced.url}/")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved == [synced.url] and stored_server_url() == synced.url
    assert dialog.feedback.success_label.text() == (
        f"Enregistré : famdesk s'ouvrira sur {synced.url} au prochain démarrage.")
    dialog.url_edit.clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved == [synced.url, None] and stored_server_url() is None


def test_the_login_window_link_is_not_offered_on_a_kiosk(qtbot, runner):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    desk = build_synced_gateway("http://127.0.0.1:1", MemorySecretStore(), kiosk=False)
    link = server_settings_link(parent, runner, desk)
    assert not link.isHidden() and "Serveur famdesk…" in link.text()
    link.linkActivated.emit("#server")
    dialog = parent.findChild(ServerSettingsDialog)
    assert dialog is not None and dialog.current_label.text() == (
        "Actuellement : le serveur http://127.0.0.1:1.")
    dialog.close()
    kiosk = MemorySecretStore()
    kiosk.set(device_token_key("http://127.0.0.1:1"), "token")
    on_kiosk = server_settings_link(parent, runner, build_synced_gateway(
        "http://127.0.0.1:1", kiosk, kiosk=True))
    assert on_kiosk.isHidden()


# -- the command line -------------------------------------------------------------------------


def test_famdesk_kiosk_in_synced_mode_refuses_to_start_without_its_token(capsys, no_kept_server):
    from famdesk.cli import EXIT_FAILED, main

    url = f"http://127.0.0.1:{free_port()}"
    assert main(["--kiosk", "--server", url]) == EXIT_FAILED  # before any window or call
    assert capsys.readouterr().err == (
        f"famdesk : Cet ordinateur n'est pas enregistré comme borne de {url} : un gestionnaire "
        f"l'enregistre une fois avec « famdesk kiosk register --server {url} --label NOM ».\n")
    assert main(["--server", url, "--database", "sqlite:///x.db"]) == EXIT_FAILED
    assert "pas les deux" in capsys.readouterr().err
    store_server_url(url)  # the kept address: the kiosk goes through it too
    assert main(["--kiosk"]) == EXIT_FAILED
    assert "n'est pas enregistré comme borne" in capsys.readouterr().err
