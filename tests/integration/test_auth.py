"""Logging in: argon2, the lock after 5 failures, and answers that never tell whether a login
exists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from famdesk.errors import AccountLockedError, AuthenticationError
from famdesk.models import Account, LoginThrottle
from famdesk.services.auth import authenticate
from tests.integration.town import PASSWORD, build_town


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    yield town
    town.ctx.close()


def attempt(town, login, password):
    with town.uow(write=True) as uow:
        return authenticate(uow, town.clock, login, password)


def answers(town, login, count=6):
    """What the login screen says after each of `count` wrong passwords."""
    said = []
    for _ in range(count):
        with pytest.raises(AuthenticationError) as refused:
            attempt(town, login, "not-the-password-1")
        said.append((type(refused.value).__name__, refused.value.message))
    return said


def test_the_right_password_logs_in_whatever_the_case_of_the_login(town):
    session = attempt(town, "  MARTIN ", PASSWORD)
    assert session.login == "martin" and not session.is_staff
    with town.uow() as uow:
        assert uow.session.scalar(select(Account.last_login_at).where(Account.login == "martin")) == town.clock.now()


def test_five_failures_lock_for_fifteen_minutes_and_say_until_when(town):
    said = answers(town, "martin")
    assert [kind for kind, _m in said] == ["AuthenticationError"] * 4 + ["AccountLockedError"] * 2
    assert said[0][1] == "Identifiant ou mot de passe incorrect."
    assert said[4][1] == "Trop d’essais infructueux : cet identifiant est bloqué jusqu’à 10:15."
    with pytest.raises(AccountLockedError):
        attempt(town, "martin", PASSWORD)  # even the right password, while locked
    town.clock.advance(timedelta(minutes=15, seconds=1))
    assert attempt(town, "martin", PASSWORD).login == "martin"


def test_an_unknown_login_gets_exactly_the_same_answers(town):
    assert answers(town, "personne") == answers(town, "dubois")
    town.clock.advance(timedelta(minutes=16))
    with pytest.raises(AuthenticationError) as refused:
        attempt(town, "personne", "x")
    assert type(refused.value) is AuthenticationError


def test_unknown_logins_are_not_kept_in_clear(town):
    answers(town, "mon-mot-de-passe-tape-ici", count=2)
    with town.uow() as uow:
        keys = uow.session.scalars(select(LoginThrottle.key)).all()
        dump = " ".join(str(v) for row in uow.session.execute(text("SELECT * FROM login_throttle")) for v in row)
    assert len(keys) == 1 and "mon-mot-de-passe" not in dump
