"""``store.outbox``: outbound messages stored first, leased for sending, settled; keyword-only,
each call one short transaction."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from bot.events import OutboundMessage, utcnow
from models.store.bridge import cards as bridge_cards
from models.store.inbound import listings
from models.store.outbox import queue as outbox
from models.store.outbox.outcomes import Settled
from models.store.runner import Runner


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

    async def settle(self, *, outcomes: list[Settled]) -> None:
        """Record what became of a batch of sends (where polls were posted, staff cards' ts)."""
        await self._db.write(bridge_cards.settle, outcomes)

    async def counts(self) -> dict[str, int]:
        """Outbox items per status."""
        return await self._db.read(outbox.counts)

    async def items(
        self, *, status: str | None = None, limit: int = 100
    ) -> list[listings.OutboxView]:
        """Outbox items with their text and state, newest first."""
        return await self._db.read(listings.outbox_items, status=status, limit=limit)
