"""The bodies the API takes, and the few answers that are not a service's own dataclass.

Each request model mirrors the gateway method's arguments with the wire's limits (ids are
positive 32-bit integers, dates between 1900 and 2999, texts bounded); the services still
check everything they check in local mode. `DraftIn.of(draft)` and `.to_draft()` carry a
`Draft` across.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from famdesk.models.enums import PaymentMethod, ReservationSource
from famdesk.services.auth import SessionInfo
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.enrollments import EnrollmentForm, EnrollmentLine
from famdesk.services.families import ChildDetails, FamilyDetails

MAX_ID = 2**31 - 1
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
MAX_DRAFT_LINES = 5000


def _day_in_range(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError("date out of range")
    return day


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Day = Annotated[date, AfterValidator(_day_in_range)]
Year = Annotated[int, Field(ge=1900, le=2999)]
MonthNumber = Annotated[int, Field(ge=1, le=12)]
Short = Annotated[str, Field(max_length=200)]
Secret = Annotated[str, Field(max_length=1024)]
Long = Annotated[str, Field(max_length=2000)]
Money = Annotated[Decimal, Field(max_digits=12, decimal_places=2, allow_inf_nan=False)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- the session -------------------------------------------------------------------------------


class LoginRequest(Request):
    login: Short
    password: Secret


class LoginAnswer(BaseModel):
    token: str = Field(description="the session token: send it as `Authorization: Bearer`")
    expires_at: datetime
    session: SessionInfo


# -- the draft ---------------------------------------------------------------------------------


class DraftLineIn(Request):
    kind: LineKind
    child_id: Id
    activity_id: Id
    day: Day
    arrival: time | None = None
    departure: time | None = None


class DraftIn(Request):
    lines: list[DraftLineIn] = Field(default_factory=list, max_length=MAX_DRAFT_LINES)

    @classmethod
    def of(cls, draft: Draft | None) -> DraftIn | None:
        if draft is None:
            return None
        return cls(lines=[DraftLineIn(kind=line.kind, child_id=line.child_id,
                                      activity_id=line.activity_id, day=line.day,
                                      arrival=line.arrival, departure=line.departure)
                          for line in draft.lines])

    def to_draft(self) -> Draft:
        return Draft(tuple(DraftLine(line.kind, line.child_id, line.activity_id, line.day,
                                     line.arrival, line.departure) for line in self.lines))


def draft_of(draft: DraftIn | None) -> Draft | None:
    return None if draft is None else draft.to_draft()


# -- booking -----------------------------------------------------------------------------------


class MonthRequest(Request):
    child_id: Id
    year: Year
    month: MonthNumber
    activity_id: Id | None = None
    draft: DraftIn | None = None


class PreviewRequest(Request):
    draft: DraftIn
    override_reason: Long | None = None


class ConfirmRequest(Request):
    draft: DraftIn
    key: Annotated[str, Field(min_length=1, max_length=48)] = Field(
        description="the idempotency key: the same key twice books once")
    override_reason: Long | None = None
    source: ReservationSource | None = Field(
        None, description="only \"copy\" (a draft made by copying): the portal or the desk "
                          "is the session's own, any other value is refused")


class CopyRequest(Request):
    source_child_id: Id
    source_activity_id: Id
    first: Day
    last: Day
    target_child_id: Id | None = None
    target_activity_id: Id | None = None
    times: tuple[time, time] | None = None
    draft: DraftIn | None = None


# -- annual enrollments ------------------------------------------------------------------------


class EnrollmentPageAnswer(BaseModel):
    form: EnrollmentForm
    lines: tuple[EnrollmentLine, ...]


class EnrollmentRequest(Request):
    child_id: Id
    activity_id: Id
    starts_on: Day
    ends_on: Day | None = None
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(max_length=7)
    every_other_week: bool = False
    arrival: time | None = None
    departure: time | None = None


class EnrollmentEndRequest(Request):
    ends_on: Day | None = None


class EnrollmentStopRequest(Request):
    stops_on: Day | None = None


# -- "Le retrouver" and "Profil" ---------------------------------------------------------------


class LoginOnly(Request):
    login: Short


class AnswerReset(Request):
    login: Short
    answer: Secret
    new_password: Secret


class CodeReset(Request):
    login: Short
    code: Short
    new_password: Secret


class PasswordChange(Request):
    current: Secret
    new: Secret


class EmailChange(Request):
    email: Short | None = None


class EmailAnswer(BaseModel):
    email: str | None


class SecurityQuestionChange(Request):
    current_password: Secret
    question: Short
    answer: Secret


class FirstPassword(Request):
    one_time_password: Secret
    new: Secret


# -- the front desk ------------------------------------------------------------------------------


class FamilyDetailsIn(Request):
    civility: Short
    last_name: Short
    first_name: Short
    email: Short | None = None
    phone: Short | None = None
    address: Long | None = None

    def to_details(self) -> FamilyDetails:
        return FamilyDetails(self.civility, self.last_name, self.first_name, self.email,
                             self.phone, self.address)


class ChildDetailsIn(Request):
    first_name: Short
    last_name: Short
    birth_date: Day
    school: Short | None = None
    class_name: Short | None = None

    def to_details(self) -> ChildDetails:
        return ChildDetails(self.first_name, self.last_name, self.birth_date, self.school,
                            self.class_name)


class QuotientRequest(Request):
    value: Annotated[int, Field(ge=0, le=MAX_ID)]
    valid_from: Day
    valid_until: Day | None = None


class RegistrationRequest(Request):
    child_id: Id
    activity_id: Id
    starts_on: Day
    ends_on: Day


class FamilyAccountRequest(Request):
    login: Short


class IdAnswer(BaseModel):
    id: int


class IdleSecondsAnswer(BaseModel):
    seconds: int


class RevokedAnswer(BaseModel):
    revoked: int


class KioskRequest(Request):
    label: Short


class HealthAnswer(BaseModel):
    status: str
    database: str


# -- money --------------------------------------------------------------------------------------


class PaymentRequest(Request):
    family_id: Id
    method: PaymentMethod
    allocations: dict[Id, Money] = Field(
        description="wallet id -> euros, e.g. {\"3\": \"12.50\"}", max_length=100)
    cheque_number: Short | None = None
    bank: Short | None = None
    paid_on: Day | None = None


class CancelPaymentRequest(Request):
    reason: Long


class OnlinePaymentRequest(Request):
    family_id: Id | None = None
    allocations: dict[Id, Money] = Field(max_length=100)
    email: Short


class MailedAnswer(BaseModel):
    masked_email: str


HistoryDocument = Literal["consumptions", "payments"]
ExportFormat = Literal["csv", "xlsx"]
