"""A fake PayFiP web service on loopback, answering like the real one (payfip.md sections 3-6).

- ``creerPaiementSecurise`` checks the fields and answers a new idOp (a 36-character UUID),
  or a ``FonctionnelleErreur``: R3 bad refdet, A1/A2 missing or bad mel, M1/M3/M5 amount
  not in cents / under 1 € / over the limit, T1/T2 bad or unknown numcli, S1 saisie, N1/D1
  the URLs. R3, A2 (and P1, P5 below) are confirmed from the real server; the others come
  from an unverified list. Where no code is known at all (a repeated refdet, a bad objet or
  exer) the fake answers ``XX``.
- ``recupererDetailPaiementSecurise`` (``arg0/idOp``, capital O: ``idop`` gets P1) plays a
  script per idOp, one step per call, the last step repeating: "P5" (fault: not known yet),
  "P1" (fault: unknown idOp), "TECH" (a TechIndisponibiliteErreur), or a ``resultrans``:
  "P" or "V" paid (with dattrans DDMMYYYY, heurtrans HHMM in Paris time, numauto and the
  montant echoed), "R" or "Z" refused, "A" abandoned. An idOp never scripted answers P5.
- ``recupererDetailClient`` answers the régie's labels for a known numcli.

Switches: `tech_faults` (the next N calls, of any operation, answer a Tech fault),
`http_errors` (the next N answer HTTP 503 with an HTML page), `delay` (seconds to wait
before answering), `reported_amounts` (idOp -> montant to echo instead of the real one).
Every request is kept in `requests` as (operation, fields).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from famdesk.clock import PARIS, Clock

NAMESPACE = (
    "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService"
)
SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SERVICE_PATH = "/tpa/services/securite"
PAGE_PATH = "/tpa/paiementws.web"
NUMCLI = "123456"

_REFDET = re.compile(r"[A-Za-z0-9]{6,30}")
_OBJET = re.compile(r"[A-Za-z0-9 ]{0,100}")
_URL = re.compile(r"https?://[^/\s]+(/\S*)?")


@dataclass
class Operation:
    id_op: str
    fields: dict[str, str]
    script: list[str] = field(default_factory=lambda: ["P5"])
    numauto: str = ""
    calls: int = 0


class FakePayfip:
    def __init__(self, *, numclis: tuple[str, ...] = (NUMCLI,), clock: Clock | None = None):
        self.numclis = set(numclis)
        self.clock = clock
        self.operations: dict[str, Operation] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.tech_faults = 0
        self.http_errors = 0
        self.delay = 0.0
        self.reported_amounts: dict[str, int] = {}
        self._refdets: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- running ------------------------------------------------------------------------

    def start(self) -> FakePayfip:
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        httpd.daemon_threads = True
        httpd.fake = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakePayfip:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def endpoint(self) -> str:
        return self.base_url + SERVICE_PATH

    @property
    def page_url(self) -> str:
        return self.base_url + PAGE_PATH

    # -- scripting ----------------------------------------------------------------------

    def script(self, id_op: str, *steps: str) -> None:
        """What the next lookups of `id_op` answer, one step per call (the last repeats)."""
        with self._lock:
            self.operations[id_op].script = list(steps)

    @property
    def last_id_op(self) -> str:
        return list(self.operations)[-1]

    def calls(self, operation: str) -> list[dict[str, str]]:
        return [fields for name, fields in self.requests if name == operation]

    # -- answering ----------------------------------------------------------------------

    def answer(self, operation: str, arg: dict[str, str]) -> tuple[int, str]:
        with self._lock:
            self.requests.append((operation, dict(arg)))
            if self.tech_faults > 0:
                self.tech_faults -= 1
                return fault("TechIndisponibiliteErreur", "T0", "Service momentanément indisponible")
            if operation == "creerPaiementSecurise":
                return self._create(arg)
            if operation == "recupererDetailPaiementSecurise":
                return self._detail(arg)
            if operation == "recupererDetailClient":
                if arg.get("numCli") not in self.numclis:
                    return fault("FonctionnelleErreur", "T2", "NUMCLI inconnu")
                return ok(operation, {"libelleN1": "MAIRIE DE TESTVILLE", "libelleN2": "REGIE PERISCOLAIRE",
                                      "libelleN3": "", "numcli": arg["numCli"]})
            return 500, _envelope("<S:Fault><faultcode>S:Client</faultcode>"
                                  f"<faultstring>Cannot find dispatch method for {escape(operation)}"
                                  "</faultstring></S:Fault>")

    def _create(self, arg: dict[str, str]) -> tuple[int, str]:
        numcli, refdet, mel = arg.get("numcli", ""), arg.get("refdet", ""), arg.get("mel", "")
        montant = arg.get("montant", "")
        checks = [
            (not re.fullmatch(r"[0-9]{6}", numcli), "T1", "NUMCLI incorrect"),
            (numcli not in self.numclis, "T2", "NUMCLI inconnu"),
            (not re.fullmatch(r"[0-9]{4}", arg.get("exer", "")), "XX", "EXER incorrect"),
            (not _REFDET.fullmatch(refdet), "R3", "Le format du paramètre REFDET n'est pas conforme"),
            ((numcli, refdet) in self._refdets, "XX", "REFDET déjà utilisé"),
            (not mel, "A1", "Adresse mel absente"),
            (not (6 <= len(mel) <= 80 and "@" in mel), "A2", "Adresse mel incorrecte"),
            (not montant.isdigit(), "M1", "Montant incorrect"),
            (montant.isdigit() and int(montant) < 100, "M3", "Montant inférieur au minimum"),
            (montant.isdigit() and int(montant) > 10_000_000, "M5", "Montant supérieur au maximum"),
            (not _OBJET.fullmatch(arg.get("objet", "")), "XX", "OBJET incorrect"),
            (arg.get("saisie") not in ("T", "X", "W"), "S1", "SAISIE incorrecte"),
            (not _URL.fullmatch(arg.get("urlnotif", "")), "N1", "URLNOTIF incorrecte"),
            (not _URL.fullmatch(arg.get("urlredirect", "")), "D1", "URLREDIRECT incorrecte"),
        ]
        for failed, code, label in checks:
            if failed:
                return fault("FonctionnelleErreur", code, label)
        self._refdets.add((numcli, refdet))
        id_op = str(uuid.uuid4())
        self.operations[id_op] = Operation(id_op, dict(arg), numauto=f"{uuid.uuid4().int % 10**6:06d}")
        return ok("creerPaiementSecurise", {"idOp": id_op})

    def _detail(self, arg: dict[str, str]) -> tuple[int, str]:
        if "idOp" not in arg:  # the element's name is case-sensitive: idop is not idOp
            return fault("FonctionnelleErreur", "P1", "IdOp incorrect")
        operation = self.operations.get(arg["idOp"])
        if operation is None:
            return fault("FonctionnelleErreur", "P1", "IdOp incorrect")
        operation.calls += 1
        step = operation.script.pop(0) if len(operation.script) > 1 else operation.script[0]
        if step == "P5":
            return fault("FonctionnelleErreur", "P5", "Résultat de la transaction non connu")
        if step == "P1":
            return fault("FonctionnelleErreur", "P1", "IdOp incorrect")
        if step == "TECH":
            return fault("TechIndisponibiliteErreur", "T0", "Service momentanément indisponible")
        now = (self.clock.now() if self.clock else datetime.now(UTC)).astimezone(PARIS)
        sent = operation.fields
        paid = step in ("P", "V")
        return ok("recupererDetailPaiementSecurise", {
            "dattrans": now.strftime("%d%m%Y"),
            "exer": sent["exer"],
            "heurtrans": now.strftime("%H%M"),
            "idOp": operation.id_op,
            "mel": sent["mel"],
            "montant": str(self.reported_amounts.get(operation.id_op, sent["montant"])),
            "numauto": operation.numauto if paid else "",
            "numcli": sent["numcli"],
            "objet": sent["objet"],
            "refdet": sent["refdet"],
            "resultrans": step,
            "saisie": sent["saisie"],
        })


def _envelope(body: str) -> str:
    return ("<?xml version='1.0' encoding='UTF-8'?>"
            f"<S:Envelope xmlns:S=\"{SOAP_ENV}\"><S:Body>{body}</S:Body></S:Envelope>")


def ok(operation: str, fields: dict[str, str]) -> tuple[int, str]:
    inner = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in fields.items())
    return 200, _envelope(f"<ns2:{operation}Response xmlns:ns2=\"{NAMESPACE}\">"
                          f"<return>{inner}</return></ns2:{operation}Response>")


def fault(kind: str, code: str, libelle: str) -> tuple[int, str]:
    return 500, _envelope(
        "<S:Fault><faultcode>S:Server</faultcode>"
        f"<faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.{kind}</faultstring>"
        f"<detail><ns2:{kind} xmlns:ns2=\"{NAMESPACE}\"><code>{code}</code>"
        f"<descriptif>{escape(libelle)}</descriptif><libelle>{escape(libelle)}</libelle>"
        f"<message>{escape(libelle)}</message><severite>2</severite></ns2:{kind}></detail>"
        "</S:Fault>")


class _Handler(BaseHTTPRequestHandler):
    @property
    def fake(self) -> FakePayfip:
        return self.server.fake  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:  # noqa: N802
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.fake.delay:
            time.sleep(self.fake.delay)
        if self._http_error():
            return
        if urlsplit(self.path).path != SERVICE_PATH:
            return self._send(404, "text/html", "<html><body>Not found</body></html>")
        try:
            root = ET.fromstring(raw)
            body = next(e for e in root if e.tag == f"{{{SOAP_ENV}}}Body")
            call = next(iter(body))
            arg = next(e for e in call if e.tag == "arg0")  # unqualified, as in the schema
        except (ET.ParseError, StopIteration):
            return self._send(500, "text/xml", _envelope(
                "<S:Fault><faultcode>S:Client</faultcode><faultstring>Bad request</faultstring>"
                "</S:Fault>"))
        operation = call.tag.removeprefix(f"{{{NAMESPACE}}}")
        fields = {child.tag: (child.text or "") for child in arg}
        status, text = self.fake.answer(operation, fields)
        self._send(status, "text/xml; charset=utf-8", text)

    def do_GET(self) -> None:  # noqa: N802
        if self._http_error():
            return
        parts = urlsplit(self.path)
        id_op = parse_qs(parts.query).get("idop", [""])[0]
        if parts.path == PAGE_PATH and id_op in self.fake.operations:
            return self._send(200, "text/html; charset=utf-8",
                              f"<html><body>Paiement {escape(id_op)}</body></html>")
        self._send(404, "text/html", "<html><body>Not found</body></html>")

    def _http_error(self) -> bool:
        with self.fake._lock:
            if self.fake.http_errors <= 0:
                return False
            self.fake.http_errors -= 1
        self._send(503, "text/html", "<html><body>Service Unavailable</body></html>")
        return True

    def _send(self, status: int, content_type: str, text: str) -> None:
        payload = text.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)
