"""Importing families from a spreadsheet's CSV on a real database: reading the file (UTF-8,
BOM, Windows-1252; comma or semicolon), every rejected line with its number and French
reason, the dry run that writes nothing, the import that takes all or nothing — and who may."""

from __future__ import annotations

import codecs
import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from famdesk.errors import NotAuthorizedError, ValidationError
from famdesk.models import AuditEntry, Child, Family, QuotientFamilial, Registration, Wallet
from famdesk.models.enums import Role, TariffMode
from famdesk.services import family_import
from famdesk.services.auth import SYSTEM, SessionInfo, StructureChoice
from famdesk.services.family_import import ImportRejectedError, check_family_import, import_families
from famdesk.services.family_import_parse import MAX_BYTES, MAX_ROWS, read_import_file
from famdesk.services.family_search import search_families
from famdesk.services.setup import activities, people
from tests.integration.town import J2_NOON, PASSWORD, YEAR_END, YEAR_START, build_town

DATA = Path(__file__).resolve().parent.parent / "data" / "import"
COLUMNS = ["dossier", "civilite", "nom", "prenom", "email", "telephone", "quotient",
           "quotient_du", "quotient_au", "enfant_nom", "enfant_prenom", "enfant_naissance",
           "ecole", "classe", "activites"]


def row(dossier="F1", civilite="Mme", nom="Bernard", prenom="Élodie",
        email="elodie.bernard@example.org", telephone="06 11 22 33 44", quotient="520",
        quotient_du="", quotient_au="", enfant_nom="", enfant_prenom="Chloé",
        enfant_naissance="12/04/2017", ecole="École Jules-Ferry", classe="CE2",
        activites="APS MATIN|ALSH MERCREDI") -> list[str]:
    return [dossier, civilite, nom, prenom, email, telephone, quotient, quotient_du,
            quotient_au, enfant_nom, enfant_prenom, enfant_naissance, ecole, classe, activites]


