"""The one place alert messages are built: the staff chat's OutboundMessage (sent by the
outbox) and the e-mail (plain text)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from bot.events import Address, OutboundMessage, utcnow
from handlers.alerts.render import AlertText


def chat_message(address: Address, text: AlertText) -> OutboundMessage:
    """A post in the staff chat (the adapter escapes it; the platform links the URL)."""
    body = "\n".join((f"*{text.title}*", *text.lines, text.link))
    return OutboundMessage(address=address, text=body)


def mail(text: AlertText, *, library: str, sender: str, to: list[str]) -> EmailMessage:
    """The alert by e-mail: the title as the subject, the lines and the link as the body."""
    message = EmailMessage()
    message["Subject"] = f"[{library} alert] {text.title}"
    message["From"], message["To"] = sender, ", ".join(to)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="feedbot")
    message.set_content(text.plain() + "\n")
    return message
