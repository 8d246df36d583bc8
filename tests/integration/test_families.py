"""The front desk's family files on real SQLite and PostgreSQL databases: the search as you
type (accents, case, quotes and LIKE characters), the record, creating and editing families,
children, quotients and registrations, the family's account — and who may do it."""

from __future__ import annotations

import json
import re
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from famdesk import i18n
from famdesk.errors import AuthenticationError, NotAuthorizedError, NotFoundError, ValidationError
from famdesk.models import Account, AuditEntry, Child, Family, QuotientFamilial, Registration
from famdesk.models.enums import Role
from famdesk.services import families
from famdesk.services.auth import SYSTEM, SessionInfo, StructureChoice, authenticate
from famdesk.services.booking import confirm
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.families import ChildDetails, FamilyDetails
from famdesk.services.setup import people
from tests.integration.town import PASSWORD, YEAR_END, YEAR_START, build_town

DESK = "accueil-1"
WED = date(2026, 9, 30)


@pytest.fixture(autouse=True)
def english():
    i18n.install("en")
    yield
    i18n.install(i18n.DEFAULT_LANGUAGE)


@pytest.fixture
def town(request, sqlite_url, clock):
    """The test town (Martin: Léa, Tom; Dubois: Zoé) and four more families, made through
    the desk's own services; on SQLite, and also on PostgreSQL for the tests `ON_BOTH`."""
    kind = getattr(request, "param", "sqlite")
    url = sqlite_url if kind == "sqlite" else request.getfixturevalue("postgres_url")
    yield from _town(url, clock)


ON_BOTH = pytest.mark.parametrize(
    "town", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
"""The search runs on both databases: their LIKE, escaping and ordering differ."""


def _town(url, clock):
    town = build_town(url, clock)
    town.lefevre = add_family(town, FamilyDetails("Mme", "Lefèvre", "Inès",
                                                  email="ines.lefevre@example.org"),
                              children=[("Chloé", "Lefèvre")])
    town.obrien = add_family(town, FamilyDetails("M.", "O'Brien", "Seán"),
                             children=[("Liam", "O’Brien")])
    town.dupont = add_family(town, FamilyDetails("M.", "Dupont", "Jean-Paul"), login="jp_dupont")
    town.marchand = add_family(town, FamilyDetails("Mme", "Marchand", "Élodie"))
    town.dumarais = add_family(town, FamilyDetails("M.", "Dumarais", "Luc"))
    yield town
    town.ctx.close()


def add_family(town, details, children=(), login=None):
    with town.uow(write=True) as uow:
        family = families.save_family(uow, town.clock, town.staff, town.structure_id, details)
    for first, last in children:
        with town.uow(write=True) as uow:
            families.save_child(uow, town.clock, town.staff, family,
                                ChildDetails(first, last, date(2019, 5, 4)))
    if login:
        with town.uow(write=True) as uow:
            families.create_family_account(uow, town.clock, town.staff, family, login)
    return family


def search(town, text, session=None, structure_id=None, **options):
    with town.uow() as uow:
        return families.search_families(uow, session or town.staff,
                                        structure_id or town.structure_id, text, **options)


def found(town, text):
    return [hit.family_id for hit in search(town, text)]


def record(town, family_id):
    with town.uow() as uow:
        return families.family_record(uow, town.staff, family_id)


def audits(town, action):
    with town.uow() as uow:
        return list(uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def other_staff(town):
    """Staff of the neighbouring centre only."""
    return SessionInfo(99, "voisin", "voisin", Role.STAFF,
                       (StructureChoice(town.other_structure_id, "Centre voisin", "Europe/Paris"),))


# -- the search ----------------------------------------------------------------------


@ON_BOTH
def test_search_ignores_case_accents_and_spaces(town):
    for text in ["ines", "INES", "Inès", "lefevre", "LEFÈVRE", "inès lef", "  ines   lefevre  "]:
        assert found(town, text) == [town.lefevre], text


@ON_BOTH
def test_search_by_child_name_login_and_email(town):
    assert found(town, "zoe") == [town.dubois_family]
    assert found(town, "chloé") == [town.lefevre]
    assert found(town, "martin lea") == [town.martin_family]  # every word must match
    assert found(town, "martin zoe") == []
    assert found(town, "jp_dup") == [town.dupont]  # the account's login
    assert found(town, "dubois@example") == [town.dubois_family]  # the account's e-mail
    assert found(town, "ines.lefevre@") == [town.lefevre]  # the family's e-mail


@ON_BOTH
def test_a_hit_says_who_the_family_is(town):
    [hit] = search(town, "martin lea")
    assert hit == families.FamilyHit(town.martin_family, "M. MARTIN Hugo", ("Tom", "Léa"),
                                     "martin", "martin@example.org", None)
    [hit] = search(town, "marchand")
    assert (hit.login, hit.email, hit.children) == (None, None, ())


@ON_BOTH
def test_quotes_percent_underscore_and_sql_are_plain_text(town):
    assert found(town, "o'brien") == [town.obrien]
    assert found(town, "O’BRIEN") == [town.obrien]  # a typographic apostrophe too
    assert found(town, "liam o'b") == [town.obrien]
    assert found(town, "%") == []
    assert found(town, "_") == [town.dupont]  # only the login holding one
    assert found(town, "p_d") == [town.dupont]
    assert found(town, "a%") == []
    assert found(town, '"') == []
    assert found(town, "\\") == []
    assert found(town, "/") == []
    assert found(town, "' OR '1'='1") == []
    with town.uow() as uow:
        before = uow.session.scalar(select(func.count()).select_from(Family))
    assert found(town, "'; DROP TABLE family; --") == []
    with town.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Family)) == before


