"""Money: "Soldes et paiements" (balances, card payments online), "Historiques" and their
documents, and the front desk's payments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query
from fastapi.responses import Response

from famdesk.server.context import CallerDep, PathId, QueryId, ServerDep, reply
from famdesk.server.errors import ERROR_RESPONSES
from famdesk.services import histories, online_checkout, payments, statements
from famdesk.services.auth import SessionInfo
from famdesk.services.balances import BalanceView, balances
from famdesk.services.histories import HistoryView
from famdesk.services.history_mail import mail_history
from famdesk.services.online_checkout import CheckoutOptions
from famdesk.services.online_outcomes import PaymentState
from famdesk.services.online_payments import OnlinePaymentStarted
from famdesk.services.payments import PaymentReceipt
from famdesk.services.reports import history_export, history_pdf, receipt_pdf, statement_pdf
from famdesk.services.uow import UnitOfWork
from famdesk.wire import paths
from famdesk.wire.messages import (
    CancelPaymentRequest,
    Day,
    ExportFormat,
    HistoryDocument,
    MailedAnswer,
    OnlinePaymentRequest,
    PaymentRequest,
    Year,
)

router = APIRouter(responses=ERROR_RESPONSES, tags=["money"])

PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "a PDF document"}}
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT: dict[int | str, dict[str, Any]] = {200: {"content": {CSV: {}, XLSX: {}}, "description": "the history as a table"}}
YearQuery = Annotated[Year, Query()]
MonthQuery = Annotated[int | None, Query(ge=1, le=12)]


def _now_in(server: ServerDep, session: SessionInfo, structure_id: int) -> datetime:
    """Now in the structure's time zone (a document's date)."""
    zone = ZoneInfo(session.structure(structure_id).timezone)
    return server.clock.now().astimezone(zone)


def _pdf(data: bytes) -> Response:
    return Response(data, media_type="application/pdf")


# -- "Soldes et paiements" ------------------------------------------------------------------------


@router.get(paths.BALANCES, response_model=BalanceView)
def get_balances(structure_id: PathId, caller: CallerDep, server: ServerDep,
                 family_id: QueryId = None,
                 until: Annotated[Day | None, Query()] = None) -> Response:
    """The family's balances per wallet; the estimated cost counts bookings up to `until`."""
    view = server.run(lambda uow: balances(
        uow, server.clock, caller.session, structure_id, family_id, until))
    return reply(view, BalanceView)


@router.get(paths.CHECKOUT_OPTIONS, response_model=CheckoutOptions)
def checkout_options(structure_id: PathId, caller: CallerDep, server: ServerDep,
                     family_id: QueryId = None) -> Response:
    options = server.run(lambda uow: online_checkout.checkout_options(
        uow, caller.session, structure_id, family_id))
    return reply(options, CheckoutOptions)


@router.post(paths.ONLINE_PAYMENTS, response_model=OnlinePaymentStarted, status_code=201)
def start_online_payment(structure_id: PathId, body: OnlinePaymentRequest, caller: CallerDep,
                         server: ServerDep) -> Response:
    """Open a payment page (while one is pending, the same page again)."""
    started = server.run(lambda uow: online_checkout.start_payment(
        uow, server.clock, caller.session, structure_id, body.family_id,
        dict(body.allocations), server.providers, email=body.email, terminal=caller.terminal),
        write=True)
    return reply(started, OnlinePaymentStarted, 201)


