"""The store's small per-area objects over one pair of runners, keyword-only:
``store.messages``, ``store.classifications``, ``store.processing``, ``store.outbox``.
Each call is one short transaction; what people said or did goes through the durable runner."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
from datetime import datetime, timedelta

from bot.events import InboundEvent, OutboundMessage, utcnow
from models.classification import Classification
from models.store import bridge_cards, classifications, inbound, outbox, processing, views
from models.store.runner import Runner


class MessageStore:
    """Inbound events recorded (durably, idempotently) and messages read back."""

    def __init__(self, *, durable: Runner, derived: Runner, key: bytes) -> None:
        self._ingest = durable
        self._db = derived
        self._key = key

    async def record(self, *, events: Sequence[InboundEvent]) -> list[inbound.Recorded]:
        """Store events durably and idempotently, in one transaction."""
        return await self._ingest.write(inbound.record_events, events, key=self._key)

    async def find(
        self,
        *,
        channel: str | None = None,
        conversation_id: int | None = None,
        limit: int = 50,
        newest_first: bool = True,
        kinds: tuple[str, ...] | None = None,
        before: int | None = None,
    ) -> list[views.MessageView]:
        """Messages (inbound and outbound), filtered and limited; ``before``: ids below it."""
        return await self._db.read(
            views.messages,
            channel=channel,
            conversation_id=conversation_id,
            limit=limit,
            newest_first=newest_first,
            kinds=kinds,
            before=before,
        )

    async def conversation_at(self, *, channel: str, chat: str, thread: str = "") -> int | None:
        """The conversation at an address, if one exists."""
        return await self._db.read(views.conversation_at, channel=channel, chat=chat, thread=thread)

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
        return await self._db.read(views.platform_users, contact_ids)


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


class ProcessingStore:
    """Stored events still owed the after-store steps: leased, finished, failed, released."""

    def __init__(self, *, derived: Runner) -> None:
        self._db = derived

    async def claim(
        self, *, limit: int, lease: timedelta, max_attempts: int
    ) -> list[processing.Pending]:
        """Lease stored events that still need the after-store steps."""
        return await self._db.write(
            processing.claim, limit=limit, lease=lease, max_attempts=max_attempts
        )

    async def done(self, *, ids: list[int]) -> None:
        """The after-store steps finished for these events."""
        await self._db.write(processing.done, ids)

    async def failed(self, *, message_id: int, error: str, retry_at: datetime) -> None:
        """The after-store steps failed; try again later."""
        await self._db.write(processing.failed, message_id, error=error, retry_at=retry_at)

    async def release(self, *, ids: list[int]) -> None:
        """Hand claimed events back unfinished (a clean stop), due again at once."""
        await self._db.write(processing.release, ids)

    async def acknowledge_first(self, *, ids: list[int], every: timedelta) -> set[int]:
        """Mark and return the conversations not acknowledged within ``every``."""
        return await self._db.write(processing.acknowledge_first, ids, every=every)


class OutboxStore:
    """Outbound messages: stored first, leased for sending, settled."""

    def __init__(self, *, durable: Runner, derived: Runner) -> None:
        self._ingest = durable
        self._db = derived

    async def enqueue(self, *, message: OutboundMessage, author: str) -> int:
        """Store an outbound message and queue it for sending; returns its message id."""
        return await self._ingest.write(outbox.enqueue, message, author=author)

    async def enqueue_many(self, *, messages: list[OutboundMessage], author: str) -> list[int]:
        """Queue several outbound messages in one transaction."""
        return await self._db.write(outbox.enqueue_many, messages, author=author)

    async def claim(
        self, *, limit: int, lease: timedelta, skip: Collection[str] = ()
    ) -> list[outbox.DueItem]:
        """Lease outbox items that are due (none on the channels in ``skip``)."""
        return await self._db.write(outbox.claim, limit=limit, lease=lease, skip=skip)

    async def retry_now(self, *, message_ids: list[int]) -> None:
        """Make these messages' sends due now, even those backing off or failed."""
        await self._db.write(outbox.retry_now, message_ids, utcnow())

    async def settle(self, *, outcomes: list[outbox.Settled]) -> None:
        """Record what became of a batch of sends (where polls were posted, staff cards' ts)."""
        await self._db.write(bridge_cards.settle, outcomes)

    async def counts(self) -> dict[str, int]:
        """Outbox items per status."""
        return await self._db.read(outbox.counts)

    async def items(self, *, status: str | None = None, limit: int = 100) -> list[views.OutboxView]:
        """Outbox items with their text and state, newest first."""
        return await self._db.read(views.outbox_items, status=status, limit=limit)
