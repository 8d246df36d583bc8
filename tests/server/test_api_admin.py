"""The back office ("Paramétrage") through `famdesk serve`: a manager reads and saves the
structure's settings, an activity round trip with the rule tester, openings previewed then
applied, a day closed after its preview's count, a waiting child promoted by hand, a families
file checked; families and front-desk staff refused in French; malformed bodies refused.
Answers decode into the services' own dataclasses (the synced gateway's way)."""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from famdesk.secrets import MemorySecretStore
from famdesk.services import backoffice
from famdesk.services.auth import SYSTEM, SessionInfo
from famdesk.services.backoffice import (
    ActivityDefinition,
    ClosurePreview,
    ClosureResult,
    DeadlinesTest,
    OpeningPlan,
    PlacesResult,
    StructureSettings,
    WaitingList,
)
from famdesk.services.booking import confirm
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.family_import import FamilyImportReport, ImportRejectedError
from famdesk.ui.gateway_synced import SyncedGateway
from famdesk.wire import codec, paths
from famdesk.wire.messages_admin import ActivityFormIn, RulePartsIn, activity_definition
from tests.conftest import CLOCK_START
from tests.integration.town import PASSWORD
from tests.server.live import Live, bearer, live_server

WED = date(2026, 9, 30)  # ALSH: booking and cancelling until Thursday 24 September 12:00
CLOSED_WED = date(2026, 10, 7)
AFTER_DEADLINE = datetime(2026, 9, 25, 8, 0, tzinfo=UTC)
REFUSED = "Seul un gestionnaire peut faire cela."


@pytest.fixture(scope="module")
def live(postgres_server) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    with live_server(postgres_server) as server:
        yield server


@pytest.fixture
def manager(live: Live) -> dict[str, str]:
    """A fresh session (the waiting list's test moves the clock past a session's life)."""
    return bearer(live.token("gestion"))


def book(live: Live, session: SessionInfo, child: int, day: date) -> str:
    live.clock.advance(timedelta(minutes=1))
    with live.town.uow(write=True) as uow:
        result = confirm(uow, live.clock, session,
                         Draft((DraftLine(LineKind.BOOK, child, live.town.alsh, day),)),
                         uuid.uuid4().hex)
    return result.recap.lines[0].outcome.value


def test_a_manager_reads_and_saves_the_structure_settings(live: Live, manager: dict) -> None:
    path = paths.STRUCTURE_SETTINGS.format(structure_id=live.town.structure_id)
    read = live.http.get(path, headers=manager)
    assert read.status_code == 200, read.text
    with live.town.uow() as uow:
        expected = backoffice.structure_settings(uow, SYSTEM, live.town.structure_id,
                                                 secrets=live.town.ctx.secrets)
    assert codec.load(read.content, StructureSettings) == expected

    saved = live.http.put(path, headers=manager, json={
        "name": "Mairie de Testville", "holiday_zone": "C", "kiosk_idle_seconds": 150})
    assert saved.status_code == 200, saved.text
    settings = codec.load(saved.content, StructureSettings)
    assert (settings.holiday_zone.value, settings.kiosk_idle_seconds) == ("C", 150)

    smtp = live.http.put(paths.STRUCTURE_SMTP.format(structure_id=live.town.structure_id),
                         headers=manager, json={"host": "smtp.testville.fr", "port": 587,
                                                "security": "starttls", "login": "mairie",
                                                "sender": "mairie@testville.fr",
                                                "password": "s3cret-smtp"})
    assert smtp.status_code == 200, smtp.text
    assert "s3cret-smtp" not in smtp.text
    assert codec.load(smtp.content, StructureSettings).smtp_password_stored  # the server's store

    bad = live.http.put(path, headers=manager, json={
        "name": "Mairie de Testville", "holiday_zone": "Z", "kiosk_idle_seconds": 150})
    assert bad.status_code == 422 and bad.json()["code"] == "validation"


