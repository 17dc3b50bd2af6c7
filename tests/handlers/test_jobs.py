"""The job runner: every job on its own worker loop, each turn under the job's lease, so of
two processes on one database one runs a job and the other takes it over when it stops."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.events import utcnow
from handlers.jobs import Job, JobRunner, lease_for
from models.store import Store
from models.store.migrate import upgrade_async
from tests.fakes.waiting import wait_until


class Counting:
    """A job that counts its runs (and can fail on cue)."""

    def __init__(self, name: str = "count", every: timedelta = timedelta(milliseconds=20)):
        self.name = name
        self.every = every
        self.runs: list[datetime] = []
        self.fail = False

    async def run(self, now: datetime) -> None:
        self.runs.append(now)
        if self.fail:
            raise RuntimeError("job failed (injected)")


@pytest.fixture
async def stores(db_url: str) -> AsyncIterator[tuple[Store, Store]]:
    await upgrade_async(db_url)
    async with Store.open(db_url) as first, Store.open(db_url) as second:
        yield first, second


async def test_one_process_runs_a_job_and_another_takes_over_when_it_stops(
    stores: tuple[Store, Store],
) -> None:
    jobs = (Counting(), Counting())
    runners = [JobRunner([jobs[n]], stores[n].leases, holder=f"p{n}") for n in (0, 1)]
    for runner in runners:
        runner.start()
    try:
        await wait_until(lambda: len(jobs[0].runs) + len(jobs[1].runs) >= 6, what="six turns")
        first = 0 if jobs[0].runs else 1
        assert not jobs[1 - first].runs, "both processes ran the job"
        assert runners[first].held == {"count"} and runners[1 - first].held == set()
        await runners[first].stop()  # a clean stop gives the lease up
        await wait_until(lambda: len(jobs[1 - first].runs) >= 2, what="the other to take over")
        assert runners[1 - first].held == {"count"}
    finally:
        for runner in runners:
            await runner.stop()


async def test_a_lease_that_is_not_renewed_lapses_to_the_next_process(
    stores: tuple[Store, Store],
) -> None:
    job, now = Counting(every=timedelta(minutes=1)), utcnow()
    alive = JobRunner([job], stores[0].leases, holder="alive", clock=lambda: now)
    assert await alive.turn(job)
    late = [now]
    other = JobRunner([job], stores[1].leases, holder="other", clock=lambda: late[0])
    assert not await other.turn(job)  # the holder's lease runs two intervals
    late[0] = now + lease_for(job.every)  # the holder died and never renewed
    assert await other.turn(job)
    assert not await alive.turn(job)  # nor does it get it back while the other renews
    assert job.runs == [now, late[0]]


async def test_a_failing_job_keeps_its_turns_and_jobs_need_distinct_names(
    stores: tuple[Store, Store],
) -> None:
    job = Counting()
    job.fail = True
    runner = JobRunner([job], stores[0].leases, holder="p")
    runner.start()
    try:
        await wait_until(lambda: len(job.runs) >= 3, what="turns after failures")
    finally:
        await runner.stop()
    jobs: list[Job] = [Counting("same"), Counting("same")]
    with pytest.raises(ValueError, match="two jobs share a name"):
        JobRunner(jobs, stores[0].leases, holder="p")
