"""An account still on the one-time password the front desk handed over may only replace
it: every service about a structure, a family or a child refuses it until then."""

from __future__ import annotations

import pytest

from famdesk.errors import NotAuthorizedError
from famdesk.services import families, profile
from famdesk.services.auth import authenticate
from famdesk.services.booking_info import booking_family
from famdesk.services.home import home_page
from famdesk.services.month import month_view
from famdesk.services.tracking import TrackingFilter, tracking
from tests.integration.town import build_town

NEW = "Nouveau-secret-42"


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    yield town
    town.ctx.close()


@pytest.fixture
def handed_over(town):
    """A new family gets an account: its first session, on the one-time password."""
    with town.uow(write=True) as uow:
        family = families.save_family(uow, town.clock, town.staff, town.structure_id,
                                      families.FamilyDetails("Mme", "Petit", "Anne"))
    with town.uow(write=True) as uow:
        handed = families.create_family_account(uow, town.clock, town.staff, family, "apetit")
    with town.uow(write=True) as uow:
        session = authenticate(uow, town.clock, "apetit", handed.password)
    assert session.must_change_password
    return session, handed.password


def test_nothing_but_the_new_password_until_it_is_chosen(town, handed_over):
    session, one_time = handed_over
    refused = [
        lambda uow: home_page(uow, town.clock, session, town.structure_id),
        lambda uow: booking_family(uow, town.clock, session, town.structure_id),
        lambda uow: tracking(uow, session, town.structure_id, None, TrackingFilter()),
        lambda uow: month_view(uow, town.clock, session, town.lea, 2026, 9),
    ]
    for call in refused:
        with town.uow() as uow, pytest.raises(NotAuthorizedError):
            call(uow)
    with town.uow() as uow:
        assert profile.profile(uow, session).login == "apetit"  # its own profile: yes

    with town.uow(write=True) as uow:
        chosen = profile.set_first_password(uow, town.clock, session, one_time, NEW)
    with town.uow() as uow:
        assert home_page(uow, town.clock, chosen, town.structure_id) is not None
        assert booking_family(uow, town.clock, chosen, town.structure_id).children == ()
