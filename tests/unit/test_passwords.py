"""The password rule, the one-time passwords, the folding of answers and searches, and the
masked e-mail of "Le retrouver" — no database."""

from __future__ import annotations

import re

import pytest

from famdesk.errors import ValidationError
from famdesk.services.folding import fold
from famdesk.services.passwords import check_password, generate_password, normalize_answer
from famdesk.services.recovery import mask_email


@pytest.fixture(autouse=True)
def english():
    from famdesk import i18n

    i18n.install("en")
    yield
    i18n.install(i18n.DEFAULT_LANGUAGE)


@pytest.mark.parametrize("good", ["abcdefghi1", "Demoville-2026", "x" * 16, "élève 2026 ok",
                                  "jo-jo-2026-ab"])
def test_good_passwords_pass(good):
    check_password(good, "jo")  # a two-letter login is not looked for


@pytest.mark.parametrize(("bad", "login", "field_message"), [
    ("abcdefgh1", None, "only 9 characters"),
    ("abcdefghij", None, "no digit"),
    ("0123456789", None, "no letter"),
    ("xxMARTINxx12", "Martin", "must not contain the login"),
    ("a1" * 65, None, "at most 128"),
])
def test_bad_passwords_say_what_is_missing(bad, login, field_message):
    with pytest.raises(ValidationError) as refused:
        check_password(bad, login, field="new")
    assert field_message in str(refused.value) and refused.value.field == "new"


def test_one_time_passwords_are_readable_and_pass_the_rule():
    seen = set()
    for _n in range(200):
        password = generate_password("martin")
        assert re.fullmatch(r"[a-hj-km-np-z2-9]{4}(-[a-hj-km-np-z2-9]{4}){2}", password)
        check_password(password, "martin")
        seen.add(password)
    assert len(seen) == 200


@pytest.mark.parametrize(("typed", "folded"), [
    (" Inès  LEFÈVRE ", "ines lefevre"),
    ("Cœur Æsop", "coeur aesop"),
    ("O’Brien", "o'brien"),
    ("Straße", "strasse"),
])
def test_folding(typed, folded):
    assert fold(typed) == folded == normalize_answer(typed)


@pytest.mark.parametrize(("email", "masked"), [
    ("martin@example.org", "m•••n@example.org"),
    ("jo@example.org", "j•••@example.org"),
    ("a@example.org", "a•••@example.org"),
])
def test_the_email_is_masked_but_its_domain(email, masked):
    assert mask_email(email) == masked
