"""A forgotten password ("Le retrouver") on a real database, with a real SMTP server on
loopback receiving the codes: the paths, what is refused and counted, and that no secret is
kept or logged in clear."""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import String, Text, select

from famdesk.errors import (
    AccountLockedError,
    AuthenticationError,
    TooManyAttemptsError,
    ValidationError,
)
from famdesk.models import Account, AuditEntry, Base, OutboxMessage, RecoveryCode
from famdesk.secrets import MemorySecretStore
from famdesk.services import profile, recovery
from famdesk.services.auth import SYSTEM, authenticate
from famdesk.services.outbox import send_pending, smtp_mailers
from famdesk.services.setup import people
from tests.integration.town import PASSWORD, build_town

NEW = "Nouveau-secret-42"
ANSWER = "Hélène Dupré"
QUESTION = "Prénom et nom de votre grand-mère ?"
KIOSK = "kiosque-mairie"
SIX_DIGITS = re.compile(r"\b(\d{6})\b")


@pytest.fixture(autouse=True)
def english():
    from famdesk import i18n

    i18n.install("en")
    yield
    i18n.install(i18n.DEFAULT_LANGUAGE)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def town(request, sqlite_url, clock):
    """The test town, with: martin's security question set; dubois's e-mail only (as built);
    "petit", an account with neither."""
    url = sqlite_url if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    town = build_town(url, clock)
    with town.uow(write=True) as uow:
        profile.change_security_question(uow, clock, town.martin, PASSWORD, QUESTION, ANSWER)
        account = uow.session.get_one(Account, town.martin.account_id)
        account.email = None  # martin recovers with his answer only
        people.create_account(uow, SYSTEM, "petit", PASSWORD, "Anne Petit", "family", None,
                              [town.structure_id], clock=clock)
        uow.commit()
    yield town
    town.ctx.close()


@pytest.fixture
def mailers(smtp_server):
    return smtp_mailers(MemorySecretStore())


def account(town, login):
    with town.uow() as uow:
        return uow.session.scalar(select(Account).where(Account.login == login))


def logs_in(town, login, password) -> bool:
    with town.uow(write=True) as uow:
        try:
            authenticate(uow, town.clock, login, password)
        except AuthenticationError:
            return False
    return True


def options(town, login, terminal=KIOSK):
    with town.uow(write=True) as uow:
        return recovery.recovery_options(uow, town.clock, login, terminal)


def with_answer(town, login, answer, new=NEW, terminal=KIOSK):
    with town.uow(write=True) as uow:
        recovery.reset_with_answer(uow, town.clock, login, answer, new, terminal)


def send(town, mailers, login, terminal=KIOSK):
    with town.uow(write=True) as uow:
        return recovery.send_code(uow, town.clock, mailers, login, terminal)


def with_code(town, login, code, new=NEW, terminal=KIOSK):
    with town.uow(write=True) as uow:
        recovery.reset_with_code(uow, town.clock, login, code, new, terminal)


def received_code(smtp_server, address="dubois@example.org") -> str:
    message = smtp_server.inbox.to(address)[-1]
    return SIX_DIGITS.findall(smtp_server.inbox.text(message))[0]


