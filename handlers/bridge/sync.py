"""Catch-up for the staff channel: cards are kept true by being told of each change, and this
job mends what a crash between a change and its card edit left behind (state in the store)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.events import utcnow
from handlers.bridge.bridge import StaffBridge
from handlers.worker import WorkerLoop
from models.store import Store

LOOK_BACK = timedelta(days=1)


class CardSync:
    """Every few minutes: items changed in the last day whose card does not show it yet
    (or have none, or whose post failed) are brought up to date."""

    name = "staff-card-sync"
    every = timedelta(minutes=5)

    def __init__(self, store: Store, bridge: StaffBridge, *, limit: int = 100) -> None:
        self._store = store
        self._bridge = bridge
        self._limit = limit
        self._loop = WorkerLoop(
            self.name, self._tick, full=limit, idle_s=self.every.total_seconds()
        )

    def start(self) -> None:
        """Start the loop."""
        self._loop.start()

    async def stop(self) -> None:
        """Stop the loop."""
        await self._loop.stop()

    async def run(self, now: datetime) -> int:
        """Bring cards that fell behind up to date; how many items were looked at."""
        behind = await self._store.bridge.behind(since=now - LOOK_BACK, limit=self._limit)
        for item_id in behind:
            await self._bridge.refresh(item_id)
        return len(behind)

    async def _tick(self) -> int:
        return await self.run(utcnow())
