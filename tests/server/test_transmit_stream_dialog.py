"""The staff's "Transmettre" dialog in synced mode, on the qasync loop inside Qt's (as the
app runs): its bar follows the batches the server tells, the run held in its last step
shows its count, then the summary — the town of `test_transmit_stream`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from famdesk.secrets import MemorySecretStore
from famdesk.services.transmission import FAMILY_BATCH
from famdesk.ui.gateway_synced import SyncedGateway
from famdesk.ui.runner import QasyncRunner
from famdesk.ui.transmission_dialog import TransmissionDialog
from tests.integration.town import PASSWORD
from tests.server.synced import qt_garbage_on_the_gui_thread, wait_for  # noqa: F401
from tests.server.test_transmit_stream import (  # noqa: F401  (fixtures)
    REPORTS,
    StreamTown,
    batches,
    pending,
    staff,
    stream,
)
from tests.ui.conftest import qasync_loop  # noqa: F401  (the fixture)


@pytest.fixture
def runner(qasync_loop) -> QasyncRunner:  # type: ignore[no-untyped-def]  # noqa: F811
    return QasyncRunner(qasync_loop)


@pytest.fixture
def desk(qtbot, runner: QasyncRunner, stream: StreamTown) -> Iterator[SyncedGateway]:  # type: ignore[no-untyped-def]  # noqa: F811
    gateway = SyncedGateway(stream.live.url, MemorySecretStore(), terminal="Accueil")
    wait_for(qtbot, runner, gateway.login("accueil", PASSWORD))
    yield gateway
    stream.gate.release()
    wait_for(qtbot, runner, gateway.aclose())


def test_the_bar_follows_the_batches_then_the_summary_shows(  # type: ignore[no-untyped-def]
    qtbot, runner: QasyncRunner, desk: SyncedGateway, stream: StreamTown,  # noqa: F811
    pending: int,  # noqa: F811
) -> None:
    dialog = TransmissionDialog(desk, runner, ["Mairie de Testville"])
    qtbot.addWidget(dialog)
    dialog.show()
    bar = dialog.progress_bar
    shown: list[tuple[str, int, int]] = []
    bar.valueChanged.connect(
        lambda value: shown.append((dialog.step_label.text(), value, bar.maximum())))
    stream.gate.hold()

    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(stream.gate.reached.is_set, timeout=30_000)
    # every report told, the run still going (held in the outbox)
    reported = f"Rédaction des comptes rendus aux familles : {pending} sur {pending}"
    qtbot.waitUntil(lambda: dialog.step_label.text() == reported, timeout=10_000)
    assert dialog.is_running() and not dialog.start_button.isEnabled()
    assert (bar.value(), bar.maximum()) == (pending, pending)
    assert [(value, maximum) for label, value, maximum in shown
            if label.startswith(REPORTS)] == batches(pending, FAMILY_BATCH)

    with qtbot.waitSignal(dialog.transmission_finished, timeout=30_000) as finished:
        stream.gate.release()
    assert finished.args[0].movements == pending
    assert dialog.step_label.text() == "Transmission terminée."
    assert f"Mouvements transmis : {pending}" in dialog.summary_label.text().splitlines()
    assert dialog.start_button.isEnabled()