def test_an_activity_round_trip_and_the_rule_tester(live: Live, manager: dict) -> None:
    path = paths.ACTIVITY.format(activity_id=live.town.alsh)
    read = live.http.get(path, headers=manager)
    assert read.status_code == 200, read.text
    decoded = activity_definition(codec.load(read.content, ActivityDefinition))
    with live.town.uow() as uow:
        assert decoded == backoffice.activity_definition(uow, SYSTEM, live.town.alsh)

    saved = live.http.put(path, headers=manager, json=codec.to_jsonable(
        ActivityFormIn(**ActivityFormIn.of(decoded.form)), ActivityFormIn))
    assert saved.status_code == 200, saved.text
    assert activity_definition(codec.load(saved.content, ActivityDefinition)) == decoded

    tested = live.http.post(
        paths.DEADLINES_TEST.format(structure_id=live.town.structure_id), headers=manager,
        json={"day": WED.isoformat(), "booking_rule": RulePartsIn(
            **RulePartsIn.of(decoded.form.booking_rule) or {}).model_dump(mode="json")})
    assert tested.status_code == 200, tested.text
    test = codec.load(tested.content, DeadlinesTest)
    assert test.booking_deadline_text == "jeudi 24 septembre 2026 à 12:00"


def test_openings_are_previewed_then_applied(live: Live, manager: dict) -> None:
    request = {"first": "2026-10-01", "last": "2026-10-31", "weekdays": [5],
               "school_time": "both", "capacity": 12, "waitlist_size": 2}
    preview = live.http.post(paths.OPENINGS_PREVIEW.format(activity_id=live.town.alsh),
                             headers=manager, json=request)
    assert preview.status_code == 200, preview.text
    plan = codec.load(preview.content, OpeningPlan)
    assert plan.to_open and all(day.weekday() == 5 for day in plan.to_open)

    applied = live.http.post(paths.OPENINGS.format(activity_id=live.town.alsh),
                             headers=manager, json=request)
    assert applied.status_code == 200, applied.text
    assert codec.load(applied.content, OpeningPlan).to_open == plan.to_open
    again = live.http.post(paths.OPENINGS_PREVIEW.format(activity_id=live.town.alsh),
                           headers=manager, json=request)
    assert codec.load(again.content, OpeningPlan).to_open == ()


def test_a_day_closes_after_its_preview_s_count(live: Live, manager: dict) -> None:
    assert book(live, live.town.martin, live.town.lea, CLOSED_WED) == "booked"
    preview = live.http.get(paths.CLOSURE_PREVIEW.format(activity_id=live.town.alsh),
                            headers=manager, params={"first": CLOSED_WED.isoformat()})
    assert preview.status_code == 200, preview.text
    shown = codec.load(preview.content, ClosurePreview)
    assert (shown.days, shown.booked, shown.waitlisted) == ((CLOSED_WED,), 1, 0)

    body = {"first": CLOSED_WED.isoformat(), "reason": "Grève du personnel"}
    changed = live.http.post(paths.CLOSURE.format(activity_id=live.town.alsh), headers=manager,
                             json={**body, "expected_reservations": 2})
    assert changed.status_code == 422, changed.text
    assert "ont changé depuis leur décompte (2 alors, 1 maintenant)" in changed.json()["message"]
    closed = live.http.post(paths.CLOSURE.format(activity_id=live.town.alsh), headers=manager,
                            json={**body, "expected_reservations": 1})
    assert closed.status_code == 200, closed.text
    result = codec.load(closed.content, ClosureResult)
    assert (result.closed, result.cancelled) == ((CLOSED_WED,), 1)


def test_a_waiting_child_is_promoted_by_hand(live: Live) -> None:
    t = live.town
    assert [book(live, t.martin, t.lea, WED), book(live, t.martin, t.tom, WED),
            book(live, t.dubois, t.zoe, WED)] == ["booked", "booked", "waitlisted"]
    live.clock.set(AFTER_DEADLINE)
    try:
        manager = bearer(live.token("gestion"))  # the morning's session has expired
        places = live.http.post(paths.PLACES.format(activity_id=t.alsh), headers=manager,
                                json={"first": WED.isoformat(), "last": WED.isoformat(),
                                      "capacity": 3})
        assert places.status_code == 200, places.text
        assert codec.load(places.content, PlacesResult).changes[0].capacity == 3
        listed = live.http.get(paths.WAITING_LIST.format(activity_id=t.alsh), headers=manager,
                               params={"day": WED.isoformat()})
        [zoe] = codec.load(listed.content, WaitingList).entries
        promoted = live.http.post(paths.WAITING_PROMOTE.format(activity_id=t.alsh),
                                  headers=manager, json={"day": WED.isoformat(),
                                                         "reservation_id": zoe.reservation_id})
        assert promoted.status_code == 200, promoted.text
        after = codec.load(promoted.content, WaitingList)
        assert (after.entries, after.booked) == ((), 3)
    finally:
        live.clock.set(CLOCK_START)


