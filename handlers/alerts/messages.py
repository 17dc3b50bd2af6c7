"""The one place alert messages are built, for the outbox: the staff chat's post and the
e-mail (plain text, the title as its subject)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.events import Address, Channel, OutboundMessage
from handlers.alerts.render import AlertText


def chat_message(address: Address, text: AlertText) -> OutboundMessage:
    """A post in the staff chat (the adapter escapes it; the platform links the URL)."""
    body = "\n".join((f"*{text.title}*", *text.lines, text.link))
    return OutboundMessage(address=address, text=body)


class AlertPlace(Protocol):
    """Somewhere alerts go: its address (its channel names the sends) and how they read there."""

    @property
    def address(self) -> Address: ...

    def message(self, text: AlertText) -> OutboundMessage: ...


@dataclass(frozen=True, slots=True)
class StaffChat:
    """The staff chat (a Slack channel)."""

    address: Address

    def message(self, text: AlertText) -> OutboundMessage:
        """The post."""
        return chat_message(self.address, text)


@dataclass(frozen=True, slots=True)
class AlertMail:
    """E-mail to the FEEDBOT_ALERT_TO addresses, from the library."""

    to: tuple[str, ...]
    library: str

    @property
    def address(self) -> Address:
        """The e-mail channel's address: the recipients."""
        return Address(Channel.EMAIL, chat=", ".join(self.to))

    def message(self, text: AlertText) -> OutboundMessage:
        """The alert by e-mail: the title as the subject, the lines and the link as the body."""
        subject = f"[{self.library} alert] {text.title}"
        return OutboundMessage(address=self.address, subject=subject, text=text.plain() + "\n")
