"""A real SMTP server on loopback for the tests (aiosmtpd), with switches to misbehave."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """What the server received, and how it answers."""

    messages: list[Message] = field(default_factory=list)
    down: bool = False
    """Answer 421 to every message (the server is unavailable)."""
    refused: set[str] = field(default_factory=set)
    """Recipients answered 550."""

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def text(self, message: Message) -> str:
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                raw = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                return raw.replace("\r\n", "\n")  # SMTP carries CRLF line ends
        raise AssertionError("no text part")


class _Handler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.inbox.down:
            return "421 Service not available, try again later"
        if address in self.inbox.refused:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.inbox.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class SmtpServer:
    url: str
    inbox: Inbox


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """aiosmtpd on 127.0.0.1; FAMDESK_SMTP_URL points at it for the test."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(_Handler(inbox), hostname="127.0.0.1", port=port)
    controller.start()
    url = f"smtp://127.0.0.1:{port}"
    monkeypatch.setenv("FAMDESK_SMTP_URL", url)
    try:
        yield SmtpServer(url, inbox)
    finally:
        controller.stop()
