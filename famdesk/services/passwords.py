"""Password and secret-answer hashing with argon2. Nothing secret is ever kept in clear."""

from __future__ import annotations

import os
import unicodedata

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

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
    """A security answer compared without case, accents or surrounding spaces."""
    decomposed = unicodedata.normalize("NFKD", answer.strip().casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def normalize_login(login: str) -> str:
    return login.strip().casefold()
