"""Alerts by e-mail with aiosmtplib, through the digest's SMTP settings and sender."""

from __future__ import annotations

from handlers.alerts.messages import mail
from handlers.alerts.render import AlertText
from handlers.digest.mail import SmtpServer


class AlertMailer:
    """Sends each alert to the FEEDBOT_ALERT_TO addresses."""

    def __init__(self, server: SmtpServer, *, library: str, sender: str, to: list[str]) -> None:
        self._server = server
        self._library = library
        self._sender = sender
        self._to = to

    async def send(self, text: AlertText) -> None:
        """Send once; an SMTP or network error raises (the send is retried later)."""
        await self._server.send(mail(text, library=self._library, sender=self._sender, to=self._to))
