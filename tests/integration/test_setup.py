"""The managers' set-up services on a real SQLite file: what they refuse, and why."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from famdesk.bootstrap import open_context
from famdesk.clock import FixedClock
from famdesk.errors import NotAuthorizedError, ValidationError
from famdesk.models import Account, Activity, ActivityDay, Family, QuotientFamilial, TimeOption
from famdesk.models.enums import Role
from famdesk.models.values import DeadlineRule
from famdesk.secrets import MemorySecretStore
from famdesk.services import setup
from famdesk.services.auth import SYSTEM, SessionInfo, StructureChoice
from famdesk.services.passwords import verify_secret
from famdesk.services.uow import UnitOfWork

START, END = date(2026, 9, 1), date(2027, 7, 2)
RULE = DeadlineRule.days_before(2, "working", time(12, 0))
CLOCK = FixedClock(datetime(2026, 9, 14, 8, 0, tzinfo=UTC))


@dataclass
class Town:
    uow: UnitOfWork
    structure: int
    other_structure: int
    wallet: int


@pytest.fixture
def town(tmp_path: Path) -> Iterator[Town]:
    """Two structures and a wallet, in an open unit of work (rolled back at the end)."""
    ctx = open_context("sqlite:///" + str(tmp_path / "s.db"), clock=CLOCK, secrets=MemorySecretStore())
    try:
        with UnitOfWork(ctx.db, write=True) as uow:
            structure = setup.create_structure(uow, SYSTEM, "Mairie de Démoville", "B")
            other = setup.create_structure(uow, SYSTEM, "Centre social des Tilleuls", "B")
            wallet = setup.create_wallet(uow, SYSTEM, structure, "Restauration", 1)
            yield Town(uow, structure, other, wallet)
    finally:
        ctx.close()


def _activity(town: Town, **changes: object) -> int:
    fields: dict[str, object] = {
        "structure_id": town.structure,
        "wallet_id": town.wallet,
        "label": "RESTAURATION",
        "colour": "#e76f51",
        "display_order": 1,
        "period_start": START,
        "period_end": END,
        "tariff_mode": "unit",
        "slot_minutes": None,
        "brackets": [(0, 450, Decimal("1.00")), (451, None, Decimal("3.20"))],
        "booking_rule": RULE,
    }
    fields.update(changes)
    return setup.create_activity(town.uow, SYSTEM, **fields)  # type: ignore[arg-type]


def _field(excinfo: pytest.ExceptionInfo[ValidationError]) -> str | None:
    return excinfo.value.field


def test_an_activity_is_stored_with_cents_and_the_default_cancellation_rule(town: Town) -> None:
    activity_id = _activity(town)
    activity = town.uow.session.get_one(Activity, activity_id)
    assert [(b.qf_min, b.qf_max, b.amount_cents) for b in activity.brackets] == [
        (0, 450, 100),
        (451, None, 320),
    ]
    assert activity.cancellation_rule == RULE
    assert activity.colour == "#E76F51"
    assert not activity.time_entry


def test_an_end_before_the_start_is_refused(town: Town) -> None:
    with pytest.raises(ValidationError) as raised:
        _activity(town, period_start=END, period_end=START)
    assert _field(raised) == "period_end"
    with pytest.raises(ValidationError) as raised:
        setup.add_news(town.uow, SYSTEM, town.structure, "Menus", "", date(2026, 11, 2), date(2026, 11, 1))
    assert _field(raised) == "published_until"


@pytest.mark.parametrize(
    "brackets",
    [
        [],
        [(0, 450, Decimal("1.00")), (500, None, Decimal("3.20"))],  # a gap
        [(0, 450, Decimal("1.00")), (400, None, Decimal("3.20"))],  # an overlap
        [(0, 450, Decimal("1.00"))],  # nothing above 450
        [(0, None, Decimal("1.005"))],  # a third decimal
        [(0, None, Decimal("-1"))],
    ],
)
def test_tariff_brackets_must_cover_every_quotient_with_real_prices(
    town: Town, brackets: list[setup.Bracket]
) -> None:
    with pytest.raises(ValidationError) as raised:
        _activity(town, brackets=brackets)
    assert _field(raised) == "brackets"


def test_a_slot_tariff_needs_a_slot_length_and_times(town: Town) -> None:
    with pytest.raises(ValidationError) as raised:
        _activity(town, tariff_mode="slot", slot_minutes=None)
    assert _field(raised) == "slot_minutes"
    with pytest.raises(ValidationError) as raised:
        _activity(town, tariff_mode="slot", slot_minutes=30)
    assert _field(raised) == "time_options"
    with pytest.raises(ValidationError) as raised:
        _activity(town, time_options={0: ([time(8, 30)], [time(8, 0)])})
    assert _field(raised) == "time_options"


def test_time_options_are_stored_per_weekday(town: Town) -> None:
    activity_id = _activity(
        town, label="APS MATIN", tariff_mode="slot", slot_minutes=30,
        time_options={0: ([time(7, 30), time(7, 0)], [time(8, 20)])},
    )
    rows = town.uow.session.execute(
        select(TimeOption.kind, TimeOption.at).where(TimeOption.activity_id == activity_id)
        .order_by(TimeOption.kind, TimeOption.at)
    )
    assert [(kind.value, at) for kind, at in rows.all()] == [
        ("arrival", time(7, 0)), ("arrival", time(7, 30)), ("departure", time(8, 20))
    ]
    # no times on Tuesdays: such a day cannot be opened
    with pytest.raises(ValidationError) as raised:
        setup.open_days(town.uow, SYSTEM, activity_id, [date(2026, 11, 24)], 12, 4)
    assert _field(raised) == "days"


def test_a_wallet_of_another_structure_and_a_duplicate_label_are_refused(town: Town) -> None:
    _activity(town)
    with pytest.raises(ValidationError) as raised:
        _activity(town)
    assert _field(raised) == "label"
    with pytest.raises(ValidationError) as raised:
        _activity(town, structure_id=town.other_structure, label="AUTRE")
    assert _field(raised) == "wallet_id"


def test_opening_days(town: Town) -> None:
    activity_id = _activity(town)
    days = [date(2026, 11, 23), date(2026, 11, 24)]
    opened = setup.open_days(town.uow, SYSTEM, activity_id, days, 120, 0)
    assert opened == setup.OpenedDays(2, ())
    again = setup.open_days(town.uow, SYSTEM, activity_id, [*days, date(2026, 11, 26)], 10, 0)
    assert again == setup.OpenedDays(1, tuple(days))
    capacities = town.uow.session.scalars(
        select(ActivityDay.capacity).where(ActivityDay.activity_id == activity_id).order_by(ActivityDay.day)
    )
    assert capacities.all() == [120, 120, 10]  # an open day keeps its capacity


@pytest.mark.parametrize(("capacity", "waitlist", "field"), [(-1, 0, "capacity"), (5, -2, "waitlist_size")])
def test_negative_capacities_are_refused(town: Town, capacity: int, waitlist: int, field: str) -> None:
    activity_id = _activity(town)
    with pytest.raises(ValidationError) as raised:
        setup.open_days(town.uow, SYSTEM, activity_id, [date(2026, 11, 23)], capacity, waitlist)
    assert _field(raised) == field


def test_days_outside_the_period_are_refused_and_none_is_opened(town: Town) -> None:
    activity_id = _activity(town)
    with pytest.raises(ValidationError) as raised:
        setup.open_days(town.uow, SYSTEM, activity_id, [date(2026, 11, 23), date(2027, 8, 30)], 10, 0)
    assert _field(raised) == "days"
    assert "30/08/2027" in str(raised.value)
    assert town.uow.session.scalar(select(ActivityDay.id)) is None


def _account(town: Town, login: str = "martin", password: str = "Demoville-2026", **changes: object) -> int:
    fields: dict[str, object] = {
        "display_name": "M. MARTIN Hugo",
        "role": Role.FAMILY,
        "email": "martin@example.org",
        "structure_ids": [town.structure],
    }
    fields.update(changes)
    return setup.create_account(town.uow, SYSTEM, login, password, clock=CLOCK, **fields)  # type: ignore[arg-type]


def test_an_account_keeps_a_normalized_login_and_a_hash(town: Town) -> None:
    account = town.uow.session.get_one(Account, _account(town, login="  Martin "))
    assert account.login == "martin"
    assert account.password_hash != "Demoville-2026"
    assert verify_secret(account.password_hash, "Demoville-2026")
    assert account.created_at == CLOCK.now()


def test_a_duplicate_login_is_refused(town: Town) -> None:
    _account(town)
    with pytest.raises(ValidationError) as raised:
        _account(town, login="MARTIN")
    assert _field(raised) == "login"


@pytest.mark.parametrize(("login", "password", "email", "field"), [
    ("martin", "court", "martin@example.org", "password"),
    ("martin", "1234567", "martin@example.org", "password"),
    ("m artin", "Demoville-2026", "martin@example.org", "login"),
    ("martin", "Demoville-2026", "pas-une-adresse", "email"),
])
def test_bad_account_input_is_refused(town: Town, login: str, password: str, email: str, field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _account(town, login=login, password=password, email=email)
    assert _field(raised) == field


def test_only_a_manager_sets_up(town: Town) -> None:
    staff = SessionInfo(
        account_id=1, login="accueil", display_name="Accueil", role=Role.STAFF,
        structures=(StructureChoice(town.structure, "Mairie de Démoville", "Europe/Paris"),),
    )
    with pytest.raises(NotAuthorizedError):
        setup.create_wallet(town.uow, staff, town.structure, "Périscolaire")
    manager = SessionInfo(**{**staff.__dict__, "role": Role.ADMIN})
    setup.create_wallet(town.uow, manager, town.structure, "Périscolaire")
    with pytest.raises(NotAuthorizedError):
        setup.create_wallet(town.uow, manager, town.other_structure, "Périscolaire")


def test_families_quotients_children_and_registrations(town: Town) -> None:
    account_id = _account(town)
    family = setup.create_family(
        town.uow, SYSTEM, town.structure, account_id, "M.", "Martin", "Hugo", "martin@example.org"
    )
    with pytest.raises(ValidationError) as raised:
        setup.create_family(town.uow, SYSTEM, town.structure, account_id, "M.", "Martin", "Hugo")
    assert _field(raised) == "account_id"
    # a family in the second structure gives the account access to it
    setup.create_family(town.uow, SYSTEM, town.other_structure, account_id, "M.", "Martin", "Hugo")
    account = town.uow.session.get_one(Account, account_id)
    assert {s.id for s in account.structures} == {town.structure, town.other_structure}

    # held in memory, as a screen's service call would: its loaded collections go stale
    held = town.uow.session.get_one(Family, family)
    assert held.quotients == []
    setup.set_quotient(town.uow, SYSTEM, family, 620, START)
    setup.set_quotient(town.uow, SYSTEM, family, 480, date(2027, 1, 1))
    quotients = town.uow.session.scalars(
        select(QuotientFamilial).where(QuotientFamilial.family_id == family).order_by(QuotientFamilial.valid_from)
    )
    assert [(q.value, q.valid_from, q.valid_until) for q in quotients] == [
        (620, START, date(2026, 12, 31)), (480, date(2027, 1, 1), None)
    ]
    with pytest.raises(ValidationError) as raised:
        setup.set_quotient(town.uow, SYSTEM, family, 500, date(2026, 10, 1), date(2026, 10, 31))
    assert _field(raised) == "valid_from"

    child = setup.add_child(town.uow, SYSTEM, family, "Léa", "Martin", date(2016, 3, 14), "Jules-Ferry", "CM2")
    activity = _activity(town)
    setup.register_child(town.uow, SYSTEM, child, activity, START, END)
    with pytest.raises(ValidationError) as raised:
        setup.register_child(town.uow, SYSTEM, child, activity, date(2027, 1, 4), END)
    assert _field(raised) == "starts_on"
    wallet = setup.create_wallet(town.uow, SYSTEM, town.other_structure, "Loisirs")
    elsewhere = _activity(town, structure_id=town.other_structure, wallet_id=wallet)
    with pytest.raises(ValidationError) as raised:
        setup.register_child(town.uow, SYSTEM, child, elsewhere, START, END)
    assert _field(raised) == "activity_id"


def test_a_staff_account_cannot_hold_a_family(town: Town) -> None:
    staff = _account(town, login="accueil", role=Role.STAFF)
    with pytest.raises(ValidationError) as raised:
        setup.create_family(town.uow, SYSTEM, town.structure, staff, "Mme", "Dubois", "Camille")
    assert _field(raised) == "account_id"
