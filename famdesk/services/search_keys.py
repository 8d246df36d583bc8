"""The front desk's search key of each family, kept right at every flush.

`Family.search_key` holds, folded (`folding.fold`), the holder's names, the family's e-mail,
its children's names, and its account's login and e-mail, in that order — so it also sorts
families by name. Whatever service changes one of these (set-up, front desk, profile), the
`before_flush` hook below recomputes the keys of the families concerned, in the same
transaction. `UnitOfWork` installs it on every session it opens.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import InstanceState, Session

from famdesk.models import Account, Child, Family
from famdesk.services.folding import fold

_WATCHED = {
    Family: ("last_name", "first_name", "email", "account_id"),
    Child: ("last_name", "first_name", "family_id", "family"),
    Account: ("login", "email"),
}


def family_key(family: Family, children: Iterable[Child], account: Account | None) -> str:
    parts = [family.last_name, family.first_name, family.email]
    for child in children:
        parts += [child.last_name, child.first_name]
    if account is not None:
        parts += [account.login, account.email]
    return fold(" ".join(part for part in parts if part))


def keep_search_keys(session: Session, _flush_context: object, _instances: object) -> None:
    """`before_flush`: recompute the key of every family whose searched text changed."""
    new, dirty, deleted = set(session.new), set(session.dirty), set(session.deleted)
    families: set[Family] = set()
    family_ids: set[int] = set()
    account_ids: set[int] = set()
    for obj in chain(new, dirty, deleted):
        if not isinstance(obj, Family | Child | Account):
            continue
        if obj not in new and obj not in deleted and not _changed(obj):
            continue
        if isinstance(obj, Family):
            families.add(obj)
        elif isinstance(obj, Child):
            family = obj.__dict__.get("family")
            if family is not None:
                families.add(family)
            history = _state(obj).attrs.family_id.history
            family_ids.update(i for i in chain(history.added, history.unchanged, history.deleted)
                              if i is not None)
        elif obj.id is not None:
            account_ids.add(obj.id)
    if not (families or family_ids or account_ids):
        return
    with session.no_autoflush:
        if family_ids:
            families.update(session.scalars(select(Family).where(Family.id.in_(family_ids))))
        if account_ids:
            families.update(
                session.scalars(select(Family).where(Family.account_id.in_(account_ids)))
            )
        families -= deleted
        if not families:
            return
        ids = [family.id for family in families if family.id is not None]
        children = set(session.scalars(select(Child).where(Child.family_id.in_(ids)))) if ids else set()
        children |= {c for c in chain(new, dirty) if isinstance(c, Child)}
        children -= deleted
        owned: dict[object, list[Child]] = defaultdict(list)
        for child in children:
            owned[_owner(child)].append(child)
        for family in families:
            own = owned[("object", id(family))]
            if family.id is not None:
                own = own + owned[("id", family.id)]
            own.sort(key=lambda c: (fold(c.last_name or ""), fold(c.first_name or "")))
            family.search_key = family_key(family, own, _account(session, family))


def _changed(obj: Family | Child | Account) -> bool:
    """A persistent row whose searched text changed."""
    attrs = _state(obj).attrs
    return any(attrs[name].history.has_changes() for name in _WATCHED[type(obj)])


def _owner(child: Child) -> tuple[str, object]:
    """The family a child belongs to as of this flush: the object it was just given through
    the relationship (its id may not exist yet), else its `family_id`."""
    if _state(child).attrs.family.history.has_changes():
        return ("object", id(child.__dict__.get("family")))
    return ("id", child.family_id)


def _account(session: Session, family: Family) -> Account | None:
    account = family.__dict__.get("account")
    if family.account_id is not None:
        return session.get(Account, family.account_id)
    if account is not None and account.id is not None:
        return None  # unlinked by id
    return account


def _state(obj: object) -> InstanceState[Any]:
    state: InstanceState[Any] = inspect(obj)
    return state
