"""Waking snoozed queue items when their time comes."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.inbox.changes import Change, Changes
from models.store import Store

WAKE_EVERY = timedelta(seconds=30)


class SnoozeWaker:
    """A job (see handlers/jobs.py): every half minute, snoozed items whose time has come go
    back to the queue (each item wakes once: the store's update is conditional on its state)."""

    name = "snooze-waker"

    def __init__(
        self, store: Store, *, every: timedelta = WAKE_EVERY, changes: Changes | None = None
    ) -> None:
        self._store = store
        self._changes = changes or Changes()
        self.every = every

    async def run(self, now: datetime) -> None:
        """Wake what is due, and tell those following item changes (the staff channel)."""
        woke = await self._store.inbox.wake_snoozed(now=now)
        await self._changes.changed(Change(tuple(woke), "woke"))
