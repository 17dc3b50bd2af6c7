"""Which language the bot answers in: a message's own language for its acknowledgement, the
language remembered for a person for everything later (CSAT, polls, notices, opt-out).

This is the seam language detection connects to; ``Fixed`` answers every message and person
in one language (English until detection is connected, or a test's language)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from config.wording import ENGLISH
from handlers.context import Context


class Languages(Protocol):
    """Where the bot learns what language to use (an ISO 639-1 code, or "und")."""

    def of_message(self, ctx: Context) -> str:
        """The language a message was written in."""
        ...

    async def of_contacts(self, contact_ids: Sequence[int]) -> dict[int, str]:
        """The language remembered for each person (missing ones: English)."""
        ...


@dataclass(frozen=True)
class Fixed:
    """Every message and every person in one language."""

    language: str = ENGLISH

    def of_message(self, ctx: Context) -> str:
        """``language``, whatever the message."""
        return self.language

    async def of_contacts(self, contact_ids: Sequence[int]) -> dict[int, str]:
        """``language`` for everyone."""
        return dict.fromkeys(contact_ids, self.language)