def families_csv(*rows: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["civilite", "nom", "prenom", "enfant_prenom", "enfant_naissance"])
    writer.writerows(rows)
    return out.getvalue().encode()


def test_a_families_file_is_checked_and_its_bad_line_reported(live: Live, manager: dict) -> None:
    data = families_csv(["Mme", "Bernard", "Élodie", "Chloé", "12/04/2017"],
                        ["M.", "Nguyen", "Thanh", "Mai", "31/02/2016"])
    answer = live.http.post(
        paths.FAMILY_IMPORT_CHECK.format(structure_id=live.town.structure_id), headers=manager,
        json={"data": base64.b64encode(data).decode()})
    assert answer.status_code == 200, answer.text
    report = codec.load(answer.content, FamilyImportReport)
    assert (report.rows, report.imported, report.families) == (2, False, 1)
    [bad] = report.rejected
    assert bad.line == 3 and "31/02/2016" in bad.reason

    refused = live.http.post(
        paths.FAMILY_IMPORT.format(structure_id=live.town.structure_id), headers=manager,
        json={"data": base64.b64encode(data).decode(), "source": "familles.csv"})
    assert refused.status_code == 422 and refused.json()["code"] == "import_rejected"


def test_families_and_front_desk_staff_are_refused_in_french(live: Live) -> None:
    family = bearer(live.token("martin", device=live.register_kiosk("Borne du hall")))
    staff = bearer(live.token("accueil"))
    structure = live.town.structure_id
    for headers in (family, staff):
        for method, path, body in (
                ("GET", paths.STRUCTURE_SETTINGS.format(structure_id=structure), None),
                ("POST", paths.WALLETS.format(structure_id=structure),
                 {"label": "Cantine", "display_order": 3}),
                ("POST", paths.WAITING_PROMOTE.format(activity_id=live.town.alsh),
                 {"day": WED.isoformat()})):
            answer = live.http.request(method, path, headers=headers, json=body)
            assert answer.status_code == 403, (path, answer.text)
            assert answer.json()["message"] == REFUSED


@pytest.mark.parametrize(("path", "body", "field"), [
    (paths.STRUCTURE_SETTINGS, {"name": 3, "holiday_zone": "B", "kiosk_idle_seconds": 60},
     "name"),
    (paths.WALLETS, {"label": "Cantine"}, "display_order"),
    (paths.FAMILY_IMPORT_CHECK, {"data": 12}, "data"),
    (paths.DEADLINES_TEST, {"day": "2026-02-30", "booking_rule": {}}, "day"),
])
def test_malformed_bodies_are_refused(live: Live, manager: dict, path: str, body: dict,
                                      field: str) -> None:
    method = "PUT" if path == paths.STRUCTURE_SETTINGS else "POST"
    answer = live.http.request(method, path.format(structure_id=live.town.structure_id),
                               headers=manager, json=body)
    assert answer.status_code == 422, answer.text
    assert (answer.json()["code"], answer.json()["field"]) == ("invalid_request", field)
    assert answer.json()["message"].startswith("La demande n'est pas valide : « ")


def test_the_synced_gateway_s_back_office_answers_as_the_local_one(live: Live) -> None:
    data = families_csv(["M.", "Nguyen", "Thanh", "Mai", "31/02/2016"])

    async def scenario() -> tuple[ActivityDefinition, FamilyImportReport, ImportRejectedError]:
        gateway = SyncedGateway(live.url, MemorySecretStore())
        try:
            await gateway.login("gestion", PASSWORD)
            definition = await gateway.activity_definition(live.town.aps)
            report = await gateway.check_family_import(live.town.structure_id, data)
            with pytest.raises(ImportRejectedError) as refused:
                await gateway.import_families(live.town.structure_id, data, "familles.csv")
            return definition, report, refused.value
        finally:
            await gateway.aclose()

    definition, report, refused = asyncio.run(scenario())
    with live.town.uow() as uow:
        assert definition == backoffice.activity_definition(uow, SYSTEM, live.town.aps)
    assert [row.line for row in report.rejected] == [2]
    assert refused.report == report and refused.message == "1 ligne refusée : rien n'a été importé."