@ON_BOTH
def test_names_starting_with_the_text_come_first(town):
    assert found(town, "mar") == [town.marchand, town.martin_family, town.dumarais]
    assert found(town, "mar", ) == [h.family_id for h in search(town, "MAR", limit=50)]
    assert [h.family_id for h in search(town, "mar", limit=2)] == [town.marchand,
                                                                   town.martin_family]


@ON_BOTH
def test_an_empty_text_finds_nothing(town):
    assert search(town, "   ") == ()


@ON_BOTH
def test_only_the_staff_of_the_structure_search_it(town):
    with pytest.raises(NotAuthorizedError):
        search(town, "martin", session=town.martin)
    with pytest.raises(NotAuthorizedError):
        search(town, "martin", session=other_staff(town))
    assert search(town, "martin", session=other_staff(town),
                  structure_id=town.other_structure_id) == ()


@ON_BOTH
def test_the_search_follows_every_change_of_a_name(town):
    with town.uow(write=True) as uow:  # the managers' set-up too
        people.add_child(uow, SYSTEM, town.marchand, "Noé", "Marchand", date(2020, 2, 2))
        uow.commit()
    assert found(town, "noe") == [town.marchand]
    with town.uow(write=True) as uow:
        families.save_child(uow, town.clock, town.staff, town.martin_family,
                            ChildDetails("Léonie", "Martin", date(2018, 3, 2)), town.lea)
    assert found(town, "martin leonie") == [town.martin_family]
    assert found(town, "martin lea") == []  # her old name is gone
    assert found(town, "martin tom leonie") == [town.martin_family]
    with town.uow(write=True) as uow:
        account = uow.session.get_one(Account, town.dubois.account_id)
        account.login = "cdubois"
        uow.commit()
    assert found(town, "cdub") == [town.dubois_family]


# -- the record ----------------------------------------------------------------------


def test_the_record_holds_quotients_children_registrations_and_the_account(town):
    shown = record(town, town.martin_family)

    assert shown.holder_name == "M. MARTIN Hugo"
    assert [(q.value, q.valid_from, q.valid_until) for q in shown.quotients] == [
        (450, YEAR_START, date(2026, 12, 31)), (900, date(2027, 1, 1), None)]
    assert [(c.first_name, [r.activity_label for r in c.registrations]) for c in shown.children] == [
        ("Léa", ["APS MATIN", "ALSH MERCREDI"]), ("Tom", ["APS MATIN", "ALSH MERCREDI"])]
    assert shown.account == families.AccountSummary("martin", "martin@example.org", False, None,
                                                    None, False)
    assert "argon2" not in repr(shown)


