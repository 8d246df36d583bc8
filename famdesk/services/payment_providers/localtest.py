"""famdesk's local test provider: a payment page on 127.0.0.1 with two buttons, "Pay" and
"Refuse", for the demo and the tests. No money moves.

`LocalTestServer` runs in a thread on a free loopback port and keeps every payment's
outcome itself. `LocalTestProvider` is the famdesk side: it opens payments and reads their
outcome from the server's own state, over HTTP, like any provider. The page's buttons are
the only way to decide a payment; the return page (``/return``) only says "you may close
this window": a forged return, whatever reference or result it carries, changes nothing.

The server's API (JSON): ``POST /api/payments`` opens a payment, ``GET /api/payments/<ref>``
tells its state (404: unknown reference).
"""

from __future__ import annotations

import html
import json
import logging
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import httpx

from famdesk.clock import Clock, SystemClock
from famdesk.i18n import _
from famdesk.services.formatting import money
from famdesk.services.payment_providers import (
    PaymentRequest,
    ProviderRejectedError,
    ProviderResult,
    ProviderState,
    ProviderUnavailableError,
    StartedPayment,
)

log = logging.getLogger(__name__)

PAGE_LIFETIME = timedelta(minutes=15)
_ATTEMPT = re.compile(r"[A-Za-z0-9]{6,30}")
_REFERENCE = re.compile(r"LT[0-9a-f]{32}")


@dataclass
class _Payment:
    reference: str
    attempt_reference: str
    amount_cents: int
    label: str
    created_at: datetime
    expires_at: datetime
    state: ProviderState = ProviderState.PENDING
    authorisation: str | None = None
    paid_at: datetime | None = None


class LocalTestServer:
    """The test payment page and its API on ``http://127.0.0.1:<free port>``.

    Switches for the tests: `outage` (the next N API calls answer 503) and
    `reported_amounts` (reference -> the amount the API reports as paid, to fake a
    provider that disagrees).
    """

    def __init__(self, clock: Clock | None = None, *, page_lifetime: timedelta = PAGE_LIFETIME):
        self.clock = clock or SystemClock()
        self.page_lifetime = page_lifetime
        self.outage = 0
        self.reported_amounts: dict[str, int] = {}
        self._payments: dict[str, _Payment] = {}
        self._attempts: set[str] = set()
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- running ----------------------------------------------------------------------

    def start(self) -> LocalTestServer:
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        httpd.daemon_threads = True
        httpd.owner = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, args=(0.05,), name="famdesk-localtest-payments", daemon=True
        )
        self._thread.start()
        log.info("local test payment page on %s", self.base_url)
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LocalTestServer:
        return self.start() if self._httpd is None else self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the local test payment server is not running")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def page_url(self, reference: str) -> str:
        return f"{self.base_url}/pay/{quote(reference, safe='')}"

    @property
    def return_url(self) -> str:
        return f"{self.base_url}/return"

    # -- the payments' state (server side) ---------------------------------------------

    def open(self, attempt_reference: str, amount_cents: int, label: str) -> _Payment:
        now = self.clock.now()
        with self._lock:
            if attempt_reference in self._attempts:
                raise ValueError("this attempt reference was already used")
            self._attempts.add(attempt_reference)
            payment = _Payment(
                reference="LT" + secrets.token_hex(16), attempt_reference=attempt_reference,
                amount_cents=amount_cents, label=label, created_at=now,
                expires_at=now + self.page_lifetime,
            )
            self._payments[payment.reference] = payment
        return payment

    def decide(self, reference: str, pay: bool) -> ProviderState | None:
        """The page's buttons: pay or refuse a payment still open. Returns its state after
        (None: no such payment)."""
        with self._lock:
            payment = self._payments.get(reference)
            if payment is None:
                return None
            self._expire(payment)
            if payment.state is ProviderState.PENDING:
                if pay:
                    payment.state = ProviderState.PAID
                    payment.paid_at = self.clock.now()
                    payment.authorisation = f"{secrets.randbelow(10**6):06d}"
                else:
                    payment.state = ProviderState.REFUSED
            return payment.state

    def lookup(self, reference: str) -> _Payment | None:
        with self._lock:
            payment = self._payments.get(reference)
            if payment is not None:
                self._expire(payment)
            return payment

    def _expire(self, payment: _Payment) -> None:
        if payment.state is ProviderState.PENDING and self.clock.now() >= payment.expires_at:
            payment.state = ProviderState.EXPIRED

    def state_json(self, reference: str) -> dict[str, Any] | None:
        payment = self.lookup(reference)
        if payment is None:
            return None
        paid = payment.state is ProviderState.PAID
        return {
            "reference": payment.reference,
            "state": payment.state.value,
            "amount_cents": self.reported_amounts.get(reference, payment.amount_cents)
            if paid else None,
            "authorisation": payment.authorisation,
            "paid_at": payment.paid_at.isoformat() if payment.paid_at else None,
        }

    def take_outage(self) -> bool:
        with self._lock:
            if self.outage > 0:
                self.outage -= 1
                return True
            return False


