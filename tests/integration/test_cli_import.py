"""`famdesk import families FILE.csv --structure NAME [--dry-run]` on a demo SQLite file, as a
manager types it: each rejected line by its number, the summary, the exit codes."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from famdesk.bootstrap import open_context
from famdesk.cli import main
from famdesk.clock import FixedClock
from famdesk.secrets import MemorySecretStore
from famdesk.services.demo import build_demo

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "import"
DEMOVILLE = "Mairie de Démoville"

BAD_LINES = [
    "ligne 4 : email : « paul.garnier@ » n'est pas une adresse e-mail valide",
    "ligne 5 : activité inconnue « PISCINE » (activités : APS MATIN, APS SOIR, RESTAURATION, "
    "ALSH MERCREDI, ALSH VACANCES)",
    "ligne 6 : enfant en double : déjà à la ligne 2",
    "ligne 7 : date de naissance « 31/02/2019 » invalide (JJ/MM/AAAA)",
    "ligne 8 : la famille M. MARTIN Hugo existe déjà dans cette structure",
    "ligne 9 : quotient « 250000 » : un quotient familial est un nombre entier de 0 à 100000",
    "ligne 10 : la colonne « nom » est vide",
    "10 lignes de données lues (UTF-8, séparateur point-virgule).",
    "7 lignes refusées : rien n'est importé tant qu'elles ne sont pas corrigées.",
    "Les lignes acceptées contiennent 2 familles, 3 enfants, 5 inscriptions, "
    "2 quotients familiaux.",
]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo town built around today (the command runs on the real clock)."""
    path = tmp_path_factory.mktemp("import-demo") / "demo.db"
    today = datetime.now(ZoneInfo("Europe/Paris")).date()
    start = datetime.combine(today, time(8, 0), tzinfo=ZoneInfo("Europe/Paris"))
    ctx = open_context(f"sqlite:///{path}", clock=FixedClock(start.astimezone(UTC)),
                       secrets=MemorySecretStore())
    try:
        build_demo(ctx, today=today, reset=False)
    finally:
        ctx.close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[str]:
    """This test's own copy of the demo database."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_file, path)
    yield f"sqlite:///{path}"


def famdesk(capsys, *args: str) -> tuple[int, list[str], str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def counts(url: str) -> tuple[int, ...]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        return tuple(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                     for table in ("family", "child", "registration", "quotient_familial",
                                   "audit_entry"))


def test_the_dry_run_names_each_bad_line_by_its_number_and_writes_nothing(capsys, demo):
    before = counts(demo)

    code, out, err = famdesk(capsys, "import", "families", str(DATA / "bad.csv"),
                             "--structure", DEMOVILLE, "--dry-run", "--database", demo)

    assert (code, out, err) == (1, BAD_LINES, "")
    assert counts(demo) == before


def test_a_good_file_passes_the_dry_run_then_imports_once(capsys, demo):
    before = counts(demo)
    code, out, _err = famdesk(capsys, "--database", demo, "import", "families",
                              str(DATA / "good.csv"), "--structure", DEMOVILLE, "--dry-run")
    assert code == 0
    assert out == ["4 lignes de données lues (UTF-8, séparateur point-virgule).",
                   "Aucune ligne refusée. L'import créerait 3 familles, 4 enfants, "
                   "7 inscriptions, 2 quotients familiaux."]
    assert counts(demo) == before

    code, out, _err = famdesk(capsys, "import", "families", str(DATA / "good.csv"),
                              "--structure", DEMOVILLE, "--database", demo)
    assert code == 0
    assert out[-1] == "Importé : 3 familles, 4 enfants, 7 inscriptions, 2 quotients familiaux."
    families, children, registrations, quotients, audits = counts(demo)
    assert (families, children, registrations, quotients, audits) == (
        before[0] + 3, before[1] + 4, before[2] + 7, before[3] + 2, before[4] + 4)

    code, out, _err = famdesk(capsys, "import", "families", str(DATA / "good.csv"),
                              "--structure", DEMOVILLE, "--database", demo)
    assert code == 1
    assert out[0] == ("ligne 2 : la famille Mme BERNARD Élodie existe déjà dans cette structure "
                      "; l'enfant BERNARD Chloé né(e) le 12/04/2017 existe déjà dans cette "
                      "structure")
    assert [line.split(" : ")[0] for line in out[:4]] == [
        "ligne 2", "ligne 3", "ligne 4", "ligne 5"]
    assert out[-1] == "4 lignes refusées : rien n'est importé tant qu'elles ne sont pas corrigées."
    assert counts(demo)[0] == families

    assert famdesk(capsys, "db", "check", "--database", demo)[0] == 0


def test_a_file_with_bad_lines_imports_nothing(capsys, demo):
    before = counts(demo)
    code, out, _err = famdesk(capsys, "import", "families", str(DATA / "bad.csv"),
                              "--structure", DEMOVILLE, "--database", demo)
    assert code == 1 and out == BAD_LINES
    assert counts(demo) == before


def test_the_readme_example_file_is_clean_on_the_demo(capsys, demo):
    code, out, _err = famdesk(capsys, "import", "families",
                              str(ROOT / "docs" / "import_familles_exemple.csv"),
                              "--structure", "mairie de demoville", "--dry-run",
                              "--database", demo)
    assert code == 0, out
    assert out[-1] == ("Aucune ligne refusée. L'import créerait 3 familles, 4 enfants, "
                       "7 inscriptions, 2 quotients familiaux.")


def test_an_unknown_structure_or_file_gets_a_french_message(capsys, demo, tmp_path):
    code, out, err = famdesk(capsys, "import", "families", str(DATA / "good.csv"),
                             "--structure", "Mairie de Nulle-Part", "--database", demo)
    assert (code, out) == (1, [])
    assert err.strip() == ("famdesk : Aucune structure ne s'appelle « Mairie de Nulle-Part ». "
                           "Structures connues : « Centre social des Tilleuls », "
                           "« Mairie de Démoville ».")

    code, out, err = famdesk(capsys, "import", "families", str(tmp_path / "absent.csv"),
                             "--structure", DEMOVILLE, "--database", demo)
    assert code == 1 and "n'existe pas" in err

    header_only = tmp_path / "entete.csv"
    header_only.write_bytes((DATA / "good.csv").read_bytes().splitlines(keepends=True)[0])
    code, out, err = famdesk(capsys, "import", "families", str(header_only),
                             "--structure", DEMOVILLE, "--database", demo)
    assert code == 1
    assert err.strip() == ("famdesk : Le fichier ne contient que la ligne d'en-tête : aucune "
                           "famille à importer.")


def test_the_command_is_listed_and_needs_a_structure(capsys):
    with pytest.raises(SystemExit) as done:
        main(["import", "families", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--structure NAME" in out and "--dry-run" in out
    with pytest.raises(SystemExit) as done:
        main(["import", "families", "x.csv"])
    assert done.value.code == 2
