"""``store.alerts``: alerts raised once, their sends, and the topic spike detector's queries;
keyword-only, each call one short transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.events import OutboundMessage
from models.store.alerts.raised import (
    ClaimedSend,
    ItemDue,
    NewAlert,
    SendView,
    claim,
    drop,
    hand_over,
    items_due,
    raise_alerts,
    sends,
)
from models.store.alerts.spikes import (
    SpikeWindows,
    TopicCount,
    examples,
    mark_spike,
    texts,
    topic_counts,
)
from models.store.runner import Runner


class AlertStore:
    """Alerts raised once, their sends, and the topic spike detector's queries."""

    def __init__(self, runner: Runner, *, durable: Runner | None = None) -> None:
        self._derived = runner
        self._db = durable or runner  # alerts and what became of them: kept across a crash

    async def raise_alerts(
        self, *, alerts: Sequence[NewAlert], destinations: Sequence[str], now: datetime
    ) -> list[int]:
        """Raise alerts once each (a second process or a restart raises nothing again)."""
        if not alerts:
            return []
        return await self._db.write(raise_alerts, list(alerts), list(destinations), now)

    async def items_due(
        self, *, now: datetime, warn: timedelta, lookback: timedelta
    ) -> tuple[list[ItemDue], list[ItemDue]]:
        """Urgent waiting items, and waiting items due soon or just missed, not yet alerted."""
        return await self._derived.read(items_due, now, warn=warn, lookback=lookback)

    async def topic_counts(self, *, windows: SpikeWindows) -> list[TopicCount]:
        """Inbound messages per topic now and in the same hour of the trailing weeks."""
        return await self._derived.read(topic_counts, windows)

    async def mark_spike(self, *, topic: str, now: datetime, gap: timedelta) -> datetime:
        """The start of the topic's spike in progress (now, if none was seen within ``gap``)."""
        return await self._db.write(mark_spike, topic, now, gap)

    async def examples(self, *, topic: str, since: datetime, limit: int = 3) -> list[int]:
        """Ids of the newest inbound messages on a topic since a time."""
        return await self._derived.read(examples, topic, since, limit)

    async def texts(self, *, message_ids: Sequence[int]) -> dict[int, str]:
        """The stored texts of messages (erased ones read as the erasure marker)."""
        return await self._derived.read(texts, list(message_ids))

    async def claim(
        self, *, destination: str, now: datetime, lease: timedelta, limit: int = 20
    ) -> list[ClaimedSend]:
        """Lease due sends to a destination for this process."""
        return await self._db.write(claim, destination, now, lease=lease, limit=limit)

    async def hand_over(
        self, *, send_id: int, attempts: int, message: OutboundMessage, now: datetime
    ) -> bool:
        """Queue a claimed Slack send's message on the outbox and mark it sent, atomically."""
        return await self._db.write(hand_over, send_id, attempts, message, now)

    async def drop(self, *, send_id: int, attempts: int, at: datetime) -> bool:
        """Drop a claimed send that is moot."""
        return await self._db.write(drop, send_id, attempts, at)

    async def sends(self, *, kind: str | None = None, limit: int | None = None) -> list[SendView]:
        """Sends and their state: all, oldest first; or the newest ``limit``."""
        return await self._db.read(sends, kind, limit)
