"""The synced gateway's money: "Soldes et paiements" (the card payment online too),
"Historiques" and their documents, the front desk's payments.

`SyncedMoneyMixin` is written against `SyncedGateway`'s `_call(...)`, `_document(...)` and
`_message(...)`. The online payment providers run on the server; the documents are made
there, dated by its clock in the structure's time zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from famdesk.models.enums import PaymentMethod
from famdesk.services.balances import BalanceView
from famdesk.services.histories import HistoryView
from famdesk.services.ledger import amount_cents
from famdesk.services.online_checkout import CheckoutOptions
from famdesk.services.online_outcomes import PaymentState
from famdesk.services.online_payments import OnlinePaymentStarted
from famdesk.services.payments import PaymentReceipt
from famdesk.ui.gateway_money import ExportFormat, HistoryDocument
from famdesk.wire import paths
from famdesk.wire.messages import (
    CancelPaymentRequest,
    MailedAnswer,
    OnlinePaymentRequest,
    PaymentRequest,
)

if TYPE_CHECKING:
    from pydantic import BaseModel


def euros(allocations: Mapping[int, Decimal | str]) -> dict[int, Decimal]:
    """wallet id -> euros as the desk typed them ("12,50 €" too), checked as the service
    checks them: the same French message for a bad amount, before anything is sent."""
    return {wallet_id: Decimal(amount_cents(amount, field=f"wallet_{wallet_id}",
                                            allow_zero=True)).scaleb(-2)
            for wallet_id, amount in allocations.items()}


class SyncedMoneyMixin:
    if TYPE_CHECKING:  # provided by SyncedGateway
        async def _call(self, method: str, path: str, answer: Any, *,
                        body: BaseModel | None = None, params: dict[str, Any] | None = None,
                        session: bool = True, timeout: float | None = None) -> Any: ...

        async def _document(self, path: str, params: dict[str, Any] | None = None) -> bytes: ...

        def _message(self, kind: Any, **fields: Any) -> Any: ...

    # -- "Soldes et paiements" ------------------------------------------------------------

    async def balances(self, structure_id: int, family_id: int | None = None,
                       until: date | None = None) -> BalanceView:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.BALANCES.format(structure_id=structure_id), BalanceView,
            params={"family_id": family_id, "until": until})

    async def checkout_options(self, structure_id: int,
                               family_id: int | None = None) -> CheckoutOptions:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.CHECKOUT_OPTIONS.format(structure_id=structure_id), CheckoutOptions,
            params={"family_id": family_id})

    async def start_online_payment(
        self, structure_id: int, family_id: int | None, allocations: Mapping[int, Decimal],
        email: str,
    ) -> OnlinePaymentStarted:
        body = self._message(OnlinePaymentRequest, family_id=family_id,
                             allocations=dict(allocations), email=email)
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.ONLINE_PAYMENTS.format(structure_id=structure_id),
            OnlinePaymentStarted, body=body)

    async def online_payment_state(self, payment_id: int) -> PaymentState:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.ONLINE_PAYMENT_STATE.format(payment_id=payment_id), PaymentState)

    # -- "Historiques" ----------------------------------------------------------------------

    async def history(self, structure_id: int, family_id: int | None = None,
                      year: int | None = None, month: int | None = None) -> HistoryView:
        return await self._call(  # type: ignore[no-any-return]
            "GET", paths.HISTORY.format(structure_id=structure_id), HistoryView,
            params={"family_id": family_id, "year": year, "month": month})

    async def history_pdf(self, structure_id: int, family_id: int | None, year: int,
                          month: int | None, document: HistoryDocument) -> bytes:
        return await self._document(
            paths.HISTORY_PDF.format(structure_id=structure_id),
            {"family_id": family_id, "year": year, "month": month,
             "document": HistoryDocument(document).value})

    async def history_export(self, structure_id: int, family_id: int | None, year: int,
                             month: int | None, fmt: ExportFormat) -> bytes:
        return await self._document(
            paths.HISTORY_EXPORT.format(structure_id=structure_id),
            {"family_id": family_id, "year": year, "month": month,
             "format": ExportFormat(fmt).value})

    async def mail_history(self, structure_id: int, family_id: int | None, year: int,
                           month: int | None) -> str:
        answer = await self._call(
            "POST", paths.HISTORY_MAIL.format(structure_id=structure_id), MailedAnswer,
            params={"family_id": family_id, "year": year, "month": month})
        return answer.masked_email  # type: ignore[no-any-return]

    # -- the front desk -----------------------------------------------------------------------

    async def record_payment(
        self, family_id: int, method: PaymentMethod, allocations: Mapping[int, Decimal | str],
        *, cheque_number: str | None = None, bank: str | None = None,
        paid_on: date | None = None,
    ) -> PaymentReceipt:
        body = self._message(PaymentRequest, family_id=family_id, method=method,
                             allocations=euros(allocations), cheque_number=cheque_number,
                             bank=bank, paid_on=paid_on)
        return await self._call("POST", paths.PAYMENTS, PaymentReceipt, body=body)  # type: ignore[no-any-return]

    async def cancel_payment(self, payment_id: int, reason: str) -> PaymentReceipt:
        return await self._call(  # type: ignore[no-any-return]
            "POST", paths.PAYMENT_CANCEL.format(payment_id=payment_id), PaymentReceipt,
            body=self._message(CancelPaymentRequest, reason=reason))

    async def receipt_pdf(self, payment_id: int) -> bytes:
        return await self._document(paths.PAYMENT_RECEIPT_PDF.format(payment_id=payment_id))

    async def statement_pdf(self, structure_id: int, family_id: int | None, year: int) -> bytes:
        return await self._document(paths.STATEMENT_PDF.format(structure_id=structure_id),
                                    {"family_id": family_id, "year": year})

    async def attestation_pdf(self, structure_id: int, family_id: int | None,
                              year: int) -> bytes:
        return await self._document(paths.ATTESTATION_PDF.format(structure_id=structure_id),
                                    {"family_id": family_id, "year": year})
