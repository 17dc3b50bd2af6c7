"""The satisfaction question after a resolve: how each conversation is asked, and answers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.channel import Capabilities
from bot.events import Address, Button, Channel, ConversationKind, OutboundMessage, poll_ref
from config.reach import ContactCap
from config.wording import Wording
from handlers.polls.kinds import CSAT, is_low

NO_CAP = ContactCap(invitations=0)
BARE_SCORE = re.compile(r"^\s*([1-5])\s*(?:/\s*5)?\s*[.!]?\s*$")


@dataclass(frozen=True)
class CsatQuestion:
    """Buttons where the channel has them, else "reply with a number"; never in public; in
    the person's language."""

    wording: Wording
    capabilities: Mapping[Channel, Capabilities]
    contact_cap: ContactCap = NO_CAP

    @property
    def cap(self) -> tuple[int, timedelta] | None:
        """The per-person contact cap the question counts towards and respects."""
        cap = self.contact_cap
        return (cap.invitations, timedelta(days=cap.days)) if cap.invitations else None

    @property
    def question(self) -> str:
        """The question as stored with its poll (in English)."""
        return self.wording.text("csat_question")

    @property
    def options(self) -> list[tuple[str, str]]:
        """The 1-5 scale."""
        return list(CSAT)

    def allowed(self, address: Address) -> bool:
        """Asked in private conversations and group chats, not in public threads."""
        return address.kind is not ConversationKind.PUBLIC and address.channel in self.capabilities

    def message(self, poll_id: int, address: Address, language: str) -> OutboundMessage:
        """The question for this conversation's channel, in ``language``."""
        ref = poll_ref(poll_id)
        say = self.wording.speaking(language)
        text = say.text("csat_question")
        if self.capabilities[address.channel].buttons:
            buttons = tuple(
                Button(say.text(f"csat.option_{key}"), f"{ref}:{key}") for key, _ in CSAT
            )
            return OutboundMessage(address=address, text=text, buttons=buttons, poll_ref=ref)
        prompt = f"{text}\n{say.text('csat.reply_prompt')}"
        return OutboundMessage(address=address, text=prompt, poll_ref=ref)


def typed_score(text: str) -> int | None:
    """A reply that is just a score ("4", "4/5"), or None."""
    found = BARE_SCORE.match(text)
    return int(found[1]) if found else None


def is_low_score(score: int) -> bool:
    """A score that reopens the item (the poll machinery's own idea of low)."""
    return is_low("csat", (str(score),))
