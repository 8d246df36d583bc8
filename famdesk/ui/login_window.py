"""The login screen: login, password, "Log in"; the demo accounts when the database is a demo.

On a staff PC the login may be remembered ("Remember my login", kept through the
gateway's SecretStore, the computer's keyring); on a kiosk the box is not offered and
nothing is remembered.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from famdesk.i18n import _
from famdesk.services.auth import SessionInfo, role_label
from famdesk.ui import theme
from famdesk.ui.errors import present_error
from famdesk.ui.forms import field_error_label
from famdesk.ui.gateway import Gateway
from famdesk.ui.gateway_accounts import AccountsGateway
from famdesk.ui.recovery_dialog import RecoveryDialog, recovery_link
from famdesk.ui.runner import Runner
from famdesk.ui.server_settings_dialog import server_settings_link

if TYPE_CHECKING:
    from famdesk.services.demo import DemoAccount

log = logging.getLogger(__name__)


class DemoAccountsPanel(QFrame):
    """The demo database's accounts, with their passwords, so a newcomer can log in."""

    login_chosen = Signal(str)

    COLUMNS = ("login", "password", "role", "name")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demoPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        title = QLabel(_("Demo accounts"))
        title.setObjectName("panelTitle")
        hint = QLabel(_("This database is a demonstration. Click an account to use its login."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("demoAccountsTable")
        self.table.setHorizontalHeaderLabels([_("Login"), _("Password"), _("Role"), _("Name")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.sectionResized.connect(self._on_header_section_resized)
        self.table.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        self.table.cellClicked.connect(self._on_table_cell_clicked)
        self.table.cellActivated.connect(self._on_table_cell_clicked)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.table)

    def set_accounts(self, accounts: tuple[DemoAccount, ...]) -> None:
        self.table.setRowCount(len(accounts))
        for row, account in enumerate(accounts):
            values = (account.login, account.password, role_label(account.role), account.name)
            for column, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                item.setData(Qt.ItemDataRole.UserRole, account.login)
                self.table.setItem(row, column, item)
        self._fit_rows()
        self.setVisible(bool(accounts))

    def _fit_rows(self) -> None:
        """Rows as tall as their wrapped text; the table as tall as its rows (up to a limit)."""
        self.table.resizeRowsToContents()
        height = self.table.horizontalHeader().sizeHint().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(min(height, 320))

    def _on_header_section_resized(self, _index: int, _old: int, _new: int) -> None:
        self._fit_rows()

    def _on_table_cell_clicked(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.login_chosen.emit(item.data(Qt.ItemDataRole.UserRole))


class LoginWindow(QWidget):
    """Emits `logged_in(SessionInfo)` once the service accepted the login and password."""

    logged_in = Signal(object)

    def __init__(self, gateway: Gateway, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._gateway = gateway
        self._runner = runner
        self._busy = False
        # a kiosk remembers nothing; nor does a gateway without a SecretStore behind it
        self._kiosk = bool(getattr(gateway, "kiosk", False))
        self._can_remember = (not self._kiosk
                              and hasattr(gateway, "remembered_login"))
        self._remembered: str | None = None
        self.setObjectName("loginWindow")
        self.setWindowTitle(_("Family portal"))

        header = QFrame()
        header.setObjectName("headerBand")
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(24, 14, 24, 14)
        title = QLabel(_("Family portal"))
        title.setObjectName("appTitle")
        header_layout.addWidget(title)

        card = QFrame()
        card.setObjectName("loginCard")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(24, 20, 24, 20)
        card_layout.setSpacing(10)
        intro = QLabel(_("Log in to book and follow your children's activities."))
        intro.setWordWrap(True)
        intro.setProperty("role", "hint")

        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("loginEdit")
        self.login_edit.setMaxLength(64)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._field_errors = {
            "login": field_error_label(),
            "password": field_error_label(),
        }
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self._field_label(_("Login"), self.login_edit), self.login_edit)
        form.addRow("", self._field_errors["login"])
        form.addRow(self._field_label(_("Password"), self.password_edit), self.password_edit)
        form.addRow("", self._field_errors["password"])

        self.remember_check = QCheckBox(_("Remember my login"))
        self.remember_check.setObjectName("rememberLoginCheck")
        self.remember_check.setToolTip(_("This computer fills your login in next time "
                                         "(never your password)."))
        self.remember_check.setVisible(self._can_remember)
        form.addRow("", self.remember_check)

        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.login_button = QPushButton(_("Log in"))
        self.login_button.setObjectName("loginButton")
        self.login_button.setDefault(True)
        self.login_button.setAutoDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.login_button)

        card_layout.addWidget(intro)
        card_layout.addLayout(form)
        card_layout.addWidget(self.error_label)
        card_layout.addLayout(buttons)
        self.recovery_link = recovery_link(card)
        self.recovery_link.linkActivated.connect(self._on_recovery_link_link_activated)
        card_layout.addWidget(self.recovery_link)
        self.server_link = server_settings_link(self, runner, gateway)
        card_layout.addWidget(self.server_link)
        self.contrast_check = QCheckBox(_("High contrast"))
        self.contrast_check.setObjectName("highContrastCheck")
        self.contrast_check.setToolTip(_("Stronger colours and outlines, for this session (the "
                                         "calendar too)."))
        self.contrast_check.setChecked(theme.current() is theme.HIGH_CONTRAST)
        self.contrast_check.toggled.connect(self._on_contrast_check_toggled)
        card_layout.addWidget(self.contrast_check)

        self.demo_panel = DemoAccountsPanel()
        self.demo_panel.hide()
        self.demo_panel.login_chosen.connect(self._on_demo_panel_login_chosen)

        column_widget = QWidget()
        column_widget.setMinimumWidth(420)
        column_widget.setMaximumWidth(680)
        column = QVBoxLayout(column_widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)
        column.addWidget(card)
        column.addWidget(self.demo_panel)
        column.addStretch(1)
        centre = QHBoxLayout()
        centre.setContentsMargins(24, 32, 24, 24)
        centre.addStretch(1)
        centre.addWidget(column_widget, 6)
        centre.addStretch(1)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(header)
        outer.addLayout(centre, 1)

        self.login_button.clicked.connect(self._on_login_button_clicked)
        self.login_edit.returnPressed.connect(self._on_login_button_clicked)
        self.password_edit.returnPressed.connect(self._on_login_button_clicked)
        self.setTabOrder(self.login_edit, self.password_edit)
        self.setTabOrder(self.password_edit, self.remember_check)
        self.setTabOrder(self.remember_check, self.login_button)
        self.login_edit.setFocus()
        self.load_demo_accounts()
        self.load_remembered_login()

    @staticmethod
    def _field_label(text: str, field: QLineEdit) -> QLabel:
        label = QLabel(text)
        label.setBuddy(field)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        label.setMinimumHeight(field.sizeHint().height())
        field.setAccessibleName(text)
        return label

    # -- errors (used by present_error) ----------------------------------------

    def _on_recovery_link_link_activated(self, _link: str) -> None:
        dialog = RecoveryDialog(self._gateway, self._runner, self.login_edit.text(), self)  # type: ignore[arg-type]
        dialog.password_reset.connect(self._on_recovery_dialog_password_reset)
        dialog.open()

    def _on_recovery_dialog_password_reset(self, login: str) -> None:
        self.login_edit.setText(login)
        self.password_edit.clear()
        self.password_edit.setFocus()

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def show_field_error(self, field: str, message: str) -> None:
        label = self._field_errors.get(field)
        if label is None:
            self.show_error(message)
            return
        label.setText(message)
        label.setVisible(bool(message))
        (self.login_edit if field == "login" else self.password_edit).setFocus()

    def _clear_errors(self) -> None:
        self.show_error("")
        for label in self._field_errors.values():
            label.clear()
            label.hide()

    # -- state -----------------------------------------------------------------

    def clear(self) -> None:
        """Forget everything typed and shown (after a logout, before the next user); a staff
        PC's remembered login comes back."""
        self.login_edit.clear()
        self.password_edit.clear()
        self._clear_errors()
        self._set_busy(False)
        self.remember_check.setChecked(False)
        if self._kiosk:  # the next family starts from the usual colours
            self.contrast_check.setChecked(False)
        self.login_edit.setFocus()
        self._show_remembered()

    def _on_contrast_check_toggled(self, checked: bool) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_theme(app, theme.HIGH_CONTRAST if checked else theme.LIGHT)

    def is_busy(self) -> bool:
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.login_button.setEnabled(not busy)
        self.login_edit.setReadOnly(busy)
        self.password_edit.setReadOnly(busy)

    def _accounts(self) -> AccountsGateway:
        return cast(AccountsGateway, self._gateway)

    def load_remembered_login(self) -> None:
        """A staff PC: fill in the login it remembers (a kiosk remembers none)."""
        if not self._can_remember:
            return
        self._runner.submit(
            self._accounts().remembered_login(),
            self._on_remembered_login_loaded,
            lambda exc: log.warning("the remembered login is unknown: %s", type(exc).__name__),
        )

    def remembered_login(self) -> str | None:
        return self._remembered

    def _show_remembered(self) -> None:
        if not self._can_remember or not self._remembered or self.login_edit.text():
            return
        self.login_edit.setText(self._remembered)
        self.remember_check.setChecked(True)
        self.password_edit.setFocus()

    def _remember(self, login: str) -> None:
        """After a login: remember it (box ticked) or forget the one remembered (unticked)."""
        wanted = login if self.remember_check.isChecked() else None
        if not self._can_remember or wanted == self._remembered:
            return
        self._remembered = wanted
        self._runner.submit(
            self._accounts().remember_login(wanted),
            lambda _none: None,
            lambda exc: log.warning("the login was not remembered: %s", type(exc).__name__),
        )

    def load_demo_accounts(self) -> None:
        self._runner.submit(
            self._gateway.demo_accounts(),
            self._on_demo_accounts_loaded,
            self._on_demo_accounts_failed,
        )

    # -- slots -----------------------------------------------------------------

    def _on_login_button_clicked(self) -> None:
        if self._busy:
            return
        self._clear_errors()
        login = self.login_edit.text().strip()
        if not login:
            self.show_field_error("login", _("Enter your login."))
            return
        if not self.password_edit.text():
            self.show_field_error("password", _("Enter your password."))
            return
        self._set_busy(True)
        self._runner.submit(
            self._gateway.login(login, self.password_edit.text()),
            self._on_login_succeeded,
            self._on_login_failed,
        )

    def _on_login_succeeded(self, session: SessionInfo) -> None:
        self._set_busy(False)
        self.password_edit.clear()
        self._remember(session.login)
        self.logged_in.emit(session)

    def _on_remembered_login_loaded(self, login: str | None) -> None:
        self._remembered = login or None
        self._show_remembered()

    def _on_login_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.password_edit.clear()
        self.password_edit.setFocus()
        present_error(self, exc)

    def _on_demo_accounts_loaded(self, accounts: tuple[DemoAccount, ...]) -> None:
        self.demo_panel.set_accounts(tuple(accounts))

    def _on_demo_accounts_failed(self, exc: BaseException) -> None:
        log.warning("demo accounts not shown: %s", exc)
        self.demo_panel.set_accounts(())

    def _on_demo_panel_login_chosen(self, login: str) -> None:
        self._clear_errors()
        self.login_edit.setText(login)
        self.password_edit.clear()
        self.password_edit.setFocus()
