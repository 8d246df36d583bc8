"""The bodies of the back office's routes ("Paramétrage", managers), and the families import's.

Each model mirrors the gateway method's arguments with the wire's limits; the services check
everything they check in local mode (a rule kind, a holiday zone, a colour... travel as
text). `ActivityFormIn.of(form)` and `.to_form()` carry an `ActivityForm` across;
`activity_definition(decoded)` gives a decoded `ActivityDefinition` the local mode's exact
types back (enums, tuples), which JSON cannot tell apart from plain text and lists.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time
from typing import Annotated, Literal

from pydantic import Base64Bytes, Field

from famdesk.models.enums import TariffMode
from famdesk.models.online import OnlineProviderKind, PayfipMode
from famdesk.models.values import Counting, DeadlineRule, RuleKind
from famdesk.services.backoffice import (
    KEEP,
    ActivityDefinition,
    ActivityForm,
    ActivityRow,
    NewsForm,
    OnlineSettings,
    OpeningRequest,
    Overflow,
    RuleParts,
    SmtpForm,
    StaffAccountForm,
    WalletRow,
)
from famdesk.services.capacity import Keep
from famdesk.services.family_import_parse import MAX_BYTES
from famdesk.wire.messages import Day, Id, Long, Money, Request, Secret, Short

Whole = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
"""A number the service checks itself (its range, in French)."""
Weekday = Annotated[int, Field(ge=0, le=6)]
Text = Annotated[str, Field(max_length=20_000)]
MAX_BRACKETS = 100
MAX_TIMES = 200
IMPORT_BODY_BYTES = (MAX_BYTES + 2) // 3 * 4 + 4096
"""The families import's body: the largest file the import reads, in base64, and its JSON."""


def _text(value: object) -> str:
    return str(getattr(value, "value", value))


# -- the structure -------------------------------------------------------------------------------


class StructureRequest(Request):
    name: Short
    holiday_zone: Short
    kiosk_idle_seconds: Whole


class SmtpRequest(Request):
    host: Short | None = None
    port: Whole | None = None
    security: Short = "none"
    login: Short | None = None
    sender: Short | None = None
    password: Secret | None = Field(
        default=None, description="None keeps the stored password, \"\" forgets it; it is "
        "stored in the SERVER's secret store (its keyring), never in the database")

    @classmethod
    def of(cls, form: SmtpForm) -> dict[str, object]:
        return {"host": form.host, "port": form.port, "security": _text(form.security),
                "login": form.login, "sender": form.sender, "password": form.password}

    def to_form(self) -> SmtpForm:
        return SmtpForm(self.host, self.port, self.security, self.login, self.sender,
                        self.password)


class OnlineSettingsRequest(Request):
    provider: OnlineProviderKind
    payfip_numcli: Short | None = None
    payfip_mode: PayfipMode = PayfipMode.TEST
    notify_url: Long | None = None
    return_url: Long | None = None

    def to_settings(self) -> OnlineSettings:
        return OnlineSettings(self.provider, self.payfip_numcli, self.payfip_mode,
                              self.notify_url, self.return_url)


class NewsRequest(Request):
    title: Short
    body: Text
    published_from: Day
    published_until: Day | None = None

    def to_form(self) -> NewsForm:
        return NewsForm(self.title, self.body, self.published_from, self.published_until)


class WalletRequest(Request):
    label: Short
    display_order: Whole


# -- activities and deadline rules ----------------------------------------------------------------


class RulePartsIn(Request):
    kind: Short = "none"
    days: Whole = 0
    counting: Short = "calendar"
    weekday: Whole = 0
    weeks: Whole = 1
    cutoff: time | None = time(0, 0)

    @classmethod
    def of(cls, rule: RuleParts | DeadlineRule | None) -> dict[str, object] | None:
        if rule is None:
            return None
        return {"kind": _text(rule.kind), "days": rule.days, "counting": _text(rule.counting),
                "weekday": rule.weekday, "weeks": rule.weeks, "cutoff": rule.cutoff}

    def to_parts(self) -> RuleParts:
        return RuleParts(self.kind, self.days, self.counting, self.weekday, self.weeks,
                         self.cutoff)


def _parts(rule: RulePartsIn | None) -> RuleParts | None:
    return None if rule is None else rule.to_parts()


Times = Annotated[list[time], Field(max_length=MAX_TIMES)]


class ActivityFormIn(Request):
    wallet_id: Id
    label: Short
    colour: Short
    display_order: Whole
    period_start: Day
    period_end: Day
    tariff_mode: Short
    slot_minutes: Whole | None = None
    brackets: list[tuple[Whole, Whole | None, Money]] = Field(max_length=MAX_BRACKETS)
    booking_rule: RulePartsIn
    cancellation_rule: RulePartsIn | None = None
    booking_opens_at: datetime | None = None
    booking_horizon_days: Whole | None = None
    time_options: dict[Weekday, tuple[Times, Times]] = Field(default_factory=dict)
    annual_allowed: bool = False
    lead_days: Whole = 0
    during_school_holidays_only: bool = False
    meals: bool = False

    @classmethod
    def of(cls, form: ActivityForm) -> dict[str, object]:
        return {
            "wallet_id": form.wallet_id, "label": form.label, "colour": form.colour,
            "display_order": form.display_order, "period_start": form.period_start,
            "period_end": form.period_end, "tariff_mode": _text(form.tariff_mode),
            "slot_minutes": form.slot_minutes, "brackets": [tuple(b) for b in form.brackets],
            "booking_rule": RulePartsIn.of(form.booking_rule),
            "cancellation_rule": RulePartsIn.of(form.cancellation_rule),
            "booking_opens_at": form.booking_opens_at,
            "booking_horizon_days": form.booking_horizon_days,
            "time_options": {day: (list(arrivals), list(departures))
                             for day, (arrivals, departures) in form.time_options.items()},
            "annual_allowed": form.annual_allowed, "lead_days": form.lead_days,
            "during_school_holidays_only": form.during_school_holidays_only,
            "meals": form.meals,
        }

    def to_form(self) -> ActivityForm:
        return ActivityForm(
            self.wallet_id, self.label, self.colour, self.display_order, self.period_start,
            self.period_end, self.tariff_mode, self.slot_minutes,
            tuple((low, high, amount) for low, high, amount in self.brackets),
            self.booking_rule.to_parts(), _parts(self.cancellation_rule),
            booking_opens_at=self.booking_opens_at,
            booking_horizon_days=self.booking_horizon_days,
            time_options={day: (tuple(arrivals), tuple(departures))
                          for day, (arrivals, departures) in self.time_options.items()},
            annual_allowed=self.annual_allowed, lead_days=self.lead_days,
            during_school_holidays_only=self.during_school_holidays_only, meals=self.meals)


