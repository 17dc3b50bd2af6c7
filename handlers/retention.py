"""The retention period: when texts expire (a pure rule), and the daily job that applies it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.events import utcnow
from models.store import Store
from models.store.retention import Purge

log = logging.getLogger(__name__)
CHECK_S = 3600.0
"""How often a process asks whether today's run is still to do (the store says yes once)."""
FIRST_S = 60.0
"""The first check waits this long after start, so start-up work goes first."""


def cutoff(now: datetime, days: int) -> datetime | None:
    """What is older than this has passed the retention period; None when kept forever (0)."""
    return None if days <= 0 else now - timedelta(days=days)


class RetentionJob:
    """Once a day across all processes: apply FEEDBOT_RETENTION_DAYS."""

    def __init__(
        self,
        store: Store,
        *,
        days: int,
        clock: Callable[[], datetime] = utcnow,
        every_s: float = CHECK_S,
        first_s: float = FIRST_S,
    ) -> None:
        self._store = store
        self._days = days
        self._clock = clock
        self._every = every_s
        self._first = first_s
        self._task: asyncio.Task[None] | None = None

    async def run_once(self) -> Purge | None:
        """Today's run if it falls to this process; None otherwise or when kept forever."""
        now = self._clock()
        limit = cutoff(now, self._days)
        if limit is None:
            return None
        done = await self._store.rights.retention_daily(now=now, cutoff=limit)
        if done is not None:
            log.info("retention: %s", " ".join(line.strip() for line in done.lines()))
        return done

    def start(self) -> None:
        """Start checking in the background."""
        self._task = asyncio.create_task(self._loop(), name="retention")

    async def stop(self) -> None:
        """Stop checking (a run in hand is one transaction: it commits or rolls back)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _loop(self) -> None:
        await asyncio.sleep(self._first)
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("retention run failed")
            await asyncio.sleep(self._every)
