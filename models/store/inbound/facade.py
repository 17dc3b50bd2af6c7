"""What people send, keyword-only over one pair of runners: ``store.messages`` and
``store.classifications``. Each call is one short transaction; what people said or did goes
through the durable runner."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from bot.events import InboundEvent
from models.classification import Classification
from models.store.inbound import classifications, embeddings, listings
from models.store.inbound import record as inbound
from models.store.polls import votes
from models.store.polls.votes import Choose
from models.store.runner import Runner


class MessageStore:
    """Inbound events recorded (durably, idempotently) and messages read back."""

    def __init__(self, *, durable: Runner, derived: Runner, key: bytes) -> None:
        self._ingest = durable
        self._db = derived
        self._key = key

    async def record(
        self, *, events: Sequence[InboundEvent], count_votes: Choose | None = None
    ) -> list[inbound.Recorded]:
        """Store events durably and idempotently, in one transaction; with ``count_votes`` (what
        a vote means), the new votes among them are counted in that transaction too."""
        if count_votes is None:
            return await self._ingest.write(inbound.record_events, events, key=self._key)
        return await self._ingest.write(
            votes.record_counting, events, key=self._key, choose=count_votes
        )

    async def find(
        self,
        *,
        channel: str | None = None,
        conversation_id: int | None = None,
        limit: int = 50,
        newest_first: bool = True,
        kinds: tuple[str, ...] | None = None,
        before: int | None = None,
    ) -> list[listings.MessageView]:
        """Messages (inbound and outbound), filtered and limited; ``before``: ids below it."""
        return await self._db.read(
            listings.messages,
            channel=channel,
            conversation_id=conversation_id,
            limit=limit,
            newest_first=newest_first,
            kinds=kinds,
            before=before,
        )

    async def conversation_at(self, *, channel: str, chat: str, thread: str = "") -> int | None:
        """The conversation at an address, if one exists."""
        return await self._db.read(
            listings.conversation_at, channel=channel, chat=chat, thread=thread
        )

    async def count(self, *, since: datetime | None = None) -> int:
        """Inbound texts stored (since a time)."""
        return await self._db.read(classifications.count, since)

    async def texts(
        self, *, since: datetime | None = None, batch: int = 256
    ) -> AsyncIterator[list[tuple[int, str]]]:
        """Inbound texts in id order, a batch at a time, each read in its own short call."""
        after = 0
        while chunk := await self._db.read(classifications.texts_after, since, after, batch):
            yield chunk
            after = chunk[-1][0]

    async def platform_users(self, *, contact_ids: list[int]) -> dict[int, str]:
        """Platform user ids of contacts, to address them directly."""
        return await self._db.read(listings.platform_users, contact_ids)


class ClassificationStore:
    """Classifier verdicts, and the staff's topic corrections that retraining learns from."""

    def __init__(self, *, derived: Runner) -> None:
        self._db = derived

    async def save(self, *, verdicts: Sequence[tuple[int, Classification]]) -> None:
        """Store classifier verdicts for messages."""
        await self._db.write(classifications.save, verdicts)

    async def topic_corrections(self) -> list[tuple[str, str]]:
        """(text, topic) pairs from staff relabels."""
        return await self._db.read(classifications.topic_corrections)


class EmbeddingStore:
    """Messages' stored sentence embeddings (saved with their classification)."""

    def __init__(self, *, derived: Runner) -> None:
        self._db = derived

    async def of_messages(
        self, *, message_ids: Sequence[int]
    ) -> tuple[list[int], NDArray[np.float32]]:
        """The stored embeddings of these messages (ids ascending; those without one left out)."""
        return await self._db.read(embeddings.of_messages, message_ids)

    async def received_between(
        self, *, since: datetime, until: datetime
    ) -> tuple[list[int], NDArray[np.float32]]:
        """Embeddings of the inbound messages received in [since, until), by message id."""
        return await self._db.read(embeddings.received_between, since, until)