def audit_actions(town):
    with town.uow() as uow:
        return [(a.action, a.actor_account_id, a.terminal)
                for a in uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


# -- what the screen offers ----------------------------------------------------------


def test_each_account_is_offered_what_it_has(town):
    assert options(town, " MARTIN ") == recovery.RecoveryOptions("martin", QUESTION, None)
    dubois = options(town, "dubois")
    assert dubois == recovery.RecoveryOptions("dubois", None, "d•••s@example.org")
    assert not dubois.front_desk_only
    assert options(town, "petit").front_desk_only


def test_an_unknown_login_is_answered_exactly_like_an_account_with_neither(town, mailers):
    unknown = options(town, "personne")
    neither = options(town, "petit")
    assert dataclasses.replace(unknown, login="") == dataclasses.replace(neither, login="")
    assert unknown.front_desk_only

    refusals = []
    for login in ("personne", "petit"):
        for attempt, arguments in ((send, (mailers, login)), (with_answer, (login, "Nantes")),
                                   (with_code, (login, "123456"))):
            with pytest.raises(ValidationError) as refused:
                attempt(town, *arguments)
            refusals.append(str(refused.value))
    assert refusals[:3] == refusals[3:]
    assert "contact the front desk" in refusals[0]


# -- the security question -----------------------------------------------------------


def test_the_right_answer_without_case_or_accents_sets_the_new_password_at_once(town):
    with town.uow(write=True) as uow:  # the account was locked and bound to change it
        row = uow.session.get_one(Account, town.martin.account_id)
        row.must_change_password, row.failed_logins = True, 3
        uow.commit()

    with_answer(town, "martin", "  helene   DUPRE ")

    assert logs_in(town, "martin", NEW)
    assert not logs_in(town, "martin", PASSWORD)
    row = account(town, "martin")
    assert not row.must_change_password and row.locked_until is None
    assert ("password_reset_with_answer", town.martin.account_id, KIOSK) in audit_actions(town)


def test_wrong_answers_are_counted_then_lock_the_login(town):
    before = account(town, "martin").password_hash
    for tries in range(1, 5):
        with pytest.raises(AuthenticationError, match="not the right answer"):
            with_answer(town, "martin", "Hélène Durand")
        assert account(town, "martin").failed_logins == tries
    with pytest.raises(AccountLockedError, match="locked until 10:15"):
        with_answer(town, "martin", "Hélène Durand")

    with pytest.raises(AccountLockedError):  # even the right answer, while locked
        with_answer(town, "martin", ANSWER)
    with pytest.raises(AccountLockedError), town.uow(write=True) as uow:  # the login too
        authenticate(uow, town.clock, "martin", PASSWORD)
    assert account(town, "martin").password_hash == before

    town.clock.advance(timedelta(minutes=15))
    with_answer(town, "martin", ANSWER)
    assert logs_in(town, "martin", NEW)


def test_a_weak_new_password_is_refused_before_anything_is_counted(town):
    with pytest.raises(ValidationError) as refused:
        with_answer(town, "martin", ANSWER, new="court")
    assert refused.value.field == "new_password"
    assert "has only 5 characters" in str(refused.value)
    assert account(town, "martin").failed_logins == 0
    assert logs_in(town, "martin", PASSWORD)


# -- the e-mailed code ---------------------------------------------------------------


def test_a_code_goes_out_at_once_and_sets_the_new_password(town, mailers, smtp_server):
    sent = send(town, mailers, "dubois")

    assert sent.delivered and sent.masked_email == "d•••s@example.org"
    assert sent.expires_at == town.clock.now() + timedelta(minutes=15)
    [message] = smtp_server.inbox.to("dubois@example.org")
    body = smtp_server.inbox.text(message)
    assert "until 10:15" in body and "Mairie de Testville" in body
    code = received_code(smtp_server)

    with_code(town, "dubois", f" {code[:3]} {code[3:]} ")  # spaces typed are ignored

    assert logs_in(town, "dubois", NEW)
    assert not logs_in(town, "dubois", PASSWORD)
    actions = audit_actions(town)
    assert ("recovery_code_sent", town.dubois.account_id, KIOSK) in actions
    assert ("password_reset_with_code", town.dubois.account_id, KIOSK) in actions


def test_a_code_works_once(town, mailers, smtp_server):
    send(town, mailers, "dubois")
    code = received_code(smtp_server)
    with_code(town, "dubois", code)

    with pytest.raises(ValidationError, match="already been used"):
        with_code(town, "dubois", code, new="Encore-autre-77")
    assert logs_in(town, "dubois", NEW)


def test_an_expired_code_is_refused_and_changes_nothing(town, mailers, smtp_server):
    send(town, mailers, "dubois")
    code = received_code(smtp_server)
    town.clock.advance(timedelta(minutes=15))

    with pytest.raises(ValidationError, match="expired"):
        with_code(town, "dubois", code)
    assert logs_in(town, "dubois", PASSWORD)


def test_five_wrong_codes_kill_the_code(town, mailers, smtp_server):
    send(town, mailers, "dubois")
    code = received_code(smtp_server)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(AuthenticationError, match=f"{left} tr"):
            with_code(town, "dubois", wrong)
    with pytest.raises(AccountLockedError):  # the 5th also locks the login
        with_code(town, "dubois", wrong)

    town.clock.advance(timedelta(minutes=15))  # the lock is over
    with pytest.raises(ValidationError, match="Too many wrong codes"):
        with_code(town, "dubois", code)
    assert logs_in(town, "dubois", PASSWORD)
    with town.uow() as uow:
        dead = uow.session.scalar(select(RecoveryCode))
        assert dead.tries == 5 and dead.revoked_at is not None and dead.used_at is None

    send(town, mailers, "dubois", terminal="accueil")  # a new code works
    with_code(town, "dubois", received_code(smtp_server), terminal="accueil")
    assert logs_in(town, "dubois", NEW)


def test_a_new_code_kills_the_previous_one(town, mailers, smtp_server):
    send(town, mailers, "dubois")
    first = received_code(smtp_server)
    second = first
    while second == first:  # two codes drawn alike (one chance in a million): ask again
        send(town, mailers, "dubois")
        second = received_code(smtp_server)

    with pytest.raises(AuthenticationError, match="not the code sent"):
        with_code(town, "dubois", first)
    with_code(town, "dubois", second)
    assert logs_in(town, "dubois", NEW)


def test_a_malformed_code_is_refused_without_counting(town):
    with pytest.raises(ValidationError, match="6 digits"):
        with_code(town, "dubois", "12a456")
    assert account(town, "dubois").failed_logins == 0


def test_a_code_the_server_could_not_take_in_time_is_erased(town, mailers, smtp_server):
    smtp_server.inbox.down = True
    sent = send(town, mailers, "dubois")
    assert not sent.delivered

    town.clock.advance(timedelta(minutes=16))
    smtp_server.inbox.down = False
    send_pending(town.ctx.db, town.clock, mailers)

    assert smtp_server.inbox.messages == []  # too late to be of use: not sent
    with town.uow() as uow:
        message = uow.session.scalar(select(OutboxMessage))
        assert message.sent_at is None and message.next_attempt_at is None
        assert "erased" in message.body_text and message.last_error


# -- the terminal's limit ------------------------------------------------------------


def test_each_terminal_is_limited_to_ten_steps_per_quarter_of_an_hour(town):
    for _n in range(recovery.MAX_TERMINAL_ATTEMPTS):
        options(town, "martin")

    with pytest.raises(TooManyAttemptsError, match="after 10:15"):
        options(town, "personne")
    with pytest.raises(TooManyAttemptsError):  # even the right answer waits
        with_answer(town, "martin", ANSWER)
    assert logs_in(town, "martin", PASSWORD)

    assert options(town, "martin", terminal="accueil").question == QUESTION  # another PC

    town.clock.advance(timedelta(minutes=15))
    with_answer(town, "martin", ANSWER)
    assert logs_in(town, "martin", NEW)


def test_wrong_answers_and_unknown_logins_count_toward_the_terminal(town):
    options(town, "martin")
    for _n in range(4):
        with pytest.raises(AuthenticationError):
            with_answer(town, "martin", "Durand")
    for _n in range(5):
        with pytest.raises(ValidationError):
            with_answer(town, "personne", "Durand")

    with pytest.raises(TooManyAttemptsError):  # 1 + 4 + 5 steps: this terminal waits
        with_answer(town, "martin", ANSWER)
    assert account(town, "martin").failed_logins == 4  # the refusal counted nothing more


# -- no secret in clear --------------------------------------------------------------


def test_no_password_answer_or_code_is_kept_or_logged_in_clear(town, mailers, smtp_server,
                                                                caplog):
    caplog.set_level(logging.DEBUG)
    with_answer(town, "martin", "helene dupre", new="Premier-secret-31")
    with town.uow(write=True) as uow:
        profile.change_password(uow, town.clock, town.martin, "Premier-secret-31", NEW)
    send(town, mailers, "dubois")
    code = received_code(smtp_server)
    with pytest.raises(AuthenticationError):
        with_code(town, "dubois", f"{(int(code) + 7) % 1_000_000:06d}")
    with_code(town, "dubois", code, new="Second-secret-58")
    secrets = [code, "Premier-secret-31", NEW, "Second-secret-58", PASSWORD, ANSWER,
               "helene dupre"]

    stored = []
    with town.ctx.db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            texts = [c for c in table.columns if isinstance(c.type, String | Text)]
            for row in connection.execute(select(*texts)) if texts else ():
                stored += [value for value in row if isinstance(value, str)]
    assert stored
    leaks = [(secret, value) for secret in secrets for value in stored if secret in value]
    assert leaks == []

    # every log record but the receiving test server's own ("mail.log" logs what it reads)
    logged = [r.getMessage() + (r.exc_text or "") for r in caplog.records
              if r.name != "mail.log"]
    assert any("recovery" in line for line in logged)
    assert [(s, line) for s in secrets for line in logged if s in line] == []
    assert code in smtp_server.inbox.text(smtp_server.inbox.messages[-1])  # only there
