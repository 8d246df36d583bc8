"""The demo town, Démoville, for the school year around a given day.

Built only through the set-up services (`famdesk.services.setup`), as famdesk itself
(`SYSTEM`), inside the caller's unit of work. `famdesk.services.demo` is the entry point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date

from famdesk.clock import Clock
from famdesk.models.enums import HolidayZone, Role, TariffMode
from famdesk.models.values import DeadlineRule
from famdesk.services import setup
from famdesk.services.auth import SYSTEM
from famdesk.services.calendars import opening_days, school_holiday_periods, school_year_of
from famdesk.services.demo_people import ACCOUNTS, DEMOVILLE, FAMILIES, TILLEULS, FamilySpec
from famdesk.services.formatting import LOCALE, long_day
from famdesk.services.uow import UnitOfWork

PARIS = ZoneInfo("Europe/Paris")
ZONE = HolidayZone.B
MON, TUE, WED, THU, FRI = range(5)
SCHOOL_DAYS = (MON, TUE, THU, FRI)
WEEKDAYS = (MON, TUE, WED, THU, FRI)

J2_NOON = DeadlineRule.days_before(2, "working", time(12, 0))
J2_TEN = DeadlineRule.days_before(2, "working", time(10, 0))
THURSDAY_BEFORE = DeadlineRule.weekday_before(THU, 1, time(12, 0))


def _qf(*amounts: str) -> list[setup.Bracket]:
    """Brackets QF 0-450, 451-800, 801 and above (or one flat price)."""
    if len(amounts) == 1:
        return [(0, None, Decimal(amounts[0]))]
    low, middle, high = (Decimal(a) for a in amounts)
    return [(0, 450, low), (451, 800, middle), (801, None, high)]


def _times(arrivals: tuple[time, ...], departures: tuple[time, ...]) -> dict[int, setup.TimeChoices]:
    return {weekday: (arrivals, departures) for weekday in SCHOOL_DAYS}


@dataclass
class Town:
    """What was built, for the summary."""

    school_year: tuple[date, date]
    structures: list[str] = field(default_factory=list)
    activities: dict[tuple[str, str], int] = field(default_factory=dict)
    accounts: list[tuple[str, Role, str]] = field(default_factory=list)
    families: int = 0
    children: int = 0
    open_days: int = 0


class _Builder:
    def __init__(self, uow: UnitOfWork, clock: Clock, today: date, password: str) -> None:
        self.uow = uow
        self.clock = clock
        self.password = password
        self.today = today
        self.start, self.end = school_year_of(today)
        opens = min(self.start - timedelta(weeks=6), today - timedelta(days=7))
        self.opens_at = datetime.combine(opens, time(8, 0), tzinfo=PARIS)
        self.town = Town(school_year=(self.start, self.end))
        self.structure_ids: dict[str, int] = {}

    def structure(self, name: str) -> int:
        structure_id = setup.create_structure(self.uow, SYSTEM, name, ZONE)
        self.structure_ids[name] = structure_id
        self.town.structures.append(name)
        return structure_id

    def news(self, structure: str, title: str, body: str, first: date, last: date | None) -> None:
        setup.add_news(self.uow, SYSTEM, self.structure_ids[structure], title, body, first, last)

    def activity(
        self,
        structure: str,
        label: str,
        *,
        weekdays: tuple[int, ...],
        capacity: int,
        waitlist: int,
        holidays_only: bool = False,
        closed: tuple[date, ...] = (),
        **options: object,
    ) -> None:
        activity_id = setup.create_activity(
            self.uow,
            SYSTEM,
            structure_id=self.structure_ids[structure],
            label=label,
            period_start=self.start,
            period_end=self.end,
            booking_opens_at=self.opens_at,
            during_school_holidays_only=holidays_only,
            **options,  # type: ignore[arg-type]
        )
        days = self.days(weekdays, holidays_only=holidays_only)
        opened = setup.open_days(
            self.uow, SYSTEM, activity_id, [d for d in days if d not in closed], capacity, waitlist
        )
        self.town.activities[(structure, label)] = activity_id
        self.town.open_days += opened.opened

    def days(self, weekdays: tuple[int, ...], *, holidays_only: bool = False) -> list[date]:
        return opening_days(
            self.start, self.end, weekdays, ZONE, school_holidays_only=holidays_only
        )

    def account(self, login: str, role: Role, name: str, email: str, structures: list[str]) -> int:
        account_id = setup.create_account(
            self.uow,
            SYSTEM,
            login,
            self.password,
            name,
            role,
            email,
            [self.structure_ids[s] for s in structures],
            clock=self.clock,
        )
        self.town.accounts.append((login, role, name))
        return account_id

    def family(self, spec: FamilySpec) -> None:
        name = f"{spec.civility} {spec.last_name.upper()} {spec.first_name}"
        account_id = self.account(spec.login, Role.FAMILY, name, spec.email, [spec.structures[0]])
        change = date(self.end.year, 1, 1)  # the CAF's yearly recalculation
        for structure in spec.structures:
            family_id = setup.create_family(
                self.uow,
                SYSTEM,
                self.structure_ids[structure],
                account_id,
                spec.civility,
                spec.last_name,
                spec.first_name,
                spec.email,
                spec.phone,
                spec.address,
            )
            self.town.families += 1
            setup.set_quotient(self.uow, SYSTEM, family_id, spec.quotient, self.start)
            if spec.new_quotient is not None:  # closes the first one the day before
                setup.set_quotient(self.uow, SYSTEM, family_id, spec.new_quotient, change)
            for child in spec.children:
                activities = child.activities.get(structure, ())
                if not activities:
                    continue
                born = child.birth_date(self.start.year)
                child_id = setup.add_child(
                    self.uow, SYSTEM, family_id, child.first_name, spec.last_name, born,
                    child.school, child.class_name,
                )
                self.town.children += 1
                for label in activities:
                    setup.register_child(
                        self.uow, SYSTEM, child_id, self.town.activities[(structure, label)],
                        self.start, self.end,
                    )


def build_town(uow: UnitOfWork, clock: Clock, today: date, password: str) -> Town:
    """The whole town; every account gets `password` (kept as its hash only)."""
    town = _Builder(uow, clock, today, password)
    _demoville(town)
    _tilleuls(town)
    for login, role, name, email in ACCOUNTS:
        town.account(login, role, name, email, [DEMOVILLE, TILLEULS])
    for spec in FAMILIES:
        town.family(spec)
    return town.town


def _demoville(town: _Builder) -> None:
    structure_id = town.structure(DEMOVILLE)
    restauration = setup.create_wallet(town.uow, SYSTEM, structure_id, "Restauration", 1)
    periscolaire = setup.create_wallet(town.uow, SYSTEM, structure_id, "Périscolaire", 2)
    aps = {
        "wallet_id": periscolaire,
        "tariff_mode": TariffMode.SLOT,
        "slot_minutes": 30,
        "brackets": _qf("0.80"),
        "booking_rule": J2_NOON,
        "weekdays": SCHOOL_DAYS,
    }
    town.activity(
        DEMOVILLE, "APS MATIN", colour="#F4A261", display_order=1, capacity=12, waitlist=4,
        time_options=_times((time(7, 0), time(7, 30), time(8, 0)), (time(8, 20),)), **aps,
    )
    town.activity(
        DEMOVILLE, "APS SOIR", colour="#2A9D8F", display_order=2, capacity=15, waitlist=5,
        time_options=_times((time(16, 30),), (time(17, 30), time(18, 0), time(18, 30))), **aps,
    )
    town.activity(
        DEMOVILLE, "RESTAURATION", colour="#E76F51", display_order=3, wallet_id=restauration,
        tariff_mode=TariffMode.UNIT, slot_minutes=None, brackets=_qf("1.00", "2.10", "3.20"),
        booking_rule=J2_TEN, annual_allowed=True, lead_days=2, meals=True,
        weekdays=SCHOOL_DAYS, capacity=120, waitlist=0,
    )
    alsh = {"wallet_id": periscolaire, "tariff_mode": TariffMode.UNIT, "slot_minutes": None}
    town.activity(
        DEMOVILLE, "ALSH MERCREDI", colour="#457B9D", display_order=4,
        brackets=_qf("6.00", "9.50", "13.00"), booking_rule=THURSDAY_BEFORE,
        booking_horizon_days=60, weekdays=(WED,), capacity=24, waitlist=6, **alsh,
    )
    town.activity(
        DEMOVILLE, "ALSH VACANCES", colour="#8E7DBE", display_order=5,
        brackets=_qf("7.50", "11.00", "15.00"),
        booking_rule=DeadlineRule.days_before(7, "calendar", time(12, 0)),
        booking_horizon_days=60, weekdays=WEEKDAYS, holidays_only=True,
        capacity=40, waitlist=10, **alsh,
    )
    today = town.today
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    month = format_date(today, "MMMM", locale=LOCALE)
    of_month = f"d'{month}" if month[0] in "aeiou" else f"de {month}"
    town.news(
        DEMOVILLE, f"Menus du mois {of_month}",
        f"Les menus de la restauration scolaire du mois {of_month} sont affichés à l'entrée des écoles "
        "et disponibles à l'accueil de la mairie. Chaque jeudi, un repas végétarien ; les "
        "produits bio et locaux sont signalés par une feuille verte.",
        today.replace(day=1), month_end,
    )
    _holiday_news(town)
    town.news(
        DEMOVILLE, "Rappel : délais de réservation",
        "Restauration scolaire : réservation et annulation jusqu'à J-2 à 10h00, week-end et "
        "jours fériés non comptés. Accueil périscolaire du matin et du soir : jusqu'à J-2 à "
        "12h00. Mercredis : avant le jeudi 12h00 de la semaine précédente. Passé ces délais, "
        "adressez-vous à l'accueil de la mairie.",
        min(town.start, today), None,
    )


def _holiday_news(town: _Builder) -> None:
    """Bookings open for the next school holidays with ALSH VACANCES days."""
    later = town.end + timedelta(days=1)
    for holiday in school_holiday_periods(ZONE, town.today + timedelta(days=1), later):
        days = opening_days(holiday.first, holiday.last, WEEKDAYS, ZONE, school_holidays_only=True)
        days = [d for d in days if town.start <= d <= town.end]
        if len(days) < 3:  # a bridge day, or the summer past the school year
            continue
        name = holiday.name[0].lower() + holiday.name[1:]
        town.news(
            DEMOVILLE, f"Inscriptions : {name}",
            f"L'accueil de loisirs sera ouvert du {long_day(days[0])} au {long_day(days[-1])}, "
            "de 7h30 à 18h30. Réservez dès maintenant sur le portail famille ou à l'accueil "
            "de la mairie : 40 places par jour, une liste d'attente est ouverte au-delà.",
            max(town.today - timedelta(days=5), town.start), holiday.first - timedelta(days=1),
        )
        return


def _tilleuls(town: _Builder) -> None:
    structure_id = town.structure(TILLEULS)
    wallet = setup.create_wallet(town.uow, SYSTEM, structure_id, "Accueil de loisirs", 1)
    today = town.today
    closure = next(
        (d for d in town.days((WED,)) if d >= max(today, town.start) + timedelta(days=14)), None
    )
    unit = {"wallet_id": wallet, "tariff_mode": TariffMode.UNIT, "slot_minutes": None}
    town.activity(
        TILLEULS, "ALSH MERCREDI", colour="#6A994E", display_order=1,
        brackets=[(0, 600, Decimal("5.00")), (601, None, Decimal("8.50"))],
        booking_rule=THURSDAY_BEFORE, booking_horizon_days=60, weekdays=(WED,),
        capacity=16, waitlist=4, closed=(closure,) if closure else (), **unit,
    )
    town.activity(
        TILLEULS, "ACCOMPAGNEMENT SCOLAIRE", colour="#BC6C25", display_order=2,
        brackets=_qf("1.50"), booking_rule=DeadlineRule.days_before(1, "working", time(18, 0)),
        weekdays=(TUE, THU), capacity=12, waitlist=3, **unit,
    )
    if closure is not None:
        town.news(
            TILLEULS, f"Fermeture exceptionnelle le {format_date(closure, 'EEEE d MMMM', locale=LOCALE)}",
            f"Le centre social sera fermé le {long_day(closure)} pour la formation des "
            "animateurs : l'accueil de loisirs du mercredi n'aura pas lieu ce jour-là. Merci "
            "de votre compréhension.",
            max(today - timedelta(days=3), town.start), closure,
        )
    town.news(
        TILLEULS, "Accompagnement scolaire",
        "Les séances d'accompagnement scolaire ont lieu les mardis et jeudis de 16h45 à 18h00, "
        "pour les élèves du CP au CM2. Inscription à l'accueil du centre, réservation des "
        "séances sur le portail famille.",
        min(town.start, today), town.end,
    )
    meeting = today + timedelta(days=(THU - today.weekday()) % 7 + 14)
    town.news(
        TILLEULS, "Assemblée générale du centre social",
        f"Toutes les familles adhérentes sont invitées à l'assemblée générale le "
        f"{long_day(meeting)} à 18h30, salle polyvalente. Un goûter sera offert aux enfants.",
        today - timedelta(days=2), meeting,
    )
