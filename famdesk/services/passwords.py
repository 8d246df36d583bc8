"""Password and secret-answer hashing with argon2, and famdesk's one password rule.
Nothing secret is ever kept in clear."""

from __future__ import annotations

import os
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from famdesk.errors import ValidationError
from famdesk.i18n import _, ngettext
from famdesk.services.folding import fold

MIN_PASSWORD_LENGTH = 10
"""With at least one letter and one digit..."""
LONG_PASSWORD_LENGTH = 16
"""...or this many characters of any kind (a passphrase)."""
MAX_PASSWORD_LENGTH = 128
MIN_LOGIN_CHECKED = 3
"""A login this long or longer may not appear in its password."""
READABLE = "abcdefghjkmnpqrstuvwxyz23456789"
"""The one-time passwords' alphabet: no i, l, o, 0 or 1 to misread when handed over."""

# FAMDESK_FAST_HASHES=1 (the test suite) uses argon2's cheapest profile; hashes made so are
# upgraded to the full profile at the next login of a normal run (needs_rehash).
_FAST = os.environ.get("FAMDESK_FAST_HASHES") == "1"
_hasher = PasswordHasher.from_parameters(profiles.CHEAPEST) if _FAST else PasswordHasher()
# a hash of nothing in particular, verified when a login is unknown so both paths cost the same
_DUMMY_HASH = _hasher.hash("famdesk-unknown-login")


def hash_secret(secret: str) -> str:
    return _hasher.hash(secret)


def verify_secret(stored_hash: str | None, candidate: str) -> bool:
    """True when `candidate` matches; an absent hash still costs one verification."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, candidate) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def normalize_answer(answer: str) -> str:
    """A security answer compared without case, accents or extra spaces (hashed so)."""
    return fold(answer)


def check_password(password: str, login: str | None = None, field: str = "password") -> None:
    """famdesk's password rule, the only one: at least 10 characters with letters and digits,
    or 16 characters of any kind; at most 128; never containing the login. The French
    message says what is missing."""
    password = password or ""
    if not password:
        raise ValidationError(_("Give a password."), field=field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            _("The password holds at most {count} characters.").format(count=MAX_PASSWORD_LENGTH),
            field=field,
        )
    if len(password) < LONG_PASSWORD_LENGTH:
        missing = []
        if len(password) < MIN_PASSWORD_LENGTH:
            missing.append(ngettext("This one has only {count} character.",
                                    "This one has only {count} characters.",
                                    len(password)).format(count=len(password)))
        if not any(c.isalpha() for c in password):
            missing.append(_("It has no letter."))
        if not any(c.isdigit() for c in password):
            missing.append(_("It has no digit."))
        if missing:
            rule = _("A password has at least {count} characters with letters and digits, or {long} characters of any kind.").format(
                count=MIN_PASSWORD_LENGTH, long=LONG_PASSWORD_LENGTH
            )
            raise ValidationError(" ".join([rule, *missing]), field=field)
    login = normalize_login(login or "")
    if len(login) >= MIN_LOGIN_CHECKED and login in password.casefold():
        raise ValidationError(_("The password must not contain the login."), field=field)


def normalize_login(login: str) -> str:
    return login.strip().casefold()


def generate_password(login: str) -> str:
    """A one-time password to hand over: 12 readable characters in groups of 4
    ("k7mp-x3qa-9tzn"), with letters and digits, passing `check_password`."""
    while True:
        chars = "".join(secrets.choice(READABLE) for _n in range(12))
        password = "-".join(chars[i:i + 4] for i in range(0, 12, 4))
        try:
            check_password(password, login)
        except ValidationError:
            continue
        return password
