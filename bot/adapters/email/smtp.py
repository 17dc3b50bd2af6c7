"""One SMTP transaction with aiosmtplib, its failures told apart as the outbox needs: nothing
was delivered when the connection failed or the server answered with an error (before or after
the message), but a timeout or a dropped connection once DATA began leaves the outcome unknown
(the server may have taken the message)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib
from aiosmtplib.email import flatten_message

from bot.channel import SendError

IMPLICIT_TLS_PORT = 465  # "SMTPS": TLS from the first byte, no STARTTLS


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send (FEEDBOT_SMTP_*)."""

    host: str
    port: int
    user: str = ""
    password: str = ""
    starttls: bool = True
    timeout_s: float = 30.0

    def client(self) -> aiosmtplib.SMTP:
        """A client for one transaction (TLS from the start on port 465, else STARTTLS)."""
        return aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            username=self.user or None,
            password=self.password or None,
            use_tls=self.port == IMPLICIT_TLS_PORT,
            start_tls=self.starttls and self.port != IMPLICIT_TLS_PORT,
            timeout=self.timeout_s,
        )

    async def send(self, message: EmailMessage, *, sender: str, to: list[str]) -> str:
        """Send once; returns the server's answer to the message. Raises SendError."""
        smtp = self.client()
        try:
            await _envelope(smtp, sender, to)
            return await _data(smtp, flatten_message(message))
        finally:
            smtp.close()


async def _envelope(smtp: aiosmtplib.SMTP, sender: str, to: list[str]) -> None:
    """Connect, log in and name sender and recipients: any failure here delivered nothing."""
    try:
        await smtp.connect()
        await smtp.mail(sender)
        refused = [await _rcpt(smtp, r) for r in to]
    except aiosmtplib.SMTPResponseException as exc:
        raise SendError(
            f"SMTP refused: {exc.code} {exc.message}", permanent=exc.code >= 500
        ) from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise SendError(f"SMTP unreachable: {exc!r}") from exc
    if all(refused):
        raise SendError(f"SMTP refused every recipient: {'; '.join(refused)}", permanent=True)


async def _rcpt(smtp: aiosmtplib.SMTP, recipient: str) -> str:
    """ "" when the server takes the recipient, else its refusal (others may still be taken)."""
    try:
        await smtp.rcpt(recipient)
    except aiosmtplib.SMTPRecipientRefused as exc:
        return f"{recipient}: {exc.code} {exc.message}"
    return ""


async def _data(smtp: aiosmtplib.SMTP, flat: bytes) -> str:
    """DATA and the message: an error answer delivered nothing; silence or a dropped connection
    may have delivered it."""
    try:
        response = await smtp.data(flat)
    except aiosmtplib.SMTPResponseException as exc:
        raise SendError(
            f"SMTP refused: {exc.code} {exc.message}", permanent=exc.code >= 500
        ) from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise SendError(f"SMTP cut off during DATA: {exc!r}", unknown=True) from exc
    with suppress(aiosmtplib.SMTPException, OSError):  # taken: the goodbye does not matter
        await smtp.quit()
    return response.message
