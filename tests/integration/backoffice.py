"""The back office's services for the authorization checks, and a manager of the test town.

`BACKOFFICE_CALLS` holds one call of each public back-office service, made so that a
session allowed to act gets past authorization and then, for those that commit, stops on
bad input (nothing is changed that another check depends on). `test_authorization_meta`
registers them (families refused); `test_backoffice_authorization` also refuses the staff.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from decimal import Decimal

from famdesk.models.enums import Role
from famdesk.models.values import DeadlineRule
from famdesk.services.auth import SYSTEM, SessionInfo, StructureChoice
from famdesk.services.backoffice import _common as common
from famdesk.services.backoffice import (
    accounts,
    activities,
    closing,
    news,
    openings,
    places,
    rule_tester,
    settings,
    waiting_lists,
    wallets,
)
from famdesk.services.setup import people
from famdesk.services.uow import UnitOfWork
from tests.integration.town import PASSWORD, YEAR_END, YEAR_START, Town

Call = Callable[[Town, UnitOfWork, SessionInfo], object]

WED = date(2026, 9, 30)
QUIET_WED = date(2027, 6, 30)
"""A Wednesday nobody books in the shared town of the checks."""
PAST = date(2026, 9, 2)


def manager(town: Town) -> SessionInfo:
    """A new manager ("Gestionnaire") account of the test town, and its session."""
    with town.uow(write=True) as uow:
        account = people.create_account(
            uow, SYSTEM, "gestion", PASSWORD, "Gestion", Role.ADMIN, "gestion@example.org",
            [town.structure_id], clock=town.clock)
        uow.commit()
    choice = StructureChoice(town.structure_id, "Mairie de Testville", "Europe/Paris")
    return SessionInfo(account, "gestion", "Gestion", Role.ADMIN, (choice,))


def activity_form(town: Town, **changes: object) -> activities.ActivityForm:
    """A valid form: a Friday club of the town's wallet (changed by `changes`)."""
    with town.uow() as uow:
        wallet = wallets.wallet_rows(uow, SYSTEM, town.structure_id)[0].id
    fields: dict[str, object] = {
        "wallet_id": wallet, "label": "CLUB DU VENDREDI", "colour": "#4c956c",
        "display_order": 4, "period_start": YEAR_START, "period_end": YEAR_END,
        "tariff_mode": "unit", "slot_minutes": None,
        "brackets": ((0, 600, Decimal("2.00")), (601, None, Decimal("4.00"))),
        "booking_rule": rule_tester.RuleParts("days_before", 2, "working", cutoff=time(12, 0)),
    }
    fields.update(changes)
    return activities.ActivityForm(**fields)  # type: ignore[arg-type]


BACKOFFICE_READ_ONLY = {
    "backoffice._common.managed_structure": "checks and returns a structure for its manager",
    "backoffice._common.managed_activity": "checks and returns an activity for its manager",
    "backoffice.settings.structure_settings": "a structure's settings",
    "backoffice.news.news_items": "a structure's news",
    "backoffice.wallets.wallet_rows": "a structure's wallets",
    "backoffice.activities.activity_rows": "a structure's activities",
    "backoffice.activities.activity_definition": "an activity's full definition",
    "backoffice.rule_tester.deadlines_on": "the deadlines rules give a day (the rule tester)",
    "backoffice.openings.opening_calendar": "an activity's opening calendar",
    "backoffice.openings.preview_openings": "the days a generation would open",
    "backoffice.places.preview_places": "what a change of places would do",
    "backoffice.closing.closure_preview": "who closing days would affect",
    "backoffice.waiting_lists.waiting_days": "the days where children wait",
    "backoffice.waiting_lists.waiting_list": "a day's waiting list",
    "backoffice.accounts.staff_accounts": "a structure's front-desk and manager accounts",
}
"""Back-office functions with a service's signature that only read: name -> what they read."""


def _close(t: Town, uow: UnitOfWork, s: SessionInfo) -> object:
    return closing.close_days(uow, t.clock, s, t.alsh, PAST, reason="Grève")


def _martin_account(t: Town) -> int:
    """A family account of the town: the managers' account services refuse it as bad input."""
    return t.martin.account_id


