"""The processor: runs the after-store steps for stored events, resuming after any crash."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import timedelta

from bot.events import utcnow
from handlers.metrics import Metrics
from handlers.pipeline import Pipeline
from models.store import Store
from models.store.processing import Pending

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)  # after a crash, claimed events are due again this soon
GRACE_S = 10.0
IDLE_POLL_S = 2.0


class Processor:
    """Claims stored events in batches, runs them concurrently, retries failures with back-off."""

    def __init__(
        self, store: Store, pipeline: Pipeline, metrics: Metrics, *, batch: int, max_attempts: int
    ) -> None:
        self._store = store
        self._pipeline = pipeline
        self._metrics = metrics
        self._batch = batch
        self._max_attempts = max_attempts
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._in_hand: set[int] = set()

    def wake(self) -> None:
        """New work was stored."""
        self._wake.set()

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name="processor")

    async def stop(self) -> None:
        """Finish the batch in hand (up to a grace period) and stop; what is left is released."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        await asyncio.wait({task}, timeout=GRACE_S)
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._in_hand:
            await self._store.release_pending(sorted(self._in_hand))

    async def run_once(self) -> int:
        """Process one batch; returns how many events were claimed."""
        items = await self._store.claim_pending(
            limit=self._batch, lease=LEASE, max_attempts=self._max_attempts
        )
        if not items:
            return 0
        self._in_hand = {i.message_id for i in items}
        ctxs = await self._pipeline.process_batch(items)
        await self._store.mark_processed([c.message_id for c in ctxs if c.error is None])
        for item, ctx in zip(items, ctxs, strict=True):
            if ctx.error is not None:
                await self._failed(item, ctx.error)
        self._in_hand = set()
        return len(items)

    async def _failed(self, item: Pending, exc: BaseException) -> None:
        """The event stays stored and unprocessed, due again after a back-off."""
        log.warning("processing message %s failed: %s", item.message_id, exc)
        self._metrics.process_failures.labels(type(exc).__name__).inc()
        delay = min(300.0, 2.0**item.attempts) * random.uniform(0.5, 1.0)
        await self._store.mark_unprocessed(
            item.message_id, error=repr(exc), retry_at=utcnow() + timedelta(seconds=delay)
        )

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                claimed = await self.run_once()
            except Exception:
                log.exception("processor batch failed")
                claimed = 0
            if claimed < self._batch and not self._stopping:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(
                        IDLE_POLL_S
                    ):  # not wait_for: it can swallow a cancel
                        await self._wake.wait()
