"""The nightly transmission on a real SQLite file with a real SMTP server on loopback."""

from __future__ import annotations

import threading
import uuid
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from famdesk.models import Movement, OutboxMessage, Structure
from famdesk.secrets import MemorySecretStore
from famdesk.services.booking import confirm
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.outbox import failures, send_pending, smtp_mailers
from famdesk.services.transmission import transmit
from tests.integration.town import build_town

WED = date(2026, 9, 30)
DUBOIS_REPORT = """Mme DUBOIS Camille

Veuillez trouver ci-dessous un compte rendu des modifications apportées à vos demandes de réservation sur la structure : Mairie de Testville.

2 mouvements sur vos demandes de réservations ont été reçus, dont :
       - 2 nouvelles demandes de réservation

****************     RESERVATIONS MISES EN LISTE D'ATTENTE     ****************
--> Activité : ALSH MERCREDI :
         DUBOIS Zoé : mer. 30/09

****************     RESERVATIONS ACCEPTEES     ****************
--> Activité : ALSH MERCREDI :
         DUBOIS Zoé : mer. 30/09

****************     RESERVATIONS REFUSEES     ****************
--> Activité : ALSH MERCREDI :
         DUBOIS Zoé : mer. 16/09

Vous pouvez consulter l'état de vos réservations sur le portail famille.
"""


@pytest.fixture
def town(sqlite_url, clock):
    town = build_town(sqlite_url, clock)
    yield town
    town.ctx.close()


def act(town, session, *lines):
    with town.uow(write=True) as uow:
        return confirm(uow, town.clock, session, Draft(tuple(lines)), uuid.uuid4().hex)


def scripted_week(town):
    """Martin books two, Dubois waits, Martin cancels one (Zoé promoted), Dubois is late once."""
    act(town, town.martin, DraftLine(LineKind.BOOK, town.lea, town.alsh, WED),
        DraftLine(LineKind.BOOK, town.tom, town.alsh, WED))
    act(town, town.dubois, DraftLine(LineKind.BOOK, town.zoe, town.alsh, WED))
    act(town, town.martin, DraftLine(LineKind.CANCEL, town.tom, town.alsh, WED))
    act(town, town.dubois, DraftLine(LineKind.BOOK, town.zoe, town.alsh, date(2026, 9, 16)))


def night(town):
    town.clock.set(town.clock.now().replace(hour=20))  # 22:00 in Paris
    return transmit(town.ctx.db, town.clock, smtp_mailers(MemorySecretStore()))


def test_each_family_gets_one_report_as_designed(town, smtp_server):
    scripted_week(town)
    summary = night(town)
    assert (summary.movements, summary.families, summary.emails_queued, summary.emails_sent) == (6, 2, 2, 2)
    assert summary.promotions == 1
    (dubois,) = smtp_server.inbox.to("dubois@example.org")
    assert smtp_server.inbox.text(dubois) == DUBOIS_REPORT
    assert dubois["Subject"] == "Compte rendu de vos demandes de réservation – Mairie de Testville"
    assert {part.get_content_type() for part in dubois.walk()} >= {"text/plain", "text/html"}
    (martin,) = smtp_server.inbox.to("martin@example.org")
    text = smtp_server.inbox.text(martin)
    assert "3 mouvements" in text and "RESERVATIONS ANNULEES" in text
    assert "MARTIN Tom : mer. 30/09" in text.split("ANNULEES")[1]
    with town.uow() as uow:
        assert uow.session.scalar(select(func.count()).where(Movement.transmitted_at.is_(None))) == 0
        stamped = uow.session.scalar(select(Structure.last_transmission_at).where(Structure.id == town.structure_id))
    assert stamped == town.clock.now()


def test_a_second_run_sends_nothing_and_changes_nothing(town, smtp_server):
    scripted_week(town)
    night(town)
    with town.uow() as uow:
        before = (uow.session.execute(select(Movement.id, Movement.transmitted_at, Movement.reported_at)).all(),
                  uow.session.execute(select(OutboxMessage.id, OutboxMessage.sent_at)).all(),
                  uow.session.execute(select(Structure.id, Structure.last_transmission_at)).all())
    town.clock.advance(timedelta(hours=1))
    again = night(town)
    assert (again.movements, again.families, again.emails_queued, again.emails_sent) == (0, 0, 0, 0)
    assert len(smtp_server.inbox.messages) == 2
    with town.uow() as uow:
        after = (uow.session.execute(select(Movement.id, Movement.transmitted_at, Movement.reported_at)).all(),
                 uow.session.execute(select(OutboxMessage.id, OutboxMessage.sent_at)).all(),
                 uow.session.execute(select(Structure.id, Structure.last_transmission_at)).all())
    assert after == before


