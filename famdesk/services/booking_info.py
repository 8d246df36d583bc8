"""What the booking tab asks besides the month view: the family's children with their
activities, and one activity's information (allowed times, rate for the family's quotient).

The UI's gateway runs these on its worker thread inside a unit of work and hands the frozen
dataclasses to the widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from famdesk.clock import PARIS, Clock
from famdesk.errors import NotFoundError
from famdesk.i18n import _
from famdesk.models.enums import TariffMode
from famdesk.models.values import from_cents
from famdesk.services.access import authorize_child, authorize_family
from famdesk.services.activity_rules import (
    load_quotients,
    load_registrations,
    load_rules,
    qf_on,
    structure_rules,
)
from famdesk.services.auth import SessionInfo, family_of
from famdesk.services.draft import AllowedTimes
from famdesk.services.month import ActivityChoice
from famdesk.services.pricing import slots
from famdesk.services.uow import UnitOfWork


@dataclass(frozen=True)
class ChildChoice:
    id: int
    name: str
    """"MARTIN Léa"."""
    activities: tuple[ActivityChoice, ...]
    """The activities the child is registered to, in display order."""


@dataclass(frozen=True)
class BookingFamily:
    """The family whose children the booking tab shows (the account's own, or the one staff
    act for)."""

    structure_id: int
    family_id: int
    family_name: str
    children: tuple[ChildChoice, ...]
    today: date
    """Today in the structure's time zone (the calendar opens on its month)."""

    def child(self, child_id: int) -> ChildChoice | None:
        return next((c for c in self.children if c.id == child_id), None)


@dataclass(frozen=True)
class ActivityInfo:
    """One activity as the booking tab describes it, for one child's family."""

    activity_id: int
    label: str
    colour: str
    time_entry: bool
    per_slot: bool
    slot_minutes: int | None
    rate: Decimal
    """Per day (unit tariff) or per started slot, at the family's quotient on the given day."""
    allowed: tuple[tuple[int, AllowedTimes], ...]
    """(weekday, allowed times) for the weekdays that have times, Monday first."""

    def cost(self, arrival: time | None, departure: time | None) -> Decimal | None:
        """What one day costs with these times (None when they cannot be priced)."""
        if not self.per_slot:
            return self.rate
        if arrival is None or departure is None or self.slot_minutes is None:
            return None
        if departure <= arrival:
            return None
        return self.rate * slots(arrival, departure, self.slot_minutes)

    def slot_count(self, arrival: time, departure: time) -> int | None:
        if not self.per_slot or self.slot_minutes is None or departure <= arrival:
            return None
        return slots(arrival, departure, self.slot_minutes)


def booking_family(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, structure_id: int,
    family_id: int | None = None,
) -> BookingFamily:
    """The family account's own family in `structure_id`, or (staff) family `family_id`."""
    if family_id is None:
        family = family_of(uow, session, structure_id)
        if family is None:
            raise NotFoundError(_("Choose the family first."))
    else:
        session.require_structure(structure_id)
        family = authorize_family(uow, session, family_id)
        if family.structure_id != structure_id:
            raise NotFoundError(_("This family is not in this structure."))
    children = sorted(family.children, key=lambda c: (c.first_name, c.id))
    registrations = load_registrations(uow, [c.id for c in children])
    rules = structure_rules(uow, structure_id)
    choices = []
    for child in children:
        registered = registrations.activities_of(child.id)
        activities = sorted(
            (r for r in rules.values() if r.id in registered),
            key=lambda r: (r.display_order, r.label),
        )
        choices.append(ChildChoice(
            child.id,
            child.full_name,
            tuple(ActivityChoice(r.id, r.label, r.colour, r.time_entry) for r in activities),
        ))
    zone = ZoneInfo(session.structure(structure_id).timezone) if not session.is_system else PARIS
    today = clock.now().astimezone(zone).date()
    return BookingFamily(structure_id, family.id, family.holder_name, tuple(choices), today)


def activity_info(
    uow: UnitOfWork, clock: Clock, session: SessionInfo, child_id: int, activity_id: int,
    on: date | None = None,
) -> ActivityInfo:
    """`activity_id` for `child_id`'s family, its rate at the quotient valid on `on` (today)."""
    child = authorize_child(uow, session, child_id)
    rules = load_rules(uow, [activity_id]).get(activity_id)
    if rules is None or rules.structure_id != child.family.structure_id:
        raise NotFoundError(_("This activity does not exist."))
    day = on or clock.now().astimezone(rules.tz).date()
    qf = qf_on(load_quotients(uow, [child.family_id]), child.family_id, day)
    return ActivityInfo(
        activity_id=rules.id,
        label=rules.label,
        colour=rules.colour,
        time_entry=rules.time_entry,
        per_slot=rules.tariff.mode == TariffMode.SLOT,
        slot_minutes=rules.tariff.slot_minutes,
        rate=from_cents(rules.tariff.rate_cents(qf)),
        allowed=tuple(
            (weekday, allowed) for weekday, allowed in sorted(rules.allowed.items())
            if allowed.arrivals and allowed.departures
        ) if rules.time_entry else (),
    )
