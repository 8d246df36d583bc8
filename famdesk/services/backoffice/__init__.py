"""The managers' back office: the services a back-office screen calls, and nothing else.

Managers only: each service refuses (`NotAuthorizedError`) a family or front-desk account,
and a manager of another structure. Bad input raises a `ValidationError` in French (its
`field` names the input at fault) and changes nothing. A service that changes something
audits it and commits itself: give it a write unit of work (``UnitOfWork(db, write=True)``).
Reads take any unit of work. Dates are the structure's local dates; instants are aware.

Settings (`settings`, `news`, `wallets`)
    structure_settings(uow, session, structure_id, *, secrets) -> StructureSettings
    save_structure(uow, clock, session, structure_id, name, holiday_zone, kiosk_idle_seconds,
                   *, secrets, terminal="") -> StructureSettings
    save_smtp(uow, clock, session, structure_id, form: SmtpForm, *, secrets, terminal="")
        -> StructureSettings          (the password goes to the keyring, never the database)
    save_online_settings(uow, clock, session, structure_id, settings: OnlineSettings, *,
                         terminal="") -> None        (payment_providers.settings, re-exported)
    news_items(uow, clock, session, structure_id) -> tuple[NewsRow, ...]
    save_news(uow, clock, session, structure_id, form: NewsForm, news_id=None, *, terminal="")
        -> NewsRow
    unpublish_news(uow, clock, session, structure_id, news_id, *, terminal="") -> NewsRow
    delete_news(uow, clock, session, structure_id, news_id, *, terminal="") -> None
    wallet_rows(uow, session, structure_id) -> tuple[WalletRow, ...]
    save_wallet(uow, clock, session, structure_id, label, display_order, wallet_id=None, *,
                terminal="") -> WalletRow

Activities and deadline rules (`activities`, `rule_tester`)
    activity_rows(uow, session, structure_id) -> tuple[ActivityRow, ...]
    activity_definition(uow, session, activity_id) -> ActivityDefinition   (.form: ActivityForm)
    add_activity(uow, clock, session, structure_id, form: ActivityForm, *, terminal="")
        -> ActivityDefinition
    update_activity(uow, clock, session, activity_id, form: ActivityForm, *, terminal="")
        -> ActivityDefinition
    deadlines_on(uow, session, structure_id, day, booking_rule, cancellation_rule=None)
        -> DeadlinesTest              (the rule tester; rules as RuleParts, saved or not)
    rule_text(rule: DeadlineRule) -> str;  checked_rule(parts, field) -> DeadlineRule

Opening calendar and places (`openings`, `places`)
    opening_calendar(uow, clock, session, activity_id, first, last) -> tuple[CalendarDay, ...]
    preview_openings(uow, clock, session, activity_id, request: OpeningRequest) -> OpeningPlan
    apply_openings(uow, clock, session, activity_id, request: OpeningRequest, *, terminal="")
        -> OpeningPlan                (days already open are skipped and left as they are)
    open_day(uow, clock, session, activity_id, day, capacity, waitlist_size, *, terminal="")
        -> CalendarDay
    preview_places(uow, clock, session, activity_id, first, last, capacity,
                   waitlist_size=KEEP) -> PlacesPreview   (.needs_choice: refuse or move?)
    set_places(uow, clock, session, activity_id, first, last, capacity, waitlist_size=KEEP, *,
               overflow=Overflow.REFUSE, terminal="") -> PlacesResult

Closing days (`closing`)
    closure_preview(uow, clock, session, activity_id, first, last=None) -> ClosurePreview
    close_days(uow, clock, session, activity_id, first, last=None, *, reason=None,
               expected_reservations=None, terminal="") -> ClosureResult

Accounts and structures (`accounts`; a manager changes only accounts whose every structure
is theirs, never leaves a structure without a manager nor takes away their own role)
    staff_accounts(uow, clock, session, structure_id) -> tuple[StaffAccountRow, ...]
    add_staff_account(uow, clock, session, form: StaffAccountForm, *, terminal="")
        -> OneTimePassword              (shown once; changed at the first login)
    reset_staff_password(uow, clock, session, account_id, *, terminal="") -> OneTimePassword
    change_staff_account(uow, clock, session, account_id, role, structure_ids, *,
                         terminal="") -> StaffAccountRow
    add_structure(uow, clock, session, structure_id, name, holiday_zone,
                  timezone="Europe/Paris", *, terminal="") -> StructureChoice
                                        (the manager of `structure_id` is linked to it)

Waiting lists (`waiting_lists`)
    waiting_days(uow, clock, session, structure_id, activity_id=None) -> tuple[WaitingDay, ...]
    waiting_list(uow, clock, session, activity_id, day) -> WaitingList
    promote_waiting(uow, clock, session, activity_id, day, reservation_id=None, *,
                    terminal="") -> WaitingList
    remove_waiting(uow, clock, session, activity_id, day, reservation_id, reason, *,
                   terminal="") -> WaitingList
"""