def test_only_the_staff_of_its_structure_read_a_record(town):
    with town.uow() as uow, pytest.raises(NotAuthorizedError):
        families.family_record(uow, town.martin, town.martin_family)  # even its own
    with town.uow() as uow, pytest.raises(NotAuthorizedError):
        families.family_record(uow, other_staff(town), town.martin_family)
    with town.uow() as uow, pytest.raises(NotFoundError):
        families.family_record(uow, town.staff, 10_000)


# -- the family ----------------------------------------------------------------------


def test_a_family_is_created_then_edited_and_each_change_audited(town):
    with town.uow(write=True) as uow:
        family = families.save_family(
            uow, town.clock, town.staff, town.structure_id,
            FamilyDetails("Mx", "  Nguyen ", "Camille", email="Camille@Example.org",
                          phone="06 12 34 56 78"), terminal=DESK)
    with town.uow(write=True) as uow:
        assert families.save_family(
            uow, town.clock, town.staff, town.structure_id,
            FamilyDetails("Mx", "Nguyen", "Camille", email="camille.n@example.org",
                          phone="06 12 34 56 78", address="3 rue des Lilas"),
            family, terminal=DESK) == family

    shown = record(town, family)
    assert (shown.last_name, shown.email, shown.address) == ("Nguyen", "camille.n@example.org",
                                                             "3 rue des Lilas")
    created, changed = audits(town, "family_created")[-1], audits(town, "family_changed")[-1]
    assert created.on_behalf_family_id == family and created.actor_account_id == town.staff.account_id
    assert created.terminal == DESK
    assert json.loads(changed.detail) == {"changes": {
        "email": ["Camille@example.org", "camille.n@example.org"],
        "address": [None, "3 rue des Lilas"]}}
    assert found(town, "camille.n@") == [family]


@pytest.mark.parametrize(("details", "field"), [
    (FamilyDetails("M.", "Martin", "Hugo", email="hugo@@example.org"), "email"),
    (FamilyDetails("Dr", "Martin", "Hugo"), "civility"),
    (FamilyDetails("M.", "  ", "Hugo"), "last_name"),
    (FamilyDetails("M.", "Martin", "Hugo", phone="0" * 33), "phone"),
])
def test_bad_family_input_is_refused_and_changes_nothing(town, details, field):
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as refused:
        families.save_family(uow, town.clock, town.staff, town.structure_id, details,
                             town.martin_family)
    assert refused.value.field == field
    assert record(town, town.martin_family).first_name == "Hugo"
    assert audits(town, "family_changed") == []


def test_families_and_other_structures_staff_may_not_edit(town):
    details = FamilyDetails("M.", "Martin", "Hugues")
    for session in (town.martin, other_staff(town)):
        with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
            families.save_family(uow, town.clock, session, town.structure_id, details,
                                 town.martin_family)
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        families.save_family(uow, town.clock, other_staff(town), town.structure_id, details)
    assert record(town, town.martin_family).first_name == "Hugo"


def test_staff_set_a_quotient_and_overlaps_are_refused(town):
    with town.uow(write=True) as uow:
        families.set_quotient(uow, town.clock, town.staff, town.dubois_family, 620, YEAR_START,
                              terminal=DESK)
    with town.uow(write=True) as uow:  # an open-ended one is closed the day before
        families.set_quotient(uow, town.clock, town.staff, town.dubois_family, 700,
                              date(2027, 1, 1))
    with town.uow(write=True) as uow, pytest.raises(ValidationError, match="overlaps"):
        families.set_quotient(uow, town.clock, town.staff, town.dubois_family, 800,
                              date(2026, 12, 1), date(2027, 2, 1))
    assert [(q.value, q.valid_until) for q in record(town, town.dubois_family).quotients] == [
        (620, date(2026, 12, 31)), (700, None)]
    assert len(audits(town, "quotient_set")) == 2
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        families.set_quotient(uow, town.clock, town.dubois, town.dubois_family, 0, YEAR_START)


# -- children and registrations ------------------------------------------------------