@router.post(paths.ONLINE_PAYMENT_STATE, response_model=PaymentState)
def online_payment_state(payment_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    """Ask the provider what became of the payment (credited once when paid)."""
    state = server.run(lambda uow: online_checkout.payment_state(
        uow, server.clock, caller.session, payment_id, server.providers,
        terminal=caller.terminal), write=True)
    return reply(state, PaymentState)


# -- "Historiques" ----------------------------------------------------------------------------------


@router.get(paths.HISTORY, response_model=HistoryView)
def get_history(structure_id: PathId, caller: CallerDep, server: ServerDep,
                family_id: QueryId = None,
                year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
                month: MonthQuery = None) -> Response:
    """A month (no year nor month: this month), or a whole year (no month)."""
    view = server.run(lambda uow: histories.history(
        uow, server.clock, caller.session, structure_id, family_id, year=year, month=month))
    return reply(view, HistoryView)


@router.get(paths.HISTORY_PDF, response_class=Response, responses=PDF)
def get_history_pdf(structure_id: PathId, year: YearQuery, document: HistoryDocument,
                    caller: CallerDep, server: ServerDep, family_id: QueryId = None,
                    month: MonthQuery = None) -> Response:
    session = caller.session
    make = (history_pdf.consumption_history_pdf if document == "consumptions"
            else history_pdf.payment_history_pdf)

    def work(uow: UnitOfWork) -> bytes:
        view = histories.history(uow, server.clock, session, structure_id, family_id,
                                 year=year, month=month)
        return make(view, _now_in(server, session, structure_id))

    return _pdf(server.run(work))


@router.get(paths.HISTORY_EXPORT, response_class=Response, responses=EXPORT)
def get_history_export(structure_id: PathId, year: YearQuery, format: ExportFormat,  # noqa: A002
                       caller: CallerDep, server: ServerDep, family_id: QueryId = None,
                       month: MonthQuery = None) -> Response:
    make = history_export.history_csv if format == "csv" else history_export.history_xlsx
    data = server.run(lambda uow: make(histories.history(
        uow, server.clock, caller.session, structure_id, family_id, year=year, month=month)))
    return Response(data, media_type=CSV if format == "csv" else XLSX)


@router.post(paths.HISTORY_MAIL, response_model=MailedAnswer)
def post_history_mail(structure_id: PathId, year: YearQuery, caller: CallerDep,
                      server: ServerDep, family_id: QueryId = None,
                      month: MonthQuery = None) -> Response:
    """E-mail the history to the family; the address it went to, masked."""
    masked = server.run(lambda uow: mail_history(
        uow, server.clock, caller.session, structure_id, family_id, year=year, month=month,
        mailers=server.mailers, terminal=caller.terminal), write=True)
    return reply(MailedAnswer(masked_email=masked), MailedAnswer)


@router.get(paths.STATEMENT_PDF, response_class=Response, responses=PDF)
def get_statement_pdf(structure_id: PathId, year: YearQuery, caller: CallerDep,
                      server: ServerDep, family_id: QueryId = None) -> Response:
    """The annual statement ("relevé annuel") of `year`."""
    session = caller.session

    def work(uow: UnitOfWork) -> bytes:
        statement = statements.annual_statement(uow, server.clock, session, structure_id,
                                                family_id, year=year)
        return statement_pdf.statement_pdf(statement, _now_in(server, session, structure_id))

    return _pdf(server.run(work))


@router.get(paths.ATTESTATION_PDF, response_class=Response, responses=PDF)
def get_attestation_pdf(structure_id: PathId, year: YearQuery, caller: CallerDep,
                        server: ServerDep, family_id: QueryId = None) -> Response:
    """The "attestation de frais de garde" of `year`."""
    session = caller.session

    def work(uow: UnitOfWork) -> bytes:
        attestation = statements.childcare_attestation(uow, server.clock, session,
                                                       structure_id, family_id, year=year)
        return statement_pdf.attestation_pdf(attestation, _now_in(server, session, structure_id))

    return _pdf(server.run(work))


# -- the front desk's payments ---------------------------------------------------------------------


@router.post(paths.PAYMENTS, response_model=PaymentReceipt, status_code=201)
def record_payment(body: PaymentRequest, caller: CallerDep, server: ServerDep) -> Response:
    """A payment made at the desk (staff); `allocations`: wallet id -> euros."""
    paid_on: date | None = body.paid_on
    receipt = server.run(lambda uow: payments.record_payment(
        uow, server.clock, caller.session, body.family_id, body.method, dict(body.allocations),
        cheque_number=body.cheque_number, bank=body.bank, paid_on=paid_on,
        terminal=caller.terminal), write=True)
    return reply(receipt, PaymentReceipt, 201)


@router.get(paths.PAYMENT_RECEIPT, response_model=PaymentReceipt)
def get_receipt(payment_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    receipt = server.run(lambda uow: payments.receipt(uow, caller.session, payment_id))
    return reply(receipt, PaymentReceipt)


@router.get(paths.PAYMENT_RECEIPT_PDF, response_class=Response, responses=PDF)
def get_receipt_pdf(payment_id: PathId, caller: CallerDep, server: ServerDep) -> Response:
    session = caller.session

    def work(uow: UnitOfWork) -> bytes:
        receipt = payments.receipt(uow, session, payment_id)
        return receipt_pdf.receipt_pdf(receipt, _now_in(server, session, receipt.structure_id))

    return _pdf(server.run(work))


@router.post(paths.PAYMENT_CANCEL, response_model=PaymentReceipt)
def cancel_payment(payment_id: PathId, body: CancelPaymentRequest, caller: CallerDep,
                   server: ServerDep) -> Response:
    """Undo a desk payment by counter-entries (staff; the reason is required)."""
    receipt = server.run(lambda uow: payments.cancel_payment(
        uow, server.clock, caller.session, payment_id, body.reason, terminal=caller.terminal),
        write=True)
    return reply(receipt, PaymentReceipt)