from famdesk.services.backoffice.accounts import (
    StaffAccountForm,
    StaffAccountRow,
    add_staff_account,
    add_structure,
    change_staff_account,
    reset_staff_password,
    staff_accounts,
)
from famdesk.services.backoffice.activities import (
    ActivityDefinition,
    ActivityForm,
    ActivityRow,
    activity_definition,
    activity_rows,
    add_activity,
    update_activity,
)
from famdesk.services.backoffice.closing import (
    AffectedReservation,
    ClosurePreview,
    ClosureResult,
    close_days,
    closure_preview,
)
from famdesk.services.backoffice.news import (
    NewsForm,
    NewsRow,
    NewsState,
    delete_news,
    news_items,
    save_news,
    unpublish_news,
)
from famdesk.services.backoffice.openings import (
    CalendarDay,
    OpeningPlan,
    OpeningRequest,
    SchoolTime,
    SkippedDay,
    SkipReason,
    apply_openings,
    open_day,
    opening_calendar,
    preview_openings,
)
from famdesk.services.backoffice.places import (
    DayPlaces,
    PlacesPreview,
    PlacesResult,
    preview_places,
    set_places,
)
from famdesk.services.backoffice.rule_tester import (
    DeadlinesTest,
    RuleParts,
    checked_rule,
    deadlines_on,
    rule_text,
)
from famdesk.services.backoffice.settings import (
    SmtpForm,
    StructureSettings,
    save_smtp,
    save_structure,
    structure_settings,
)
from famdesk.services.backoffice.waiting_lists import (
    WaitingDay,
    WaitingEntry,
    WaitingList,
    promote_waiting,
    remove_waiting,
    waiting_days,
    waiting_list,
)
from famdesk.services.backoffice.wallets import WalletRow, save_wallet, wallet_rows
from famdesk.services.capacity import KEEP, Overflow
from famdesk.services.payment_providers.settings import OnlineSettings, save_online_settings

__all__ = [
    "KEEP",
    "ActivityDefinition",
    "ActivityForm",
    "ActivityRow",
    "AffectedReservation",
    "CalendarDay",
    "ClosurePreview",
    "ClosureResult",
    "DayPlaces",
    "DeadlinesTest",
    "NewsForm",
    "NewsRow",
    "NewsState",
    "OnlineSettings",
    "OpeningPlan",
    "OpeningRequest",
    "Overflow",
    "PlacesPreview",
    "PlacesResult",
    "RuleParts",
    "SchoolTime",
    "SkipReason",
    "SkippedDay",
    "SmtpForm",
    "StaffAccountForm",
    "StaffAccountRow",
    "StructureSettings",
    "WaitingDay",
    "WaitingEntry",
    "WaitingList",
    "WalletRow",
    "activity_definition",
    "activity_rows",
    "add_activity",
    "add_staff_account",
    "add_structure",
    "apply_openings",
    "change_staff_account",
    "checked_rule",
    "close_days",
    "closure_preview",
    "deadlines_on",
    "delete_news",
    "news_items",
    "open_day",
    "opening_calendar",
    "preview_openings",
    "preview_places",
    "promote_waiting",
    "remove_waiting",
    "reset_staff_password",
    "rule_text",
    "save_news",
    "save_online_settings",
    "save_smtp",
    "save_structure",
    "save_wallet",
    "set_places",
    "staff_accounts",
    "structure_settings",
    "unpublish_news",
    "update_activity",
    "waiting_days",
    "waiting_list",
    "wallet_rows",
]
