"""Helpers of the money tests: book, run the night, add school meals to the test town."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select

from famdesk.models import Wallet
from famdesk.models.enums import TariffMode
from famdesk.services import setup
from famdesk.services.auth import SYSTEM, SessionInfo
from famdesk.services.booking import ConfirmResult, confirm
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.ledger import adjust
from famdesk.services.payments import cancel_payment, record_payment
from famdesk.services.transmission import TransmitSummary, transmit
from tests.integration.town import J2_NOON, YEAR_END, YEAR_START, Town, school_days

PARIS = ZoneInfo("Europe/Paris")
D = Decimal
MORNING = (time(7, 0), time(8, 20))  # 3 slots of 30 minutes: 2,40 €


def act(town: Town, session: SessionInfo, *lines: DraftLine, reason: str | None = None) -> ConfirmResult:
    with town.uow(write=True) as uow:
        return confirm(uow, town.clock, session, Draft(tuple(lines)), uuid.uuid4().hex,
                       override_reason=reason)


def book(child: int, activity: int, day: date, times: tuple[time, time] | None = None) -> DraftLine:
    arrival, departure = times or (None, None)
    return DraftLine(LineKind.BOOK, child, activity, day, arrival, departure)


def cancel(child: int, activity: int, day: date) -> DraftLine:
    return DraftLine(LineKind.CANCEL, child, activity, day)


def paris(day: date, hour: int = 22, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


def night(town: Town, day: date, **options) -> TransmitSummary:  # type: ignore[no-untyped-def]
    """The transmission of `day` at 22:00 in Paris (no mail server)."""
    town.clock.set(paris(day))
    return transmit(town.ctx.db, town.clock, lambda _structure: None, **options)


@dataclass(frozen=True)
class Meals:
    activity: int
    wallet: int
    periscolaire: int
    noe: int
    """A young child of the MARTIN family (born 2021), for the attestation de frais de garde."""


def add_meals(town: Town) -> Meals:
    """School meals (their own wallet, flagged `meals`), 3,20 € a day on school days, and
    Noé, Léa's little brother, registered to them and to the morning care."""
    with town.uow(write=True) as uow:
        periscolaire = uow.session.scalar(select(Wallet.id).where(
            Wallet.structure_id == town.structure_id, Wallet.label == "Périscolaire"))
        wallet = setup.create_wallet(uow, SYSTEM, town.structure_id, "Restauration", 1)
        activity = setup.create_activity(
            uow, SYSTEM, structure_id=town.structure_id, wallet_id=wallet, label="RESTAURATION",
            colour="#E76F51", display_order=3, period_start=YEAR_START, period_end=YEAR_END,
            tariff_mode=TariffMode.UNIT, slot_minutes=None, brackets=[(0, None, Decimal("3.20"))],
            booking_rule=J2_NOON, meals=True)
        setup.open_days(uow, SYSTEM, activity, school_days(YEAR_START, YEAR_END, {0, 1, 3, 4}), 100, 0)
        noe = setup.add_child(uow, SYSTEM, town.martin_family, "Noé", "Martin", date(2021, 5, 1))
        for child in (town.lea, town.tom, town.zoe, noe):
            setup.register_child(uow, SYSTEM, child, activity, YEAR_START, YEAR_END)
        setup.register_child(uow, SYSTEM, noe, town.aps, YEAR_START, YEAR_END)
        setup.register_child(uow, SYSTEM, noe, town.alsh, YEAR_START, YEAR_END)
        uow.commit()
    return Meals(activity, wallet, periscolaire, noe)


def money_story(town: Town) -> Meals:
    """September and October of the MARTIN family: days debited, one refunded, two payments
    (one cancelled), an adjustment; seen on 20 November."""
    meals = add_meals(town)
    act(town, town.martin, book(town.lea, town.alsh, date(2026, 9, 30)),
        book(town.lea, town.alsh, date(2026, 10, 7)), book(town.tom, town.aps, date(2026, 9, 28), MORNING),
        book(town.lea, meals.activity, date(2026, 9, 28)), book(town.lea, meals.activity, date(2026, 10, 1)))
    night(town, date(2026, 9, 30))
    town.clock.set(paris(date(2026, 10, 2), 10))
    act(town, town.staff, cancel(town.tom, town.aps, date(2026, 9, 28)), reason="Absent")
    with town.uow(write=True) as uow:
        record_payment(uow, town.clock, town.staff, town.martin_family, "cheque",
                       {meals.periscolaire: D("8.40"), meals.wallet: D("3.20")}, cheque_number="42")
    with town.uow(write=True) as uow:
        wrong = record_payment(uow, town.clock, town.staff, town.martin_family, "cash", {meals.wallet: D("50")})
    with town.uow(write=True) as uow:
        cancel_payment(uow, town.clock, town.staff, wrong.payment_id, "Saisi par erreur")
    night(town, date(2026, 10, 8))
    with town.uow(write=True) as uow:
        adjust(uow, town.clock, town.staff, town.martin_family, meals.periscolaire, D("2.00"),
               "Geste commercial")
    town.clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    return meals
