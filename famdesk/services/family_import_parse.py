"""Reading a families file (CSV) for the import: encoding, delimiter, header, each line's checks.

No database here: `parse_families_file(data, today)` turns the file's bytes into its lines
(`ImportRow`), each with the reasons found to reject it (in French) and what of it is valid,
so that `family_import` adds what needs the database (the activities, the families and
children already there) and reports every reason of a line at once.

The file: UTF-8 (with or without BOM), else Windows-1252 / Latin-1; comma or semicolon
between values (found from the header line); one line per child; line 1 is the header. The
columns are listed in `family_import`'s docstring. A file-wide problem — empty, not text,
too big, a required column missing — raises `ValidationError` before any line is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from famdesk.errors import FamdeskError, ValidationError
from famdesk.i18n import N_, _, ngettext
from famdesk.services.folding import fold
from famdesk.services.setup._fields import period
from famdesk.services.setup.people import (
    checked_birth_date,
    checked_quotient,
    child_fields,
    family_fields,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000

REQUIRED = ("civilite", "nom", "prenom", "enfant_prenom", "enfant_naissance")
OPTIONAL = ("dossier", "email", "telephone", "adresse", "quotient", "quotient_du",
            "quotient_au", "enfant_nom", "ecole", "classe", "activites")
FAMILY_COLUMNS = ("civilite", "nom", "prenom", "email", "telephone", "adresse", "quotient",
                  "quotient_du", "quotient_au")
"""Repeated on each line of a family: a blank one takes the family's first line's value."""
_ALIASES = {"civ": "civilite", "e_mail": "email", "courriel": "email", "mail": "email",
            "tel": "telephone", "qf": "quotient", "enfant_date_naissance": "enfant_naissance",
            "activite": "activites", "reference": "dossier"}
_CIVILITIES = {"m": "M.", "m.": "M.", "mr": "M.", "mr.": "M.", "monsieur": "M.", "mme": "Mme",
               "mme.": "Mme", "madame": "Mme", "mx": "Mx", "mx.": "Mx"}
_FAMILY_FIELDS = {"civility": "civilite", "last_name": "nom", "first_name": "prenom",
                  "email": "email", "phone": "telephone", "address": "adresse"}
_CHILD_FIELDS = {"first_name": "enfant_prenom", "last_name": "enfant_nom",
                 "birth_date": "enfant_naissance", "school": "ecole", "class_name": "classe"}
_DELIMITERS = (";", ",")
_DELIMITER_NAMES = {";": N_("semicolon"), ",": N_("comma")}
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WHOLE = re.compile(r"-?\d+")
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


@dataclass(frozen=True)
class RejectedRow:
    line: int
    """The line of the file where the rejected row starts (the header is line 1)."""
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return " ; ".join(self.reasons)

    def text(self) -> str:
        """'ligne 7 : date de naissance « 31/02/2019 » invalide (JJ/MM/AAAA)'."""
        return _("line {line}: {reason}").format(line=self.line, reason=self.reason)


@dataclass(frozen=True)
class ImportRow:
    """One child's line, checked on its own and against the file's other lines."""

    line: int
    reasons: tuple[str, ...]
    """Why the line is rejected (empty: it is not, so far)."""
    family_key: str
    family: dict[str, str | None] | None
    """`Family`'s own fields (None when they are not valid)."""
    quotient: int | None
    quotient_from: date | None
    quotient_until: date | None
    child: dict[str, object] | None
    """`Child`'s fields (None when they are not valid)."""
    activities: tuple[str, ...]
    """The labels as written, each once."""


@dataclass(frozen=True)
class ParsedFile:
    rows: tuple[ImportRow, ...]
    """Every line of data, rejected or not."""
    encoding: str
    delimiter: str
    ignored_columns: tuple[str, ...]


# -- the file -------------------------------------------------------------------------


def read_import_file(path: str | Path) -> bytes:
    """The bytes of the file at `path`, refused (in French) when missing or too big."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ValidationError(_("The file {path} does not exist.").format(path=path)) from None
    except OSError:
        raise ValidationError(_("Cannot read the file {path}.").format(path=path)) from None
    _check_size(data)
    return data


def _check_size(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than {size} MB: split it into several files.")
                              .format(size=MAX_BYTES // (1024 * 1024)))


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding; refuses what is not a text file."""
    _check_size(data)
    if not data.strip():
        raise ValidationError(_("The file is empty."))
    if data.startswith(_WORKBOOKS):
        raise ValidationError(_("This file is a spreadsheet workbook (xlsx, ods or xls), not a "
                                "CSV file: save it as “CSV” from the spreadsheet first."))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ValidationError(_("This file is in UTF-16: save it as “CSV UTF-8” or “CSV "
                                "(semicolon separated)” from the spreadsheet."))
    if b"\x00" in data:
        raise _not_text()
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _utf8(data[len(codecs.BOM_UTF8):]), _("UTF-8 with BOM")
        if text is None:
            raise _not_text()
    else:
        text, encoding = _utf8(data), "UTF-8"
        if text is None:
            # Windows-1252 reads any byte Latin-1 reads, but for five unused ones
            try:
                text, encoding = data.decode("cp1252"), "Windows-1252"
            except UnicodeDecodeError:
                text, encoding = data.decode("latin-1"), "Latin-1"
    controls = sum(1 for c in text if c not in "\t\r\n" and unicodedata.category(c) == "Cc")
    if controls * 100 > len(text):
        raise _not_text()
    return text, encoding


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _not_text() -> ValidationError:
    return ValidationError(_("This is not a CSV text file. Save the spreadsheet as “CSV "
                             "(semicolon separated)” or “CSV UTF-8”."))


