"""Tracking: every request of a family, its outcome, its transmission, who made it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from famdesk.errors import NotAuthorizedError, NotFoundError, ValidationError
from famdesk.models.enums import MovementKind, MovementOutcome
from famdesk.services.booking import confirm
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.reports.tracking_pdf import tracking_pdf
from famdesk.services.tracking import TrackingFilter, tracking
from famdesk.services.transmission import transmit
from tests.integration.town import build_town

WED = date(2026, 9, 30)


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    act = lambda session, *lines: _confirm(town, session, *lines)  # noqa: E731
    act(town.martin, DraftLine(LineKind.BOOK, town.lea, town.alsh, WED), DraftLine(LineKind.BOOK, town.tom, town.alsh, WED))
    act(town.dubois, DraftLine(LineKind.BOOK, town.zoe, town.alsh, WED))
    act(town.staff, DraftLine(LineKind.CANCEL, town.tom, town.alsh, WED))
    yield town
    town.ctx.close()


def _confirm(town, session, *lines):
    with town.uow(write=True) as uow:
        return confirm(uow, town.clock, session, Draft(tuple(lines)), uuid.uuid4().hex)


def view(town, session, family_id=None, **filters):
    with town.uow() as uow:
        return tracking(uow, session, town.structure_id, family_id, TrackingFilter(**filters))


def test_a_family_sees_its_requests_with_who_made_them(town):
    martin = view(town, town.martin)
    assert martin.family_name == "M. MARTIN Hugo"
    # newest first
    assert [(line.child_name, line.kind, line.outcome, line.made_by) for line in martin.lines] == [
        ("MARTIN Tom", MovementKind.CANCEL, MovementOutcome.CANCELLED, "Accueil (Accueil)"),
        ("MARTIN Tom", MovementKind.BOOK, MovementOutcome.ACCEPTED, "Famille"),
        ("MARTIN Léa", MovementKind.BOOK, MovementOutcome.ACCEPTED, "Famille"),
    ]
    assert all(line.transmission_text == "Non transmis" for line in martin.lines)
    dubois = view(town, town.dubois)
    assert [(line.kind, line.outcome, line.made_by) for line in dubois.lines] == [
        (MovementKind.PROMOTION, MovementOutcome.ACCEPTED, "Liste d'attente"),
        (MovementKind.BOOK, MovementOutcome.WAITLISTED, "Famille"),
    ]


def test_transmitted_on_after_the_night(town):
    town.clock.set(datetime(2026, 9, 14, 20, 0, tzinfo=UTC))
    transmit(town.ctx.db, town.clock, lambda _s: None)
    assert {line.transmission_text for line in view(town, town.martin).lines} == {"Transmis le 14/09/2026"}


def test_filters(town):
    assert {line.child_name for line in view(town, town.martin, child_id=town.lea).lines} == {"MARTIN Léa"}
    assert view(town, town.martin, outcome=MovementOutcome.CANCELLED).lines[0].child_name == "MARTIN Tom"
    assert view(town, town.martin, activity_id=town.aps).lines == ()
    assert len(view(town, town.martin, first=WED, last=WED).lines) == 3
    assert view(town, town.martin, first=WED + timedelta(days=1)).lines == ()
    with pytest.raises(ValidationError):
        view(town, town.martin, first=WED, last=WED - timedelta(days=1))


def test_staff_act_for_a_family_and_families_only_see_their_own(town):
    assert view(town, town.staff, town.martin_family).family_name == "M. MARTIN Hugo"
    with pytest.raises(NotAuthorizedError):
        view(town, town.dubois, town.martin_family)
    with pytest.raises(NotFoundError):
        view(town, town.staff)


def test_printed_with_the_shared_template(town):
    data = tracking_pdf(view(town, town.martin), datetime(2026, 9, 14, 9, 0, tzinfo=UTC))
    text = PdfReader(BytesIO(data)).pages[0].extract_text()
    assert "M. MARTIN Hugo" in text and "MARTIN Léa" in text and "Non transmis" in text
    assert "Mairie de Testville" in text and "mer. 30/09/2026" in text
