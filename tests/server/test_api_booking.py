"""The booking workflow through `famdesk serve`: a family at a kiosk reads its month, previews
and confirms (a retried confirm books once), follows its requests; the desk acts for it, pays
and transmits. Answers decode into the services' own dataclasses (the synced gateway's way)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from famdesk.models import ActivityDay, Reservation
from famdesk.models.enums import ReservationStatus
from famdesk.services.booking import ConfirmResult, Recap
from famdesk.services.draft import Draft, DraftLine, LineKind
from famdesk.services.month import MonthView, month_view
from famdesk.services.tracking import TrackingView
from famdesk.services.transmission import TransmitSummary
from famdesk.wire import codec, paths
from famdesk.wire.messages import DraftIn
from tests.server.live import Live, bearer, live_server

WED = date(2026, 9, 30)  # ALSH, open for booking until Thursday 24 September 12:00


@pytest.fixture(scope="module")
def live(postgres_server) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    with live_server(postgres_server) as server:
        yield server


@pytest.fixture(scope="module")
def family(live: Live) -> dict[str, str]:
    device = live.register_kiosk("Borne du hall")
    return bearer(live.token("martin", device=device))


@pytest.fixture(scope="module")
def staff(live: Live) -> dict[str, str]:
    return bearer(live.token("accueil"))


def draft_json(*lines: DraftLine) -> dict:
    model = DraftIn.of(Draft(tuple(lines)))
    assert model is not None
    return model.model_dump(mode="json")


def held(live: Live, child: int, activity: int, day: date) -> int:
    with live.town.uow() as uow:
        return uow.session.scalar(
            select(func.count()).select_from(Reservation)
            .join(ActivityDay, ActivityDay.id == Reservation.activity_day_id)
            .where(Reservation.child_id == child, ActivityDay.activity_id == activity,
                   ActivityDay.day == day, Reservation.status == ReservationStatus.BOOKED))


def test_the_month_decodes_into_the_services_month(live: Live, family: dict) -> None:
    t = live.town
    answer = live.http.post(paths.MONTH, headers=family,
                            json={"child_id": t.lea, "year": 2026, "month": 9})
    assert answer.status_code == 200
    decoded = codec.load(answer.content, MonthView)
    with t.uow() as uow:
        expected = month_view(uow, t.clock, t.martin, t.lea, 2026, 9)
    assert decoded == expected
    assert isinstance(decoded.cells[0].activities, tuple)


def test_preview_then_confirm_twice_books_once(live: Live, family: dict) -> None:
    t = live.town
    draft = draft_json(DraftLine(LineKind.BOOK, t.lea, t.alsh, WED))

    preview = live.http.post(paths.PREVIEW, headers=family, json={"draft": draft})
    assert preview.status_code == 200
    recap = codec.load(preview.content, Recap)
    assert [line.day for line in recap.bookings] == [WED]
    assert recap.total == Decimal("6.00")
    assert preview.json()["total"] == "6.00"  # money travels as a decimal string
    assert held(live, t.lea, t.alsh, WED) == 0  # a preview saves nothing

    first = live.http.post(paths.CONFIRM, headers=family, json={"draft": draft, "key": "k-1"})
    again = live.http.post(paths.CONFIRM, headers=family, json={"draft": draft, "key": "k-1"})
    assert first.status_code == again.status_code == 200
    one, two = codec.load(first.content, ConfirmResult), codec.load(again.content, ConfirmResult)
    assert (one.key, one.replayed, two.key, two.replayed) == ("k-1", False, "k-1", True)
    assert two.recap == one.recap
    assert held(live, t.lea, t.alsh, WED) == 1


def test_another_account_cannot_replay_a_key(live: Live, staff: dict) -> None:
    t = live.town
    draft = draft_json(DraftLine(LineKind.BOOK, t.tom, t.alsh, WED))
    answer = live.http.post(paths.CONFIRM, headers=staff, json={"draft": draft, "key": "k-1"})
    assert answer.status_code == 200
    assert answer.json()["replayed"] is False  # the family's "k-1" is the family's own
    assert held(live, t.tom, t.alsh, WED) == 1


def test_the_family_follows_its_requests(live: Live, family: dict) -> None:
    t = live.town
    answer = live.http.get(paths.TRACKING.format(structure_id=t.structure_id), headers=family)
    assert answer.status_code == 200
    view = codec.load(answer.content, TrackingView)
    assert view.family_name.upper().startswith("M. MARTIN")
    assert {(line.child_id, line.day) for line in view.lines} >= {(t.lea, WED)}

    pdf = live.http.get(paths.TRACKING_PDF.format(structure_id=t.structure_id), headers=family,
                        params={"filters_text": "Tous les enfants"})
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(BytesIO(pdf.content)).pages[0].extract_text()
    assert "Léa" in text


def test_a_family_sees_only_its_own(live: Live, family: dict) -> None:
    t = live.town
    answer = live.http.post(paths.MONTH, headers=family,
                            json={"child_id": t.zoe, "year": 2026, "month": 9})
    assert answer.status_code == 403
    assert answer.json()["code"] == "not_authorized"
    staff_only = live.http.get(paths.FAMILY_SEARCH.format(structure_id=t.structure_id),
                               headers=family, params={"text": "dubois"})
    assert staff_only.status_code == 403
    assert staff_only.json()["message"] == "Seul le personnel de l’accueil peut faire cela."


def test_the_desk_finds_a_family_and_its_record(live: Live, staff: dict) -> None:
    t = live.town
    hits = live.http.get(paths.FAMILY_SEARCH.format(structure_id=t.structure_id),
                         headers=staff, params={"text": "dubois"}).json()
    assert [hit["family_id"] for hit in hits] == [t.dubois_family]
    record = live.http.get(paths.FAMILY_RECORD.format(family_id=t.dubois_family), headers=staff)
    assert record.json()["children"][0]["first_name"] == "Zoé"


def test_enrollments_balances_and_history_for_the_family(live: Live, family: dict) -> None:
    t = live.town
    page = live.http.get(paths.ENROLLMENT_PAGE.format(child_id=t.lea), headers=family)
    assert page.status_code == 200
    assert page.json()["form"]["child_name"] == "MARTIN Léa"
    balances = live.http.get(paths.BALANCES.format(structure_id=t.structure_id), headers=family)
    assert balances.status_code == 200
    assert balances.json()["family_id"] == t.martin_family
    history = live.http.get(paths.HISTORY.format(structure_id=t.structure_id), headers=family)
    assert history.status_code == 200


def test_the_desk_records_a_payment(live: Live, staff: dict) -> None:
    t = live.town
    balances = live.http.get(paths.BALANCES.format(structure_id=t.structure_id), headers=staff,
                             params={"family_id": t.dubois_family}).json()
    wallet = balances["rows"][0]["wallet_id"]
    paid = live.http.post(paths.PAYMENTS, headers=staff, json={
        "family_id": t.dubois_family, "method": "cash", "allocations": {str(wallet): "12.50"}})
    assert paid.status_code == 201, paid.text
    assert paid.json()["amount"] == "12.50"
    receipt = live.http.get(paths.PAYMENT_RECEIPT_PDF.format(payment_id=paid.json()["payment_id"]),
                            headers=staff)
    assert receipt.content.startswith(b"%PDF")


def test_the_desk_transmits(live: Live, staff: dict, family: dict) -> None:
    refused = live.http.post(paths.TRANSMIT, headers=family)
    assert refused.status_code == 403
    answer = live.http.post(paths.TRANSMIT, headers=staff)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/x-ndjson"
    *progress, last = [json.loads(line) for line in answer.text.splitlines() if line]
    assert progress and all("progress" in line for line in progress)
    summary = codec.load(json.dumps(last["summary"]), TransmitSummary)
    assert summary.movements >= 2
    assert summary.structures == ["Mairie de Testville"]
    failures = live.http.get(paths.OUTBOX_FAILURES.format(structure_id=live.town.structure_id),
                             headers=staff)
    assert failures.status_code == 200
    assert failures.json() == []


def test_demo_accounts_are_empty_for_a_real_town(live: Live) -> None:
    assert live.http.get(paths.DEMO_ACCOUNTS).json() == []
