from datetime import UTC, datetime, timedelta

import pytest

from famdesk.clock import FixedClock, OffsetClock, local_today
from famdesk.config import ENV_DATABASE_URL, resolve_database
from famdesk.errors import ValidationError


def test_explicit_url_wins_over_the_environment(tmp_path):
    env = {ENV_DATABASE_URL: f"sqlite:///{tmp_path / 'env.db'}"}
    target = resolve_database(f"sqlite:///{tmp_path / 'arg.db'}", environ=env)
    assert target.sqlite_path == tmp_path / "arg.db"


def test_environment_is_used_without_an_argument(tmp_path):
    env = {ENV_DATABASE_URL: f"sqlite:///{tmp_path / 'env.db'}"}
    assert resolve_database(None, environ=env).sqlite_path == tmp_path / "env.db"


def test_default_is_a_file_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    target = resolve_database(None, environ={})
    assert target.is_sqlite
    assert target.sqlite_path == tmp_path / "famdesk" / "famdesk.db"


def test_postgresql_urls_use_psycopg():
    target = resolve_database("postgresql://user:secret@db.example/famdesk", environ={})
    assert target.url.drivername == "postgresql+psycopg"
    assert "secret" not in target.display()


@pytest.mark.parametrize(
    "url", ["mysql://x@y/z", "not a url at all", "sqlite:////no/such/folder/famdesk.db"]
)
def test_unusable_addresses_get_a_clear_message(url, tmp_path):
    with pytest.raises(ValidationError) as info:
        resolve_database(url, environ={})
    assert info.value.message


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(ValidationError):
        resolve_database(f"sqlite:///{tmp_path}", environ={})


def test_fixed_clock_moves_only_when_told():
    clock = FixedClock(datetime(2026, 3, 28, 23, 30, tzinfo=UTC))
    assert clock.now() == clock.now()
    clock.advance(timedelta(hours=1))
    # 00:30 UTC on the 29th is 01:30 in Paris, before the change to summer time
    assert local_today(clock).isoformat() == "2026-03-29"


def test_fixed_clock_refuses_naive_instants():
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 1, 1))


def test_offset_clock_reads_its_start():
    start = datetime(2025, 9, 1, 6, 0, tzinfo=UTC)
    clock = OffsetClock.starting_at(start)
    assert abs(clock.now() - start) < timedelta(seconds=5)


def test_a_postgresql_password_comes_from_the_keyring_never_the_url():
    from famdesk.bootstrap import password_key, with_stored_password
    from famdesk.secrets import MemorySecretStore

    target = resolve_database("postgresql://famdesk@db.mairie.local/portail", environ={})
    secrets = MemorySecretStore()
    assert with_stored_password(target, secrets).url.password is None
    secrets.set(password_key(target), "s3cret")
    assert password_key(target) == "database:famdesk@db.mairie.local:5432/portail"
    completed = with_stored_password(target, secrets)
    assert completed.url.password == "s3cret"
    assert "s3cret" not in completed.display()
    sqlite = resolve_database("sqlite:///" + __file__ + ".db", environ={})
    assert with_stored_password(sqlite, secrets) is sqlite
