"""A cancelled day of a time-entry activity keeps the times it had: in the recap, in the
confirm's answer (replayed too), in its movement and so in "Suivi des réservations"; the
nightly report still lists the day alone, as design.md's sample."""

from __future__ import annotations

import uuid
from datetime import date, time

import pytest
from sqlalchemy import select

from famdesk.models import Movement
from famdesk.models.enums import MovementKind
from famdesk.secrets import MemorySecretStore
from famdesk.services.booking import confirm, preview
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.outbox import smtp_mailers
from famdesk.services.planning import Outcome
from famdesk.services.tracking import TrackingFilter, tracking
from famdesk.services.transmission import transmit
from tests.integration.town import build_town

THU, FRI = date(2026, 9, 24), date(2026, 9, 25)  # APS closes two working days before, 12:00


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    act(town, DraftLine(LineKind.BOOK, town.lea, town.aps, THU, time(7, 30), time(8, 20)),
        DraftLine(LineKind.BOOK, town.lea, town.aps, FRI, time(7, 0), time(8, 20)),
        DraftLine(LineKind.BOOK, town.lea, town.alsh, date(2026, 9, 30)))
    yield town
    town.ctx.close()


def act(town, *lines, key=None):  # type: ignore[no-untyped-def]
    with town.uow(write=True) as uow:
        return confirm(uow, town.clock, town.martin, Draft(tuple(lines)), key or uuid.uuid4().hex)


def cancel(town, activity, day):  # type: ignore[no-untyped-def]
    return DraftLine(LineKind.CANCEL, town.lea, activity, day)


def test_the_recap_shows_the_times_cancelled(town):
    draft = Draft((cancel(town, town.aps, THU), cancel(town, town.alsh, date(2026, 9, 30))))
    with town.uow() as uow:
        recap = preview(uow, town.clock, town.martin, draft)
    assert [(line.day, line.arrival, line.departure) for line in recap.cancellations] == [
        (THU, time(7, 30), time(8, 20)), (date(2026, 9, 30), None, None)]


def test_the_answer_the_movement_and_tracking_keep_them(town):
    key = uuid.uuid4().hex
    result = act(town, cancel(town, town.aps, THU), key=key)
    (line,) = result.recap.cancellations
    assert (line.outcome, line.arrival, line.departure) == (Outcome.CANCELLED, time(7, 30), time(8, 20))
    replay = act(town, cancel(town, town.aps, THU), key=key)
    assert replay.replayed and replay.recap.cancellations == result.recap.cancellations
    with town.uow() as uow:
        movement = uow.session.scalars(select(Movement).where(Movement.kind == MovementKind.CANCEL)).one()
        view = tracking(uow, town.martin, town.structure_id, None, TrackingFilter(first=THU, last=THU))
    assert (movement.arrival, movement.departure) == (time(7, 30), time(8, 20))
    assert [(t.kind, t.arrival, t.departure) for t in view.lines] == [
        (MovementKind.CANCEL, time(7, 30), time(8, 20)), (MovementKind.BOOK, time(7, 30), time(8, 20))]


def test_a_cancellation_refused_after_the_deadline_still_names_its_times(town):
    town.clock.set(town.clock.now().replace(day=22, hour=11))  # Tuesday 22, 13:00: Friday still open
    result = act(town, cancel(town, town.aps, THU), cancel(town, town.aps, FRI))
    assert [(line.outcome, line.arrival) for line in result.recap.cancellations] == [
        (Outcome.REFUSED, time(7, 30)), (Outcome.CANCELLED, time(7, 0))]


def test_the_nightly_report_lists_the_day_without_times(town, smtp_server):
    act(town, cancel(town, town.aps, THU))
    town.clock.set(town.clock.now().replace(hour=20))
    transmit(town.ctx.db, town.clock, smtp_mailers(MemorySecretStore()))
    (mail,) = smtp_server.inbox.to("martin@example.org")
    cancelled = smtp_server.inbox.text(mail).split("RESERVATIONS ANNULEES     ****************\n")[1]
    assert cancelled.startswith("--> Activité : APS MATIN :\n         MARTIN Léa : jeu. 24/09\n\n")
