"""The API's paths, named once for the server's routes and the synced gateway's calls.

`{name}` parts are filled with `str.format` (ids are integers). Headers: the session token
as ``Authorization: Bearer TOKEN``; a registered kiosk's device token as `DEVICE_HEADER`;
a desk may name itself in `TERMINAL_HEADER` (kept with what its session changes).
"""

from __future__ import annotations

API = "/api/v1"

DEVICE_HEADER = "X-Famdesk-Device"
TERMINAL_HEADER = "X-Famdesk-Terminal"

HEALTH = "/health"

# -- the session ---------------------------------------------------------------------------
LOGIN = f"{API}/login"
LOGOUT = f"{API}/logout"
SESSION = f"{API}/session"
DEMO_ACCOUNTS = f"{API}/demo-accounts"
DEVICE = f"{API}/device"

# -- "Le retrouver" (no session) -----------------------------------------------------------
RECOVERY_OPTIONS = f"{API}/recovery/options"
RECOVERY_ANSWER = f"{API}/recovery/answer"
RECOVERY_CODE = f"{API}/recovery/code"
RECOVERY_CODE_RESET = f"{API}/recovery/code/reset"

# -- "Profil" --------------------------------------------------------------------------------
PROFILE = f"{API}/profile"
PROFILE_PASSWORD = f"{API}/profile/password"
PROFILE_EMAIL = f"{API}/profile/email"
PROFILE_SECURITY_QUESTION = f"{API}/profile/security-question"
PROFILE_FIRST_PASSWORD = f"{API}/profile/first-password"

# -- pages and booking -----------------------------------------------------------------------
HOME = f"{API}/structures/{{structure_id}}/home"
BOOKING_FAMILY = f"{API}/structures/{{structure_id}}/booking-family"
KIOSK_IDLE = f"{API}/structures/{{structure_id}}/kiosk-idle-seconds"
TRACKING = f"{API}/structures/{{structure_id}}/tracking"
TRACKING_PDF = f"{API}/structures/{{structure_id}}/tracking.pdf"
MONTH = f"{API}/month"
ACTIVITY_INFO = f"{API}/children/{{child_id}}/activities/{{activity_id}}/info"
PREVIEW = f"{API}/preview"
CONFIRM = f"{API}/confirm"
COPY = f"{API}/copy"

# -- annual enrollments ----------------------------------------------------------------------
ENROLLMENT_PAGE = f"{API}/children/{{child_id}}/enrollment-page"
ENROLLMENTS = f"{API}/enrollments"
ENROLLMENT_END = f"{API}/enrollments/{{enrollment_id}}/end"
ENROLLMENT_STOP = f"{API}/enrollments/{{enrollment_id}}/stop"

# -- money -------------------------------------------------------------------------------------
BALANCES = f"{API}/structures/{{structure_id}}/balances"
CHECKOUT_OPTIONS = f"{API}/structures/{{structure_id}}/checkout-options"
ONLINE_PAYMENTS = f"{API}/structures/{{structure_id}}/online-payments"
ONLINE_PAYMENT_STATE = f"{API}/online-payments/{{payment_id}}/state"
HISTORY = f"{API}/structures/{{structure_id}}/history"
HISTORY_PDF = f"{API}/structures/{{structure_id}}/history.pdf"
HISTORY_EXPORT = f"{API}/structures/{{structure_id}}/history-export"
HISTORY_MAIL = f"{API}/structures/{{structure_id}}/history/mail"
STATEMENT_PDF = f"{API}/structures/{{structure_id}}/statement.pdf"
ATTESTATION_PDF = f"{API}/structures/{{structure_id}}/attestation.pdf"
PAYMENTS = f"{API}/payments"
PAYMENT_RECEIPT = f"{API}/payments/{{payment_id}}"
PAYMENT_RECEIPT_PDF = f"{API}/payments/{{payment_id}}/receipt.pdf"
PAYMENT_CANCEL = f"{API}/payments/{{payment_id}}/cancel"

