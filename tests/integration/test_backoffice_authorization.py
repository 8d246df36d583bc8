"""Only a manager of the structure gets past the back office's services: a family, the front
desk and a manager of another structure are refused, reads included."""

from __future__ import annotations

import pytest

from famdesk.clock import FixedClock
from famdesk.errors import FamdeskError, NotAuthorizedError
from famdesk.models.enums import Role
from famdesk.services.auth import SYSTEM, SessionInfo, StructureChoice
from famdesk.services.setup import people
from tests.conftest import CLOCK_START
from tests.integration.backoffice import BACKOFFICE_CALLS, BACKOFFICE_READ_ONLY, manager
from tests.integration.test_authorization_meta import service_candidates
from tests.integration.town import PASSWORD, build_town


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    town = build_town(f"sqlite:///{tmp_path_factory.mktemp('backoffice')}/famdesk.db",
                      FixedClock(CLOCK_START))
    yield town
    town.ctx.close()


@pytest.fixture(scope="module")
def admin(town):
    return manager(town)


@pytest.fixture(scope="module")
def neighbour(town) -> SessionInfo:
    """The manager of the other structure only."""
    with town.uow(write=True) as uow:
        account = people.create_account(uow, SYSTEM, "voisin", PASSWORD, "Voisin", Role.ADMIN,
                                        None, [town.other_structure_id], clock=town.clock)
        uow.commit()
    return SessionInfo(account, "voisin", "Voisin", Role.ADMIN,
                       (StructureChoice(town.other_structure_id, "Centre voisin", "Europe/Paris"),))


def test_every_public_back_office_service_is_checked_here():
    found = {name for name in service_candidates() if name.startswith("backoffice.")}
    assert found == BACKOFFICE_CALLS.keys()
    assert BACKOFFICE_READ_ONLY.keys() <= found


@pytest.mark.parametrize("name", sorted(BACKOFFICE_CALLS))
def test_only_a_manager_of_the_structure_gets_past_authorization(town, admin, neighbour, name):
    call = BACKOFFICE_CALLS[name]
    for refused in (town.martin, town.staff, neighbour):
        with town.uow(write=True) as uow, pytest.raises(NotAuthorizedError):
            call(town, uow, refused)
    with town.uow(write=True) as uow:
        try:
            call(town, uow, admin)
        except NotAuthorizedError as exc:
            pytest.fail(f"{name} refused the structure's manager: {exc}")
        except FamdeskError:
            pass  # the calls that change something stop on bad input (see backoffice.py)
