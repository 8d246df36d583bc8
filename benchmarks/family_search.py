"""The front desk's family search as you type, in a town of 10,000 families.

    .venv/bin/python benchmarks/family_search.py [--families N] [--database URL]

Builds the town through the ORM (so the search keys are kept as in real use: that upkeep
is timed too), then types queries letter by letter as a desk would ("d", "du", "dup"...)
and times each `search_families` call. Prints ``METRIC <name> <value> <unit>`` lines:

- ``family_search_ms``: the median time of one search (one keystroke) — target 50 ms;
- ``family_search_p95_ms`` and ``family_search_max_ms``: the slow ones;
- ``family_build_s``: creating the families, children and accounts (search keys included).

The default database is a temporary SQLite file; ``--database`` takes a PostgreSQL URL.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from famdesk.bootstrap import open_context
from famdesk.clock import FixedClock
from famdesk.models import Account, Child, Family, Structure
from famdesk.models.enums import HolidayZone, Role
from famdesk.secrets import MemorySecretStore
from famdesk.services.auth import SessionInfo, StructureChoice
from famdesk.services.family_search import search_families
from famdesk.services.uow import UnitOfWork

NOW = datetime(2026, 9, 14, 8, 0, tzinfo=UTC)
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
              "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
              "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre",
              "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martínez", "Legrand",
              "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel",
              "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez",
              "Fontaine", "Chevalier", "Robin", "O'Brien", "Nguyen", "Benoît", "Côté", "Hébert"]
FIRST_NAMES = ["Inès", "Léa", "Zoé", "Chloé", "Emma", "Jade", "Louise", "Alice", "Lina", "Rose",
               "Hugo", "Louis", "Gabriel", "Raphaël", "Arthur", "Jules", "Noé", "Théo", "Maël",
               "Léon", "Élodie", "Anaïs", "Jérôme", "François", "Hélène", "Camille", "Sacha"]
TYPED = ["dupont", "ines", "lefevre", "zoe", "martin lea", "o'brien", "cote", "@exam",
         "famille12", "guerin noe"]


def build(url: str, count: int) -> tuple[object, SessionInfo, float]:
    ctx = open_context(url, clock=FixedClock(NOW), secrets=MemorySecretStore())
    chance = random.Random(5)
    started = time.perf_counter()
    with UnitOfWork(ctx.db, write=True) as uow:
        structure = Structure(name="Mairie de Bancville", holiday_zone=HolidayZone.B)
        uow.session.add(structure)
        uow.session.flush()
        structure_id = structure.id
        uow.commit()
    batch = 1_000
    for first in range(0, count, batch):
        with UnitOfWork(ctx.db, write=True) as uow:
            for number in range(first, min(first + batch, count)):
                last = chance.choice(LAST_NAMES)
                family = Family(structure_id=structure_id, civility=chance.choice(["M.", "Mme"]),
                                last_name=last, first_name=chance.choice(FIRST_NAMES),
                                email=f"famille{number}@example.org")
                if chance.random() < 0.7:
                    family.account = Account(
                        login=f"famille{number}", password_hash="-", display_name=last,
                        email=f"famille{number}@example.org", role=Role.FAMILY, failed_logins=0,
                        created_at=NOW, structures=[uow.session.get_one(Structure, structure_id)],
                    )
                family.children = [
                    Child(first_name=chance.choice(FIRST_NAMES), last_name=last,
                          birth_date=date(2014 + chance.randrange(9), 1 + chance.randrange(12), 1))
                    for _n in range(1 + chance.randrange(3))
                ]
                uow.session.add(family)
            uow.commit()
    built = time.perf_counter() - started
    staff = SessionInfo(0, "accueil", "Accueil", Role.STAFF,
                        (StructureChoice(structure_id, "Mairie de Bancville", "Europe/Paris"),))
    return ctx, staff, built


def keystrokes(words: list[str]) -> list[str]:
    """What the search box holds after each key: "d", "du", "dup"..."""
    return [word[:n] for word in words for n in range(1, len(word) + 1)]


def metric(name: str, value: float, unit: str) -> None:
    print(f"METRIC {name} {value:.3f} {unit}", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=10_000)
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="famdesk-bench-") as folder:
        url = args.database or f"sqlite:///{Path(folder) / 'town.db'}"
        ctx, staff, built = build(url, args.families)
        structure_id = staff.structures[0].id
        times, hits = [], 0
        for _round in range(3):
            for text in keystrokes(TYPED):
                with UnitOfWork(ctx.db) as uow:  # type: ignore[attr-defined]
                    started = time.perf_counter()
                    found = search_families(uow, staff, structure_id, text)
                    times.append((time.perf_counter() - started) * 1000)
                hits += len(found)
        ctx.close()  # type: ignore[attr-defined]
    times.sort()
    print(f"{args.families} families, {len(times)} searches, {hits} hits", flush=True)
    metric("family_search_ms", statistics.median(times), "ms")
    metric("family_search_p95_ms", times[int(len(times) * 0.95)], "ms")
    metric("family_search_max_ms", times[-1], "ms")
    metric("family_build_s", built, "s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
