"""Enumerations stored in the database (their values are what the rows hold)."""

from enum import StrEnum


class Role(StrEnum):
    FAMILY = "family"
    STAFF = "staff"
    ADMIN = "admin"


class HolidayZone(StrEnum):
    A = "A"
    B = "B"
    C = "C"


class TariffMode(StrEnum):
    UNIT = "unit"
    SLOT = "slot"


class TimeKind(StrEnum):
    ARRIVAL = "arrival"
    DEPARTURE = "departure"


class ReservationStatus(StrEnum):
    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    REFUSED = "refused"


ACTIVE_STATUSES = (ReservationStatus.BOOKED, ReservationStatus.WAITLISTED)


class ReservationSource(StrEnum):
    PORTAL = "portal"
    DESK = "desk"
    ANNUAL = "annual"
    COPY = "copy"


class MovementKind(StrEnum):
    BOOK = "book"
    CANCEL = "cancel"
    CHANGE_TIMES = "change_times"
    PROMOTION = "promotion"
    MOVED_TO_WAITLIST = "moved_to_waitlist"
    """Staff lowered a day's capacity: this booked child now heads the waiting list."""


class MovementOutcome(StrEnum):
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REFUSED = "refused"
    CANCELLED = "cancelled"


class EnrollmentStatus(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"


class LedgerKind(StrEnum):
    CONSUMPTION = "consumption"
    PAYMENT = "payment"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"


class PaymentMethod(StrEnum):
    CASH = "cash"
    CHEQUE = "cheque"
    CARD_TERMINAL = "card_terminal"
    TRANSFER = "transfer"
    ONLINE_CARD = "online_card"


class PaymentStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"


class SmtpSecurity(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    SSL = "ssl"


class RecoveryStep(StrEnum):
    """What a terminal did in "Le retrouver" (each counts toward the terminal's limit)."""

    OPTIONS = "options"
    """Asked what a login may recover with."""
    CODE_SENT = "code_sent"
    """Asked for a one-time code by e-mail."""
    WRONG_ANSWER = "wrong_answer"
    WRONG_CODE = "wrong_code"