def test_the_server_refusing_then_coming_back(town, smtp_server):
    scripted_week(town)
    smtp_server.inbox.down = True
    summary = night(town)
    assert summary.emails_queued == 2 and summary.emails_sent == 0 and summary.sending.retried == 1
    with town.uow() as uow:
        visible = failures(uow, town.staff, town.structure_id)
    assert visible and "421" in visible[0].last_error
    smtp_server.inbox.down = False
    # the message that failed waits for its back-off; the one never tried goes at once
    assert send_pending(town.ctx.db, town.clock, smtp_mailers(MemorySecretStore())).sent == 1
    town.clock.advance(timedelta(minutes=2))
    assert send_pending(town.ctx.db, town.clock, smtp_mailers(MemorySecretStore())).sent == 1
    assert len(smtp_server.inbox.messages) == 2
    town.clock.advance(timedelta(hours=5))
    assert night(town).emails_sent == 0 and len(smtp_server.inbox.messages) == 2


def test_a_recipient_refused_for_good_is_kept_and_shown(town, smtp_server):
    scripted_week(town)
    smtp_server.inbox.refused.add("martin@example.org")
    summary = night(town)
    assert summary.emails_sent == 1 and summary.sending.failed == 1
    with town.uow() as uow:
        (failure,) = failures(uow, town.staff, town.structure_id)
    assert failure.recipient == "martin@example.org" and failure.next_attempt_at is None
    assert "550" in failure.last_error


class Killed(Exception):
    pass


@pytest.mark.parametrize("kill_at", [1, 2, 3, 4, 5])
def test_a_run_killed_between_batches_completes_on_the_next_run(town, smtp_server, kill_at):
    scripted_week(town)
    calls = []

    def crash(step, done, total):
        calls.append(step)
        if len(calls) == kill_at:
            raise Killed

    town.clock.set(town.clock.now().replace(hour=20))
    mailers = smtp_mailers(MemorySecretStore())
    try:
        transmit(town.ctx.db, town.clock, mailers, progress=crash, mark_batch=2, family_batch=1)
    except Killed:
        pass
    town.clock.advance(timedelta(minutes=10))
    transmit(town.ctx.db, town.clock, mailers, mark_batch=2, family_batch=1)
    assert sorted(m["To"] for m in smtp_server.inbox.messages) == ["dubois@example.org", "martin@example.org"]
    assert smtp_server.inbox.text(smtp_server.inbox.to("dubois@example.org")[0]) == DUBOIS_REPORT
    with town.uow() as uow:
        assert uow.session.scalar(select(func.count()).where(Movement.reported_at.is_(None))) == 0


def test_a_family_without_address_is_reported_without_mail(town, smtp_server):
    from sqlalchemy import update

    from famdesk.models import Account

    scripted_week(town)
    with town.uow(write=True) as uow:
        uow.session.execute(update(Account).where(Account.login == "dubois").values(email=None))
        uow.commit()
    summary = night(town)
    assert summary.without_email == 1 and [m["To"] for m in smtp_server.inbox.messages] == ["martin@example.org"]


def test_requests_made_during_the_run_wait_for_the_next_one(town, smtp_server):
    scripted_week(town)
    answers = []

    def desk_confirms_meanwhile(step, done, total):
        if answers:
            return

        town.clock.advance(timedelta(seconds=1))

        def book():
            answers.append(act(town, town.martin, DraftLine(
                LineKind.BOOK, town.lea, town.aps, date(2026, 10, 1), time(7, 0), time(8, 20))))

        worker = threading.Thread(target=book)
        worker.start()
        worker.join(timeout=30)  # a guard against a deadlock, not a speed target
        assert not worker.is_alive(), "a confirm could not go through during the transmission"

    town.clock.set(town.clock.now().replace(hour=20))
    summary = transmit(town.ctx.db, town.clock, smtp_mailers(MemorySecretStore()),
                       progress=desk_confirms_meanwhile, mark_batch=2)
    assert answers and answers[0].recap.lines[0].outcome.value == "booked"
    assert summary.movements == 6  # the one confirmed during the run is for the next night
    town.clock.advance(timedelta(days=1))
    assert night(town).movements == 1
