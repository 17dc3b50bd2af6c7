"""The retention period: when texts expire (a pure rule), and the daily job that applies it."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from models.store import Store
from models.store.rights.retention import Purge

log = logging.getLogger(__name__)
CHECK = timedelta(hours=1)
"""How often a process asks whether today's run is still to do (the store says yes once)."""


def cutoff(now: datetime, days: int) -> datetime | None:
    """What is older than this has passed the retention period; None when kept forever (0)."""
    return None if days <= 0 else now - timedelta(days=days)


class RetentionJob:
    """A job (see handlers/jobs.py): once a day across all processes, apply
    FEEDBOT_RETENTION_DAYS. It is asked every hour; the store says yes once a day (the day is
    claimed in the same transaction as the run)."""

    name = "retention"

    def __init__(self, store: Store, *, days: int, every: timedelta = CHECK) -> None:
        self._store = store
        self._days = days
        self.every = every

    async def run(self, now: datetime) -> None:
        """Today's run, if it falls to this process."""
        await self.run_at(now)

    async def run_at(self, now: datetime) -> Purge | None:
        """Today's run if it falls to this process; None otherwise or when kept forever."""
        limit = cutoff(now, self._days)
        if limit is None:
            return None
        done = await self._store.rights.retention_daily(now=now, cutoff=limit)
        if done is not None:
            log.info("retention: %s", " ".join(line.strip() for line in done.lines()))
        return done
