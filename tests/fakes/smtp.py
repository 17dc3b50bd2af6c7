"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), keeping what it receives."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd handler: every message received, parsed back with the email package."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class HoldingInbox(Inbox):
    """An inbox that, while ``holding`` is set, answers no message: it reads each one and then
    says nothing until released, when it refuses it (451), so a held message is never taken."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()
        self.held = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.holding.is_set():
            return await super().handle_DATA(server, session, envelope)
        self.held += 1
        while self.holding.is_set():  # noqa: ASYNC110 - cleared from the test's thread
            await asyncio.sleep(0.05)
        return "451 Try again later"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def smtp_server(port: int, inbox: Inbox | None = None) -> Iterator[Inbox]:
    """aiosmtpd listening on 127.0.0.1:port until the block ends."""
    inbox = inbox or Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def mail_delivery(store: Any, port: int, *, retry_s: float = 60.0, unsure_s: float = 60.0) -> Any:
    """The outbox's delivery with only the e-mail channel, to the server on ``port``: one turn
    of ``run_once()`` sends what is due, as the running bot's worker would."""
    from bot.adapters.email import EmailAdapter, SmtpServer
    from bot.events import Channel
    from handlers.delivery import Delivery
    from handlers.metrics import Metrics

    server = SmtpServer("127.0.0.1", port, starttls=False, timeout_s=5)
    adapter = EmailAdapter(server, sender="feedbot@lib.example")
    return Delivery(
        store,
        {Channel.EMAIL: adapter},
        Metrics(),
        max_attempts=8,
        base_delay=retry_s,
        max_delay=retry_s,
        unsure_wait_s=unsure_s,
        only={Channel.EMAIL},
    )
