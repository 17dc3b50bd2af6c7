"""The outbox worker: sends queued messages through the adapters, with back-off and a budget."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

from bot.backoff import backoff
from bot.channel import ChannelState, Sender, SendError
from bot.events import Channel, utcnow
from handlers.metrics import Metrics
from handlers.worker import WorkerLoop
from models.store import Store
from models.store.outbox import DueItem, Settled

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)  # an unanswered send is retried after this
BATCH = 32
IDLE_POLL_S = 1.0


def retry_wait(
    attempts: int, *, base: float, cap: float, retry_after: float | None = None
) -> float:
    """Seconds to wait after the ``attempts``-th failed send: the platform's word if given, else
    the shared back-off."""
    if retry_after is not None:
        return max(0.0, retry_after)
    return backoff(attempts - 1, base=base, cap=cap)


class Delivery:
    """Claims due outbox items and hands each to its channel's adapter."""

    def __init__(
        self,
        store: Store,
        adapters: Mapping[Channel, Sender],
        metrics: Metrics,
        *,
        max_attempts: int,
        base_delay: float,
        max_delay: float,
    ) -> None:
        self._store = store
        self._on_settled: Callable[[list[Settled]], Awaitable[None]] | None = None
        self._adapters = adapters
        self._metrics = metrics
        self._max_attempts = max_attempts
        self._base = base_delay
        self._cap = max_delay
        self._loop = WorkerLoop("delivery", self.run_once, full=BATCH, idle_s=IDLE_POLL_S)

    def wake(self) -> None:
        """Something was queued."""
        self._loop.wake()

    def start(self) -> None:
        """Start the worker loop."""
        self._loop.start()

    async def stop(self) -> None:
        """Let sends in flight finish (up to a grace period), then stop."""
        await self._loop.stop()

    async def run_once(self) -> int:
        """Send one batch of due items at once and record what became of them together. A
        channel whose connection another process holds (standby here) is left to that one."""
        standby = [c.value for c, a in self._adapters.items() if a.state is ChannelState.STANDBY]
        items = await self._store.outbox.claim(limit=BATCH, lease=LEASE, skip=standby)
        if items:
            outcomes = list(await asyncio.gather(*(self._send(i) for i in items)))
            await self._store.outbox.settle(outcomes=outcomes)
            await self._told(outcomes)
        return len(items)

    def follow(self, on_settled: Callable[[list[Settled]], Awaitable[None]]) -> None:
        """Be told what became of each batch of sends, once it is recorded."""
        self._on_settled = on_settled

    async def _told(self, outcomes: list[Settled]) -> None:
        if self._on_settled is None:
            return
        try:
            await self._on_settled(outcomes)
        except Exception:
            log.exception("following %d settled sends failed", len(outcomes))

    async def _send(self, item: DueItem) -> Settled:
        adapter = self._adapters.get(item.channel)
        try:
            if adapter is None:
                raise SendError(f"channel {item.channel.value} is not connected")
            platform_id = await adapter.send(item.message)
        except SendError as exc:
            return self._failed(item, exc)
        except Exception as exc:  # noqa: BLE001 - an adapter bug must not kill the worker
            return self._failed(item, SendError(repr(exc)))
        self._metrics.sent.labels(item.channel.value).inc()
        return Settled(item.id, "sent", platform_message_id=platform_id)

    def _failed(self, item: DueItem, exc: SendError) -> Settled:
        self._metrics.send_failures.labels(item.channel.value).inc()
        if exc.permanent or item.attempts >= self._max_attempts:
            log.error("giving up on outbox item %s: %s", item.id, exc)
            self._metrics.gave_up.labels(item.channel.value).inc()
            return Settled(item.id, "failed", error=str(exc))
        delay = retry_wait(
            item.attempts, base=self._base, cap=self._cap, retry_after=exc.retry_after
        )
        return Settled(
            item.id, "retry", error=str(exc), retry_at=utcnow() + timedelta(seconds=delay)
        )