def csv_file(*rows: list[str], header=COLUMNS, delimiter=";", encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


GOOD = (
    row(),
    row(enfant_prenom="Louis", enfant_naissance="03/09/2021", activites="aps matin"),
    row(dossier="F2", civilite="M.", nom="Nguyen", prenom="Thanh",
        email="thanh.nguyen@example.org", quotient="", enfant_prenom="Mai",
        enfant_naissance="21/01/2016", activites=""),
)


@pytest.fixture
def town(request, sqlite_url, clock):
    kind = getattr(request, "param", "sqlite")
    url = sqlite_url if kind == "sqlite" else request.getfixturevalue("postgres_url")
    town = build_town(url, clock)
    with town.uow(write=True) as uow:
        admin = people.create_account(uow, SYSTEM, "gestion", PASSWORD, "Gestion", Role.ADMIN,
                                      None, [town.structure_id], clock=clock)
        uow.commit()
    town.admin = SessionInfo(admin, "gestion", "Gestion", Role.ADMIN, (
        StructureChoice(town.structure_id, "Mairie de Testville", "Europe/Paris"),))
    yield town
    town.ctx.close()


def check(town, data: bytes, session=None, structure_id=None):
    with town.uow() as uow:
        return check_family_import(uow, town.clock, session or town.admin,
                                   structure_id or town.structure_id, data)


def do_import(town, data: bytes, session=None):
    with town.uow(write=True) as uow:
        return import_families(uow, town.clock, session or town.admin, town.structure_id, data,
                               terminal="poste-gestion", source="familles.csv")


def rejected(report) -> dict[int, str]:
    return {r.line: r.reason for r in report.rejected}


def counts(town) -> tuple[int, ...]:
    with town.uow() as uow:
        return tuple(uow.session.scalar(select(func.count()).select_from(model))
                     for model in (Family, Child, QuotientFamilial, Registration, AuditEntry))


# -- reading the file -----------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "delimiter", "named"), [
    ("utf-8", ";", "UTF-8"),
    ("utf-8-sig", ";", "UTF-8 avec BOM"),
    ("utf-8-sig", ",", "UTF-8 avec BOM"),
    ("cp1252", ",", "Windows-1252"),
    ("cp1252", ";", "Windows-1252"),
    ("latin-1", ";", "Windows-1252"),
])
def test_both_encodings_and_both_delimiters_read_the_same_families(town, encoding, delimiter,
                                                                   named):
    data = csv_file(*GOOD, delimiter=delimiter, encoding=encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(codecs.BOM_UTF8)

    report = check(town, data)

    assert report.ok and (report.families, report.children, report.registrations) == (2, 3, 3)
    assert report.encoding == named
    assert report.delimiter == ("point-virgule" if delimiter == ";" else "virgule")
    report = do_import(town, data)
    with town.uow() as uow:
        names = set(uow.session.execute(select(Child.first_name, Child.last_name)))
        holders = set(uow.session.execute(select(Family.first_name, Family.last_name)
                                          .where(Family.email.is_not(None))))
    assert {("Chloé", "Bernard"), ("Louis", "Bernard"), ("Mai", "Nguyen")} <= names
    assert ("Élodie", "Bernard") in holders


def test_headers_are_matched_without_case_accents_or_spaces_and_unknown_ones_listed(town):
    header = ["Civilité", "NOM", "Prénom", "E-mail", "Enfant prénom", "Enfant-naissance",
              "Activités", "Remarques"]
    data = csv_file(["Mme", "Bernard", "Élodie", "e.b@example.org", "Chloé", "12/04/2017",
                     "APS MATIN", "allergie"], header=header)

    report = check(town, data)

    assert report.ok and report.registrations == 1
    assert report.ignored_columns == ("Remarques",)
    assert "Colonnes ignorées : « Remarques »." in report.summary_lines()


def test_missing_required_columns_refuse_the_whole_file_before_any_line(town):
    header = [c for c in COLUMNS if c not in ("enfant_naissance", "civilite")]
    data = csv_file(["x"] * len(header), header=header)
    with pytest.raises(ValidationError) as caught:
        check(town, data)
    assert str(caught.value) == ("Ligne 1 (en-tête) : les colonnes obligatoires « civilite », "
                                 "« enfant_naissance » sont absentes.")
    with pytest.raises(ValidationError, match="la colonne obligatoire « nom » est absente"):
        check(town, csv_file(header=[c for c in COLUMNS if c != "nom"]))


@pytest.mark.parametrize(("data", "message"), [
    (b"", "Le fichier est vide."),
    (b"\r\n \r\n", "Le fichier est vide."),
    (csv_file(), "Le fichier ne contient que la ligne d'en-tête : aucune famille à importer."),
    (csv_file() + b";;;\r\n\r\n", "Le fichier ne contient que la ligne d'en-tête"),
    (bytes(range(256)) * 8, "Ce n'est pas un fichier CSV (texte)."),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 32)) * 40, "Ce n'est pas un fichier CSV (texte)."),
    (b"PK\x03\x04\x14\x00\x06\x00", "Ce fichier est un classeur (xlsx, ods ou xls)"),
    (codecs.BOM_UTF16_LE + "nom\tprenom".encode("utf-16-le"), "Ce fichier est en UTF-16"),
    (b"bonjour;tout;le;monde\r\n1;2;3;4\r\n", "La ligne 1 n'est pas une ligne d'en-tête"),
    (csv_file(header=COLUMNS + ["nom"]), "la colonne « nom » figure deux fois"),
    (csv_file() + b'F1;"Mme;Bernard\r\n', "Ligne 2 : le fichier CSV est mal formé"),
])
def test_a_file_that_cannot_be_read_gets_a_clear_message_and_changes_nothing(town, data,
                                                                             message):
    before = counts(town)
    for attempt in (check, do_import):
        with pytest.raises(ValidationError) as caught:
            attempt(town, data)
        assert message in str(caught.value)
    assert counts(town) == before


def test_huge_files_are_refused(town, tmp_path):
    big = tmp_path / "enorme.csv"
    big.write_bytes(csv_file() + b"x" * MAX_BYTES)
    with pytest.raises(ValidationError, match="Le fichier dépasse 10 Mo"):
        read_import_file(big)
    with pytest.raises(ValidationError, match="Le fichier dépasse 10 Mo"):
        check(town, big.read_bytes())
    many = csv_file(*(row(dossier=f"F{i}", nom=f"Nom{i}", email=f"f{i}@example.org")
                      for i in range(MAX_ROWS + 1)))
    with pytest.raises(ValidationError, match=f"plus de {MAX_ROWS} lignes"):
        check(town, many)
    with pytest.raises(ValidationError, match="n'existe pas"):
        read_import_file(tmp_path / "absent.csv")


# -- rejected lines -------------------------------------------------------------------


