#!/usr/bin/env python3
"""Keep famdesk's catalogs in step with the code.

    python scripts/catalog.py update   # extract msgids, merge them into fr and en
    python scripts/catalog.py check    # fail on an untranslated, fuzzy or stale entry
    python scripts/catalog.py compile  # write the .mo files
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "famdesk"
LOCALE = PACKAGE / "resources" / "locale"
DOMAIN = "famdesk"
LANGUAGES = ("fr", "en")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def extract() -> Catalog:
    template = Catalog(project="famdesk", domain=DOMAIN, creation_date=datetime(2026, 1, 1, tzinfo=UTC))
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        template.add(message, None, [(f"famdesk/{filename}", lineno)], auto_comments=comments, context=context)
    return template


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="famdesk", domain=DOMAIN)
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


def save(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True, include_previous=False)


def update() -> None:
    template = extract()
    save(template, LOCALE / f"{DOMAIN}.pot")
    for language in LANGUAGES:
        catalog = load(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if language == "en":
            for message in catalog:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if message.id and not all(strings):
                    message.string = message.id  # English msgids are the English text
        save(catalog, po_path(language))


def problems() -> list[str]:
    template = extract()
    found = []
    for language in LANGUAGES:
        catalog = load(language)
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id)
            where = f"{language}: {message.id!r}"
            if entry is None:
                found.append(f"{where} is missing")
                continue
            strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            if entry.fuzzy:
                found.append(f"{where} is fuzzy")
            if not all(strings):
                found.append(f"{where} is untranslated")
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            wanted = set(PLACEHOLDER.findall(ids[-1]))
            for string in strings:
                if set(PLACEHOLDER.findall(string)) != wanted:
                    found.append(f"{where} has placeholders {sorted(PLACEHOLDER.findall(string))}")
        stale = [m.id for m in catalog if m.id and template.get(m.id) is None]
        found.extend(f"{language}: {mid!r} is no longer used" for mid in stale)
    return found


def compile_all() -> None:
    for language in LANGUAGES:
        catalog = load(language)
        with po_path(language).with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)


def main(argv: list[str]) -> int:
    action = argv[1] if len(argv) > 1 else "check"
    if action == "update":
        update()
    elif action == "compile":
        compile_all()
    elif action == "check":
        found = problems()
        for line in found:
            print(line)
        if found:
            print(f"{len(found)} catalog problem(s): run python scripts/catalog.py update and translate")
            return 1
        print("catalogs complete")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