def header_name(cell: str) -> str:
    """'Enfant naissance', 'ENFANT-NAISSANCE' -> 'enfant_naissance'; 'Civilité' -> 'civilite'."""
    name = re.sub(r"[\s\-.'’/]+", "_", fold(cell.strip().strip("\ufeff"))).strip("_")
    return _ALIASES.get(name, name)


def _delimiter(text: str) -> str:
    """The delimiter under which the first line names the most known columns."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    known = set(REQUIRED + OPTIONAL)

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return len({header_name(c) for c in cells} & known), len(cells)

    return max(_DELIMITERS, key=score)


def parse_families_file(data: bytes, today: date) -> ParsedFile:
    """Every line of the file checked on its own and against the file's other lines."""
    text, encoding = decode(data)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    parser: _Parser | None = None
    rows: list[ImportRow] = []
    count = 0
    while True:
        line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error:
            raise ValidationError(_("Line {line}: the file is not well-formed CSV (an unclosed "
                                    "quote, or a value too long).").format(line=line)) from None
        if not any(cell.strip() for cell in record):
            continue
        if parser is None:
            parser = _Parser(record, today)
            continue
        count += 1
        if count > MAX_ROWS:
            raise ValidationError(
                _("The file has more than {count} lines: split it into several files.")
                .format(count=MAX_ROWS))
        rows.append(parser.row(line, record))
    if parser is None:
        raise ValidationError(_("The file is empty."))
    if not count:
        raise ValidationError(
            _("The file holds only its header line: there is no family to import."))
    return ParsedFile(tuple(rows), encoding, _(_DELIMITER_NAMES[delimiter]), parser.ignored)


# -- the header and the lines ---------------------------------------------------------


def quoted(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"« {name} »" for name in names)


def lower_first(message: str) -> str:
    message = message.rstrip(".")
    return message[:1].lower() + message[1:]


def _reason(column: str, exc: FamdeskError, value: str = "") -> str:
    if value:
        return _("{column} “{value}”: {message}").format(
            column=column, value=value, message=lower_first(exc.message))
    return _("{column}: {message}").format(column=column, message=lower_first(exc.message))


def parse_day(text: str) -> date | None:
    """'14/03/2019' (or '14-03-2019', '2019-03-14') -> a date; None when it is no real day."""
    text = text.strip()
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _same(column: str, value: str) -> str:
    """`value` as compared between the lines of one family."""
    if column == "civilite":
        return _CIVILITIES.get(value.lower(), value)
    return "".join(fold(value).split())