def test_each_rejected_line_is_named_by_its_line_number_with_its_reason(town):
    with town.uow(write=True) as uow:
        wallet = uow.session.scalar(select(Wallet.id).where(Wallet.structure_id == town.structure_id))
        activities.create_activity(
            uow, SYSTEM, structure_id=town.structure_id, wallet_id=wallet, label="ALSH ÉTÉ 2026",
            colour="#F18F01", display_order=5, period_start=date(2026, 7, 6),
            period_end=date(2026, 8, 28), tariff_mode=TariffMode.UNIT, slot_minutes=None,
            brackets=[(0, None, Decimal("8.00"))], booking_rule=J2_NOON)
        uow.commit()
    data = csv_file(
        row(),                                                           # 2 good
        row(dossier="F2", nom="Garnier", email="paul.garnier@"),         # 3
        row(dossier="F3", nom="Faure", email="", enfant_naissance="31/02/2019"),  # 4
        row(dossier="F4", nom="Blanc", email="", activites="APS MATIN|PISCINE"),  # 5
        row(enfant_nom="Bernard"),                                       # 6 duplicate of 2
        row(dossier="F5", nom="Martin", prenom="Hugo", email="hugo@example.org",
            enfant_prenom="Noé"),                                        # 7 family in db
        row(dossier="F6", nom="Morel", email="", enfant_prenom="Léa", enfant_nom="Martin",
            enfant_naissance="02/03/2018"),                              # 8 child in db
        row(dossier="F7", nom="Roux", email="", quotient="-5"),          # 9
        row(dossier="F8", nom="Roux", prenom="Luc", email="", quotient="250000",
            enfant_prenom="Anna"),                                       # 10
        row(dossier="F9", nom="Petit", email="", quotient="douze"),      # 11
        row(dossier="F10", nom="", enfant_prenom=""),                    # 12
        row(dossier="F11", nom="Leroy", email="", civilite="Dr"),        # 13
        row(telephone="07 00 00 00 00", enfant_prenom="Jean"),           # 14 differs from 2
        row(dossier="F12", nom="Simon", email="", enfant_naissance="01/01/2099"),  # 15
        row(dossier="F13", nom="Girard", email="", quotient_du="01/09/2026",
            quotient_au="31/08/2026"),                                   # 16
        row(dossier="F14", nom="Meyer", email="", activites="ALSH"),     # 17 other structure
        row(dossier="F15", nom="Henry", email="", activites="ALSH été 2026"),  # 18 ended
        row(dossier="F16", nom="Perrin", email="", quotient="", quotient_du="01/09/2026"),
        row(dossier="", nom="Bernard", enfant_prenom="Zoé"),             # 20 same holder as F1
        row(dossier="F17", nom="Fabre", email="") + ["en trop"],         # 21
    )

    report = check(town, data)

    reasons = rejected(report)
    assert reasons == {
        3: "email : « paul.garnier@ » n'est pas une adresse e-mail valide",
        4: "date de naissance « 31/02/2019 » invalide (JJ/MM/AAAA)",
        5: "activité inconnue « PISCINE » (activités : APS MATIN, ALSH MERCREDI, ALSH ÉTÉ "
           "2026)",
        6: "enfant en double : déjà à la ligne 2",
        7: "la famille Mme MARTIN Hugo existe déjà dans cette structure",
        8: "l'enfant MARTIN Léa né(e) le 02/03/2018 existe déjà dans cette structure",
        9: "quotient « -5 » : un quotient familial est un nombre entier de 0 à 100000",
        10: "quotient « 250000 » : un quotient familial est un nombre entier de 0 à 100000",
        11: "quotient « douze » : ce n'est pas un nombre entier",
        12: "la colonne « nom » est vide ; la colonne « enfant_prenom » est vide",
        13: "civilite « Dr » : la civilité est M., Mme ou Mx",
        14: "la valeur « telephone » de la famille diffère de celle de la ligne 2",
        15: "enfant_naissance : la date de naissance ne peut pas être dans le futur",
        16: "quotient_au : la date de fin est antérieure à la date de début",
        17: "activité inconnue « ALSH » (activités : APS MATIN, ALSH MERCREDI, ALSH ÉTÉ 2026)",
        18: "l'activité « ALSH été 2026 » est terminée depuis le 28/08/2026",
        19: "dates de quotient sans quotient",
        20: "le même responsable (nom, prénom, e-mail) figure déjà ligne 2, dans une autre "
            "famille",
        21: "16 valeurs pour 15 colonnes : vérifiez le séparateur et les guillemets",
    }
    assert [r.line for r in report.rejected] == sorted(reasons)
    assert report.rejected[1].text() == (
        "ligne 4 : date de naissance « 31/02/2019 » invalide (JJ/MM/AAAA)")
    assert (report.rows, report.families, report.children) == (20, 1, 1)
    assert report.summary_lines()[1:] == [
        "19 lignes refusées : rien n'est importé tant qu'elles ne sont pas corrigées.",
        "Les lignes acceptées contiennent 1 famille, 1 enfant, 2 inscriptions, "
        "1 quotient familial.",
    ]


