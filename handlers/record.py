"""The record step and its group-commit writer: many concurrent events, one transaction.

One event the store refuses never costs its neighbours theirs: a failed batch is written again
row by row, and only the refused row's caller hears of it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import time
from dataclasses import dataclass, field

from bot.channel import Receipt
from bot.events import EventKind, InboundEvent
from bot.storable import Unstorable
from handlers.context import Context, Stage
from handlers.metrics import Metrics
from models.store import Store
from models.store.inbound.record import Recorded, is_content_fault
from models.store.polls.votes import Choose

log = logging.getLogger(__name__)


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
    When a batch fails, each of its events is written alone: the good ones land, and a caller
    whose own event the store refused gets ``Unstorable`` (the sender's fault, one log line).
    Up to ``in_flight`` batches are written at once (PostgreSQL: one commits while the next is
    sent; the next batch gathers while all are busy); the store keeps each event once however
    its batches overlap.

    With ``count_votes`` (what a vote means), votes are counted in the transaction that stores
    them, so a tap is in the results when the platform is answered; the processor then only
    answers the voter. Should counting fail, the batch is stored without it and the processor
    counts its votes, as it does for every vote without ``count_votes``.
    """

    def __init__(
        self,
        store: Store,
        metrics: Metrics,
        *,
        max_batch: int,
        in_flight: int = 1,
        count_votes: Choose | None = None,
    ) -> None:
        self._store = store
        self._metrics = metrics
        self._count_votes = count_votes
        self._max_batch = max_batch
        self._in_flight = in_flight
        self._writes: set[asyncio.Task[None]] = set()
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._written: collections.deque[tuple[float, int]] = collections.deque(maxlen=4096)

    def busy(self, within_s: float) -> bool:
        """Whether events are queued, or a batch was written within the last ``within_s``."""
        last = self._written[-1][0] if self._written else float("-inf")
        return not self._queue.empty() or time.monotonic() - last < within_s

    def rate(self, within_s: float) -> float:
        """Events written a second over the last ``within_s`` (batches begun in that time)."""
        since, written = time.monotonic() - within_s, 0
        for began, n in reversed(self._written):  # newest first, up to the window's start
            if began < since:
                break
            written += n
        return written / within_s

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
        slots = asyncio.Semaphore(self._in_flight)
        while True:
            await slots.acquire()  # while every slot is busy, the next batch gathers
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            write = asyncio.create_task(self._write_done(batch, slots), name="record-batch")
            self._writes.add(write)
            write.add_done_callback(self._writes.discard)

    async def _write_done(self, batch: list[_Pending], slots: asyncio.Semaphore) -> None:
        try:
            await self._write(batch)
        finally:
            slots.release()
            for _ in batch:
                self._queue.task_done()

    async def _write(self, batch: list[_Pending]) -> None:
        self._written.append((time.monotonic(), len(batch)))
        events = [p.event for p in batch]
        if self._count_votes is not None and any(e.kind is EventKind.VOTE for e in events):
            try:
                counted = await self._store.messages.record(
                    events=events, count_votes=self._count_votes
                )
            except Exception as exc:  # noqa: BLE001 - stored below without counting
                log.warning(
                    "batch with votes: counting on arrival failed, storing it alone: %s",
                    _summary(exc),
                )
            else:
                self._settle(batch, counted)
                return
        try:
            results = await self._store.messages.record(events=events)
        except Exception as exc:  # noqa: BLE001 - every waiting caller must hear of it
            if len(batch) == 1:
                self._fail(batch[0], exc)
            else:
                await self._write_each(batch)
            return
        self._settle(batch, results)

    async def _write_each(self, batch: list[_Pending]) -> None:
        """Write each event of a failed batch in its own transaction."""
        for p in batch:
            try:
                results = await self._store.messages.record(events=[p.event])
            except Exception as exc:  # noqa: BLE001 - handed to this event's caller
                self._fail(p, exc)
            else:
                self._settle([p], results)

    def _settle(self, batch: list[_Pending], results: list[Recorded]) -> None:
        for p, r in zip(batch, results, strict=True):
            self._observe(p, r.duplicate)
            if not p.future.done():
                p.future.set_result(Receipt(message_id=r.message_id, duplicate=r.duplicate))

    def _fail(self, item: _Pending, exc: Exception) -> None:
        """Tell one caller its event was not stored: Unstorable when its content is why."""
        event, content = item.event, is_content_fault(exc)
        reason = "unstorable" if content else "store_error"
        self._metrics.not_stored.labels(event.channel.value, reason).inc()
        summary = _summary(exc)
        log.warning(
            "%s %s %.80r not stored (%s): %s",
            event.channel.value,
            event.kind.value,
            event.platform_id,
            reason,
            summary,
        )
        if not item.future.done():
            item.future.set_exception(Unstorable(summary) if content else exc)

    def _observe(self, item: _Pending, duplicate: bool) -> None:
        channel = item.event.channel.value
        self._metrics.events.labels(channel, item.event.kind.value).inc()
        self._metrics.store_latency.labels(channel).observe(time.perf_counter() - item.started)
        if duplicate:
            self._metrics.duplicates.labels(channel).inc()


def _summary(exc: Exception) -> str:
    """The error's first line, escaped: it may quote a stranger's unprintable text."""
    first = next(iter(str(exc).splitlines()), "")
    return f"{type(exc).__name__}: {first}"[:300].encode("ascii", "backslashreplace").decode()


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
