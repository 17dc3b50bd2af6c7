"""Catch-up for the staff channel: cards are kept true by being told of each change, and this
job mends what a crash between a change and its card edit left behind (state in the store)."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.bridge.bridge import StaffBridge
from models.store import Store

LOOK_BACK = timedelta(days=1)


class CardSync:
    """A job (see handlers/jobs.py): every few minutes, items changed in the last day whose
    card does not show it yet (or have none, or whose post failed) are brought up to date."""

    name = "staff-card-sync"
    every = timedelta(minutes=5)

    def __init__(self, store: Store, bridge: StaffBridge, *, limit: int = 100) -> None:
        self._store = store
        self._bridge = bridge
        self._limit = limit

    async def run(self, now: datetime) -> None:
        """Bring cards that fell behind up to date, ``limit`` items a turn."""
        behind = await self._store.bridge.behind(since=now - LOOK_BACK, limit=self._limit)
        for item_id in behind:
            await self._bridge.refresh(item_id)
