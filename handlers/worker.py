"""A worker loop: run a batch, and when there was little to do, sleep until woken or a poll
interval passes. Stopping lets the batch in hand finish, up to a grace period."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Doorbell:
    """A wake-up made before both sides: whoever queues work rings it, the loop doing the work
    waits on it (so neither needs the other to exist first)."""

    def __init__(self) -> None:
        self.event = asyncio.Event()

    def ring(self) -> None:
        """There is new work."""
        self.event.set()


class WorkerLoop:
    """Drives ``run_once`` (which returns how many items it took) until stopped."""

    def __init__(
        self,
        name: str,
        run_once: Callable[[], Awaitable[int]],
        *,
        full: int,
        idle_s: float,
        grace_s: float = 10.0,
        bell: Doorbell | None = None,
    ) -> None:
        self._name = name
        self._run_once = run_once
        self._full = full
        self._idle_s = idle_s
        self._grace_s = grace_s
        self._wake = (bell or Doorbell()).event
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def wake(self) -> None:
        """There is new work: do not wait for the poll interval."""
        self._wake.set()

    def start(self) -> None:
        """Start the loop."""
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name=self._name)

    async def stop(self) -> None:
        """Let the batch in hand finish (up to the grace period), then stop."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        await asyncio.wait({task}, timeout=self._grace_s)
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()  # before the batch: a wake-up during it brings on the next
            try:
                taken = await self._run_once()
            except Exception:
                log.exception("%s batch failed", self._name)
                taken = 0
            if taken < self._full and not self._stopping:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._idle_s):  # not wait_for: it can eat a cancel
                        await self._wake.wait()
