"""The front desk finds a family as it types: by family name, child name, login or e-mail.

Matching is on `Family.search_key` (kept by `search_keys`), folded like the query: case and
accents do not count ("ines" finds "Inès"). Each word typed must appear somewhere in the
key; quotes, ``%``, ``_`` and every other character are plain text (bound parameters, LIKE
escaped). Two queries whatever the size of the town: the families, then their children's
names for display. Families whose key starts with the first word come first, then by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, select

from famdesk.models import Account, Child, Family
from famdesk.services.auth import SessionInfo
from famdesk.services.folding import fold
from famdesk.services.uow import UnitOfWork

MAX_QUERY_LENGTH = 100
MAX_LIMIT = 200


@dataclass(frozen=True)
class FamilyHit:
    family_id: int
    holder_name: str
    """'M. MARTIN Hugo' (as `Family.holder_name`)."""
    children: tuple[str, ...]
    """The children's first names, eldest first."""
    login: str | None
    """None: the family has no account yet."""
    email: str | None
    """The family's e-mail, or else its account's."""
    phone: str | None


def search_families(
    uow: UnitOfWork, session: SessionInfo, structure_id: int, text: str, limit: int = 50
) -> tuple[FamilyHit, ...]:
    """The structure's families matching every word of `text` (staff of the structure only);
    () for an empty text. At most `limit` (up to 200)."""
    session.require_staff()
    session.require_structure(structure_id)
    words = fold(text or "")[:MAX_QUERY_LENGTH].split()
    if not words:
        return ()
    limit = max(1, min(limit, MAX_LIMIT))
    prefix_first = case((Family.search_key.startswith(words[0], autoescape=True), 0), else_=1)
    rows = uow.session.execute(
        select(Family.id, Family.civility, Family.last_name, Family.first_name, Family.email,
               Family.phone, Account.login, Account.email.label("account_email"))
        .outerjoin(Account, Family.account_id == Account.id)
        .where(Family.structure_id == structure_id,
               *(Family.search_key.contains(word, autoescape=True) for word in words))
        .order_by(prefix_first, Family.search_key, Family.id)
        .limit(limit)
    ).all()
    if not rows:
        return ()
    children: dict[int, list[str]] = {}
    for family_id, first_name in uow.session.execute(
        select(Child.family_id, Child.first_name)
        .where(Child.family_id.in_([row.id for row in rows]))
        .order_by(Child.birth_date, Child.id)
    ):
        children.setdefault(family_id, []).append(first_name)
    return tuple(
        FamilyHit(
            family_id=row.id,
            holder_name=f"{row.civility} {row.last_name.upper()} {row.first_name}",
            children=tuple(children.get(row.id, ())),
            login=row.login,
            email=row.email or row.account_email,
            phone=row.phone,
        )
        for row in rows
    )
