"""Staff find a family as they type (accents and case do not count), then act for it or
open its file; an answer to an older text never replaces a newer one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from famdesk.errors import NotAuthorizedError
from famdesk.i18n import _, ngettext
from famdesk.services.family_search import FamilyHit
from famdesk.ui.family_search_panel import FamilySearchPanel
from famdesk.ui.models.family_model import (
    LOGIN_COLUMN,
    NAME_COLUMN,
    FamilyRole,
    FamilySearchModel,
    family_name,
)
from tests.ui.accounts_factories import (
    AccountsLocalGateway,
    add_town_families,
    family_login,
    staff_login,
    type_text,
)
from tests.ui.factories import FAMILY_LOGIN
from tests.ui.helpers import ManualRunner, column_texts, run

CLICK = Qt.MouseButton.LeftButton
LEFEVRE = "Mme LEFÈVRE Inès"
DUPONT = "M. DUPONT Éric"
MARTIN = "M. MARTIN Hugo"


@pytest.fixture
def accounts_gw(portal_ctx, portal):
    gw = AccountsLocalGateway(portal_ctx)
    yield gw
    gw.close()


@pytest.fixture
def families(portal_ctx, portal):
    return add_town_families(portal_ctx, portal)


@pytest.fixture
def panel(qtbot, accounts_gw, sync_runner, portal, families):
    staff_login(accounts_gw)
    panel = FamilySearchPanel(accounts_gw, sync_runner, debounce_ms=30)
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    panel.set_structure(portal.town_id)
    return panel


def search(qtbot, panel, text):
    panel.search_edit.clear()
    type_text(qtbot, panel.search_edit, text)
    qtbot.waitUntil(lambda: panel.searched_text() == text, timeout=2000)
    return column_texts(panel.table, NAME_COLUMN)


def test_the_model_passes_the_model_tester(qtmodeltester):
    hits = (
        FamilyHit(1, MARTIN, ("Léa", "Tom"), FAMILY_LOGIN, "hugo.martin@example.org", None),
        FamilyHit(2, LEFEVRE, ("Chloé",), None, None, "06 12 34 56 78"),
    )
    model = FamilySearchModel(hits)
    qtmodeltester.check(model)
    model.set_rows(hits[:1])
    qtmodeltester.check(model)
    assert model.index(0, 1).data() == "Léa, Tom"
    assert model.index(0, 0).data(FamilyRole.FAMILY_ID) == 1
    model.set_rows(hits)
    assert model.index(1, LOGIN_COLUMN).data() == "—"
    assert model.index(1, LOGIN_COLUMN).data(Qt.ItemDataRole.ToolTipRole) == _(
        "No account yet: create one in the family file.")
    assert model.index(1, 0).data(FamilyRole.HAS_ACCOUNT) is False


def test_the_family_name_of_a_holder_name():
    assert family_name(MARTIN) == "MARTIN"
    assert family_name("Mme DE LA FONTAINE Inès") == "DE LA FONTAINE"
    assert family_name("Mx O'NEIL-DURAND Camille") == "O'NEIL-DURAND"


def test_before_typing_the_panel_says_what_to_type(panel):
    assert panel.model.rowCount() == 0
    assert panel.status_label.text() == _(
        "Type a name, a login or an e-mail: the families show as you type.")
    assert not panel.act_button.isEnabled()


def test_families_show_as_you_type_whatever_the_accents(qtbot, panel):
    assert search(qtbot, panel, "lefe") == [LEFEVRE]
    assert search(qtbot, panel, "LEFÈVRE") == [LEFEVRE]
    assert search(qtbot, panel, "ines") == [LEFEVRE]
    assert search(qtbot, panel, "eric") == [DUPONT]
    assert search(qtbot, panel, "Éric Dupont") == [DUPONT]
    assert panel.status_label.text() == ngettext("{count} family", "{count} families", 1).format(
        count=1)


def test_a_child_name_a_login_or_an_e_mail_finds_the_family(qtbot, panel):
    assert search(qtbot, panel, "chloe") == [LEFEVRE]
    assert search(qtbot, panel, "zoé") == [DUPONT]
    assert search(qtbot, panel, "hugo.mar") == [MARTIN]
    assert search(qtbot, panel, "ines.lefevre@exa") == [LEFEVRE]
    assert column_texts(panel.table, 1) == ["Chloé, Noé"]


def test_no_match_says_so(qtbot, panel):
    assert search(qtbot, panel, "zzz") == []
    assert panel.status_label.text() == _("No family matches “{text}”.").format(text="zzz")
    assert not panel.record_button.isEnabled()


def test_typing_waits_for_a_pause(qtbot, accounts_gw, portal, families):
    staff_login(accounts_gw)
    runner = ManualRunner()
    panel = FamilySearchPanel(accounts_gw, runner, debounce_ms=100)
    qtbot.addWidget(panel)
    panel.set_structure(portal.town_id)
    qtbot.keyClicks(panel.search_edit, "dupont")
    assert runner.queue == []  # six keys, no search yet
    qtbot.waitUntil(lambda: len(runner.queue) == 1, timeout=2000)
    runner.run_all()
    assert column_texts(panel.table, NAME_COLUMN) == [DUPONT]
    runner.close()


class _UncancellableJob:
    def cancel(self) -> None:
        pass  # the work already ran: its answer will come

    def done(self) -> bool:
        return False


class _LateRunner(ManualRunner):
    """Answers whenever told, even when the widget no longer waits for them."""

    def submit(self, coro, on_success, on_error):
        super().submit(coro, on_success, on_error)
        return _UncancellableJob()


def test_an_older_answer_never_replaces_a_newer_one(qtbot, accounts_gw, portal, families):
    staff_login(accounts_gw)
    runner = _LateRunner()
    panel = FamilySearchPanel(accounts_gw, runner, debounce_ms=10)
    qtbot.addWidget(panel)
    panel.set_structure(portal.town_id)
    panel.search_edit.setText("martin")
    panel.search_now()
    panel.search_edit.setText("dupont")
    panel.search_now()
    runner.run_next(1)  # "dupont" answers first
    runner.run_all()  # then the late "martin"
    assert column_texts(panel.table, NAME_COLUMN) == [DUPONT]
    assert panel.status_label.text() == ngettext("{count} family", "{count} families", 1).format(
        count=1)


def test_enter_or_double_click_acts_for_the_family(qtbot, panel, families):
    search(qtbot, panel, "lefevre")
    with qtbot.waitSignal(panel.family_opened) as opened:
        qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    hit = opened.args[0]
    assert hit.family_id == families.lefevre and hit.holder_name == LEFEVRE

    search(qtbot, panel, "e")  # several families
    assert panel.model.rowCount() >= 2
    rect = panel.table.visualRect(panel.model.index(1, 0))
    qtbot.mouseClick(panel.table.viewport(), CLICK, pos=rect.center())
    with qtbot.waitSignal(panel.family_opened) as opened:
        qtbot.mouseDClick(panel.table.viewport(), CLICK, pos=rect.center())
    assert opened.args[0] == panel.model.hit(1)


def test_the_buttons_open_the_file_or_a_new_family(qtbot, panel, families):
    search(qtbot, panel, "dupont")
    with qtbot.waitSignal(panel.record_requested) as requested:
        qtbot.mouseClick(panel.record_button, CLICK)
    assert requested.args == [families.dupont]
    with qtbot.waitSignal(panel.new_family_requested):
        qtbot.mouseClick(panel.new_button, CLICK)


def test_clear_forgets_the_text_and_the_results(qtbot, panel):
    search(qtbot, panel, "lefevre")
    panel.clear()
    assert panel.search_edit.text() == ""
    assert panel.model.rowCount() == 0


def test_a_family_account_may_not_search(accounts_gw, portal, families):
    family_login(accounts_gw)
    with pytest.raises(NotAuthorizedError):
        run(accounts_gw.search_families(portal.town_id, "dupont"))
