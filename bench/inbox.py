"""Staff-queue benchmark: with N stored messages (default 1,000,000) and M queue items (default
100,000), on SQLite and on PostgreSQL, how fast the filtered queue list, the view counts and an
item's page answer through the store API (p50/p95; target p95 <= 150 ms). One item sits in a
group chat holding a fifth of all messages: its page must stay paged. A query slower than the
target prints its plan. PostgreSQL is skipped (one line) when FEEDBOT_TEST_POSTGRES_URL's server
cannot be reached.
Usage: make bench, or PYTHONPATH=. python bench/inbox.py [MESSAGES [ITEMS]]"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from bench.inbox_fixture import STAFF, TEAMS, Size, build
from models.store import Store
from models.store.inbox.queue_reads import list_query
from models.store.inbox.types import QueueFilter
from models.store.migrate import upgrade_async

TARGET_S = 0.150
DAY = timedelta(days=1)
RUNS = 60
PG = os.environ.get(
    "FEEDBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def filters(now: datetime) -> dict[str, Callable[[random.Random], QueueFilter]]:
    """The queue views staff use most, each with random parameters per run."""
    return {
        "all open": lambda r: QueueFilter(),
        "team + status": lambda r: QueueFilter(team=r.choice(TEAMS), statuses=("new", "open")),
        "mine": lambda r: QueueFilter(assignee_id=r.randint(1, STAFF)),
        "unassigned": lambda r: QueueFilter(unassigned=True),
        "overdue": lambda r: QueueFilter(overdue_at=now),
        "channel + topic": lambda r: QueueFilter(channel="slack", topic="noise"),
    }


async def timed(call: Callable[[], Awaitable[Any]], runs: int = RUNS) -> list[float]:
    """Seconds per call, after one warm-up call."""
    await call()
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        await call()
        took.append(time.perf_counter() - start)
    return took


def report(backend: str, name: str, took: list[float]) -> bool:
    """Print p50/p95 in ms; True when p95 is over the target."""
    p50, p95 = statistics.median(took), statistics.quantiles(took, n=20)[18]
    flag = "" if p95 <= TARGET_S else "  <-- over the 150 ms target"
    print(f"  {backend:<10} {name:<26} p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms{flag}")
    return p95 > TARGET_S


def plan(conn: Connection, f: QueueFilter) -> list[str]:
    """The backend's plan for the list statement."""
    stmt = list_query(f, limit=50).compile(conn, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
    return [" ".join(str(c) for c in r) for r in conn.execute(text(prefix + str(stmt)))]


async def measure(store: Store, backend: str, size: Size) -> None:
    """Run every query RUNS times and print the figures."""
    rng, now = random.Random(7), datetime(2026, 1, 6, tzinfo=UTC)
    for name, make in filters(now).items():

        def listing(make: Callable[[random.Random], QueueFilter] = make) -> Awaitable[Any]:
            return store.inbox.listing(filter=make(rng), limit=50)

        slow = report(backend, f"list: {name}", await timed(listing))
        if slow:
            for line in await store.read(plan, make(rng)):
                print(f"      {line}")
    report(
        backend,
        "counts (all views)",
        await timed(lambda: store.inbox.counts(staff_id=1, now=now, new_since=now - DAY)),
    )
    page = lambda: store.inbox.page(item_id=rng.randint(51, size.items), limit=50)  # noqa: E731
    report(backend, "item page", await timed(page))
    group = await store.inbox.page(item_id=1, limit=50)
    assert group is not None and len(group.entries) <= 50 + 50  # paged, notes aside
    report(backend, "item page (huge group)", await timed(lambda: store.inbox.page(item_id=1)))
    older = lambda: store.inbox.page(item_id=1, before=group.older)  # noqa: E731
    report(backend, "group chat, older page", await timed(older))


async def run(url: str, backend: str, size: Size) -> None:
    """Migrate, build the fixture, measure."""
    await upgrade_async(url)
    async with Store.open(url) as store:
        start = time.perf_counter()
        await store.inbox._db.write(build, size)
        await store.inbox._db.write(_analyze)
        if store.dialect == "postgresql":
            await _vacuum(url)
        print(f"  {backend:<10} fixture built in {time.perf_counter() - start:.0f} s")
        await measure(store, backend, size)


def _analyze(conn: Connection) -> None:
    conn.execute(text("ANALYZE"))


async def _connect(url: str) -> asyncpg.Connection:
    u = make_url(url)
    return await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )


async def _vacuum(url: str) -> None:
    """PostgreSQL: set the visibility map a bulk load leaves unset (autovacuum would, soon
    after), so counts are answered from the indexes alone."""
    conn = await _connect(url)
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


async def postgres(size: Size) -> None:
    """The same on a throwaway PostgreSQL database, if the server answers."""
    u = make_url(PG)
    try:
        admin = await asyncpg.connect(
            host=u.host,
            port=u.port or 5432,
            user=u.username,
            password=u.password,
            database=u.database,
        )
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"  postgresql skipped: {PG} unreachable ({exc})")
        return
    name = f"feedbot_bench_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        await run(u.set(database=name).render_as_string(hide_password=False), "postgresql", size)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def main(size: Size) -> None:
    print(f"staff queue: {size.messages:,} messages, {size.items:,} queue items, {RUNS} runs each")
    with tempfile.TemporaryDirectory() as tmp:
        await run(f"sqlite+aiosqlite:///{tmp}/bench.db", "sqlite", size)
    await postgres(size)


if __name__ == "__main__":
    args = [int(a.replace(",", "").replace("_", "")) for a in sys.argv[1:3]]
    asyncio.run(main(Size(*(args + [1_000_000, 100_000][len(args) :]))))