def test_line_numbers_count_blank_lines_and_values_over_several_lines(town):
    text = ("\ufeff" + ";".join(COLUMNS) + "\r\n"
            + ";".join(row()) + "\r\n"
            + "\r\n"
            + ";".join(row(dossier="F2", nom="Lenoir", email="", ecole='"École\r\ndu Centre"'))
            + "\r\n"
            + ";".join(row(dossier="F3", nom="Vidal", email="", enfant_naissance="2019-13-01"))
            + "\r\n")

    report = check(town, text.encode("utf-8"))

    assert rejected(report) == {6: "date de naissance « 2019-13-01 » invalide (JJ/MM/AAAA)"}
    assert report.rows == 3


def test_a_family_is_its_dossier_or_else_its_holder_and_blank_family_values_repeat(town):
    header = [c for c in COLUMNS if c != "dossier"]
    data = csv_file(
        row()[1:],
        row(civilite="", telephone="", quotient="", enfant_prenom="Louis",
            enfant_naissance="03/09/2021")[1:],
        row(email="autre.bernard@example.org", enfant_prenom="Jules")[1:],
        header=header,
    )

    report = do_import(town, data)

    assert (report.families, report.children, report.quotients) == (2, 3, 2)
    with town.uow() as uow:
        families = uow.session.scalars(select(Family).where(Family.last_name == "Bernard")
                                       .order_by(Family.id)).all()
        assert [(f.email, f.phone, [c.first_name for c in f.children]) for f in families] == [
            ("elodie.bernard@example.org", "06 11 22 33 44", ["Chloé", "Louis"]),
            ("autre.bernard@example.org", "06 11 22 33 44", ["Jules"]),
        ]


# -- the import -----------------------------------------------------------------------


def test_the_dry_run_writes_nothing(town):
    before = counts(town)
    report = check(town, csv_file(*GOOD))
    assert report.ok and not report.imported
    assert report.summary_lines() == [
        "3 lignes de données lues (UTF-8, séparateur point-virgule).",
        "Aucune ligne refusée. L'import créerait 2 familles, 3 enfants, 3 inscriptions, "
        "1 quotient familial.",
    ]
    assert counts(town) == before


