"""Test session set-up: offscreen Qt, private user folders, no real keyring, a fixed clock.

The environment is set at import time, before any test module imports Qt, platformdirs'
users or keyring.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# argon2's cheapest profile: the tests check behaviour, not the work factor.
os.environ.setdefault("FAMDESK_FAST_HASHES", "1")
# A developer's own database must never be the one a test opens.
os.environ.pop("FAMDESK_DATABASE_URL", None)
# ... nor a developer's own mail server the one a test writes to.
os.environ.pop("FAMDESK_SMTP_URL", None)
os.environ.pop("FAMDESK_SMTP_PASSWORD", None)
# Secrets go through an injected SecretStore; a stray keyring call stores nothing anywhere.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

# platformdirs (default database, logs, settings) resolves into a folder of this session.
_SESSION_HOME = tempfile.mkdtemp(prefix="famdesk-tests-home-")
atexit.register(shutil.rmtree, _SESSION_HOME, ignore_errors=True)
for _variable in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
    _folder = os.path.join(
        _SESSION_HOME, _variable.removeprefix("XDG_").removesuffix("_HOME").lower()
    )
    os.makedirs(_folder)
    os.environ[_variable] = _folder

from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from famdesk.clock import FixedClock  # noqa: E402

pytest_plugins = ["tests.postgres", "tests.smtp"]

CLOCK_START = datetime(2026, 9, 14, 8, 0, tzinfo=UTC)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database file of this test (not created yet)."""
    return f"sqlite:///{tmp_path}/famdesk.db"


@pytest.fixture
def clock() -> FixedClock:
    """Monday 14 September 2026, 10:00 in Paris (08:00 UTC); moves only when told to."""
    return FixedClock(CLOCK_START)
