"""Digest benchmark: one week's digest (every section the bot builds, charts included: the week's
themes, this term's focus areas, staff, trends, terms, who we hear from) over N stored messages
(default 1,000,000: 26 weeks, 4 channels, 17 topics, each with a synthetic embedding
(bench/embedding_data.py); N/40 people, two in three in a customer group; and N/20 = 50,000
queue items), on SQLite and on PostgreSQL. The week's themes are computed first, timed on their
own, as the hourly themes job does once a week has ended (a digest finding none computes them
itself); the builds then read them.
Prints the load time, the time per section (wall), the CPU it took (this process, and
PostgreSQL's backends when the server runs on this machine: on a shared machine wall time
mostly measures waiting for a core), and the peak Python memory of a build (tracemalloc).
Usage: make bench, or PYTHONPATH=. python bench/digest.py [N] [sqlite|postgresql|both]"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy.engine import make_url

from bench import digest_data
from bench.common import each_backend
from bench.embedding_data import embed_postgres, embed_sqlite
from bench.group_data import GROUPS as CUSTOMER_GROUPS
from bench.group_data import place_everyone
from bot.wiring.digest import digest_sections
from config.calendar import AcademicCalendar, Term
from handlers.digest.build import DigestConfig, Timer
from handlers.digest.service import Digests
from handlers.digest.week import IsoWeek
from handlers.themes.compute import ThemeBuilder
from models.store import Store
from models.store.migrate import upgrade_async

WEEK = IsoWeek.parse("2026-W48")
ZONE = ZoneInfo("Europe/London")
GROUPS = {"slack": "staff", "telegram": "students", "widget": "public"}
PG = os.environ.get(
    "FEEDBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


@asynccontextmanager
async def sqlite_db() -> AsyncIterator[tuple[str, str]]:
    """A temp SQLite file: (SQLAlchemy URL, file path)."""
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite+aiosqlite:///{tmp}/bench.db", f"{tmp}/bench.db"


@asynccontextmanager
async def postgres_db() -> AsyncIterator[tuple[str, str]]:
    """A new PostgreSQL database, dropped afterwards."""
    u = make_url(PG)
    admin = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )
    name = f"feedbot_bench_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    # no parallel workers: they come and go too fast to count their CPU, and on two busy cores
    # they only add hand-overs
    await admin.execute(f'ALTER DATABASE "{name}" SET max_parallel_workers_per_gather = 0')
    try:
        url = u.set(database=name).render_as_string(hide_password=False)
        yield url, url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _ticks(pid: int) -> int:
    """User + system CPU clock ticks of a process on this machine (0 when it is not here)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


async def server_cpu(store: Store) -> float:
    """CPU seconds used so far by the PostgreSQL backends serving this database (0 on SQLite
    or a server on another machine)."""
    if store.dialect != "postgresql":
        return 0.0
    query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    pids = await store.read(lambda c: [int(p) for p in c.exec_driver_sql(query).scalars()])
    return sum(_ticks(p) for p in pids) / os.sysconf("SC_CLK_TCK")


CALENDAR = AcademicCalendar(
    terms=(
        Term(name="Spring 2026", start=date(2026, 1, 26), end=date(2026, 4, 10)),
        Term(name="Summer 2026", start=date(2026, 4, 27), end=date(2026, 6, 12)),
        Term(name="Autumn 2026", start=date(2026, 9, 28), end=date(2026, 12, 11)),
    )
)


def config() -> DigestConfig:
    """The digest as the bot builds it: every section, the calendar, topics' names."""
    return DigestConfig(
        zone=ZONE,
        groups=GROUPS,
        topic_names={t: t.replace("_", " ").capitalize() for t in digest_data.TOPICS},
        calendar=CALENDAR,
        sections=digest_sections(CUSTOMER_GROUPS, CALENDAR),
    )


def _lines(data: object) -> int:
    """How many lines a part shows (a list's length, or its ``lines``)."""
    shown = getattr(data, "lines", data)
    return len(shown) if isinstance(shown, list | tuple | dict) else 1


async def measure(url: str) -> None:
    """Build the digest twice, timed, then once more under tracemalloc for its peak memory."""
    async with Store.open(url, pseudonym_key=b"bench" * 8) as store:
        digests = Digests(store, config(), library="Bench", base_url="")
        wall, cpu = time.perf_counter(), time.process_time()
        themes = await ThemeBuilder(store, ZONE).ensure(WEEK, WEEK.end(ZONE) + timedelta(hours=1))
        print(
            f"  themes job for the week ({themes.messages:,} messages): "
            f"{time.perf_counter() - wall:.2f}s wall, {time.process_time() - cpu:.2f}s CPU here"
        )
        for run in ("first", "second"):
            served = await server_cpu(store)
            timer, wall, cpu = Timer(), time.perf_counter(), time.process_time()
            drawn = await digests.drawn(WEEK, timer)
            digests.html(drawn, "mail"), digests.text(drawn.digest)
            timer.lap("render")
            total, used = time.perf_counter() - wall, time.process_time() - cpu
            server = await server_cpu(store) - served
            parts = ", ".join(f"{k} {v:.2f}s" for k, v in timer.seconds.items())
            busy = f"{used:.2f}s CPU here, {server:.2f}s in the database server"
            print(f"  {run} build: {total:.2f}s wall, {busy} ({parts})")
        tracemalloc.start()
        await digests.drawn(WEEK)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak Python memory of a build {peak / 2**20:.1f} MiB; peak RSS {rss:.0f} MiB")
        total_messages = drawn.digest.headline[-1].messages
        print(f"  week {WEEK}: {total_messages} messages, {len(drawn.digest.topics)} topics")
        parts = ", ".join(f"{p.name} ({_lines(p.data)} lines)" for p in drawn.digest.parts)
        print(f"  sections: {parts or 'none'}")
        q = drawn.digest.queue.total
        if q is not None:
            print(
                f"  queue: {q.new} new, {q.resolved} resolved, {q.open} open, {q.overdue} overdue, "
                f"{q.csat_responses} CSAT answers, {len(drawn.digest.queue.teams) - 1} teams"
            )


async def bench(backend: str, n: int) -> None:
    """Load N messages into a fresh database of ``backend`` and measure the digest."""
    people, queue = max(1000, n // 40), n // 20
    start = WEEK.shifted(-(digest_data.WEEKS - 1)).start(ZONE)
    db = sqlite_db() if backend == "sqlite" else postgres_db()
    async with db as (url, target):
        await upgrade_async(url)
        began = time.perf_counter()
        if backend == "sqlite":
            await asyncio.to_thread(digest_data.load_sqlite, target, n, people, start, queue)
            await asyncio.to_thread(embed_sqlite, target, n)
        else:
            await digest_data.load_postgres(target, n, people, start, queue)
            await embed_postgres(target, n)
        async with Store.open(url, pseudonym_key=b"bench" * 8) as store:
            await place_everyone(store)
        took = time.perf_counter() - began
        print(
            f"{backend}: loaded {n:,} messages from {people:,} people and {queue:,} queue items "
            f"in {took:.1f}s"
        )
        await measure(url)


async def main(n: int, which: str) -> None:
    """Each backend asked for; PostgreSQL is skipped with a note when it is not reachable."""
    await each_backend(which, lambda backend: bench(backend, n))


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    asyncio.run(main(size, sys.argv[2] if len(sys.argv) > 2 else "both"))