def _enum_rule(rule: RuleParts | DeadlineRule | None) -> RuleParts | DeadlineRule | None:
    if not isinstance(rule, RuleParts):
        return rule
    return replace(rule, kind=RuleKind(rule.kind), counting=Counting(rule.counting))


def activity_definition(decoded: ActivityDefinition) -> ActivityDefinition:
    """A decoded definition with the local mode's types: enums, tuples."""
    form = decoded.form
    return replace(decoded, form=replace(
        form, tariff_mode=TariffMode(form.tariff_mode),
        brackets=tuple(tuple(bracket) for bracket in form.brackets),  # type: ignore[misc]
        booking_rule=_enum_rule(form.booking_rule),
        cancellation_rule=_enum_rule(form.cancellation_rule),
        time_options={day: (tuple(arrivals), tuple(departures))
                      for day, (arrivals, departures) in form.time_options.items()}))


class DeadlinesTestRequest(Request):
    day: Day
    booking_rule: RulePartsIn
    cancellation_rule: RulePartsIn | None = None

    def parts(self) -> tuple[RuleParts, RuleParts | None]:
        return self.booking_rule.to_parts(), _parts(self.cancellation_rule)


# -- the opening calendar, places and closures ----------------------------------------------------


class OpeningRequestIn(Request):
    first: Day
    last: Day
    weekdays: list[Weekday] = Field(max_length=7)
    school_time: Short = "school_days"
    capacity: Whole | None = None
    waitlist_size: Whole | None = 0

    @classmethod
    def of(cls, request: OpeningRequest) -> dict[str, object]:
        return {"first": request.first, "last": request.last,
                "weekdays": sorted(request.weekdays), "school_time": _text(request.school_time),
                "capacity": request.capacity, "waitlist_size": request.waitlist_size}

    def to_request(self) -> OpeningRequest:
        return OpeningRequest(self.first, self.last, frozenset(self.weekdays), self.school_time,
                              self.capacity, self.waitlist_size)


class OpenDayRequest(Request):
    day: Day
    capacity: Whole | None = None
    waitlist_size: Whole | None = None


class PlacesPreviewRequest(Request):
    first: Day
    last: Day
    capacity: Whole | None = None
    waitlist_size: Whole | None | Literal["keep"] = Field(
        default="keep", description="\"keep\": the waiting lists stay as they are")

    @staticmethod
    def wire_size(size: int | None | Keep) -> int | None | str:
        return "keep" if size is KEEP else size  # type: ignore[return-value]

    def size(self) -> int | None | Keep:
        return KEEP if self.waitlist_size == "keep" else self.waitlist_size  # type: ignore[return-value]


class PlacesRequest(PlacesPreviewRequest):
    overflow: Overflow = Overflow.REFUSE


class ClosureRequest(Request):
    first: Day
    last: Day | None = None
    reason: Long
    expected_reservations: Whole | None = None


# -- waiting lists ---------------------------------------------------------------------------------


class PromoteRequest(Request):
    day: Day
    reservation_id: Id | None = None


class RemoveWaitingRequest(Request):
    day: Day
    reservation_id: Id
    reason: Long


# -- the families import ---------------------------------------------------------------------------


class FamilyImportRequest(Request):
    data: Base64Bytes = Field(description="the CSV file's bytes, in base64 (at most the "
                                          "import's own limit, 10 MB)")
    source: Short = Field(default="", description="the file's name, for the audit trail")


# -- accounts and structures ------------------------------------------------------------------------

MAX_STRUCTURES = 500
StructureIds = Annotated[list[Id], Field(max_length=MAX_STRUCTURES)]


class StaffAccountRequest(Request):
    login: Short
    display_name: Short
    role: Short = Field(description="\"staff\" (front desk) or \"admin\" (manager)")
    email: Short | None = None
    structure_ids: StructureIds

    @classmethod
    def of(cls, form: StaffAccountForm) -> dict[str, object]:
        return {"login": form.login, "display_name": form.display_name,
                "role": _text(form.role), "email": form.email,
                "structure_ids": list(form.structure_ids)}

    def to_form(self) -> StaffAccountForm:
        return StaffAccountForm(self.login, self.display_name, self.role, self.email,
                                tuple(self.structure_ids))


class StaffAccountChange(Request):
    role: Short = Field(description="\"staff\" (front desk) or \"admin\" (manager)")
    structure_ids: StructureIds


class NewStructureRequest(Request):
    from_structure_id: Id = Field(description="the structure the manager works in (theirs)")
    name: Short
    holiday_zone: Short
    timezone: Short = "Europe/Paris"


ActivitiesPageAnswer = tuple[tuple[WalletRow, ...], tuple[ActivityRow, ...]]
"""What the "Activités" section shows: the wallets and the activities, read together."""
