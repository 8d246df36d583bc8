"""PayFiP, the public treasury's payment service for local authorities: famdesk's own client
of its SOAP web service ("PayFiP Régie Web-service"). The protocol's facts are gathered in
the project's ``payfip.md``.

- `start`: creerPaiementSecurise -> an idOp; the payer goes to
  ``https://www.payfip.gouv.fr/tpa/paiementws.web?idop=<idOp>``, usable for 15 minutes.
- `status`: recupererDetailPaiementSecurise by idOp. ``resultrans`` P (card) or V (direct
  debit) is paid, R or Z refused, A abandoned; the fault P5 means "not known yet" and P1
  "no such idOp" (final). PayFiP's notification to ``urlnotif`` carries no result, so famdesk
  always asks.
- The ``Tech*`` faults, HTTP errors and timeouts are `ProviderUnavailableError` (try again);
  ``FonctionnelleErreur`` is `ProviderRejectedError` (final), except P5 and P1 above.

SOAP 1.1, document/literal, built with the standard library's ElementTree and sent with
httpx. No WSDL is needed at run time: the two requests are built here.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlsplit

import httpx

from famdesk.clock import PARIS, Clock, SystemClock
from famdesk.models.online import PayfipMode
from famdesk.services.payment_providers import (
    PaymentRequest,
    ProviderRejectedError,
    ProviderResult,
    ProviderState,
    ProviderUnavailableError,
    StartedPayment,
)

log = logging.getLogger(__name__)

ENDPOINT = "https://www.payfip.gouv.fr/tpa/services/securite"
PAGE_URL = "https://www.payfip.gouv.fr/tpa/paiementws.web"
NAMESPACE = (
    "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService"
)
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"

PAGE_LIFETIME = timedelta(minutes=15)
"""An idOp can be used for 15 minutes."""
GRACE = timedelta(minutes=5)
"""P5 ("not known yet") counts as waiting for 20 minutes after creation, then as expired."""
MINIMUM_CENTS = 100
MAXIMUM_CENTS = 10_000_000
"""1 € to 100,000 € (famdesk itself takes at most 10,000 € a payment)."""

PAID_CODES = frozenset("PV")
REFUSED_CODES = frozenset("RZ")
ABANDONED_CODE = "A"
PENDING_FAULT = "P5"
UNKNOWN_FAULT = "P1"

_NUMCLI = re.compile(r"[0-9]{6}")
_REFDET = re.compile(r"[A-Za-z0-9]{6,30}")
_OBJET_MAX = 100
_MEL_MIN, _MEL_MAX = 6, 80
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def normalize_objet(text: str) -> str:
    """PayFiP's ``objet``: ASCII letters, digits and single spaces, at most 100 characters
    ("Famille Lefèvre – août" -> "Famille Lefevre aout")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    kept = "".join(c if c.isascii() and c.isalnum() else " " for c in ascii_only)
    return " ".join(kept.split())[:_OBJET_MAX].rstrip()


@dataclass(frozen=True)
class PayfipFault:
    """A SOAP fault of the service: its kind (``FonctionnelleErreur``, ``Tech...``) and code."""

    kind: str
    code: str
    libelle: str

    @property
    def is_functional(self) -> bool:
        return self.kind == "FonctionnelleErreur"

    def text(self) -> str:
        return f"PayFiP {self.kind} {self.code}: {self.libelle}".strip()


