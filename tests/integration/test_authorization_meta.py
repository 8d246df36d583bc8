"""Every service that changes data (or acts for children) refuses a family that may not do it.

The services are found by introspection: each public function of a `famdesk.services`
module whose first parameters are ``(uow, clock, session)`` or ``(uow, session)``, unless it
only reads (`READ_ONLY`). Each must have an entry in `REFUSALS`: a call that a family
session must see refused with `NotAuthorizedError`, and that a session allowed to act gets
past authorization (it may still be refused for another reason, never for who acts) — so
the refusal is about the session, not about bad arguments.

Adding a service: add its refusal here (or, if it only reads, its name to `READ_ONLY`).

A service that acts only on the session's OWN account ("Profil": no account, family or
child id among its parameters, so there is no one else's to refuse) goes to `OWN_ACCOUNT`
instead: it must take no such id, and refuse famdesk itself (which has no account).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

import famdesk.services
from famdesk.clock import FixedClock
from famdesk.errors import FamdeskError, NotAuthorizedError
from famdesk.models import AnnualEnrollment, Payment, Registration, Wallet
from famdesk.models.enums import EnrollmentStatus, Role, TariffMode
from famdesk.models.online import OnlineProviderKind
from famdesk.services import (
    booking,
    capacity,
    copying,
    enrollments,
    families,
    family_import,
    history_mail,
    ledger,
    online_checkout,
    online_outcomes,
    online_payments,
    payments,
    profile,
)
from famdesk.services.auth import SYSTEM, SessionInfo
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.payment_providers import ProviderUnavailableError
from famdesk.services.payment_providers.settings import OnlineSettings, save_online_settings
from famdesk.services.setup import activities, people, structures
from famdesk.services.uow import UnitOfWork
from tests.conftest import CLOCK_START
from tests.integration.backoffice import BACKOFFICE_CALLS, BACKOFFICE_READ_ONLY
from tests.integration.test_online_payments import with_online_tables
from tests.integration.town import J2_NOON, PASSWORD, YEAR_END, YEAR_START, Town, build_town
from tests.server.authorization import SERVER_READ_ONLY, SERVER_REFUSALS

READ_ONLY = {
    "access.authorize_child": "checks and returns a child",
    "access.authorize_family": "checks and returns a family",
    "access.family_in_structure": "checks and returns the family a screen is about",
    "auth.family_of": "the family a family account holds",
    "balances.balances": "a family's balances ('Soldes et paiements')",
    "booking_info.activity_info": "an activity's allowed times and rate for a child",
    "booking_info.booking_family": "the family the booking tab shows",
    "booking.preview": "simulates a draft, saves nothing",
    "enrollments.enrollment_form": "what the annual enrollment form offers a child",
    "enrollments.enrollments": "a child's annual enrollments",
    "families.family_record": "a family's record for the front desk",
    "family_search.search_families": "the front desk's family search",
    "histories.history": "a family's consumptions and payments, month by month",
    "online_checkout.checkout_options": "whether a family may pay online, and its e-mail",
    "home.home_page": "the home page",
    "month.month_view": "the month calendar",
    "outbox.failures": "the e-mails that could not be sent",
    "payment_providers.settings.online_settings": "a structure's online payment settings",
    "payments.receipt": "a payment's receipt",
    "profile.profile": "the session's own profile",
    "statements.annual_statement": "a family's annual statement",
    "statements.childcare_attestation": "a family's attestation de frais de garde",
    "tracking.tracking": "a family's requests and what became of them",
}
"""Functions with a service's signature that only read: name -> what they read."""
READ_ONLY.update(BACKOFFICE_READ_ONLY)  # the managers' back office (tests/integration/backoffice.py)
READ_ONLY.update(SERVER_READ_ONLY)  # famdesk serve's (tests/server/authorization.py)

WED = date(2026, 9, 30)


@dataclass(frozen=True)
class Refusal:
    call: Callable[[Town, UnitOfWork, SessionInfo], object]
    refused: str
    """The family session refused: an attribute of `Town`."""
    allowed: str
    """A session allowed to act: an attribute of `Town`, or "system" (famdesk itself)."""


