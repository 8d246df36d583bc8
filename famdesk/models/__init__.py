"""famdesk's data model: SQLAlchemy 2 mapped classes, enums and value types. No Qt here."""

from famdesk.models.accounts import Account, AuditEntry, account_structure
from famdesk.models.activities import Activity, ActivityDay, TariffBracket, TimeOption
from famdesk.models.base import Base
from famdesk.models.families import Child, Family, QuotientFamilial, Registration
from famdesk.models.ledger import LedgerEntry, Payment, ReceiptCounter
from famdesk.models.online import OnlineAllocation, OnlinePayment, OnlinePaymentSettings
from famdesk.models.outbox import OutboxAttachment, OutboxMessage
from famdesk.models.recovery import LoginThrottle, RecoveryAttempt, RecoveryCode
from famdesk.models.reservations import AnnualEnrollment, IdempotencyKey, Movement, Reservation
from famdesk.models.server_tokens import ApiSession, Kiosk
from famdesk.models.structures import AppMeta, News, Structure, Wallet

__all__ = [
    "Account",
    "Activity",
    "ActivityDay",
    "AnnualEnrollment",
    "ApiSession",
    "AppMeta",
    "AuditEntry",
    "Base",
    "Child",
    "Family",
    "IdempotencyKey",
    "Kiosk",
    "LoginThrottle",
    "LedgerEntry",
    "Movement",
    "News",
    "OnlineAllocation",
    "OnlinePayment",
    "OnlinePaymentSettings",
    "OutboxAttachment",
    "OutboxMessage",
    "Payment",
    "QuotientFamilial",
    "ReceiptCounter",
    "RecoveryAttempt",
    "RecoveryCode",
    "Registration",
    "Reservation",
    "Structure",
    "TariffBracket",
    "TimeOption",
    "Wallet",
    "account_structure",
]
