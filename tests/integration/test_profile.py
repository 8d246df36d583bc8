"""The account's own profile ("Profil") on a real database: the password rule and its
messages, the current password required, the e-mail checked, the security answer hashed,
the forced first change, and an audit row for each change."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from famdesk import i18n
from famdesk.errors import AccountLockedError, AuthenticationError, ValidationError
from famdesk.models import Account, AuditEntry, OutboxMessage
from famdesk.services import families, profile
from famdesk.services.auth import authenticate
from famdesk.services.passwords import normalize_answer, verify_secret
from tests.integration.town import PASSWORD, build_town

NEW = "Nouveau-secret-42"
DESK = "accueil-1"


@pytest.fixture(autouse=True)
def english():
    i18n.install("en")
    yield
    i18n.install(i18n.DEFAULT_LANGUAGE)


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    yield town
    town.ctx.close()


def account(town, account_id):
    with town.uow() as uow:
        return uow.session.get_one(Account, account_id)


def audit_rows(town, action):
    with town.uow() as uow:
        return list(uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def change_password(town, session, current, new):
    with town.uow(write=True) as uow:
        profile.change_password(uow, town.clock, session, current, new, terminal=DESK)


def logs_in(town, login, password):
    with town.uow(write=True) as uow:
        try:
            return authenticate(uow, town.clock, login, password)
        except AuthenticationError:
            return None


# -- the password --------------------------------------------------------------------


WEAK = [
    ("abc12", ["at least 10 characters", "only 5 characters"]),
    ("abcdefghij", ["It has no digit."]),
    ("1234567890", ["It has no letter."]),
    ("", ["Give a password."]),
    ("abc", ["only 3 characters", "It has no digit."]),
    ("!!!!!!!!!!", ["It has no letter.", "It has no digit."]),
    ("Martin-2026-x", ["must not contain the login"]),
    ("x" * 129, ["at most 128 characters"]),
]


def test_a_weak_password_is_refused_saying_what_is_missing(town):
    before = account(town, town.martin.account_id).password_hash
    for weak, says in WEAK:
        with pytest.raises(ValidationError) as refused:
            change_password(town, town.martin, PASSWORD, weak)
        assert refused.value.field == "new"
        for part in says:
            assert part in str(refused.value), (weak, part)
    assert account(town, town.martin.account_id).password_hash == before
    assert account(town, town.martin.account_id).failed_logins == 0
    assert audit_rows(town, "password_changed") == []


def test_a_long_passphrase_needs_no_digit(town):
    change_password(town, town.martin, PASSWORD, "le chat dort au soleil")
    assert logs_in(town, "martin", "le chat dort au soleil")


def test_the_rule_speaks_french():
    i18n.install("fr")
    with pytest.raises(ValidationError) as refused:
        from famdesk.services.passwords import check_password

        check_password("abc", "martin")
    assert str(refused.value) == (
        "Un mot de passe compte au moins 10 caractères, avec des lettres et des chiffres, "
        "ou au moins 16 caractères quelconques. Celui-ci n’en compte que 3. "
        "Il ne contient aucun chiffre."
    )


def test_the_current_password_is_required_and_wrong_ones_count(town):
    for _n in range(4):
        with pytest.raises(AuthenticationError) as refused:
            change_password(town, town.martin, "Pas-le-bon-1", NEW)
        assert refused.value.field == "current"
    assert account(town, town.martin.account_id).failed_logins == 4
    with pytest.raises(AccountLockedError, match="locked until 10:15"):
        change_password(town, town.martin, "Pas-le-bon-1", NEW)
    assert logs_in(town, "martin", PASSWORD) is None  # locked for the login screen too


def test_a_new_password_is_effective_at_once_and_audited(town):
    change_password(town, town.martin, PASSWORD, NEW)

    assert logs_in(town, "martin", NEW)
    assert logs_in(town, "martin", PASSWORD) is None
    [row] = audit_rows(town, "password_changed")
    assert (row.actor_account_id, row.terminal, row.detail) == (town.martin.account_id, DESK, "")
    assert account(town, town.dubois.account_id).password_hash != account(
        town, town.martin.account_id).password_hash  # dubois's own is untouched
    assert logs_in(town, "dubois", PASSWORD)


def test_the_new_password_must_differ(town):
    with pytest.raises(ValidationError, match="differ"):
        change_password(town, town.martin, PASSWORD, PASSWORD)


# -- the e-mail ----------------------------------------------------------------------


def test_a_malformed_email_is_refused_and_changes_nothing(town):
    for bad in ["pas-une-adresse", "martin@", "a b@example.org", "@example.org", "m@x@y.org"]:
        with town.uow(write=True) as uow, pytest.raises(ValidationError) as refused:
            profile.change_email(uow, town.clock, town.martin, bad)
        assert refused.value.field == "email"
    assert account(town, town.martin.account_id).email == "martin@example.org"
    assert audit_rows(town, "email_changed") == []


def test_a_new_email_applies_at_once_is_audited_and_the_old_address_is_told(town):
    with town.uow(write=True) as uow:
        stored = profile.change_email(uow, town.clock, town.martin, "  Hugo.Martin@Example.ORG ",
                                      terminal=DESK)

    assert stored == "Hugo.Martin@example.org"
    assert account(town, town.martin.account_id).email == stored
    [row] = audit_rows(town, "email_changed")
    assert row.actor_account_id == town.martin.account_id and row.terminal == DESK
    assert json.loads(row.detail) == {"old": "martin@example.org", "new": stored}
    with town.uow() as uow:
        [notice] = uow.session.scalars(select(OutboxMessage))
    assert notice.recipient == "martin@example.org" and "front desk" in notice.body_text
    with town.uow() as uow:  # the front desk finds the family by its new address at once
        hits = families.search_families(uow, town.staff, town.structure_id, "hugo.martin@")
    assert [h.family_id for h in hits] == [town.martin_family]


def test_the_email_may_be_removed(town):
    with town.uow(write=True) as uow:
        assert profile.change_email(uow, town.clock, town.martin, "") is None
    assert account(town, town.martin.account_id).email is None


# -- the security question -----------------------------------------------------------


def test_the_security_answer_is_stored_folded_and_hashed(town):
    with town.uow(write=True) as uow:
        profile.change_security_question(uow, town.clock, town.martin, PASSWORD,
                                         "Nom de votre premier instituteur ?", " M. Lefèvre ",
                                         terminal=DESK)

    row = account(town, town.martin.account_id)
    assert row.security_question == "Nom de votre premier instituteur ?"
    assert "Lef" not in row.security_answer_hash and "lef" not in row.security_answer_hash
    assert verify_secret(row.security_answer_hash, normalize_answer("m. LEFEVRE"))
    [audit] = audit_rows(town, "security_question_changed")
    assert json.loads(audit.detail) == {"question": "Nom de votre premier instituteur ?"}
    with town.uow() as uow:
        shown = profile.profile(uow, town.martin)
    assert shown.security_question == "Nom de votre premier instituteur ?"


def test_the_security_question_needs_the_current_password_and_a_real_answer(town):
    with town.uow(write=True) as uow, pytest.raises(AuthenticationError):
        profile.change_security_question(uow, town.clock, town.martin, "Pas-le-bon-1",
                                         "Couleur ?", "Bleu")
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as refused:
        profile.change_security_question(uow, town.clock, town.martin, PASSWORD, "Couleur ?",
                                         " é ")
    assert refused.value.field == "answer"
    with town.uow(write=True) as uow, pytest.raises(ValidationError) as refused:
        profile.change_security_question(uow, town.clock, town.martin, PASSWORD, "  ", "Bleu")
    assert refused.value.field == "question"
    assert account(town, town.martin.account_id).security_answer_hash is None


# -- the forced first change ---------------------------------------------------------


def test_a_one_time_password_forces_a_change_at_the_first_login(town):
    with town.uow(write=True) as uow:
        family = families.save_family(uow, town.clock, town.staff, town.structure_id,
                                      families.FamilyDetails("Mme", "Petit", "Anne"))
    with town.uow(write=True) as uow:
        handed = families.create_family_account(uow, town.clock, town.staff, family, "apetit")

    session = logs_in(town, "apetit", handed.password)
    assert session is not None and session.must_change_password

    with town.uow(write=True) as uow, pytest.raises(ValidationError):  # still a weak one
        profile.set_first_password(uow, town.clock, session, handed.password, "court")
    with town.uow(write=True) as uow, pytest.raises(AuthenticationError):
        profile.set_first_password(uow, town.clock, session, "pas-le-bon-1", NEW)
    with town.uow(write=True) as uow:
        session = profile.set_first_password(uow, town.clock, session, handed.password, NEW,
                                             terminal=DESK)

    assert not session.must_change_password
    assert logs_in(town, "apetit", handed.password) is None  # the one-time password is gone
    again = logs_in(town, "apetit", NEW)
    assert again is not None and not again.must_change_password
    assert [r.actor_account_id for r in audit_rows(town, "first_password_set")] == [
        session.account_id]
    with town.uow(write=True) as uow, pytest.raises(ValidationError):  # nothing left to replace
        profile.set_first_password(uow, town.clock, session, NEW, "Encore-autre-77")
