"""The demo accounts show on the login window only when the database is a demo."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from famdesk.models.enums import Role
from famdesk.services.auth import role_label
from famdesk.ui.login_window import LoginWindow


@dataclass(frozen=True)
class DemoAccount:
    login: str
    password: str
    role: Role
    name: str


DEMO = (
    DemoAccount("famille.martin", "demo-famille", Role.FAMILY, "M. MARTIN Hugo"),
    DemoAccount("accueil", "demo-accueil", Role.STAFF, "Accueil de la mairie"),
    DemoAccount("gestion", "demo-gestion", Role.ADMIN, "Service enfance"),
)


class DemoGatewayStub:
    """Only what the login window asks before anyone logs in."""

    session = None

    def __init__(self, accounts):
        self.accounts = accounts

    async def demo_accounts(self):
        return self.accounts

    async def login(self, login, password):  # pragma: no cover - not used here
        raise AssertionError("no login in these tests")


def table_rows(window: LoginWindow) -> list[list[str]]:
    table = window.demo_panel.table
    return [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def test_demo_accounts_are_listed_with_their_passwords(qtbot, sync_runner):
    window = LoginWindow(DemoGatewayStub(DEMO), sync_runner)
    qtbot.addWidget(window)
    window.show()

    assert window.demo_panel.isVisible()
    assert table_rows(window) == [[a.login, a.password, role_label(a.role), a.name] for a in DEMO]
    assert len({role_label(a.role) for a in DEMO}) == 3


def test_clicking_a_demo_account_fills_the_login(qtbot, sync_runner):
    window = LoginWindow(DemoGatewayStub(DEMO), sync_runner)
    qtbot.addWidget(window)
    window.show()
    table = window.demo_panel.table
    cell = table.visualItemRect(table.item(1, 3)).center()

    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)

    assert window.login_edit.text() == "accueil"
    assert window.password_edit.hasFocus() or not window.isActiveWindow()


def test_no_demo_panel_for_an_ordinary_database(qtbot, sync_runner):
    window = LoginWindow(DemoGatewayStub(()), sync_runner)
    qtbot.addWidget(window)
    window.show()
    assert not window.demo_panel.isVisible()


def test_no_demo_panel_on_the_real_gateway_of_a_town_database(qtbot, gateway, sync_runner):
    window = LoginWindow(gateway, sync_runner)
    qtbot.addWidget(window)
    window.show()
    assert not window.demo_panel.isVisible()