class _Handler(BaseHTTPRequestHandler):
    server_version = "famdesk-localtest"

    @property
    def owner(self) -> LocalTestServer:
        return self.server.owner  # type: ignore[attr-defined,no-any-return]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug("localtest: " + format, *args)

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        if path.startswith("/api/payments/"):
            if self.owner.take_outage():
                return self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "outage"})
            state = self.owner.state_json(unquote(path.removeprefix("/api/payments/")))
            if state is None:
                return self._json(HTTPStatus.NOT_FOUND, {"state": "unknown"})
            return self._json(HTTPStatus.OK, state)
        if path.startswith("/pay/"):
            return self._page(unquote(path.removeprefix("/pay/")))
        if path == "/return":
            return self._returned()
        self._html(HTTPStatus.NOT_FOUND, _("Page not found."))

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if path == "/api/payments":
            if self.owner.take_outage():
                return self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": "outage"})
            return self._open(body)
        if path.startswith("/pay/"):
            reference = unquote(path.removeprefix("/pay/"))
            action = parse_qs(body.decode("utf-8", "replace")).get("action", [""])[0]
            if action not in ("pay", "refuse") or self.owner.decide(reference, action == "pay") is None:
                return self._html(HTTPStatus.BAD_REQUEST, _("This payment does not exist."))
            location = f"/return?reference={quote(reference, safe='')}"
            return self._send(HTTPStatus.SEE_OTHER, "text/plain", b"", {"Location": location})
        if path == "/return":
            return self._returned()
        self._html(HTTPStatus.NOT_FOUND, _("Page not found."))

    # -- the API ----------------------------------------------------------------------

    def _open(self, body: bytes) -> None:
        try:
            data = json.loads(body or b"{}")
            amount = data["amount_cents"]
            attempt = data["attempt_reference"]
            email = data["email"]
            label = str(data.get("label", ""))[:200]
        except (ValueError, KeyError, TypeError):
            return self._json(HTTPStatus.BAD_REQUEST, {"error": "malformed request"})
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": "bad amount", "field": "amount"})
        if not isinstance(email, str) or "@" not in email:
            return self._json(HTTPStatus.BAD_REQUEST, {"error": "bad e-mail", "field": "email"})
        if not isinstance(attempt, str) or not _ATTEMPT.fullmatch(attempt):
            return self._json(HTTPStatus.BAD_REQUEST, {"error": "bad attempt reference"})
        try:
            payment = self.owner.open(attempt, amount, label)
        except ValueError as exc:
            return self._json(HTTPStatus.CONFLICT, {"error": str(exc)})
        self._json(HTTPStatus.CREATED, {
            "reference": payment.reference,
            "page_url": self.owner.page_url(payment.reference),
            "expires_at": payment.expires_at.isoformat(),
        })

    # -- the pages --------------------------------------------------------------------

    def _page(self, reference: str) -> None:
        payment = self.owner.lookup(reference)
        if payment is None:
            return self._html(HTTPStatus.NOT_FOUND, _("This payment does not exist."))
        amount = html.escape(money(Decimal(payment.amount_cents) / 100))
        label = html.escape(payment.label)
        if payment.state is not ProviderState.PENDING:
            return self._html(HTTPStatus.OK, _STATE_TEXT[payment.state]())
        pay, refuse = html.escape(_("Pay")), html.escape(_("Refuse"))
        note = html.escape(_("Test payment page: no money moves."))
        form = (
            f"<p>{label}</p><p class='amount'>{amount}</p>"
            f"<form method='post' action='/pay/{html.escape(quote(reference, safe=''))}'>"
            f"<button type='submit' name='action' value='pay'>{pay}</button> "
            f"<button type='submit' name='action' value='refuse'>{refuse}</button></form>"
            f"<p><small>{note}</small></p>"
        )
        self._html(HTTPStatus.OK, form, raw=True)

    def _returned(self) -> None:
        # whatever the query or the form says, nothing is recorded here
        self._html(HTTPStatus.OK, _("You may close this window and go back to famdesk."))

    def _html(self, status: HTTPStatus, text: str, *, raw: bool = False) -> None:
        content = text if raw else f"<p>{html.escape(text)}</p>"
        title = html.escape(_("Online payment (test)"))
        page = (
            f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>{title}</title>"
            f"</head><body><h1>{title}</h1>{content}</body></html>"
        ).encode()
        self._send(status, "text/html; charset=utf-8", page)

    def _json(self, status: HTTPStatus, data: dict[str, Any]) -> None:
        self._send(status, "application/json", json.dumps(data).encode())

    def _send(self, status: HTTPStatus, content_type: str, payload: bytes,
              headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("localtest: the browser left before the answer")


_STATE_TEXT = {
    ProviderState.PAID: lambda: _("This payment is paid."),
    ProviderState.REFUSED: lambda: _("This payment was refused."),
    ProviderState.EXPIRED: lambda: _("This payment page has expired."),
}


class LocalTestProvider:
    """The famdesk side of `LocalTestServer`."""

    minimum_cents = 1
    grace = timedelta(0)
    """The server expires its pages itself."""

    def __init__(self, base_url: str, *, timeout: float = 5.0, name: str = "localtest") -> None:
        self.base_url = base_url.rstrip("/")
        self.name = name
        self._http = httpx.Client(timeout=timeout)
        self.server: LocalTestServer | None = None
        """The server this provider started (`serve`), stopped by `close`."""

    @classmethod
    def serve(cls, clock: Clock | None = None, **options: Any) -> LocalTestProvider:
        """Start a `LocalTestServer` and return its provider (the demo's)."""
        server = LocalTestServer(clock).start()
        provider = cls(server.base_url, **options)
        provider.server = server
        return provider

    def close(self) -> None:
        self._http.close()
        if self.server is not None:
            self.server.stop()
            self.server = None

    def start(self, payment: PaymentRequest) -> StartedPayment:
        data = self._request("POST", "/api/payments", json={
            "attempt_reference": payment.attempt_reference,
            "amount_cents": payment.amount_cents,
            "email": payment.email,
            "label": payment.label,
        })
        try:
            return StartedPayment(
                reference=str(data["reference"]),
                page_url=str(data["page_url"]),
                expires_at=datetime.fromisoformat(str(data["expires_at"])),
            )
        except (KeyError, ValueError) as exc:
            raise ProviderUnavailableError(f"local test provider: malformed answer {data!r}") from exc

    def status(self, reference: str) -> ProviderResult:
        if not _REFERENCE.fullmatch(reference):
            return ProviderResult(ProviderState.UNKNOWN)
        data = self._request("GET", f"/api/payments/{quote(reference, safe='')}")
        if data.get("state") == ProviderState.UNKNOWN:
            return ProviderResult(ProviderState.UNKNOWN)
        try:
            paid_at = data.get("paid_at")
            return ProviderResult(
                ProviderState(data["state"]),
                amount_cents=data.get("amount_cents"),
                authorisation=data.get("authorisation"),
                paid_at=datetime.fromisoformat(paid_at) if paid_at else None,
            )
        except (KeyError, ValueError) as exc:
            raise ProviderUnavailableError(f"local test provider: malformed answer {data!r}") from exc

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.request(method, self.base_url + path, **kwargs)
        except httpx.HTTPError as exc:
            raise ProviderUnavailableError(f"local test provider: {type(exc).__name__}") from exc
        try:
            data = response.json()
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        if response.status_code >= 500:
            raise ProviderUnavailableError(f"local test provider: HTTP {response.status_code}")
        if response.status_code == HTTPStatus.NOT_FOUND and method == "GET":
            return {"state": ProviderState.UNKNOWN.value}
        if response.status_code >= 400:
            raise ProviderRejectedError(
                f"local test provider: {data.get('error', response.status_code)}",
                code=str(response.status_code), field=data.get("field"),
            )
        return data
