"""Text folded for comparison: lower case, no accents, French ligatures spelt out, one space.

"Inès", "INES" and " ines " fold alike; so do "Cœur" and "coeur", "O’Brien" and "o'brien".
Used for the front desk's search and for security answers (compared folded, stored hashed).
"""

from __future__ import annotations

import unicodedata

_SPELT_OUT = str.maketrans({"œ": "oe", "æ": "ae", "’": "'", "‘": "'", "ʼ": "'"})


def fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold().translate(_SPELT_OUT))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
