"""``store.known``: reads behind the poll page's "what we already know" panel, keyword-only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from models.store.known import reads
from models.store.runner import Runner


class KnownStore:
    """Recent messages' embeddings, sentiments and texts, and who was asked lately."""

    def __init__(self, *, derived: Runner) -> None:
        self._db = derived

    async def embeddings_after(
        self, *, since: datetime, after_id: int, limit: int = 20_000
    ) -> list[tuple[int, datetime, bytes]]:
        """(id, received at, stored float16 vector) of messages received since ``since`` with
        an id above ``after_id``, in id order; call again from the last id for more."""
        return await self._db.read(reads.embeddings_after, since, after_id, limit)

    async def sentiments(self, *, message_ids: Sequence[int]) -> dict[int, str]:
        """The newest sentiment of each message still embedded (erased ones are left out)."""
        return await self._db.read(reads.sentiments, message_ids)

    async def texts(self, *, message_ids: Sequence[int]) -> dict[int, tuple[str, datetime]]:
        """(text, received at) of these inbound messages, those still held."""
        return await self._db.read(reads.texts, message_ids)

    async def asked_on(self, *, channels: Sequence[str], since: datetime) -> tuple[int, int]:
        """(people on these channels asked something since ``since``, people on them)."""
        return await self._db.read(reads.asked_on, channels, since)

    async def poll_questions(self) -> list[tuple[int, str]]:
        """(id, question) of every poll, newest first."""
        return await self._db.read(reads.poll_questions)