def _confirm(town: Town, uow: UnitOfWork, session: SessionInfo) -> object:
    draft = Draft((DraftLine(LineKind.BOOK, town.lea, town.alsh, WED),))
    return booking.confirm(uow, town.clock, session, draft, uuid.uuid4().hex)


def _create_activity(town: Town, uow: UnitOfWork, session: SessionInfo) -> object:
    wallet = structures.create_wallet(uow, SYSTEM, town.structure_id, "Cantine")
    return activities.create_activity(
        uow, session, structure_id=town.structure_id, wallet_id=wallet, label="RESTAURATION",
        colour="#E76F51", display_order=3, period_start=YEAR_START, period_end=YEAR_END,
        tariff_mode=TariffMode.UNIT, slot_minutes=None, brackets=[(0, None, Decimal("3.20"))],
        booking_rule=J2_NOON,
    )


def _register_child(town: Town, uow: UnitOfWork, session: SessionInfo) -> object:
    activity = _create_activity(town, uow, SYSTEM)
    return people.register_child(uow, session, town.lea, activity, YEAR_START, YEAR_END)


def _new_family(town: Town, uow: UnitOfWork) -> int:
    return people.create_family(uow, SYSTEM, town.structure_id, None, "Mme", "Petit", "Anne")


def _registration(town: Town, uow: UnitOfWork, child: int, activity: int) -> int:
    return uow.session.scalar(
        select(Registration.id).where(Registration.child_id == child,
                                      Registration.activity_id == activity))


def _enrollment(town: Town, uow: UnitOfWork) -> int:
    """Zoé's enrollment (Dubois), not committed: the call that follows commits it or not."""
    row = AnnualEnrollment(
        child_id=town.zoe, activity_id=town.alsh, starts_on=date(2026, 10, 7), ends_on=None,
        weekdays=4, every_other_week=False, status=EnrollmentStatus.ACTIVE,
        created_at=town.clock.now())
    uow.session.add(row)
    uow.session.flush()
    return row.id


def _wallet(town: Town, uow: UnitOfWork) -> int:
    return uow.session.scalar(select(Wallet.id).where(Wallet.structure_id == town.structure_id))


def _cancel_payment(town: Town, uow: UnitOfWork, session: SessionInfo) -> object:
    paid = payments.record_payment(uow, town.clock, SYSTEM, town.dubois_family, "cash",
                                   {_wallet(town, uow): Decimal("5.00")})
    return payments.cancel_payment(uow, town.clock, session, paid.payment_id, "Erreur de saisie")


class _ProviderDown:
    """A payment provider that cannot be reached: an allowed call ends there."""

    name = "down"
    minimum_cents = 1
    grace = timedelta(0)

    def start(self, payment: object) -> object:
        raise ProviderUnavailableError("down")

    def status(self, reference: str) -> object:
        raise ProviderUnavailableError("down")


def _start_online(town: Town, uow: UnitOfWork, session: SessionInfo) -> object:
    return online_payments.start_online_payment(
        uow, town.clock, session, town.martin_family, {_wallet(town, uow): Decimal("10.00")},
        _ProviderDown(), email="hugo.martin@example.org")


def _poll_online(town: Town, uow: UnitOfWork, session: SessionInfo) -> object:
    """Polls a payment of the Martins' (made, and failed, on first use)."""
    mine = select(Payment.id).where(Payment.family_id == town.martin_family,
                                    Payment.method == "online_card")
    if uow.session.scalar(mine) is None:
        with pytest.raises(online_payments.OnlinePaymentUnavailableError):
            _start_online(town, uow, SYSTEM)
    return online_outcomes.poll_online_payment(uow, town.clock, session, uow.session.scalar(mine),
                                               _ProviderDown())


class _DownProviders:
    """A provider source whose providers cannot be reached."""

    def for_structure(self, uow: UnitOfWork, structure_id: int) -> object:
        return _ProviderDown()

    def for_payment(self, uow: UnitOfWork, payment_id: int) -> object:
        return _ProviderDown()


