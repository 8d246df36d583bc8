"""The managers' set-up services: structures, news, wallets, activities, opening days,
accounts, families, quotients familiaux, children and registrations.

Used by `famdesk demo` and, later, by the back office. Each takes the unit of work and the
session, checks the session may do it (a manager; `SYSTEM` for famdesk itself), validates
its input (a `ValidationError` names its field, in French), writes rows and flushes them
to get their ids, and never commits: the caller does, once per user action.
Money comes in as `Decimal` euros and is stored in integer cents.
"""

from famdesk.services.setup.activities import (
    Bracket,
    OpenedDays,
    TimeChoices,
    create_activity,
    open_days,
)
from famdesk.services.setup.people import (
    add_child,
    create_account,
    create_family,
    register_child,
    set_quotient,
)
from famdesk.services.setup.structures import add_news, create_structure, create_wallet

__all__ = [
    "Bracket",
    "OpenedDays",
    "TimeChoices",
    "add_child",
    "add_news",
    "create_account",
    "create_activity",
    "create_family",
    "create_structure",
    "create_wallet",
    "open_days",
    "register_child",
    "set_quotient",
]
