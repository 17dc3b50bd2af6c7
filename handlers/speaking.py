"""Which language the bot answers in: a message's own language for its acknowledgement, the
language remembered for a person for everything later (CSAT, polls, notices, opt-out).

``Remembered`` is what runs: the language step's detection (handlers/language.py) and each
person's remembered language from the store. ``Fixed`` answers every message and person in one
language (a test's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from config.wording import ENGLISH
from handlers.context import Context
from models.language import UNDETERMINED


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


class PeopleLanguages(Protocol):
    """The store's record of each person's language."""

    async def of_people(self, *, contact_ids: Sequence[int]) -> dict[int, str]: ...


class Remembered:
    """A message in its own language (else its writer's known one, else English); a person in
    the language remembered for them (else English)."""

    def __init__(self, people: PeopleLanguages) -> None:
        self._people = people

    def of_message(self, ctx: Context) -> str:
        """The detected language, else the person's, else English."""
        for code in (ctx.language, ctx.person_language):
            if code and code != UNDETERMINED:
                return code
        return ENGLISH

    async def of_contacts(self, contact_ids: Sequence[int]) -> dict[int, str]:
        """Each person's remembered language; English where none is known."""
        known = await self._people.of_people(contact_ids=list(contact_ids)) if contact_ids else {}
        return {i: known.get(i, ENGLISH) for i in contact_ids}
