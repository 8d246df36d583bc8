"""A small town for the engine's tests, built through the set-up services on a real database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from famdesk.bootstrap import AppContext, open_context
from famdesk.clock import FixedClock
from famdesk.models.enums import Role, TariffMode
from famdesk.models.values import DeadlineRule
from famdesk.secrets import MemorySecretStore
from famdesk.services.auth import SYSTEM, SessionInfo, StructureChoice
from famdesk.services.setup import activities, people, structures
from famdesk.services.uow import UnitOfWork

PASSWORD = "Town-Secret-1"
YEAR_START, YEAR_END = date(2026, 9, 1), date(2027, 7, 3)
J2_NOON = DeadlineRule.days_before(2, "working", time(12, 0))


@dataclass
class Town:
    ctx: AppContext
    clock: FixedClock
    structure_id: int
    other_structure_id: int
    aps: int  # time entry, 07:00/07:30/08:00 -> 08:20, 0,80 € per 30 min, 2 places, list of 1
    alsh: int  # Wednesdays, unit 10,00 €, 2 places, list of 1
    other_activity: int
    martin: SessionInfo
    dubois: SessionInfo
    staff: SessionInfo
    lea: int
    tom: int
    zoe: int
    martin_family: int
    dubois_family: int

    def uow(self, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self.ctx.db, write=write)


def school_days(first: date, last: date, weekdays: set[int]) -> list[date]:
    days, day = [], first
    while day <= last:
        if day.weekday() in weekdays:
            days.append(day)
        day += timedelta(days=1)
    return days


def build_town(url: str, clock: FixedClock, **db_options) -> Town:  # type: ignore[no-untyped-def]
    ctx = open_context(url, clock=clock, secrets=MemorySecretStore())
    if db_options:
        from famdesk.services.database import Database

        ctx.db.dispose()
        ctx.db = Database(ctx.db.target, **db_options)
    with UnitOfWork(ctx.db, write=True) as uow:
        s = SYSTEM
        town = structures.create_structure(uow, s, "Mairie de Testville", "B")
        other = structures.create_structure(uow, s, "Centre voisin", "B")
        wallet = structures.create_wallet(uow, s, town, "Périscolaire")
        other_wallet = structures.create_wallet(uow, s, other, "Loisirs")
        weekdays = {0, 1, 3, 4}
        aps = activities.create_activity(
            uow, s, structure_id=town, wallet_id=wallet, label="APS MATIN", colour="#2E86AB",
            display_order=1, period_start=YEAR_START, period_end=YEAR_END,
            tariff_mode=TariffMode.SLOT, slot_minutes=30, brackets=[(0, None, Decimal("0.80"))],
            booking_rule=J2_NOON,
            time_options={d: ([time(7, 0), time(7, 30), time(8, 0)], [time(8, 20)]) for d in weekdays},
        )
        alsh = activities.create_activity(
            uow, s, structure_id=town, wallet_id=wallet, label="ALSH MERCREDI", colour="#F18F01",
            display_order=2, period_start=YEAR_START, period_end=YEAR_END,
            tariff_mode=TariffMode.UNIT, slot_minutes=None,
            brackets=[(0, 600, Decimal("6.00")), (601, None, Decimal("10.00"))],
            booking_rule=DeadlineRule.weekday_before(3, 1, time(12, 0)),
        )
        other_activity = activities.create_activity(
            uow, s, structure_id=other, wallet_id=other_wallet, label="ALSH", colour="#3B1F2B",
            display_order=1, period_start=YEAR_START, period_end=YEAR_END,
            tariff_mode=TariffMode.UNIT, slot_minutes=None, brackets=[(0, None, Decimal("5.00"))],
            booking_rule=DeadlineRule.none(),
        )
        activities.open_days(uow, s, aps, school_days(YEAR_START, YEAR_END, weekdays), 2, 1)
        activities.open_days(uow, s, alsh, school_days(YEAR_START, YEAR_END, {2}), 2, 1)
        activities.open_days(uow, s, other_activity, school_days(YEAR_START, YEAR_END, {2}), 10, 0)
        accounts = {}
        for login, role, name, sids in [
            ("martin", Role.FAMILY, "Hugo Martin", [town]),
            ("dubois", Role.FAMILY, "Camille Dubois", [town]),
            ("accueil", Role.STAFF, "Accueil", [town]),
        ]:
            accounts[login] = people.create_account(
                uow, s, login, PASSWORD, name, role, f"{login}@example.org", sids, clock=clock
            )
        martin_family = people.create_family(uow, s, town, accounts["martin"], "M.", "Martin", "Hugo")
        dubois_family = people.create_family(uow, s, town, accounts["dubois"], "Mme", "Dubois", "Camille")
        people.set_quotient(uow, s, martin_family, 450, YEAR_START, date(2026, 12, 31))
        people.set_quotient(uow, s, martin_family, 900, date(2027, 1, 1))
        lea = people.add_child(uow, s, martin_family, "Léa", "Martin", date(2018, 3, 2))
        tom = people.add_child(uow, s, martin_family, "Tom", "Martin", date(2016, 6, 9))
        zoe = people.add_child(uow, s, dubois_family, "Zoé", "Dubois", date(2017, 1, 20))
        for child in (lea, tom, zoe):
            for activity in (aps, alsh):
                people.register_child(uow, s, child, activity, YEAR_START, YEAR_END)
        uow.commit()
    town_choice = (StructureChoice(town, "Mairie de Testville", "Europe/Paris"),)

    def session(login: str, role: Role) -> SessionInfo:
        return SessionInfo(accounts[login], login, login, role, town_choice)

    return Town(
        ctx=ctx, clock=clock, structure_id=town, other_structure_id=other, aps=aps, alsh=alsh,
        other_activity=other_activity, martin=session("martin", Role.FAMILY),
        dubois=session("dubois", Role.FAMILY), staff=session("accueil", Role.STAFF),
        lea=lea, tom=tom, zoe=zoe, martin_family=martin_family, dubois_family=dubois_family,
    )


MONDAY_14_SEPT = datetime(2026, 9, 14, 8, 0, tzinfo=UTC)
