"""The digest by e-mail: the Markdown as the plain text, the HTML as its alternative with the
charts inline by Content-ID; an outbox message for the e-mail channel."""

from __future__ import annotations

from bot.events import Address, Channel, Image, OutboundMessage
from handlers.digest.service import Digests, Drawn


def subject(drawn: Drawn, library: str) -> str:
    """'The Library feedback digest 2026-W48' ('... so far' for a week in progress, sent by
    hand; and 'no feedback this week' when empty)."""
    head = f"{library} feedback digest {drawn.digest.week}"
    if drawn.digest.so_far:
        head += " so far"
    return f"{head}: no feedback this week" if drawn.digest.empty else head


def message(drawn: Drawn, digests: Digests, *, to: list[str]) -> OutboundMessage:
    """The e-mail to ``to``: text only when the week was empty."""
    address = Address(Channel.EMAIL, chat=", ".join(to))
    text = digests.text(drawn.digest)
    if drawn.digest.empty:
        return OutboundMessage(address=address, subject=subject(drawn, digests.library), text=text)
    images = tuple(
        Image(f"{c.name}.{drawn.digest.week}@feedbot", c.png, c.alt) for c in drawn.charts
    )
    return OutboundMessage(
        address=address,
        subject=subject(drawn, digests.library),
        text=text,
        html=digests.html(drawn, "mail"),
        images=images,
    )


class MailDestination:
    """The digest for the FEEDBOT_DIGEST_TO addresses."""

    name = "email"

    def __init__(self, digests: Digests, *, to: list[str]) -> None:
        self._digests = digests
        self._to = to

    def compose(self, drawn: Drawn) -> OutboundMessage:
        """The week's e-mail."""
        return message(drawn, self._digests, to=self._to)
