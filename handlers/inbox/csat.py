"""The satisfaction question after a resolve: how each conversation is asked, and answers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.channel import Capabilities
from bot.events import Address, Button, Channel, ConversationKind, OutboundMessage, poll_ref
from handlers.poll_kinds import CSAT, is_low

BARE_SCORE = re.compile(r"^\s*([1-5])\s*(?:/\s*5)?\s*[.!]?\s*$")


@dataclass(frozen=True)
class CsatQuestion:
    """Buttons where the channel has them, else "reply with a number"; never in public."""

    text: str
    capabilities: Mapping[Channel, Capabilities]

    @property
    def question(self) -> str:
        """The question as stored with its poll."""
        return self.text

    @property
    def options(self) -> list[tuple[str, str]]:
        """The 1-5 scale."""
        return list(CSAT)

    def allowed(self, address: Address) -> bool:
        """Asked in private conversations and group chats, not in public threads."""
        return address.kind is not ConversationKind.PUBLIC and address.channel in self.capabilities

    def message(self, poll_id: int, address: Address) -> OutboundMessage:
        """The question for this conversation's channel."""
        ref = poll_ref(poll_id)
        if self.capabilities[address.channel].buttons:
            buttons = tuple(Button(label, f"{ref}:{key}") for key, label in CSAT)
            return OutboundMessage(
                address=address,
                text=self.text,
                buttons=buttons,
                poll_ref=ref,
            )
        prompt = f"{self.text}\nReply with a number from 1 (very poor) to 5 (excellent)."
        return OutboundMessage(address=address, text=prompt, poll_ref=ref)


def typed_score(text: str) -> int | None:
    """A reply that is just a score ("4", "4/5"), or None."""
    found = BARE_SCORE.match(text)
    return int(found[1]) if found else None


def is_low_score(score: int) -> bool:
    """A score that reopens the item (the poll machinery's own idea of low)."""
    return is_low("csat", (str(score),))