class PayfipProvider:
    """One régie's PayFiP (its ``numcli`` and ``saisie`` mode)."""

    minimum_cents = MINIMUM_CENTS
    grace = GRACE

    def __init__(
        self,
        numcli: str,
        *,
        mode: PayfipMode | str = PayfipMode.TEST,
        notify_url: str,
        return_url: str,
        endpoint: str = ENDPOINT,
        page_url: str = PAGE_URL,
        clock: Clock | None = None,
        timeout: float = 20.0,
        name: str = "payfip",
    ) -> None:
        if not _NUMCLI.fullmatch(numcli or ""):
            raise ValueError("PayFiP's numcli is 6 digits")
        for url in (notify_url, return_url, endpoint, page_url):
            if not _absolute(url):
                raise ValueError(f"not an absolute URL: {url!r}")
        self.numcli = numcli
        self.mode = PayfipMode(mode)
        self.notify_url = notify_url
        self.return_url = return_url
        self.endpoint = endpoint
        self.page_url = page_url
        self.clock = clock or SystemClock()
        self.name = name
        self._http = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)))

    def close(self) -> None:
        self._http.close()

    # -- the provider ---------------------------------------------------------------

    def start(self, payment: PaymentRequest) -> StartedPayment:
        answer = self.call("creerPaiementSecurise", self.request_fields(payment))
        id_op = (answer.get("idOp") or "").strip()
        if not id_op or len(id_op) > 64:
            raise ProviderUnavailableError(f"PayFiP answered without a usable idOp: {id_op!r}")
        log.info("PayFiP: payment %s opened as idOp %s", payment.payment_id, id_op)
        return StartedPayment(
            reference=id_op,
            page_url=f"{self.page_url}?idop={quote(id_op, safe='')}",
            expires_at=self.clock.now() + PAGE_LIFETIME,
        )

    def status(self, reference: str) -> ProviderResult:
        try:
            answer = self._call("recupererDetailPaiementSecurise", {"idOp": reference})
        except _Fault as fault:
            if fault.fault.code == PENDING_FAULT:
                return ProviderResult(ProviderState.PENDING)
            if fault.fault.code == UNKNOWN_FAULT:
                return ProviderResult(ProviderState.UNKNOWN)
            raise _final(fault.fault) from None
        echoed = (answer.get("idOp") or reference).strip()
        if echoed != reference:
            raise ProviderRejectedError(f"PayFiP answered for idOp {echoed!r}, not {reference!r}")
        code = (answer.get("resultrans") or "").strip().upper()
        if code in PAID_CODES:
            montant = (answer.get("montant") or "").strip()
            return ProviderResult(
                ProviderState.PAID,
                amount_cents=int(montant) if montant.isdigit() else None,
                authorisation=(answer.get("numauto") or "").strip() or None,
                paid_at=paid_instant(answer.get("dattrans"), answer.get("heurtrans")),
            )
        if code in REFUSED_CODES:
            return ProviderResult(ProviderState.REFUSED)
        if code == ABANDONED_CODE:
            return ProviderResult(ProviderState.ABANDONED)
        raise ProviderRejectedError(f"PayFiP answered an unexpected resultrans {code!r}")

    def client_labels(self) -> tuple[str, ...]:
        """The régie's names as PayFiP knows its numcli (recupererDetailClient): checks the
        settings."""
        answer = self.call("recupererDetailClient", {"numCli": self.numcli})
        return tuple(
            label for key in ("libelleN1", "libelleN2", "libelleN3")
            if (label := (answer.get(key) or "").strip())
        )

    # -- the request ----------------------------------------------------------------

    def request_fields(self, payment: PaymentRequest) -> dict[str, str]:
        """creerPaiementSecurise's ``arg0``, in the schema's order, checked before sending."""
        if not _REFDET.fullmatch(payment.attempt_reference):
            raise ProviderRejectedError("refdet: 6-30 letters and digits", code="R3")
        email = payment.email.strip()
        if not (_MEL_MIN <= len(email) <= _MEL_MAX and "@" in email):
            raise ProviderRejectedError("mel: 6-80 characters with an @", code="A2", field="email")
        if not MINIMUM_CENTS <= payment.amount_cents <= MAXIMUM_CENTS:
            raise ProviderRejectedError(
                f"montant {payment.amount_cents} out of range", code="M3", field="amount"
            )
        if not 1000 <= payment.year <= 9999:
            raise ProviderRejectedError(f"exer {payment.year} is not a year")
        return {
            "exer": str(payment.year),
            "mel": email,
            "montant": str(payment.amount_cents),
            "numcli": self.numcli,
            "objet": normalize_objet(payment.label),
            "refdet": payment.attempt_reference,
            "saisie": self.mode.value,
            "urlnotif": self.notify_url,
            "urlredirect": self.return_url,
        }

    # -- SOAP -----------------------------------------------------------------------

    def call(self, operation: str, fields: Mapping[str, str]) -> dict[str, str]:
        """The fields of the answer's ``return``; every fault of the service is an error
        (`ProviderRejectedError` for a ``FonctionnelleErreur``)."""
        try:
            return self._call(operation, fields)
        except _Fault as fault:
            raise _final(fault.fault) from None

    def _call(self, operation: str, fields: Mapping[str, str]) -> dict[str, str]:
        """The fields of the answer's ``return``; raises `_Fault` for a SOAP fault of the
        service, `ProviderUnavailableError` for anything technical."""
        try:
            response = self._http.post(
                self.endpoint,
                content=envelope(operation, fields),
                headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'},
            )
        except httpx.HTTPError as exc:
            log.warning("PayFiP %s: %s", operation, type(exc).__name__)
            raise ProviderUnavailableError(f"PayFiP {operation}: {type(exc).__name__}: {exc}") from exc
        try:
            body = ET.fromstring(response.content)
        except ET.ParseError:
            body = None
        fault = parse_fault(body) if body is not None else None
        if fault is not None:
            log.info("PayFiP %s: %s", operation, fault.text())
            if not fault.is_functional:
                raise ProviderUnavailableError(fault.text(), code=fault.code)
            raise _Fault(fault)
        if response.status_code >= 300 or body is None:
            raise ProviderUnavailableError(f"PayFiP {operation}: HTTP {response.status_code}")
        answer = _find(body, "return")
        if answer is None:
            raise ProviderUnavailableError(f"PayFiP {operation}: no <return> in the answer")
        return {_local(child.tag): (child.text or "") for child in answer}


