"""`famdesk setup` on a new SQLite file, as a town's technician types it: the structure and its
manager are made, the one-time password is printed once and logs in once (then the manager
must choose their own), a second run is refused in French and changes nothing."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from famdesk.bootstrap import open_context
from famdesk.cli import main
from famdesk.clock import FixedClock
from famdesk.errors import NotAuthorizedError
from famdesk.models.enums import Role
from famdesk.secrets import MemorySecretStore
from famdesk.services import profile
from famdesk.services.auth import authenticate
from famdesk.services.demo import build_demo
from famdesk.services.uow import UnitOfWork

ONE_TIME = re.compile(r"^Mot de passe provisoire \(affiché cette seule fois, notez-le "
                      r"maintenant\) : ([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})$")


def famdesk(capsys, *args: str) -> tuple[int, list[str], str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def counts(path: Path) -> tuple[int, ...]:
    with sqlite3.connect(path) as connection:
        return tuple(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("structure", "account", "account_structure", "audit_entry"))


def test_the_first_run_makes_the_town_and_its_manager(capsys, tmp_path):
    path = tmp_path / "mairie.db"
    url = f"sqlite:///{path}"

    code, out, err = famdesk(capsys, "setup", "--structure", "Mairie de Bellecombe", "--zone",
                             "b", "--admin", "N.Roussel", "--name", "Nathalie Roussel",
                             "--email", "enfance@bellecombe.fr", "--database", url)

    assert (code, err) == (0, "")
    assert out[0] == f"La structure « Mairie de Bellecombe » est créée dans {url}."
    assert out[1] == "Identifiant du gestionnaire : n.roussel"
    password = ONE_TIME.match(out[2]).group(1)  # type: ignore[union-attr]
    assert out[3] == ("Connectez-vous avec lui (famdesk) : vous choisissez aussitôt votre propre "
                      "mot de passe, puis vous paramétrez la commune dans « Paramétrage ».")
    assert counts(path) == (1, 1, 1, 2)
    with sqlite3.connect(path) as connection:
        details = " ".join(row[0] for row in connection.execute("SELECT detail FROM audit_entry"))
        (stored,) = connection.execute("SELECT password_hash FROM account").fetchone()
    assert password not in details and password not in stored

    ctx = open_context(url, secrets=MemorySecretStore(), upgrade=False)
    try:
        with UnitOfWork(ctx.db, write=True) as uow:
            session = authenticate(uow, ctx.clock, "n.roussel", password)
        assert (session.role, session.display_name, session.must_change_password) == (
            Role.ADMIN, "Nathalie Roussel", True)
        assert [(s.name, s.timezone) for s in session.structures] == [
            ("Mairie de Bellecombe", "Europe/Paris")]
        with pytest.raises(NotAuthorizedError):  # the one-time password opens nothing else
            session.structure(session.structures[0].id)
        with UnitOfWork(ctx.db, write=True) as uow:
            chosen = profile.set_first_password(uow, ctx.clock, session, password,
                                                "Bellecombe-2026")
        assert not chosen.must_change_password
    finally:
        ctx.close()

    before = counts(path)
    code, out, err = famdesk(capsys, "setup", "--structure", "Mairie bis", "--zone", "A",
                             "--admin", "autre", "--database", url)
    assert (code, out) == (1, [])
    assert err == ("famdesk : Cette base de données a déjà un compte gestionnaire : ses "
                   "gestionnaires créent les structures et les comptes dans « Paramétrage ».\n")
    assert counts(path) == before


def test_bad_input_is_refused_in_french_and_makes_nothing(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'mairie.db'}"
    code, out, err = famdesk(capsys, "setup", "--structure", "Mairie de Bellecombe", "--zone",
                             "D", "--admin", "gestion", "--database", url)
    assert (code, out) == (1, [])
    assert err == "famdesk : --zone : La zone de vacances scolaires est A, B ou C.\n"

    code, out, err = famdesk(capsys, "setup", "--structure", "Mairie de Bellecombe", "--zone",
                             "C", "--admin", "x", "--database", url)
    assert code == 1 and err.startswith("famdesk : --admin : Un identifiant compte de 2 à 64")
    code, out, err = famdesk(capsys, "setup", "--structure", "   ", "--zone", "A", "--admin",
                             "gestion", "--database", f"sqlite:///{tmp_path / 'mairie.db'}")
    assert (code, err) == (1, "famdesk : --structure : Ce champ est obligatoire.\n")
    assert counts(tmp_path / "mairie.db")[:2] == (0, 0)


def test_the_demo_town_has_its_manager_already(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    paris = ZoneInfo("Europe/Paris")
    today = datetime.now(paris).date()
    start = datetime.combine(today, time(8, 0), tzinfo=paris).astimezone(UTC)
    ctx = open_context(url, clock=FixedClock(start), secrets=MemorySecretStore())
    try:
        build_demo(ctx, today=today, reset=False)
    finally:
        ctx.close()
    code, _out, err = famdesk(capsys, "setup", "--structure", "Mairie de Bellecombe", "--zone",
                              "A", "--admin", "gestion", "--database", url)
    assert code == 1 and "déjà un compte gestionnaire" in err
