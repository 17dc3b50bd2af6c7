"""Periodic jobs and the one runner that runs them all.

A job is anything with a ``name``, an interval ``every`` and ``async run(now)``. The runner
drives each job on a WorkerLoop (handlers/worker.py) and, before each turn, takes or renews
the job's lease in the store (``job.<name>``): of several processes on one database the one
holding the lease runs the job, the others skip their turn, and when the holder stops renewing
(it stopped, or died) another takes the job over once the lease lapses. A job whose work has
its own claim in the database as well (a poll's opening and closing, a digest run, the day of
retention) stays correct even if two turns ever overlap.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from bot.events import utcnow
from handlers.worker import Doorbell, WorkerLoop
from models.store.jobs.leases import Leases

log = logging.getLogger(__name__)
MIN_LEASE = timedelta(seconds=30)


class Job(Protocol):
    """A periodic job: ``run(now)`` every ``every``, in one process at a time."""

    name: str
    every: timedelta

    async def run(self, now: datetime) -> None: ...


def lease_for(every: timedelta) -> timedelta:
    """How long a turn's lease lasts: two intervals (at least half a minute), so the holder
    renews it before it lapses and keeps the job while it is alive."""
    return max(2 * every, MIN_LEASE)


def lease_name(job: Job) -> str:
    """The job's row in the leases table."""
    return f"job.{job.name}"


class JobRunner:
    """Runs every job on its own worker loop, each turn under the job's lease."""

    def __init__(
        self,
        jobs: Sequence[Job],
        leases: Leases,
        *,
        holder: str,
        clock: Callable[[], datetime] = utcnow,
        grace_s: float = 10.0,
        bells: Mapping[str, Doorbell] | None = None,
    ) -> None:
        names = [j.name for j in jobs]
        if len(set(names)) != len(names):
            raise ValueError(f"two jobs share a name: {sorted(names)}")
        self.jobs = tuple(jobs)
        self._leases = leases
        self.holder = holder
        self._clock = clock
        self._loops = [
            WorkerLoop(
                j.name,
                self._turn_of(j),
                full=1,
                idle_s=j.every.total_seconds(),
                grace_s=grace_s,
                bell=(bells or {}).get(j.name),  # rung: the job's next turn is now
            )
            for j in self.jobs
        ]
        self._held: set[str] = set()

    @property
    def held(self) -> frozenset[str]:
        """The jobs this process held the lease of at its last turn."""
        return frozenset(self._held)

    def start(self) -> None:
        """Start every job's loop (each takes its first turn now)."""
        for loop in self._loops:
            loop.start()

    async def stop(self) -> None:
        """Stop the loops (a turn in hand finishes, up to the grace period); give up the leases
        so another process takes the jobs over at its next turn."""
        for loop in self._loops:
            await loop.stop()
        now = self._clock()
        for job in self.jobs:
            if job.name in self._held:
                await self._leases.release(name=lease_name(job), holder=self.holder, now=now)
        self._held.clear()

    async def turn(self, job: Job) -> bool:
        """One turn: run the job if this process holds (or now takes) its lease."""
        now = self._clock()
        ttl = lease_for(job.every)
        if not await self._leases.acquire(
            name=lease_name(job), holder=self.holder, now=now, ttl=ttl
        ):
            self._held.discard(job.name)
            return False
        if job.name not in self._held:
            log.info("job %s: this process (%s) runs it", job.name, self.holder)
        self._held.add(job.name)
        await job.run(now)
        return True

    def _turn_of(self, job: Job) -> Callable[[], Awaitable[int]]:
        async def once() -> int:
            await self.turn(job)
            return 0  # the loop then waits the job's interval

        return once