BACKOFFICE_CALLS: dict[str, Call] = {
    # reads
    "backoffice._common.managed_structure": lambda t, uow, s: common.managed_structure(
        uow, s, t.structure_id),
    "backoffice._common.managed_activity": lambda t, uow, s: common.managed_activity(
        uow, s, t.alsh),
    "backoffice.settings.structure_settings": lambda t, uow, s: settings.structure_settings(
        uow, s, t.structure_id, secrets=t.ctx.secrets),
    "backoffice.news.news_items": lambda t, uow, s: news.news_items(uow, t.clock, s,
                                                                    t.structure_id),
    "backoffice.wallets.wallet_rows": lambda t, uow, s: wallets.wallet_rows(uow, s,
                                                                            t.structure_id),
    "backoffice.activities.activity_rows": lambda t, uow, s: activities.activity_rows(
        uow, s, t.structure_id),
    "backoffice.activities.activity_definition": lambda t, uow, s: activities.activity_definition(
        uow, s, t.alsh),
    "backoffice.rule_tester.deadlines_on": lambda t, uow, s: rule_tester.deadlines_on(
        uow, s, t.structure_id, WED, DeadlineRule.weekday_before(3, 1, time(12, 0))),
    "backoffice.openings.opening_calendar": lambda t, uow, s: openings.opening_calendar(
        uow, t.clock, s, t.alsh, WED, WED),
    "backoffice.openings.preview_openings": lambda t, uow, s: openings.preview_openings(
        uow, t.clock, s, t.alsh, openings.OpeningRequest(WED, WED, frozenset({2}))),
    "backoffice.places.preview_places": lambda t, uow, s: places.preview_places(
        uow, t.clock, s, t.alsh, WED, WED, 1),
    "backoffice.closing.closure_preview": lambda t, uow, s: closing.closure_preview(
        uow, t.clock, s, t.alsh, WED),
    "backoffice.waiting_lists.waiting_days": lambda t, uow, s: waiting_lists.waiting_days(
        uow, t.clock, s, t.structure_id),
    "backoffice.waiting_lists.waiting_list": lambda t, uow, s: waiting_lists.waiting_list(
        uow, t.clock, s, t.alsh, WED),
    "backoffice.accounts.staff_accounts": lambda t, uow, s: accounts.staff_accounts(
        uow, t.clock, s, t.structure_id),
    # changes (each commits: each stops on bad input once authorized)
    "backoffice.settings.save_structure": lambda t, uow, s: settings.save_structure(
        uow, t.clock, s, t.structure_id, "", "B", 120, secrets=t.ctx.secrets),
    "backoffice.settings.save_smtp": lambda t, uow, s: settings.save_smtp(
        uow, t.clock, s, t.structure_id, settings.SmtpForm("mail server!"),
        secrets=t.ctx.secrets),
    "backoffice.news.save_news": lambda t, uow, s: news.save_news(
        uow, t.clock, s, t.structure_id, news.NewsForm("", "", WED)),
    "backoffice.news.unpublish_news": lambda t, uow, s: news.unpublish_news(
        uow, t.clock, s, t.structure_id, 0),
    "backoffice.news.delete_news": lambda t, uow, s: news.delete_news(
        uow, t.clock, s, t.structure_id, 0),
    "backoffice.wallets.save_wallet": lambda t, uow, s: wallets.save_wallet(
        uow, t.clock, s, t.structure_id, "", 1),
    "backoffice.activities.add_activity": lambda t, uow, s: activities.add_activity(
        uow, t.clock, s, t.structure_id, activity_form(t, label="")),
    "backoffice.activities.update_activity": lambda t, uow, s: activities.update_activity(
        uow, t.clock, s, t.alsh, activity_form(t, label="")),
    "backoffice.openings.apply_openings": lambda t, uow, s: openings.apply_openings(
        uow, t.clock, s, t.alsh, openings.OpeningRequest(WED, WED, frozenset())),
    "backoffice.openings.open_day": lambda t, uow, s: openings.open_day(
        uow, t.clock, s, t.alsh, PAST, 2, 1),
    "backoffice.places.set_places": lambda t, uow, s: places.set_places(
        uow, t.clock, s, t.alsh, WED, WED, -1),
    "backoffice.closing.close_days": _close,
    "backoffice.waiting_lists.promote_waiting": lambda t, uow, s: waiting_lists.promote_waiting(
        uow, t.clock, s, t.alsh, QUIET_WED),
    "backoffice.waiting_lists.remove_waiting": lambda t, uow, s: waiting_lists.remove_waiting(
        uow, t.clock, s, t.alsh, QUIET_WED, 0, ""),
    "backoffice.accounts.add_staff_account": lambda t, uow, s: accounts.add_staff_account(
        uow, t.clock, s, accounts.StaffAccountForm("", "Agent", "staff", None,
                                                   (t.structure_id,))),
    "backoffice.accounts.reset_staff_password": lambda t, uow, s: accounts.reset_staff_password(
        uow, t.clock, s, _martin_account(t)),
    "backoffice.accounts.change_staff_account": lambda t, uow, s: accounts.change_staff_account(
        uow, t.clock, s, _martin_account(t), "staff", [t.structure_id]),
    "backoffice.accounts.add_structure": lambda t, uow, s: accounts.add_structure(
        uow, t.clock, s, t.structure_id, "", "B"),
}
