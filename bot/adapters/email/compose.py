"""Pure translation of an OutboundMessage into an e-mail: the text as the plain part, the HTML
(when given) as its alternative with the images inline by Content-ID."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from bot.events import OutboundMessage, utcnow

DOMAIN = "feedbot"


def recipients(message: OutboundMessage) -> list[str]:
    """The addresses an e-mail goes to: its address's chat, comma-separated."""
    return [a.strip() for a in message.address.chat.split(",") if a.strip()]


def content_id(name: str) -> str:
    """The Content-ID of an inline image, as ``cid:<name>`` in the HTML refers to it."""
    return f"<{name}>"


def to_mail(message: OutboundMessage, *, sender: str) -> EmailMessage:
    """The e-mail: plain text, and with ``html`` a multipart/alternative whose HTML part
    carries the images as related parts. Its Message-ID names the outbox send."""
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"], mail["To"] = sender, ", ".join(recipients(message))
    mail["Date"] = format_datetime(utcnow())
    mail["Message-ID"] = make_msgid(idstring=message.send_key or None, domain=DOMAIN)
    mail.set_content(message.text if message.text.endswith("\n") else message.text + "\n")
    if not message.html:
        return mail
    mail.add_alternative(message.html, subtype="html")
    html_part = mail.get_body(("html",))
    assert isinstance(html_part, EmailMessage)
    for image in message.images:
        html_part.add_related(
            image.png,
            maintype="image",
            subtype="png",
            cid=content_id(image.name),
            filename=f"{image.name.split('.')[0]}.png",
        )
    return mail
