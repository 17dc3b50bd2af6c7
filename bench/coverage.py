"""Coverage benchmark: the coverage report (people per customer group, per channel and per
topic, this span against the one before), the people per group and topic since a date, and a
segment count as ``send`` counts it (people of one group who raised one topic since a date),
over N stored messages from N/10 people (default 1,000,000 and 100,000; about a third of
people in no known group), on SQLite and PostgreSQL. Prints p50 and p95 wall time of each over
RUNS runs, and the CPU time of this process (all of SQLite's work; none of PostgreSQL's).
Usage: make bench, or PYTHONPATH=. python bench/coverage.py [N] [sqlite|postgresql|both]"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bench import digest_data
from bench.common import each_backend
from bench.digest import ZONE, postgres_db, sqlite_db
from bench.group_data import GROUPS, place_everyone
from config.calendar import AcademicCalendar
from config.groups import DEFAULT_GROUPS
from handlers.digest.week import IsoWeek
from handlers.groups.report import coverage_report
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.reach.segment import Segment

RUNS = 10
TOPIC = digest_data.TOPICS[0]
WEEK = IsoWeek.parse("2026-W48")


async def timed(what: str, work: Callable[[], Awaitable[object]]) -> None:
    """Run ``work`` RUNS times; print p50, p95 and CPU per run."""
    walls, cpu = [], time.process_time()
    for _ in range(RUNS):
        began = time.perf_counter()
        await work()
        walls.append(time.perf_counter() - began)
    walls.sort()
    p95 = walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]
    used = (time.process_time() - cpu) / RUNS
    print(
        f"  {what}: p50 {statistics.median(walls):.3f}s, p95 {p95:.3f}s wall;"
        f" {used:.3f}s CPU here per run"
    )


async def measure(url: str) -> None:
    """The report and the segment count, each RUNS times."""
    now = WEEK.end(ZONE)
    async with Store.open(url, pseudonym_key=b"bench" * 8) as store:
        await place_everyone(store)
        report = await coverage_report(store, GROUPS, AcademicCalendar(), now)
        print(f"  {report.span}: {report.people.shown} people heard from; {report.under_heard=}")
        await timed(
            "coverage report",
            lambda: coverage_report(store, GROUPS, AcademicCalendar(), now),
        )
        since = now - timedelta(weeks=8)
        await timed(
            "people per group x topic since a date",
            lambda: store.people.heard(since=since, until=now, topics=True),
        )
        segment = Segment(groups=(DEFAULT_GROUPS[0],), topics=(TOPIC,), raised_since=since)
        print(f"  segment: {await store.reach.count(segment=segment, until=now):,} people")
        await timed(
            f"segment count ({DEFAULT_GROUPS[0]} who raised {TOPIC} since a date)",
            lambda: store.reach.count(segment=segment, until=now),
        )


async def bench(backend: str, n: int) -> None:
    """Load N messages into a fresh database of ``backend`` and measure."""
    people = max(1000, n // 10)
    start = WEEK.shifted(-(digest_data.WEEKS - 1)).start(ZONE)
    db = sqlite_db() if backend == "sqlite" else postgres_db()
    async with db as (url, target):
        await upgrade_async(url)
        if backend == "sqlite":
            await asyncio.to_thread(digest_data.load_sqlite, target, n, people, start, 0)
        else:
            await digest_data.load_postgres(target, n, people, start, 0)
        print(f"{backend}: {n:,} messages from {people:,} people")
        await measure(url)


async def main(n: int, which: str) -> None:
    """Each backend asked for; PostgreSQL is skipped with a note when it is not reachable."""
    await each_backend(which, lambda backend: bench(backend, n))


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    asyncio.run(main(size, sys.argv[2] if len(sys.argv) > 2 else "both"))