# -- the front desk -----------------------------------------------------------------------------
FAMILY_SEARCH = f"{API}/structures/{{structure_id}}/families"
FAMILY_CREATE = f"{API}/structures/{{structure_id}}/families"
FAMILY_SAVE = f"{API}/structures/{{structure_id}}/families/{{family_id}}"
RECORD_FACTS = f"{API}/structures/{{structure_id}}/record-facts"
FAMILY_RECORD = f"{API}/families/{{family_id}}"
QUOTIENTS = f"{API}/families/{{family_id}}/quotients"
CHILD_CREATE = f"{API}/families/{{family_id}}/children"
CHILD_SAVE = f"{API}/families/{{family_id}}/children/{{child_id}}"
FAMILY_ACCOUNT = f"{API}/families/{{family_id}}/account"
FAMILY_ACCOUNT_RESET = f"{API}/families/{{family_id}}/account/password-reset"
REGISTRATIONS = f"{API}/registrations"
REGISTRATION = f"{API}/registrations/{{registration_id}}"
OUTBOX_FAILURES = f"{API}/structures/{{structure_id}}/outbox-failures"
TRANSMIT = f"{API}/transmit"
ACCOUNT_SESSIONS_REVOKE = f"{API}/accounts/{{account_id}}/sessions/revoke"

# -- kiosks (managers) ---------------------------------------------------------------------------
KIOSKS = f"{API}/structures/{{structure_id}}/kiosks"
KIOSK = f"{API}/kiosks/{{kiosk_id}}"

# -- the back office ("Paramétrage", managers) ------------------------------------------------------
STRUCTURE_SETTINGS = f"{API}/structures/{{structure_id}}/settings"
STRUCTURE_SMTP = f"{API}/structures/{{structure_id}}/settings/smtp"
STRUCTURE_ONLINE = f"{API}/structures/{{structure_id}}/settings/online-payment"
NEWS_ITEMS = f"{API}/structures/{{structure_id}}/news"
NEWS_ITEM = f"{API}/structures/{{structure_id}}/news/{{news_id}}"
NEWS_UNPUBLISH = f"{API}/structures/{{structure_id}}/news/{{news_id}}/unpublish"
ACTIVITIES_PAGE = f"{API}/structures/{{structure_id}}/activities-page"
WALLETS = f"{API}/structures/{{structure_id}}/wallets"
WALLET = f"{API}/structures/{{structure_id}}/wallets/{{wallet_id}}"
ACTIVITIES = f"{API}/structures/{{structure_id}}/activities"
ACTIVITY = f"{API}/activities/{{activity_id}}"
DEADLINES_TEST = f"{API}/structures/{{structure_id}}/deadlines-test"
OPENING_CALENDAR = f"{API}/activities/{{activity_id}}/calendar"
OPENINGS_PREVIEW = f"{API}/activities/{{activity_id}}/openings/preview"
OPENINGS = f"{API}/activities/{{activity_id}}/openings"
OPEN_DAY = f"{API}/activities/{{activity_id}}/open-day"
PLACES_PREVIEW = f"{API}/activities/{{activity_id}}/places/preview"
PLACES = f"{API}/activities/{{activity_id}}/places"
CLOSURE_PREVIEW = f"{API}/activities/{{activity_id}}/closure/preview"
CLOSURE = f"{API}/activities/{{activity_id}}/closure"
WAITING_DAYS = f"{API}/structures/{{structure_id}}/waiting-days"
WAITING_LIST = f"{API}/activities/{{activity_id}}/waiting-list"
WAITING_PROMOTE = f"{API}/activities/{{activity_id}}/waiting-list/promote"
WAITING_REMOVE = f"{API}/activities/{{activity_id}}/waiting-list/remove"
FAMILY_IMPORT_CHECK = f"{API}/structures/{{structure_id}}/family-import/check"
FAMILY_IMPORT = f"{API}/structures/{{structure_id}}/family-import"

# -- accounts and structures ("Comptes et structures", managers) ---------------------------------
STAFF_ACCOUNTS = f"{API}/structures/{{structure_id}}/staff-accounts"
STAFF_ACCOUNT_NEW = f"{API}/staff-accounts"
STAFF_ACCOUNT = f"{API}/staff-accounts/{{account_id}}"
STAFF_ACCOUNT_RESET = f"{API}/staff-accounts/{{account_id}}/password-reset"
STRUCTURE_NEW = f"{API}/structures"