def test_children_are_added_and_edited_within_their_family(town):
    with town.uow(write=True) as uow:
        noe = families.save_child(uow, town.clock, town.staff, town.dubois_family,
                                  ChildDetails("Noé", "Dubois", date(2021, 1, 5), "École Jaurès",
                                               "PS"), terminal=DESK)
    with town.uow(write=True) as uow:
        families.save_child(uow, town.clock, town.staff, town.dubois_family,
                            ChildDetails("Noé", "Dubois", date(2021, 1, 5), "École Jaurès",
                                         "MS"), noe)
    [_zoe, child] = sorted(record(town, town.dubois_family).children, key=lambda c: c.id)
    assert (child.first_name, child.school, child.class_name) == ("Noé", "École Jaurès", "MS")
    assert json.loads(audits(town, "child_changed")[-1].detail) == {
        "child_id": noe, "changes": {"class_name": ["PS", "MS"]}}

    with town.uow(write=True) as uow, pytest.raises(NotFoundError):  # Léa is a Martin
        families.save_child(uow, town.clock, town.staff, town.dubois_family,
                            ChildDetails("Léa", "Dubois", date(2018, 3, 2)), town.lea)
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as refused:
        families.save_child(uow, town.clock, town.staff, town.dubois_family,
                            ChildDetails("Bébé", "Dubois", date(2026, 9, 15)))
    assert refused.value.field == "birth_date"
    with town.uow() as uow:
        assert uow.session.get_one(Child, town.lea).family_id == town.martin_family


def test_a_family_is_refused_another_familys_child_and_changes_nothing(town):
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        families.save_child(uow, town.clock, town.martin, town.dubois_family,
                            ChildDetails("Zoé", "Martin", date(2017, 1, 20)), town.zoe)
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        families.register(uow, town.clock, town.martin, town.zoe, town.alsh, YEAR_START, YEAR_END)
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        confirm(uow, town.clock, town.martin,
                Draft((DraftLine(LineKind.BOOK, town.zoe, town.alsh, WED),)), uuid.uuid4().hex)
    with town.uow() as uow:
        assert uow.session.get_one(Child, town.zoe).last_name == "Dubois"
    assert audits(town, "child_changed") == audits(town, "child_registered") == []


def registration_of(town, child, activity):
    with town.uow() as uow:
        return uow.session.scalars(
            select(Registration).where(Registration.child_id == child,
                                       Registration.activity_id == activity)
            .order_by(Registration.starts_on)).all()


def test_a_registration_started_is_ended_yesterday_one_to_come_is_removed(town):
    [tom_aps] = registration_of(town, town.tom, town.aps)
    with town.uow(write=True) as uow:
        families.unregister(uow, town.clock, town.staff, tom_aps.id, terminal=DESK)
    [ended] = registration_of(town, town.tom, town.aps)
    assert (ended.starts_on, ended.ends_on) == (YEAR_START, date(2026, 9, 13))
    with town.uow(write=True) as uow, pytest.raises(ValidationError, match="already over"):
        families.unregister(uow, town.clock, town.staff, tom_aps.id)

    with town.uow(write=True) as uow:
        spring = families.register(uow, town.clock, town.staff, town.tom, town.aps,
                                   date(2027, 3, 1), YEAR_END, terminal=DESK)
    assert [r.starts_on for r in registration_of(town, town.tom, town.aps)] == [
        YEAR_START, date(2027, 3, 1)]
    with town.uow(write=True) as uow:
        families.unregister(uow, town.clock, town.staff, spring)
    assert [r.id for r in registration_of(town, town.tom, town.aps)] == [tom_aps.id]
    registered = audits(town, "child_registered")[-1]
    assert registered.on_behalf_family_id == town.martin_family
    assert json.loads(registered.detail)["starts_on"] == "2027-03-01"
    assert len(audits(town, "child_unregistered")) == 2


def test_bad_registrations_are_refused(town):
    with town.uow(write=True) as uow, pytest.raises(ValidationError, match="another structure"):
        families.register(uow, town.clock, town.staff, town.zoe, town.other_activity,
                          YEAR_START, YEAR_END)
    with town.uow(write=True) as uow, pytest.raises(ValidationError, match="already registered"):
        families.register(uow, town.clock, town.staff, town.zoe, town.alsh, date(2026, 10, 1),
                          date(2026, 10, 31))
    with town.uow(write=True) as uow, pytest.raises(ValidationError, match="before the start"):
        families.register(uow, town.clock, town.staff, town.zoe, town.alsh, date(2026, 10, 31),
                          date(2026, 10, 1))
    with town.uow(write=True) as uow, pytest.raises(NotFoundError):
        families.unregister(uow, town.clock, town.staff, 10_000)


