"""The `famdesk` command as a user types it: exit codes and French messages."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def famdesk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "famdesk", *args], capture_output=True, text=True, timeout=180,
        env={**os.environ, **(env or {})},
    )


def test_help_lists_the_subcommands():
    done = famdesk("--help")
    assert done.returncode == 0
    for command in ("demo", "db", "self-check"):
        assert command in done.stdout
    assert "portail famille" in done.stdout


def test_demo_then_db_check(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    done = famdesk("demo", "--database", url, "--reset", "--today", "2026-11-27")
    assert done.returncode == 0, done.stderr
    assert "Demoville-2026" in done.stdout and "martin" in done.stdout and "accueil" in done.stdout
    check = famdesk("db", "check", "--database", url)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "cohérente" in check.stdout
    again = famdesk("demo", "--database", url)
    assert again.returncode == 1 and "--reset" in again.stderr


def test_db_check_reports_each_problem_and_fails(tmp_path: Path):
    path = tmp_path / "demo.db"
    assert famdesk("demo", "--database", f"sqlite:///{path}", "--today", "2026-11-27").returncode == 0
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE activity_day SET booked_count = booked_count + 1 WHERE id = 1")
    check = famdesk("db", "check", "--database", f"sqlite:///{path}")
    assert check.returncode == 1
    assert "compteurs" in check.stdout and "1 problème trouvé." in check.stderr


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("sqlite:////no/such/folder/famdesk.db", "n’existe pas"),
        ("mysql://someone@somewhere/db", "SQLite ou PostgreSQL"),
        ("postgresql+psycopg://famdesk@127.0.0.1:1/famdesk", "Impossible de joindre le serveur"),
    ],
)
def test_a_database_that_cannot_be_used_gets_a_french_message_and_a_failure(url, words):
    done = famdesk("db", "upgrade", "--database", url)
    assert done.returncode == 1
    assert words in done.stderr
    assert "Traceback" not in done.stderr


def test_a_database_from_a_newer_famdesk_is_refused_untouched(tmp_path: Path):
    path = tmp_path / "newer.db"
    assert famdesk("db", "upgrade", "--database", f"sqlite:///{path}").returncode == 0
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff9999'")

    def dump() -> list[str]:
        with sqlite3.connect(path) as connection:
            return list(connection.iterdump())

    before = dump()
    for args in (("db", "upgrade"), ("db", "check"), ("demo", "--reset")):
        done = famdesk(*args, "--database", f"sqlite:///{path}")
        assert done.returncode == 1 and "version plus récente" in done.stderr
    assert dump() == before


def test_the_environment_variable_points_at_the_database(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    done = famdesk("db", "upgrade", env={"FAMDESK_DATABASE_URL": url})
    assert done.returncode == 0 and (tmp_path / "env.db").exists()
