"""The record step and its group-commit writer: many concurrent events, one transaction."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from bot.adapters.base import Receipt
from bot.events import InboundEvent
from handlers.context import Context, Stage
from handlers.metrics import Metrics
from models.store import Store


@dataclass
class _Pending:
    event: InboundEvent
    started: float
    future: asyncio.Future[Receipt] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class Recorder:
    """Batches concurrent ``record`` calls into one transaction each (group commit).

    Each caller gets its receipt only after the transaction holding its event has committed.
    """

    def __init__(self, store: Store, metrics: Metrics, *, max_batch: int) -> None:
        self._store = store
        self._metrics = metrics
        self._max_batch = max_batch
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def record(self, event: InboundEvent) -> Receipt:
        """Store the event (once); returns when it is durable."""
        if self._task is None:
            raise RuntimeError("recorder is not running")
        item = _Pending(event, time.perf_counter())
        self._queue.put_nowait(item)
        return await item.future

    def start(self) -> None:
        """Start the writer task."""
        self._task = asyncio.create_task(self._run(), name="recorder")

    async def stop(self) -> None:
        """Write what is queued, then stop."""
        task, self._task = self._task, None
        if task is None:
            return
        await self._queue.join()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            await self._write(batch)
            for _ in batch:
                self._queue.task_done()

    async def _write(self, batch: list[_Pending]) -> None:
        try:
            results = await self._store.record([p.event for p in batch])
        except Exception as exc:  # noqa: BLE001 - every waiting caller must hear of it
            for p in batch:
                if not p.future.done():
                    p.future.set_exception(exc)
            return
        for p, r in zip(batch, results, strict=True):
            self._observe(p, r.duplicate)
            if not p.future.done():
                p.future.set_result(Receipt(message_id=r.message_id, duplicate=r.duplicate))

    def _observe(self, item: _Pending, duplicate: bool) -> None:
        channel = item.event.channel.value
        self._metrics.events.labels(channel, item.event.kind.value).inc()
        self._metrics.store_latency.labels(channel).observe(time.perf_counter() - item.started)
        if duplicate:
            self._metrics.duplicates.labels(channel).inc()


class Record:
    """Store the event before anything slow happens; a duplicate stops the pipeline."""

    name = "record"
    stage = Stage.RECEIVE

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder

    def applies(self, ctx: Context) -> bool:
        return ctx.event is not None

    async def run(self, batch: list[Context]) -> None:
        receipts = await asyncio.gather(*(self._recorder.record(c.event) for c in batch if c.event))
        for ctx, receipt in zip(batch, receipts, strict=True):
            ctx.message_id, ctx.duplicate = receipt.message_id, receipt.duplicate
            ctx.stopped = receipt.duplicate