def _checkout_state(town: Town, uow: UnitOfWork, session: SessionInfo) -> object:
    mine = select(Payment.id).where(Payment.family_id == town.martin_family,
                                    Payment.method == "online_card")
    if uow.session.scalar(mine) is None:
        with pytest.raises(online_payments.OnlinePaymentUnavailableError):
            _start_online(town, uow, SYSTEM)
    return online_checkout.payment_state(uow, town.clock, session, uow.session.scalar(mine),
                                         _DownProviders())


IMPORT_CSV = "civilite;nom;prenom;enfant_prenom;enfant_naissance\nM.;Martin;Hugo;Léa;02/03/2018\n"
"""A families file the import rejects (the Martins and Léa are there already): nothing kept."""

FAMILY = families.FamilyDetails("M.", "Durand", "Paul")
CHILD = families.ChildDetails("Noé", "Dubois", date(2020, 4, 1))

REFUSALS: dict[str, Refusal] = {
    # the reservation workflow
    "booking.confirm": Refusal(_confirm, refused="dubois", allowed="martin"),
    "copying.copy_reservations": Refusal(
        lambda t, uow, s: copying.copy_reservations(
            uow, t.clock, s, source_child_id=t.lea, source_activity_id=t.alsh,
            first=WED, last=WED, target_child_id=t.tom),
        refused="dubois", allowed="martin"),
    # annual enrollments
    "enrollments.create_enrollment": Refusal(
        lambda t, uow, s: enrollments.create_enrollment(
            uow, t.clock, s, t.zoe, t.alsh, date(2026, 10, 7), None, [2], False, None, None),
        refused="martin", allowed="dubois"),
    "enrollments.change_enrollment_end": Refusal(
        lambda t, uow, s: enrollments.change_enrollment_end(
            uow, t.clock, s, _enrollment(t, uow), date(2026, 12, 16)),
        refused="martin", allowed="dubois"),
    "enrollments.stop_enrollment": Refusal(
        lambda t, uow, s: enrollments.stop_enrollment(uow, t.clock, s, _enrollment(t, uow)),
        refused="martin", allowed="staff"),
    # money at the front desk (each commits: nothing else here reads balances)
    "payments.record_payment": Refusal(
        lambda t, uow, s: payments.record_payment(uow, t.clock, s, t.dubois_family, "cash",
                                                  {_wallet(t, uow): Decimal("12.50")}),
        refused="dubois", allowed="staff"),
    "payments.cancel_payment": Refusal(_cancel_payment, refused="dubois", allowed="staff"),
    "ledger.adjust": Refusal(
        lambda t, uow, s: ledger.adjust(uow, t.clock, s, t.martin_family, _wallet(t, uow),
                                        Decimal("-3.20"), "Repas non servi"),
        refused="martin", allowed="staff"),
    # the back office
    "capacity.change_capacity": Refusal(
        lambda t, uow, s: capacity.change_capacity(uow, t.clock, s, t.alsh, WED, 2),
        refused="martin", allowed="staff"),
    "capacity.promote": Refusal(
        lambda t, uow, s: capacity.promote(uow, t.clock, s, t.alsh, WED),
        refused="martin", allowed="staff"),
    # the front desk's family files (each commits: they act on what no other check uses)
    "families.save_family": Refusal(
        lambda t, uow, s: families.save_family(uow, t.clock, s, t.structure_id, FAMILY),
        refused="martin", allowed="staff"),
    "families.set_quotient": Refusal(
        lambda t, uow, s: families.set_quotient(uow, t.clock, s, t.dubois_family, 300,
                                                YEAR_START),
        refused="dubois", allowed="staff"),
    "families.save_child": Refusal(
        lambda t, uow, s: families.save_child(uow, t.clock, s, t.dubois_family, CHILD),
        refused="dubois", allowed="staff"),
    "families.register": Refusal(
        lambda t, uow, s: families.register(uow, t.clock, s, t.lea, t.alsh, YEAR_START,
                                            YEAR_END),
        refused="martin", allowed="staff"),
    "families.unregister": Refusal(
        lambda t, uow, s: families.unregister(uow, t.clock, s,
                                              _registration(t, uow, t.tom, t.aps)),
        refused="martin", allowed="staff"),
    "families.create_family_account": Refusal(
        lambda t, uow, s: families.create_family_account(uow, t.clock, s, _new_family(t, uow),
                                                         "petit.anne"),
        refused="martin", allowed="staff"),
    "families.reset_family_password": Refusal(
        lambda t, uow, s: families.reset_family_password(uow, t.clock, s, t.dubois_family),
        refused="dubois", allowed="staff"),
    # the managers' set-up
    "setup.structures.create_structure": Refusal(
        lambda t, uow, s: structures.create_structure(uow, s, "Mairie voisine", "B"),
        refused="martin", allowed="system"),
    "setup.structures.create_wallet": Refusal(
        lambda t, uow, s: structures.create_wallet(uow, s, t.structure_id, "Restauration"),
        refused="martin", allowed="system"),
    "setup.structures.add_news": Refusal(
        lambda t, uow, s: structures.add_news(uow, s, t.structure_id, "Fermeture", "",
                                              date(2026, 10, 1)),
        refused="martin", allowed="system"),
    "setup.activities.create_activity": Refusal(_create_activity, refused="martin",
                                                allowed="system"),
    "setup.activities.open_days": Refusal(
        lambda t, uow, s: activities.open_days(uow, s, t.alsh, [date(2026, 9, 29)], 2, 1),
        refused="martin", allowed="system"),
    "setup.people.create_account": Refusal(
        lambda t, uow, s: people.create_account(uow, s, "intrus", PASSWORD, "Intrus", Role.STAFF,
                                                None, [t.structure_id], clock=t.clock),
        refused="martin", allowed="system"),
    "setup.people.create_family": Refusal(
        lambda t, uow, s: people.create_family(uow, s, t.structure_id, None, "M.", "Durand",
                                               "Paul"),
        refused="martin", allowed="system"),
    "setup.people.set_quotient": Refusal(
        lambda t, uow, s: people.set_quotient(uow, s, t.martin_family, 100, date(2027, 9, 1)),
        refused="martin", allowed="system"),
    "setup.people.add_child": Refusal(
        lambda t, uow, s: people.add_child(uow, s, t.martin_family, "Noé", "Martin",
                                           date(2020, 4, 1)),
        refused="martin", allowed="system"),
    "setup.people.register_child": Refusal(_register_child, refused="martin", allowed="system"),
    # importing families (managers only)
    "family_import.check_family_import": Refusal(
        lambda t, uow, s: family_import.check_family_import(uow, t.clock, s, t.structure_id,
                                                            IMPORT_CSV.encode()),
        refused="martin", allowed="system"),
    "family_import.import_families": Refusal(
        lambda t, uow, s: family_import.import_families(uow, t.clock, s, t.structure_id,
                                                        IMPORT_CSV.encode()),
        refused="martin", allowed="system"),
    # online payments
    "online_payments.start_online_payment": Refusal(_start_online, refused="dubois",
                                                    allowed="martin"),
    "online_outcomes.poll_online_payment": Refusal(_poll_online, refused="dubois",
                                                   allowed="martin"),
    "online_checkout.start_payment": Refusal(
        lambda t, uow, s: online_checkout.start_payment(
            uow, t.clock, s, t.structure_id, t.martin_family,
            {_wallet(t, uow): Decimal("10.00")}, _DownProviders(), email="hugo.martin@example.org"),
        refused="dubois", allowed="martin"),
    "online_checkout.payment_state": Refusal(_checkout_state, refused="dubois", allowed="martin"),
    "history_mail.mail_history": Refusal(
        lambda t, uow, s: history_mail.mail_history(uow, t.clock, s, t.structure_id,
                                                    t.martin_family, year=2026, month=9),
        refused="dubois", allowed="martin"),
    "payment_providers.settings.save_online_settings": Refusal(
        lambda t, uow, s: save_online_settings(uow, t.clock, s, t.structure_id,
                                               OnlineSettings(OnlineProviderKind.LOCALTEST)),
        refused="martin", allowed="system"),
}

