"""Errors reach the user as a sentence, next to a field, in the status bar, or with the log path."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from famdesk.errors import (
    DatabaseUnavailableError,
    FamdeskError,
    NotAuthorizedError,
    ValidationError,
)
from famdesk.logsetup import configure_logging
from famdesk.ui.errors import (
    RetryNotice,
    install_excepthook,
    present_error,
    unexpected_error_text,
)
from famdesk.ui.login_window import LoginWindow
from tests.ui.test_demo_panel import DemoGatewayStub


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def close(box):
    box.done(0)


def test_a_famdesk_error_shows_its_message_without_blocking(qtbot, parent):
    box = present_error(
        parent, NotAuthorizedError("Seul le personnel de l'accueil peut faire cela.")
    )
    # present_error returned: nothing waits on the box
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible)
    assert box.text() == "Seul le personnel de l'accueil peut faire cela."
    assert box.icon() == QMessageBox.Icon.Warning
    close(box)


def test_a_validation_error_goes_next_to_its_field(qtbot, sync_runner):
    window = LoginWindow(DemoGatewayStub(()), sync_runner)
    qtbot.addWidget(window)
    window.show()
    shown = present_error(window, ValidationError("Identifiant trop long.", field="login"))
    assert shown is None
    label = window._field_errors["login"]
    assert label.isVisible() and label.text() == "Identifiant trop long."
    assert not window.error_label.isVisible()


def test_an_error_goes_to_the_widget_s_own_label(qtbot, sync_runner):
    window = LoginWindow(DemoGatewayStub(()), sync_runner)
    qtbot.addWidget(window)
    window.show()
    assert present_error(window, FamdeskError("Compte verrouillé.")) is None
    assert window.error_label.isVisible() and window.error_label.text() == "Compte verrouillé."


def test_an_infrastructure_error_offers_a_retry_in_the_status_bar(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    window.setCentralWidget(QWidget())
    window.show()
    retried = []
    error = DatabaseUnavailableError("La base de données est occupée.")

    present_error(window.centralWidget(), error, retry=lambda: retried.append(True))
    present_error(window.centralWidget(), error, retry=lambda: retried.append(True))

    notices = [n for n in window.statusBar().findChildren(RetryNotice) if n.isVisible()]
    assert len(notices) == 1
    assert notices[0].label.text() == "La base de données est occupée."
    qtbot.mouseClick(notices[0].button, Qt.MouseButton.LeftButton)
    assert retried == [True]
    assert not notices[0].isVisible()


def test_an_unexpected_error_is_logged_and_shows_the_log_path(qtbot, parent):
    path = configure_logging()
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        box = present_error(parent, exc)
    assert isinstance(box, QMessageBox)
    assert box.text() == unexpected_error_text()
    assert str(path) in box.text()
    assert box.icon() == QMessageBox.Icon.Critical
    logged = path.read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: boom in a slot" in logged
    close(box)


def open_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.allWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_the_excepthook_ends_in_the_same_place(qtbot, parent):
    path = configure_logging()
    previous = install_excepthook()
    try:
        try:
            raise KeyError("lost")
        except KeyError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous
    boxes = open_boxes()
    assert [box.text() for box in boxes] == [unexpected_error_text()]
    assert str(path) in boxes[0].text()
    assert "KeyError: 'lost'" in path.read_text(encoding="utf-8")
    close(boxes[0])