@pytest.mark.parametrize(
    "town", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_the_import_creates_families_children_quotients_and_registrations_audited(town):
    data = csv_file(*GOOD, row(dossier="F3", civilite="Monsieur", nom="Lefèvre", prenom="Alex",
                               email="", quotient="1 200", quotient_du="01/01/2027",
                               quotient_au="30/06/2027", enfant_prenom="Sacha",
                               enfant_nom="Girard", enfant_naissance="2018-06-30",
                               activites="Alsh Mercredi|APS MATIN|alsh mercredi"))

    report = do_import(town, data)

    assert report.imported and report.ok
    assert (report.families, report.children, report.registrations, report.quotients) == (
        3, 4, 5, 2)
    assert report.summary_lines()[-1] == (
        "Importé : 3 familles, 4 enfants, 5 inscriptions, 2 quotients familiaux.")
    with town.uow() as uow:
        bernard = uow.session.scalars(select(Family).where(Family.last_name == "Bernard")).one()
        assert (bernard.civility, bernard.first_name, bernard.account_id) == ("Mme", "Élodie",
                                                                              None)
        assert [(q.value, q.valid_from, q.valid_until) for q in bernard.quotients] == [
            (520, YEAR_START, None)]
        chloe, louis = sorted(bernard.children, key=lambda c: c.first_name)
        assert (chloe.birth_date, chloe.school, chloe.class_name) == (
            date(2017, 4, 12), "École Jules-Ferry", "CE2")
        registered = set(uow.session.execute(
            select(Registration.child_id, Registration.activity_id, Registration.starts_on,
                   Registration.ends_on).where(Registration.child_id.in_([chloe.id, louis.id]))))
        assert registered == {(chloe.id, town.aps, YEAR_START, YEAR_END),
                              (chloe.id, town.alsh, YEAR_START, YEAR_END),
                              (louis.id, town.aps, YEAR_START, YEAR_END)}
        lefevre = uow.session.scalars(select(Family).where(Family.last_name == "Lefèvre")).one()
        assert lefevre.civility == "M." and lefevre.children[0].last_name == "Girard"
        assert [(q.value, q.valid_from, q.valid_until) for q in lefevre.quotients] == [
            (1200, date(2027, 1, 1), date(2027, 6, 30))]
        entries = uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == ["family_imported"] * 3 + ["families_imported"]
        assert {e.actor_account_id for e in entries} == {town.admin.account_id}
        assert entries[0].on_behalf_family_id == bernard.id and entries[0].terminal == (
            "poste-gestion")
        summary = json.loads(entries[-1].detail)
        assert (summary["families"], summary["children"], summary["source"]) == (
            3, 4, "familles.csv")
        # the front desk finds them at once, by a child's name
        hits = search_families(uow, town.staff, town.structure_id, "sacha")
        assert [hit.holder_name for hit in hits] == ["M. LEFÈVRE Alex"]


def test_one_rejected_line_imports_nothing_and_a_second_import_is_refused(town):
    before = counts(town)
    bad = csv_file(*GOOD, row(dossier="F9", nom="Faure", email="", enfant_naissance="31/02/2019"))
    with pytest.raises(ImportRejectedError) as caught:
        do_import(town, bad)
    assert str(caught.value) == "1 ligne refusée : rien n'a été importé."
    assert rejected(caught.value.report) == {
        5: "date de naissance « 31/02/2019 » invalide (JJ/MM/AAAA)"}
    assert not caught.value.report.imported
    assert counts(town) == before

    do_import(town, csv_file(*GOOD))
    after = counts(town)
    with pytest.raises(ImportRejectedError) as again:
        do_import(town, csv_file(*GOOD))
    assert rejected(again.value.report) == {
        2: "la famille Mme BERNARD Élodie existe déjà dans cette structure ; l'enfant BERNARD "
           "Chloé né(e) le 12/04/2017 existe déjà dans cette structure",
        3: "la famille Mme BERNARD Élodie existe déjà dans cette structure ; l'enfant BERNARD "
           "Louis né(e) le 03/09/2021 existe déjà dans cette structure",
        4: "la famille M. NGUYEN Thanh existe déjà dans cette structure ; l'enfant NGUYEN Mai "
           "né(e) le 21/01/2016 existe déjà dans cette structure",
    }
    assert counts(town) == after


def test_the_shipped_example_files(town):
    report = check(town, (Path(__file__).resolve().parents[2] / "docs"
                          / "import_familles_exemple.csv").read_bytes())
    assert not report.rejected or all("activité" in r.reason for r in report.rejected)
    assert read_import_file(DATA / "good.csv") and read_import_file(DATA / "bad.csv")


# -- who may --------------------------------------------------------------------------


def test_only_a_manager_of_the_structure_may_check_or_import(town):
    data = csv_file(*GOOD)
    before = counts(town)
    for session in (town.martin, town.staff):
        for attempt in (check, do_import):
            with pytest.raises(NotAuthorizedError):
                attempt(town, data, session=session)
    elsewhere = SessionInfo(town.admin.account_id, "gestion", "Gestion", Role.ADMIN, (
        StructureChoice(town.other_structure_id, "Centre voisin", "Europe/Paris"),))
    with pytest.raises(NotAuthorizedError):
        check(town, data, session=elsewhere)
    assert counts(town) == before
    assert check(town, data, session=SYSTEM).ok


def test_the_structure_is_found_by_its_name(town):
    with town.uow() as uow:
        assert family_import.structure_by_name(uow, "mairie de TESTVILLE") == town.structure_id
        with pytest.raises(Exception) as caught:
            family_import.structure_by_name(uow, "Mairie")
    assert str(caught.value) == ("Aucune structure ne s'appelle « Mairie ». Structures "
                                 "connues : « Centre voisin », « Mairie de Testville ».")