# the managers' back office: a family is refused, famdesk itself is let through (the staff are
# refused too: test_backoffice_authorization)
REFUSALS.update({name: Refusal(call, refused="martin", allowed="system")
                 for name, call in BACKOFFICE_CALLS.items() if name not in BACKOFFICE_READ_ONLY})
# famdesk serve's kiosks and sessions (tests/server/authorization.py)
REFUSALS.update({name: Refusal(call, refused=refused, allowed=allowed)
                 for name, (call, refused, allowed) in SERVER_REFUSALS.items()})


OWN_ACCOUNT: dict[str, Callable[[Town, UnitOfWork, SessionInfo], object]] = {
    "profile.change_password": lambda t, uow, s: profile.change_password(
        uow, t.clock, s, PASSWORD, "Autre-secret-2026"),
    "profile.change_email": lambda t, uow, s: profile.change_email(
        uow, t.clock, s, "nouvelle@example.org"),
    "profile.change_security_question": lambda t, uow, s: profile.change_security_question(
        uow, t.clock, s, PASSWORD, "Ville de naissance ?", "Nantes"),
    "profile.set_first_password": lambda t, uow, s: profile.set_first_password(
        uow, t.clock, s, PASSWORD, "Autre-secret-2026"),
}
"""Services acting on the session's own account only: name -> a call (see the docstring)."""