class _Parser:
    def __init__(self, header: list[str], today: date) -> None:
        self.today = today
        self.columns: dict[str, int] = {}
        ignored = []
        for index, cell in enumerate(header):
            name = header_name(cell)
            if name in self.columns:
                raise ValidationError(_("Line 1 (header): the column “{column}” appears twice.")
                                      .format(column=name))
            if name in REQUIRED or name in OPTIONAL:
                self.columns[name] = index
            elif cell.strip():
                ignored.append(cell.strip())
        self.ignored = tuple(ignored)
        self.width = len(header)
        missing = [name for name in REQUIRED if name not in self.columns]
        if len(missing) == len(REQUIRED):
            raise ValidationError(_("Line 1 is not a header naming the columns. The required "
                                    "columns are: {columns}.").format(columns=quoted(REQUIRED)))
        if missing:
            raise ValidationError(ngettext(
                "Line 1 (header): the required column {columns} is missing.",
                "Line 1 (header): the required columns {columns} are missing.", len(missing),
            ).format(columns=quoted(missing)))
        self.families: dict[str, tuple[int, dict[str, str]]] = {}
        """Family key -> (its first line, its family cells there)."""
        self.holders: dict[str, tuple[int, str]] = {}
        """Holder (names and e-mail) -> (line, family key) of the first line naming it."""
        self.children: dict[str, int] = {}

    def row(self, line: int, record: list[str]) -> ImportRow:
        cells = {name: (record[i] if i < len(record) else "").strip()
                 for name, i in self.columns.items()}
        reasons: list[str] = []
        extra = [cell for cell in record[self.width:] if cell.strip()]
        if extra:
            reasons.append(_("{count} values for {columns} columns: check the delimiter and "
                             "the quotes").format(count=self.width + len(extra),
                                                  columns=self.width))
        key = self._family_key(line, cells, reasons)
        empty = {name for name in REQUIRED if not cells[name]}
        reasons += [_("the column “{column}” is empty").format(column=name)
                    for name in REQUIRED if name in empty]
        family = None if empty & {"civilite", "nom", "prenom"} else self._family(cells, reasons)
        quotient = self._quotient(cells, reasons)
        child = None if empty & {"enfant_prenom", "enfant_naissance"} else self._child(
            line, cells, reasons)
        activities = tuple(dict.fromkeys(
            label.strip() for label in cells.get("activites", "").split("|") if label.strip()))
        return ImportRow(line, tuple(reasons), key, family, *quotient, child, activities)

    def _family_key(self, line: int, cells: dict[str, str], reasons: list[str]) -> str:
        """The family this line belongs to: its `dossier`, else its holder's names and e-mail.
        A blank family cell takes the value of the family's first line; any other must agree."""
        holder = "|".join(fold(cells.get(name, "")) for name in ("nom", "prenom", "email"))
        reference = fold(cells.get("dossier", ""))
        key = f"dossier:{reference}" if reference else f"holder:{holder}"
        known = self.families.get(key)
        if known is None:
            if cells["nom"]:
                first_line, first_key = self.holders.setdefault(holder, (line, key))
                if first_key != key:
                    reasons.append(_("the same holder (names and e-mail) is already on line "
                                     "{line}, in another family").format(line=first_line))
            self.families[key] = (line, {n: cells[n] for n in FAMILY_COLUMNS if n in cells})
            return key
        first_line, first_cells = known
        for name, value in first_cells.items():
            if not cells[name]:
                cells[name] = value
            elif _same(name, cells[name]) != _same(name, value):
                reasons.append(_("the family's “{column}” differs from line {line}")
                               .format(column=name, line=first_line))
        return key

    def _family(self, cells: dict[str, str], reasons: list[str]) -> dict[str, str | None] | None:
        civility = _CIVILITIES.get(cells["civilite"].lower(), cells["civilite"])
        try:
            return family_fields(civility, cells["nom"], cells["prenom"], cells.get("email"),
                                 cells.get("telephone"), cells.get("adresse"))
        except ValidationError as exc:
            column = _FAMILY_FIELDS.get(exc.field or "", "civilite")
            reasons.append(_reason(column, exc, cells.get(column, "") if column == "civilite"
                                   else ""))
            return None

    def _quotient(
        self, cells: dict[str, str], reasons: list[str]
    ) -> tuple[int | None, date | None, date | None]:
        raw = "".join(cells.get("quotient", "").split())
        starts = self._day(cells, "quotient_du", N_("quotient start date"), reasons)
        ends = self._day(cells, "quotient_au", N_("quotient end date"), reasons)
        if not raw:
            if cells.get("quotient_du") or cells.get("quotient_au"):
                reasons.append(_("a quotient's dates without a quotient"))
            return None, None, None
        if not _WHOLE.fullmatch(raw):
            reasons.append(_("quotient “{value}” is not a whole number").format(value=raw))
            return None, None, None
        value = int(raw)
        try:
            checked_quotient(value)
            if starts is not None:
                period(starts, ends, "quotient_au")
        except ValidationError as exc:
            column = "quotient_au" if exc.field == "quotient_au" else "quotient"
            reasons.append(_reason(column, exc, raw if column == "quotient" else ""))
        return value, starts, ends

    def _day(self, cells: dict[str, str], column: str, what: str, reasons: list[str]) -> date | None:
        raw = cells.get(column, "")
        if not raw:
            return None
        day = parse_day(raw)
        if day is None:
            reasons.append(_("{what} “{value}” is not a valid date (DD/MM/YYYY)")
                           .format(what=_(what), value=raw))
        return day

    def _child(self, line: int, cells: dict[str, str], reasons: list[str]) -> dict | None:
        born = self._day(cells, "enfant_naissance", N_("birth date"), reasons)
        if born is None:
            return None
        try:
            fields = child_fields(cells["enfant_prenom"], cells.get("enfant_nom") or cells["nom"],
                                  born, cells.get("ecole"), cells.get("classe"))
            checked_birth_date(born, self.today)
        except ValidationError as exc:
            column = _CHILD_FIELDS.get(exc.field or "", "enfant_prenom")
            reasons.append(_reason(column, exc))
            return None
        key = f"{fold(str(fields['first_name']))}|{fold(str(fields['last_name']))}|{born}"
        first = self.children.setdefault(key, line)
        if first != line:
            reasons.append(_("this child is already on line {line}").format(line=first))
            return None
        return fields
