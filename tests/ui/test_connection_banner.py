"""A lost connection to the famdesk server: the banner across the window, its "Réessayer",
and the way back once the server answers; a session ended on the server sends the user back
to the login window with the reason."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QVBoxLayout, QWidget

from famdesk.services.api_sessions import session_ended
from famdesk.ui.connection_banner import connection_banner, connection_restored
from famdesk.ui.errors import RetryNotice, clear_retry_notice, present_error
from famdesk.wire.client import ServerUnreachableError

LOST = "Le serveur famdesk ne répond pas. Vérifiez la connexion, puis réessayez."


class Window(QMainWindow):
    """What present_error knows of the main window: `reload()`, `clear()`, `logged_out`."""

    logged_out = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.reloads = 0
        self.cleared = 0
        self.panel = QWidget()
        self.setCentralWidget(self.panel)

    def reload(self) -> None:
        self.reloads += 1

    def clear(self) -> None:
        self.cleared += 1


class Recap(QDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.error = QLabel()
        QVBoxLayout(self).addWidget(self.error)

    def show_error(self, message: str) -> None:
        self.error.setText(message)


def shown_window(qtbot) -> Window:  # type: ignore[no-untyped-def]
    window = Window()
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_banner_says_the_connection_is_lost_and_retries_what_failed(qtbot):
    window = shown_window(qtbot)
    retried: list[str] = []

    def reload_tab() -> None:
        retried.append("tab")

    present_error(window.panel, ServerUnreachableError(LOST), retry=reload_tab)
    present_error(window.panel, ServerUnreachableError(LOST), retry=reload_tab)  # once
    banner = connection_banner(window)
    assert banner is not None and banner.isVisible()
    assert (banner.title.text(), banner.label.text()) == ("Connexion au serveur perdue", LOST)
    assert banner.retry_button.text() == "Réessayer"
    assert not window.statusBar().findChildren(RetryNotice)  # the banner, not the status bar
    assert banner.pending_retries() == 1

    qtbot.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)
    assert retried == ["tab"] and window.reloads == 0
    assert not banner.isVisible()


def test_with_nothing_to_retry_the_window_reloads(qtbot):
    window = shown_window(qtbot)
    recap = Recap(window.panel)
    recap.show()
    present_error(recap, ServerUnreachableError(LOST))
    assert recap.error.text() == LOST  # the dialog over the window says it too
    banner = connection_banner(window)
    assert banner is not None and banner.isVisible()
    qtbot.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)
    assert window.reloads == 1


def test_the_banner_goes_when_the_server_answers_again(qtbot):
    window = shown_window(qtbot)
    present_error(window.panel, ServerUnreachableError(LOST))
    banner = connection_banner(window)
    connection_restored()
    assert not banner.isVisible()  # nothing left to load again

    present_error(window.panel, ServerUnreachableError(LOST), retry=window.reload)
    connection_restored()
    assert banner.isVisible()  # a load to redo: the banner says so and keeps its button
    assert banner.title.text() == "Connexion au serveur rétablie"
    assert banner.label.text() == ("Cliquez sur « Réessayer » pour recharger ce qui n'a pas "
                                   "pu l'être.")
    clear_retry_notice(window)  # the window loaded again
    assert not banner.isVisible() and banner.pending_retries() == 0


def test_outside_a_main_window_the_widget_says_it_itself(qtbot):
    login = QWidget()  # the login window: no main window around
    qtbot.addWidget(login)
    widget = Recap(login)
    assert present_error(widget, ServerUnreachableError(LOST)) is None
    assert widget.error.text() == LOST


def test_a_session_ended_on_the_server_closes_the_window_like_a_logout(qtbot):
    window = shown_window(qtbot)
    ended: list[bool] = []
    window.logged_out.connect(lambda: ended.append(True))
    assert present_error(window.panel, session_ended()) is None
    assert ended == [True] and window.cleared == 1