class _Fault(Exception):
    def __init__(self, fault: PayfipFault) -> None:
        super().__init__(fault.text())
        self.fault = fault


def _final(fault: PayfipFault) -> ProviderRejectedError:
    field = {"A": "email", "M": "amount"}.get(fault.code[:1])
    return ProviderRejectedError(fault.text(), code=fault.code, field=field)


def envelope(operation: str, fields: Mapping[str, str]) -> bytes:
    """A SOAP 1.1 request: ``<operation><arg0><field>...</field></arg0></operation>`` (the
    operation in the service's namespace, its fields unqualified)."""
    root = ET.Element(f"{{{SOAP_ENV}}}Envelope")
    body = ET.SubElement(root, f"{{{SOAP_ENV}}}Body")
    call = ET.SubElement(body, f"{{{NAMESPACE}}}{operation}")
    arg = ET.SubElement(call, "arg0")
    for name, value in fields.items():
        ET.SubElement(arg, name).text = value
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def parse_fault(root: ET.Element) -> PayfipFault | None:
    """The service's fault in a SOAP answer, if it is one."""
    fault = _find(root, "Fault")
    if fault is None:
        return None
    detail = _find(fault, "detail")
    error = next(iter(detail), None) if detail is not None else None
    if error is not None:
        values = {_local(child.tag): (child.text or "").strip() for child in error}
        return PayfipFault(_local(error.tag), values.get("code", ""), values.get("libelle", ""))
    # no detail: the fault's class name ends the faultstring
    faultstring = _find(fault, "faultstring")
    text = (faultstring.text or "") if faultstring is not None else ""
    return PayfipFault(text.rsplit(".", 1)[-1].strip() or "Fault", "", "")


def paid_instant(dattrans: str | None, heurtrans: str | None) -> datetime | None:
    """``dattrans`` DDMMYYYY and ``heurtrans`` HHMM, Paris time, as an instant in UTC."""
    try:
        local = datetime.strptime(f"{dattrans or ''}{heurtrans or ''}".strip(), "%d%m%Y%H%M")
    except ValueError:
        return None
    return local.replace(tzinfo=PARIS).astimezone(UTC)


def _find(root: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in root.iter() if _local(e.tag) == name), None)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _absolute(url: str) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.netloc)
