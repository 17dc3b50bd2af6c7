"""Wakes snoozed items when their time comes (state is in the store; any process may do it)."""

from __future__ import annotations

from bot.events import utcnow
from handlers.inbox.changes import Change, Changes
from handlers.worker import WorkerLoop
from models.store import Store

WAKE_EVERY_S = 30.0


class SnoozeWaker:
    """Every half minute, snoozed items whose time has come go back to the queue."""

    def __init__(
        self, store: Store, *, every_s: float = WAKE_EVERY_S, changes: Changes | None = None
    ) -> None:
        self._store = store
        self._changes = changes or Changes()
        self._loop = WorkerLoop("snooze-waker", self.run_once, full=1_000_000, idle_s=every_s)

    def start(self) -> None:
        """Start the loop."""
        self._loop.start()

    async def stop(self) -> None:
        """Stop the loop."""
        await self._loop.stop()

    async def run_once(self) -> int:
        """Wake what is due; how many woke."""
        woke = await self._store.inbox.wake_snoozed(now=utcnow())
        await self._changes.changed(Change(tuple(woke), "woke"))
        return len(woke)