def test_a_registration_holding_reservations_is_not_ended(town):
    with town.uow(write=True) as uow:
        confirm(uow, town.clock, town.martin,
                Draft((DraftLine(LineKind.BOOK, town.lea, town.alsh, WED),)), uuid.uuid4().hex)
    [lea_alsh] = registration_of(town, town.lea, town.alsh)

    with town.uow(write=True) as uow, pytest.raises(ValidationError) as refused:
        families.unregister(uow, town.clock, town.staff, lea_alsh.id)

    assert str(refused.value) == ("Léa still has 1 reservation in this activity from "
                                  "14/09/2026: cancel it first.")
    [kept] = registration_of(town, town.lea, town.alsh)
    assert (kept.id, kept.ends_on) == (lea_alsh.id, YEAR_END)


# -- the family's account ------------------------------------------------------------

READABLE = re.compile(r"[a-hj-km-np-z2-9]{4}-[a-hj-km-np-z2-9]{4}-[a-hj-km-np-z2-9]{4}")


def test_a_family_account_comes_with_a_one_time_password_shown_once(town):
    with town.uow(write=True) as uow:
        handed = families.create_family_account(uow, town.clock, town.staff, town.marchand,
                                                " EMarchand ", terminal=DESK)

    assert handed.login == "emarchand" and READABLE.fullmatch(handed.password)
    assert handed.password not in repr(handed)
    with town.uow() as uow:
        account = uow.session.scalar(select(Account).where(Account.login == "emarchand"))
        assert handed.password not in account.password_hash
        assert account.role is Role.FAMILY and account.must_change_password
        assert [s.id for s in account.structures] == [town.structure_id]
    shown = record(town, town.marchand)
    assert shown.account.login == "emarchand" and shown.account.must_change_password
    [created] = audits(town, "family_account_created")[-1:]
    assert json.loads(created.detail) == {"login": "emarchand"}
    assert handed.password not in created.detail

    with town.uow(write=True) as uow:
        session = authenticate(uow, town.clock, "emarchand", handed.password)
    assert session.must_change_password and session.role is Role.FAMILY
    assert found(town, "emarch") == [town.marchand]


def test_an_account_is_refused_twice_or_under_a_taken_login(town):
    with town.uow(write=True) as uow, pytest.raises(ValidationError, match="already has"):
        families.create_family_account(uow, town.clock, town.staff, town.martin_family, "hugo")
    with town.uow(write=True) as uow, pytest.raises(ValidationError, match="already taken"):
        families.create_family_account(uow, town.clock, town.staff, town.marchand, "MARTIN")
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as refused:
        families.create_family_account(uow, town.clock, town.staff, town.marchand, "é l")
    assert refused.value.field == "login"
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        families.create_family_account(uow, town.clock, town.dubois, town.marchand, "intrus")
    assert record(town, town.marchand).account is None


def test_a_new_one_time_password_unlocks_the_account_and_forces_a_change(town):
    for _n in range(5):  # martin forgot: locked
        with town.uow(write=True) as uow, pytest.raises(AuthenticationError):
            authenticate(uow, town.clock, "martin", "Pas-le-bon-1")
    assert record(town, town.martin_family).account.locked_until is not None

    with town.uow(write=True) as uow:
        handed = families.reset_family_password(uow, town.clock, town.staff, town.martin_family,
                                                terminal=DESK)

    assert handed.login == "martin"
    with town.uow(write=True) as uow, pytest.raises(AuthenticationError):
        authenticate(uow, town.clock, "martin", PASSWORD)
    with town.uow(write=True) as uow:
        session = authenticate(uow, town.clock, "martin", handed.password)
    assert session.must_change_password
    assert audits(town, "family_password_reset")[-1].actor_account_id == town.staff.account_id
    with town.uow(write=True) as uow, pytest.raises(ValidationError, match="no account"):
        families.reset_family_password(uow, town.clock, town.staff, town.marchand)
    with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
        families.reset_family_password(uow, town.clock, town.martin, town.martin_family)


def test_the_quotient_table_is_untouched_by_refusals(town):
    with town.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(QuotientFamilial)) == 2
