"""Micro-batching: callers await their own results; worker threads (one per core the engine can
use) run the batches, several at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Generic, TypeVar

T = TypeVar("T")
Item = tuple[str, "asyncio.Future[T]"]


class BatcherClosed(RuntimeError):
    """The batcher is not running (never started, or closed)."""


class MicroBatcher(Generic[T]):
    """Gathers texts from concurrent callers into batches of at most max_batch.

    A batch runs when it is full or max_wait_ms after its first text arrived (0, the default in
    the settings: a batch is whatever is waiting when a worker is free); the work runs in
    background threads, at most ``workers`` batches at once, so the event loop never blocks, and
    each caller gets its own results. While every worker is busy, texts wait and join the next
    batch, so batches form under load without any wait, and a lone text is never held back.
    """

    def __init__(
        self,
        work: Callable[[list[str]], list[T]],
        *,
        max_batch: int,
        max_wait_ms: float,
        workers: int = 1,
    ) -> None:
        self._work = work
        self._max_batch = max_batch
        self._max_wait = max_wait_ms / 1000.0
        self._workers = max(1, workers)
        self._queue: asyncio.Queue[Item[T]] | None = None
        self._task: asyncio.Task[None] | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._running: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start the worker on the running loop."""
        self._queue = asyncio.Queue()
        self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="classifier")
        self._task = asyncio.create_task(self._loop(self._queue), name="classifier-batcher")

    async def close(self) -> None:
        """Stop the worker; callers still waiting get BatcherClosed."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
        if self._queue is not None:
            _fail_all(self._queue, BatcherClosed("classifier closed"))
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self._task = self._queue = self._pool = None

    async def submit(self, texts: Sequence[str]) -> list[T]:
        """Results for these texts, in order, once their batches have run."""
        if self._queue is None:
            raise BatcherClosed("classifier is not started")
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[T]] = [loop.create_future() for _ in texts]
        for text, future in zip(texts, futures, strict=True):
            self._queue.put_nowait((text, future))
        return list(await asyncio.gather(*futures))

    async def _loop(self, queue: asyncio.Queue[Item[T]]) -> None:
        """Collect a batch and share it out among the free workers (each part on its own core),
        repeat; while no worker is free, texts wait and join the next batch."""
        free = asyncio.Semaphore(self._workers)
        while True:
            await free.acquire()
            try:
                batch = await self._collect(queue)
            except BaseException:
                free.release()
                raise
            parts = 1
            while parts < len(batch) and not free.locked():
                await free.acquire()  # free now: returns at once
                parts += 1
            for k in range(parts):
                task = asyncio.create_task(self._run(batch[k::parts]))
                self._running.add(task)
                task.add_done_callback(partial(self._finished, free))

    def _finished(self, free: asyncio.Semaphore, task: asyncio.Task[None]) -> None:
        """A part is done: its worker is free again."""
        self._running.discard(task)
        free.release()

    async def _collect(self, queue: asyncio.Queue[Item[T]]) -> list[Item[T]]:
        """The first waiting item plus whatever arrives before the batch is full or time is up."""
        batch = [await queue.get()]
        deadline = asyncio.get_running_loop().time() + self._max_wait
        while len(batch) < self._max_batch:
            if queue.empty():
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    break
                try:  # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancel
                    async with asyncio.timeout(remaining):
                        batch.append(await queue.get())
                except TimeoutError:
                    break
            else:
                batch.append(queue.get_nowait())
        return batch

    async def _run(self, batch: list[Item[T]]) -> None:
        """Run the live items in the worker thread and hand each caller its result."""
        live = [(text, future) for text, future in batch if not future.done()]
        if not live:
            return
        loop = asyncio.get_running_loop()
        try:
            results = await loop.run_in_executor(self._pool, self._work, [t for t, _ in live])
        except Exception as exc:  # noqa: BLE001 - the callers get the failure, the worker goes on
            _settle([f for _, f in live], exc)
            return
        for (_, future), result in zip(live, results, strict=True):
            if not future.done():
                future.set_result(result)


def _settle(futures: list[asyncio.Future[T]], exc: BaseException) -> None:
    """Fail every future that is still pending."""
    for future in futures:
        if not future.done():
            future.set_exception(exc)


def _fail_all(queue: asyncio.Queue[Item[T]], exc: BaseException) -> None:
    """Fail everything still queued."""
    while not queue.empty():
        _settle([queue.get_nowait()[1]], exc)
