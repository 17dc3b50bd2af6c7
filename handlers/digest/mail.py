"""The digest by e-mail: plain text and HTML alternatives, charts inline by Content-ID, sent
with aiosmtplib."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib

from bot.events import utcnow
from handlers.digest.service import Digests, Drawn

IMPLICIT_TLS_PORT = 465  # "SMTPS": TLS from the first byte, no STARTTLS


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send."""

    host: str
    port: int
    user: str = ""
    password: str = ""
    starttls: bool = True
    timeout_s: float = 30.0

    async def send(self, message: EmailMessage) -> None:
        """Send once (TLS from the start on port 465, else STARTTLS when set); an SMTP or
        network error raises, for the caller to retry."""
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self.user or None,
            password=self.password or None,
            use_tls=self.port == IMPLICIT_TLS_PORT,
            start_tls=self.starttls and self.port != IMPLICIT_TLS_PORT,
            timeout=self.timeout_s,
        )


def subject(drawn: Drawn, library: str) -> str:
    """'The Library feedback digest 2026-W48' (and 'no feedback this week' when empty)."""
    head = f"{library} feedback digest {drawn.digest.week}"
    return f"{head}: no feedback this week" if drawn.digest.empty else head


def message(drawn: Drawn, digests: Digests, *, sender: str, to: list[str]) -> EmailMessage:
    """The multipart/alternative message; the HTML part carries the charts as related parts."""
    mail = EmailMessage()
    mail["Subject"] = subject(drawn, digests.library)
    mail["From"], mail["To"] = sender, ", ".join(to)
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = make_msgid(domain="feedbot")
    mail.set_content(digests.text(drawn.digest))
    if drawn.digest.empty:
        return mail
    mail.add_alternative(digests.html(drawn, "mail"), subtype="html")
    html_part = mail.get_body(("html",))
    assert isinstance(html_part, EmailMessage)
    for chart in drawn.charts:
        cid = f"<{chart.name}.{drawn.digest.week}@feedbot>"
        html_part.add_related(
            chart.png, maintype="image", subtype="png", cid=cid, filename=f"{chart.name}.png"
        )
    return mail


class MailDestination:
    """Sends the digest to the FEEDBOT_DIGEST_TO addresses."""

    name = "email"

    def __init__(self, server: SmtpServer, digests: Digests, *, sender: str, to: list[str]):
        self._server = server
        self._digests = digests
        self._sender = sender
        self._to = to

    async def deliver(self, drawn: Drawn) -> None:
        """Send once; an SMTP or network error raises (the run is retried later)."""
        await self._server.send(message(drawn, self._digests, sender=self._sender, to=self._to))
