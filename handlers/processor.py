"""The processor: runs the after-store steps for stored events, resuming after any crash."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from bot.backoff import backoff
from bot.events import utcnow
from handlers.metrics import Metrics
from handlers.pipeline import Pipeline
from handlers.worker import Doorbell, WorkerLoop
from models.store import Store
from models.store.jobs.processing import Pending

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)  # after a crash, claimed events are due again this soon
IDLE_POLL_S = 2.0
LULL_S = 0.05  # ingest this quiet lets a batch start
MAX_DEFER_S = 1.0  # under steady ingest, a batch still starts at least this often
BATCH = 256
"""Most stored events claimed at once. A quiet bot claims what is due (a few); a backlog goes
256 at a time, so each step's statements serve more events (bench/votes.py: 10,000 Slack taps
counted at 675-773 a second against 470-619 with batches of 64, runs interleaved). The whole
batch goes through each step: stepping it 64 at a time lost that gain again."""
FLOOD_RATE = 100.0
FLOOD_WINDOW_S = 1.0
BUSY_SHARE = 2
"""While events are being recorded at FLOOD_RATE a second or more (over the last
FLOOD_WINDOW_S), a batch claims BATCH // BUSY_SHARE. Batches of 256 during a flood took the
CPU its acknowledgements needed: Slack events through bolt 697-749 a second against 985-1,186
with batches of 64 (bench/channels.py, alternating). With this rule, 1,057-1,142 (64: 1,017-
1,085), and taps are still counted faster than with 64 (0.34-0.35x of bolt's floor against
0.30x; all 256: about 0.38x). A rate over a second, not "recorded in the last LULL_S", tells a
flood: after a long batch has held the event loop, nothing was recorded for a while even
though requests are waiting."""


class Processor:
    """Claims stored events in batches, runs them concurrently, retries failures with back-off."""

    def __init__(
        self,
        store: Store,
        pipeline: Pipeline,
        metrics: Metrics,
        *,
        batch: int,
        max_attempts: int,
        bell: Doorbell | None = None,
        ingest_busy: Callable[[float], bool] = lambda _: False,
        ingest_rate: Callable[[float], float] = lambda _: 0.0,
    ) -> None:
        self._store = store
        self._pipeline = pipeline
        self._metrics = metrics
        self._batch = batch
        self._max_attempts = max_attempts
        self._in_hand: set[int] = set()
        self._ingest_busy = ingest_busy
        self._ingest_rate = ingest_rate
        self._loop = WorkerLoop(
            "processor", self.run_once, full=batch, idle_s=IDLE_POLL_S, bell=bell
        )

    def wake(self) -> None:
        """New work was stored."""
        self._loop.wake()

    def start(self) -> None:
        """Start the worker loop."""
        self._loop.start()

    async def stop(self) -> None:
        """Finish the batch in hand (up to a grace period) and stop; what is left is released."""
        await self._loop.stop()
        if self._in_hand:
            await self._store.processing.release(ids=sorted(self._in_hand))

    async def run_once(self) -> int:
        """Process one batch; returns how many events were claimed."""
        await self._give_way()
        flood = self._ingest_rate(FLOOD_WINDOW_S) >= FLOOD_RATE
        items = await self._store.processing.claim(
            limit=max(1, self._batch // BUSY_SHARE) if flood else self._batch,
            lease=LEASE,
            max_attempts=self._max_attempts,
        )
        if not items:
            return 0
        self._in_hand = {i.message_id for i in items}
        ctxs = await self._pipeline.process_batch(items)
        await self._store.processing.done(ids=[c.message_id for c in ctxs if c.error is None])
        for item, ctx in zip(items, ctxs, strict=True):
            if ctx.error is not None:
                await self._failed(item, ctx.error)
        self._in_hand = set()
        return len(items)

    async def _give_way(self) -> None:
        """Answering the platforms comes first: while events are being recorded, wait for a
        lull (at most MAX_DEFER_S), so the steps after the store take the CPU (and the SQLite
        writer) between bursts instead of slowing every acknowledgement in one."""
        for _ in range(round(MAX_DEFER_S / LULL_S)):
            if not self._ingest_busy(LULL_S):
                return
            await asyncio.sleep(LULL_S)

    async def _failed(self, item: Pending, exc: BaseException) -> None:
        """The event stays stored and unprocessed, due again after a back-off."""
        log.warning("processing message %s failed: %s", item.message_id, exc)
        self._metrics.process_failures.labels(type(exc).__name__).inc()
        delay = backoff(item.attempts, base=1.0, cap=300.0)
        await self._store.processing.failed(
            message_id=item.message_id,
            error=repr(exc),
            retry_at=utcnow() + timedelta(seconds=delay),
        )
