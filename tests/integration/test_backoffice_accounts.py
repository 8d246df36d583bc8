"""The managers' accounts and structures ("Comptes et structures") on real SQLite and
PostgreSQL databases: a front-desk or manager account is created with a one-time password
that logs in once, reset (its server sessions end, its lock lifts), given another role and
other structures; a structure keeps a manager; a new structure is the creator's at once.
Every change is audited without the password; every refusal is French and changes nothing."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from famdesk.errors import AuthenticationError, NotAuthorizedError, ValidationError
from famdesk.models import Account, AuditEntry, Structure
from famdesk.models.enums import HolidayZone, Role
from famdesk.services import api_sessions
from famdesk.services.auth import (
    MAX_FAILURES,
    SYSTEM,
    SessionInfo,
    StructureChoice,
    authenticate,
)
from famdesk.services.backoffice import (
    StaffAccountForm,
    StaffAccountRow,
    add_staff_account,
    add_structure,
    change_staff_account,
    reset_staff_password,
    staff_accounts,
)
from famdesk.services.setup import people
from tests.integration.backoffice import manager
from tests.integration.town import PASSWORD, build_town

TESTVILLE = StructureChoice(0, "Mairie de Testville", "Europe/Paris")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def town(request, sqlite_url, clock):
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    town = build_town(url, clock)
    yield town
    town.ctx.close()


@pytest.fixture
def admin(town):
    return manager(town)


def refused(kind, call, message=None, field=None):  # type: ignore[no-untyped-def]
    with pytest.raises(kind) as caught:
        call()
    if message is not None:
        assert caught.value.message == message
    assert caught.value.field == field
    return caught.value


def rows(town, session, structure_id=None):  # type: ignore[no-untyped-def]
    with town.uow() as uow:
        return staff_accounts(uow, town.clock, session, structure_id or town.structure_id)


def add(town, session, form):  # type: ignore[no-untyped-def]
    with town.uow(write=True) as uow:
        return add_staff_account(uow, town.clock, session, form, terminal="BUREAU-1")


def change(town, session, account_id, role, structure_ids):  # type: ignore[no-untyped-def]
    with town.uow(write=True) as uow:
        return change_staff_account(uow, town.clock, session, account_id, role, structure_ids,
                                    terminal="BUREAU-1")


def reset(town, session, account_id):  # type: ignore[no-untyped-def]
    with town.uow(write=True) as uow:
        return reset_staff_password(uow, town.clock, session, account_id, terminal="BUREAU-1")


def log_in(town, login, password):  # type: ignore[no-untyped-def]
    with town.uow(write=True) as uow:
        return authenticate(uow, town.clock, login, password)


def snapshot(town):  # type: ignore[no-untyped-def]
    """Everything a refused change must leave as it was."""
    with town.uow() as uow:
        accounts = tuple(uow.session.execute(
            select(Account.login, Account.role, Account.password_hash).order_by(Account.id)))
        links = tuple(sorted((a.login, tuple(s.id for s in a.structures))
                             for a in uow.session.scalars(select(Account))))
        counts = (uow.session.scalar(select(func.count()).select_from(Structure)),
                  uow.session.scalar(select(func.count()).select_from(AuditEntry)))
    return accounts, links, counts


def audits(town, action):  # type: ignore[no-untyped-def]
    with town.uow() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def chief(town):  # type: ignore[no-untyped-def]
    """A manager of both structures, the only one of "Centre voisin"."""
    with town.uow(write=True) as uow:
        account = people.create_account(uow, SYSTEM, "chef", PASSWORD, "Chef de service",
                                        Role.ADMIN, None,
                                        [town.structure_id, town.other_structure_id],
                                        clock=town.clock)
        uow.commit()
    return SessionInfo(account, "chef", "Chef de service", Role.ADMIN, (
        StructureChoice(town.other_structure_id, "Centre voisin", "Europe/Paris"),
        dataclasses.replace(TESTVILLE, id=town.structure_id)))


# -- the list ------------------------------------------------------------------------------


def test_the_list_shows_the_staff_and_managers_of_the_structure_and_no_secret(town, admin):
    chief(town)
    listed = rows(town, admin)
    assert [(r.login, r.display_name, r.role) for r in listed] == [
        ("accueil", "Accueil", Role.STAFF), ("chef", "Chef de service", Role.ADMIN),
        ("gestion", "Gestion", Role.ADMIN)]  # the families are the front desk's
    by_login = {r.login: r for r in listed}
    assert by_login["gestion"].is_self and by_login["gestion"].manageable
    assert by_login["accueil"].manageable and not by_login["accueil"].is_self
    assert not by_login["chef"].manageable  # it sees "Centre voisin" too
    assert [s.name for s in by_login["chef"].structures] == ["Centre voisin",
                                                             "Mairie de Testville"]
    assert by_login["accueil"].email == "accueil@example.org"
    assert not any("hash" in f.name or "answer" in f.name
                   for f in dataclasses.fields(StaffAccountRow))

    for _attempt in range(MAX_FAILURES):
        with pytest.raises(AuthenticationError):
            log_in(town, "accueil", "pas le bon")
    locked = {r.login: r for r in rows(town, admin)}["accueil"]
    assert locked.locked_until == town.clock.now() + timedelta(minutes=15)

    refused(NotAuthorizedError, lambda: rows(town, admin, town.other_structure_id),
            "Vous n’avez pas accès à cette structure.")
    refused(NotAuthorizedError, lambda: rows(town, town.staff),
            "Seul un gestionnaire peut faire cela.")


# -- a new account ---------------------------------------------------------------------------


def test_a_new_account_logs_in_once_with_its_one_time_password(town, admin):
    made = add(town, admin, StaffAccountForm(" Claire.Dupont ", "  Claire   Dupont ", "staff",
                                             "claire.dupont@example.org",
                                             (town.structure_id,)))
    assert made.login == "claire.dupont"
    assert made.password not in repr(made)
    row = {r.login: r for r in rows(town, admin)}["claire.dupont"]
    assert (row.display_name, row.role, row.must_change_password, row.last_login_at) == (
        "Claire Dupont", Role.STAFF, True, None)
    assert [s.id for s in row.structures] == [town.structure_id]

    session = log_in(town, "claire.dupont", made.password)
    assert session.must_change_password and session.role is Role.STAFF
    with pytest.raises(NotAuthorizedError):  # nothing but choosing a password first
        session.require_staff()

    (entry,) = audits(town, "staff_account_created")
    assert (entry.actor_account_id, entry.terminal) == (admin.account_id, "BUREAU-1")
    assert '"login": "claire.dupont"' in entry.detail and '"role": "staff"' in entry.detail
    assert made.password not in entry.detail


def test_a_new_account_is_refused_by_field_and_nothing_is_made(town, admin):
    before = snapshot(town)

    def form(**changes):  # type: ignore[no-untyped-def]
        fields = {"login": "nouvel.agent", "display_name": "Nouvel Agent", "role": "staff",
                  "email": None, "structure_ids": (town.structure_id,)}
        return StaffAccountForm(**{**fields, **changes})

    refused(ValidationError, lambda: add(town, admin, form(login="accueil")),
            "Cet identifiant est déjà pris.", "login")
    refused(ValidationError, lambda: add(town, admin, form(login="a b")), field="login")
    refused(ValidationError, lambda: add(town, admin, form(display_name="  ")),
            "Ce champ est obligatoire.", "display_name")
    refused(ValidationError, lambda: add(town, admin, form(email="agent@")), field="email")
    refused(ValidationError, lambda: add(town, admin, form(role="family")),
            "Choisissez le rôle : accueil ou gestionnaire.", "role")
    refused(ValidationError, lambda: add(town, admin, form(structure_ids=())),
            "Choisissez au moins une structure.", "structure_ids")
    refused(NotAuthorizedError,
            lambda: add(town, admin, form(structure_ids=(town.other_structure_id,))),
            "Vous n’avez pas accès à cette structure.")
    on_one_time = dataclasses.replace(admin, must_change_password=True)
    refused(NotAuthorizedError, lambda: add(town, on_one_time, form(structure_ids=())),
            "Choisissez d'abord votre propre mot de passe.")
    refused(NotAuthorizedError, lambda: reset(town, on_one_time, town.staff.account_id))
    assert snapshot(town) == before


# -- a new password ------------------------------------------------------------------------------


def test_a_new_password_ends_the_sessions_and_lifts_the_lock(town, admin):
    with town.uow(write=True) as uow:
        opened = api_sessions.log_in(uow, town.clock, "accueil", PASSWORD, device_token=None,
                                     client="127.0.0.1", terminal="BUREAU-2")
    for _attempt in range(MAX_FAILURES):
        with pytest.raises(AuthenticationError):
            log_in(town, "accueil", "pas le bon")

    made = reset(town, admin, town.staff.account_id)

    assert made.login == "accueil"
    with town.uow() as uow, pytest.raises(api_sessions.SessionEndedError):
        api_sessions.resolve(uow, town.clock, opened.token)
    with pytest.raises(AuthenticationError):
        log_in(town, "accueil", PASSWORD)
    assert log_in(town, "accueil", made.password).must_change_password
    (entry,) = audits(town, "staff_password_reset")
    assert entry.actor_account_id == admin.account_id and made.password not in entry.detail


def test_a_new_password_is_refused_for_oneself_a_family_and_another_managers_account(
        town, admin):
    chief(town)
    chef_id = {r.login: r.id for r in rows(town, admin)}["chef"]
    before = snapshot(town)
    refused(ValidationError, lambda: reset(town, admin, admin.account_id),
            "Changez votre propre mot de passe dans votre profil.")
    refused(ValidationError, lambda: reset(town, admin, town.martin.account_id),
            "C'est un compte famille : l'accueil le gère depuis la fiche de la famille.")
    refused(NotAuthorizedError, lambda: reset(town, admin, chef_id),
            "Ce compte voit aussi une structure que vous ne gérez pas : seul un gestionnaire "
            "de toutes ses structures peut le modifier.")
    refused(NotAuthorizedError, lambda: reset(town, town.staff, admin.account_id))
    assert snapshot(town) == before


# -- role and structures ---------------------------------------------------------------------


def test_a_front_desk_account_becomes_a_manager_and_back(town, admin):
    row = change(town, admin, town.staff.account_id, Role.ADMIN, [town.structure_id])
    assert row.role is Role.ADMIN and row.manageable
    assert log_in(town, "accueil", PASSWORD).role is Role.ADMIN

    row = change(town, admin, town.staff.account_id, "staff", [town.structure_id])
    assert row.role is Role.STAFF
    first, second = audits(town, "staff_account_changed")
    assert '"role": ["staff", "admin"]' in first.detail
    assert '"role": ["admin", "staff"]' in second.detail

    change(town, admin, town.staff.account_id, "staff", [town.structure_id])
    assert len(audits(town, "staff_account_changed")) == 2  # nothing changed: nothing audited


def test_a_manager_keeps_their_role_and_each_structure_keeps_a_manager(town, admin):
    chef = chief(town)
    before = snapshot(town)
    refused(ValidationError,
            lambda: change(town, admin, admin.account_id, "staff", [town.structure_id]),
            "Vous ne pouvez pas retirer votre propre rôle de gestionnaire : demandez-le à un "
            "autre gestionnaire.", "role")
    refused(ValidationError,
            lambda: change(town, chef, chef.account_id, "admin", [town.structure_id]),
            "Centre voisin n'aurait plus de gestionnaire : faites d'abord d'un autre compte "
            "son gestionnaire.", "structure_ids")
    refused(ValidationError,
            lambda: change(town, SYSTEM, chef.account_id, "staff",
                           [town.structure_id, town.other_structure_id]),
            field="role")
    refused(ValidationError,
            lambda: change(town, admin, town.staff.account_id, "staff", []),
            "Choisissez au moins une structure.", "structure_ids")
    refused(ValidationError,
            lambda: change(town, admin, town.staff.account_id, "family", [town.structure_id]),
            field="role")
    refused(NotAuthorizedError,
            lambda: change(town, admin, town.staff.account_id, "staff",
                           [town.structure_id, town.other_structure_id]))
    assert snapshot(town) == before

    # with another manager there, "Gestion" may leave Testville's management
    row = change(town, chef, admin.account_id, "staff", [town.structure_id])
    assert row.role is Role.STAFF
    refused(ValidationError,
            lambda: change(town, chef, chef.account_id, "admin", [town.other_structure_id]),
            "Mairie de Testville n'aurait plus de gestionnaire : faites d'abord d'un autre "
            "compte son gestionnaire.", "structure_ids")


def test_an_account_is_linked_to_another_structure_of_the_manager(town, admin):
    chef = chief(town)
    row = change(town, chef, town.staff.account_id, "staff",
                 [town.structure_id, town.other_structure_id])
    assert [s.name for s in row.structures] == ["Centre voisin", "Mairie de Testville"]
    assert [r.login for r in rows(town, chef, town.other_structure_id)] == ["accueil", "chef"]
    (entry,) = audits(town, "staff_account_changed")
    first, second = sorted([town.structure_id, town.other_structure_id])
    assert f'"structure_ids": [[{town.structure_id}], [{first}, {second}]]' in entry.detail


# -- a new structure -----------------------------------------------------------------------------


def test_a_new_structure_is_the_creators_at_once(town, admin):
    made = add_structure_as(town, admin, "  Centre de loisirs   des Pins ", "C")
    assert made == StructureChoice(made.id, "Centre de loisirs des Pins", "Europe/Paris")
    session = log_in(town, "gestion", PASSWORD)
    assert [s.name for s in session.structures] == ["Centre de loisirs des Pins",
                                                    "Mairie de Testville"]
    with town.uow() as uow:
        structure = uow.session.get(Structure, made.id)
        assert structure.holiday_zone is HolidayZone.C
    assert [r.login for r in rows(town, session, made.id)] == ["gestion"]
    (entry,) = audits(town, "structure_created")
    assert entry.actor_account_id == admin.account_id and entry.terminal == "BUREAU-1"

    overseas = add_structure_as(town, admin, "Mairie de Saint-Denis", "A", "Indian/Reunion")
    assert overseas.timezone == "Indian/Reunion"


def test_a_new_structure_is_refused_by_field(town, admin):
    before = snapshot(town)
    refused(ValidationError, lambda: add_structure_as(town, admin, "Centre voisin", "B"),
            "Une structure porte déjà ce nom.", "name")
    refused(ValidationError, lambda: add_structure_as(town, admin, " ", "B"), field="name")
    refused(ValidationError, lambda: add_structure_as(town, admin, "Annexe", "D"),
            field="holiday_zone")
    refused(ValidationError, lambda: add_structure_as(town, admin, "Annexe", "B", "Mars/Olympus"),
            field="timezone")
    refused(NotAuthorizedError, lambda: add_structure_as(town, town.staff, "Annexe", "B"))
    assert snapshot(town) == before


def add_structure_as(town, session, name, zone, timezone="Europe/Paris"):  # type: ignore[no-untyped-def]
    with town.uow(write=True) as uow:
        return add_structure(uow, town.clock, session, town.structure_id, name, zone, timezone,
                             terminal="BUREAU-1")
