#!/usr/bin/env python3
"""Merge French translations into the catalog: python scripts/translate.py FILE.py|FILE.po ...

A .py file defines a dict T (msgid -> msgstr, or singular msgid -> (singular, plural) msgstrs);
a .po file gives its translated entries. Entries already translated are kept unless --force.
Prints the msgids still untranslated.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po

sys.path.insert(0, str(Path(__file__).resolve().parent))
import catalog  # noqa: E402


def translations(path: str) -> dict:
    if path.endswith(".po"):
        with open(path, "rb") as fh:
            return {
                (m.id[0] if isinstance(m.id, tuple) else m.id): m.string
                for m in read_po(fh, locale="fr")
                if m.id and m.string
            }
    return runpy.run_path(path)["T"]


def main(argv: list[str]) -> int:
    force = "--force" in argv
    known: dict = {}
    for path in (a for a in argv[1:] if a != "--force"):
        known.update(translations(path))
    fr = catalog.load("fr")
    fr.fuzzy = False
    missing = []
    for message in fr:
        if not message.id:
            continue
        message.flags.discard("fuzzy")
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        done = all(message.string) if isinstance(message.string, tuple) else bool(message.string)
        if key in known and (force or not done):
            value = known[key]
            if isinstance(message.id, tuple):
                # French has 3 plural forms in CLDR (one, many, other): repeat the plural
                forms = tuple(value) if isinstance(value, tuple) else (value,)
                value = forms + (forms[-1],) * (fr.num_plurals - len(forms))
            message.string = value
        elif not done:
            missing.append(key)
    catalog.save(fr, catalog.po_path("fr"))
    for key in missing:
        print(repr(key))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