NO_OTHER_ID = ("account_id", "family_id", "child_id", "login")


def mutating_services() -> set[str]:
    """Every candidate service (see the module's docstring) that is not `READ_ONLY`."""
    return service_candidates() - READ_ONLY.keys()


def service_candidates() -> set[str]:
    """"module.function" (relative to famdesk.services) of each function with a service's
    signature, once, under the module that defines it."""
    found = set()
    prefix = famdesk.services.__name__ + "."
    for module_info in pkgutil.walk_packages(famdesk.services.__path__, prefix):
        module = importlib.import_module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            parameters = list(inspect.signature(function).parameters)
            if parameters[:3] == ["uow", "clock", "session"] or parameters[:2] == ["uow", "session"]:
                found.add(module.__name__.removeprefix(prefix) + "." + name)
    return found


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('meta')}/famdesk.db"
    town = build_town(url, FixedClock(CLOCK_START))
    with_online_tables(town.ctx.db)
    yield town
    town.ctx.close()


def session_of(town: Town, who: str) -> SessionInfo:
    return SYSTEM if who == "system" else getattr(town, who)


def test_the_discovery_finds_the_services_it_must():
    found = mutating_services()
    assert {"booking.confirm", "capacity.change_capacity", "capacity.promote",
            "copying.copy_reservations", "setup.people.add_child"} <= found
    assert READ_ONLY.keys() <= service_candidates(), "READ_ONLY names a function that is gone"


def test_every_mutating_service_has_a_refusal_check():
    found = mutating_services()
    missing = sorted(found - REFUSALS.keys() - OWN_ACCOUNT.keys())
    assert not missing, f"add a refusal to REFUSALS (or, if it only reads, to READ_ONLY): {missing}"
    stale = sorted((REFUSALS.keys() | OWN_ACCOUNT.keys()) - found)
    assert not stale, f"REFUSALS or OWN_ACCOUNT names services that are gone or read only: {stale}"
    assert not REFUSALS.keys() & OWN_ACCOUNT.keys()


@pytest.mark.parametrize("name", sorted(OWN_ACCOUNT))
def test_an_own_account_service_names_no_one_else_and_refuses_famdesk_itself(town, name):
    module, function = name.rsplit(".", 1)
    service = getattr(importlib.import_module(f"famdesk.services.{module}"), function)
    parameters = list(inspect.signature(service).parameters)
    assert not [p for p in parameters if p.endswith(NO_OTHER_ID)], parameters
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        OWN_ACCOUNT[name](town, uow, SYSTEM)


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_a_family_is_refused(town, name):
    refusal = REFUSALS[name]
    refused = session_of(town, refusal.refused)
    assert refused.role is Role.FAMILY and not refused.is_system
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        refusal.call(town, uow, refused)
    # the same call by a session allowed to act gets past authorization (nothing is kept:
    # the unit of work is left without commit, and the self-committing services are called
    # so that they change nothing another check depends on)
    with town.uow(write=True) as uow:
        try:
            refusal.call(town, uow, session_of(town, refusal.allowed))
        except NotAuthorizedError as exc:
            pytest.fail(f"{name} refused {refusal.allowed} too: {exc}")
        except FamdeskError:
            pass

