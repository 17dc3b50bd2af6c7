"""Wakes snoozed items when their time comes (state is in the store; any process may do it)."""

from __future__ import annotations

from datetime import datetime, timedelta

from models.store import Store

WAKE_EVERY = timedelta(seconds=30)


class SnoozeWaker:
    """A job (see handlers/jobs.py): every half minute, snoozed items whose time has come go
    back to the queue (each item wakes once: the store's update is conditional on its state)."""

    name = "snooze-waker"

    def __init__(self, store: Store, *, every: timedelta = WAKE_EVERY) -> None:
        self._store = store
        self.every = every

    async def run(self, now: datetime) -> None:
        """Wake what is due."""
        await self._store.inbox.wake_snoozed(now=now)
