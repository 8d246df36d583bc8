"""Who may act on what: a family only on its own children, staff on the families of their
structures (on their behalf), managers on their structures' settings."""

from __future__ import annotations

from famdesk.errors import NotAuthorizedError, NotFoundError
from famdesk.i18n import _
from famdesk.models import Child, Family
from famdesk.services.auth import SessionInfo, family_of
from famdesk.services.uow import UnitOfWork


def authorize_family(uow: UnitOfWork, session: SessionInfo, family_id: int) -> Family:
    family = uow.session.get(Family, family_id)
    if family is None:
        raise NotFoundError(_("This family does not exist."))
    check_family(session, family)
    return family


def check_family(session: SessionInfo, family: Family) -> None:
    if session.is_system:
        return
    session.require_own_password()
    if session.is_staff:
        if not any(s.id == family.structure_id for s in session.structures):
            raise NotAuthorizedError(_("This family belongs to a structure you do not work for."))
        return
    if family.account_id != session.account_id:
        raise NotAuthorizedError(_("You may only act for your own children."))


def authorize_child(uow: UnitOfWork, session: SessionInfo, child_id: int) -> Child:
    child = uow.session.get(Child, child_id)
    if child is None:
        raise NotFoundError(_("This child does not exist."))
    check_family(session, child.family)
    return child


def on_behalf(session: SessionInfo, family_id: int) -> int | None:
    """The family a staff member acts for (None when the family acts itself)."""
    return family_id if session.is_staff or session.is_system else None


def family_in_structure(uow: UnitOfWork, session: SessionInfo, structure_id: int | None,
                        family_id: int | None) -> Family:
    """The family a screen of `structure_id` is about: with `family_id` None, the session's
    own family there (a family account); else that family, once the session may see it, and
    only if it belongs to `structure_id` (when given)."""
    if family_id is None:
        if structure_id is None:
            raise NotFoundError(_("Choose the family first."))
        family = family_of(uow, session, structure_id)
        if family is None:
            raise NotFoundError(_("Choose the family first."))
        return family
    family = authorize_family(uow, session, family_id)
    if structure_id is not None:
        session.require_structure(structure_id)
        if family.structure_id != structure_id:
            raise NotFoundError(_("This family is not in this structure."))
    return family
