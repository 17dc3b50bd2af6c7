"""Alert benchmark: the topic spike detector (one aggregate query) over N stored messages
(default 1,000,000: 26 weeks, 4 channels, 17 topics, with a burst on one topic in the last
hour), as the alert checker runs it every minute; on SQLite and on PostgreSQL. Prints the time
per run (p50 / p95 / max of RUNS, target ≤ 50 ms), one whole checker pass (item queries, the
detector, the spike's alert), and each backend's plan for the detector. Then the item alerts
over the queue benchmark's 100,000 queue items: the first pass (which raises every alert the
fixture calls for), the passes after it, and the plans of the item queries.
Usage: make bench, or PYTHONPATH=. python bench/alerts.py [N] [sqlite|postgresql|both]"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import Connection

from bench import digest_data
from bench.common import each_backend
from bench.digest import postgres_db, sqlite_db
from bench.inbox_fixture import Size, build
from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent, utcnow
from handlers.alerts.checker import AlertChecker
from handlers.alerts.dispatch import AlertDispatcher
from handlers.alerts.quiet import Quiet
from handlers.alerts.rules import AlertRules, spike_windows
from models.classification import Classification
from models.store import Store
from models.store.alerts.raised import item_queries
from models.store.alerts.spikes import detector_query
from models.store.migrate import upgrade_async

ZONE = ZoneInfo("Europe/London")
RULES = AlertRules(quiet=Quiet(ZONE))
RUNS = 60
TARGET_MS = 50.0
BURST = 40
QUEUE = Size(messages=100_000, items=100_000)
QUEUE_NOW = datetime(2026, 1, 6, tzinfo=UTC)  # among the fixture's ten days of items


def plan(conn: Connection, statement: Any) -> list[str]:
    """The backend's plan for a statement."""
    stmt = statement.compile(conn, compile_kwargs={"literal_binds": True})
    prefix = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
    return [" ".join(str(c) for c in r) for r in conn.execute(text(prefix + str(stmt)))]


def _events(count: int) -> list[InboundEvent]:
    """Messages from different people to the bot on Telegram."""
    return [
        InboundEvent(
            channel=Channel.TELEGRAM,
            platform_id=f"burst-{n}",
            kind=EventKind.MESSAGE,
            sender=f"burst-{n}",
            address=Address(Channel.TELEGRAM, chat=f"burst-{n}", kind=ConversationKind.DIRECT),
            text=f"the wifi is down again ({n})",
        )
        for n in range(count)
    ]


def _sequences(conn: Connection) -> None:
    """COPY wrote ids itself; move PostgreSQL's sequences past them."""
    for table in ("contacts", "conversations", "messages", "classifications"):
        conn.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
        )


async def burst(store: Store) -> None:
    """BURST messages on one topic just now: a spike for the checker to find."""
    if store.dialect == "postgresql":
        await store.alerts._db.write(_sequences)
    ids = [r.message_id for r in await store.messages.record(events=_events(BURST))]
    label = Classification("negative", {"negative": 1.0}, "topic_16", 1.0, "bench")
    await store.classifications.save(verdicts=[(i, label) for i in ids])


async def measure(store: Store, backend: str) -> None:
    """The detector RUNS times a minute apart, then one whole checker pass, then its plan."""
    now = utcnow()
    timings = []
    for run in range(RUNS):
        windows = spike_windows(now + timedelta(minutes=run), RULES)
        began = time.perf_counter()
        found = await store.alerts.topic_counts(windows=windows)
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    verdict = "met" if p95 <= TARGET_MS else "NOT met"
    rows = sum(t.current + t.past for t in found)
    print(
        f"  spike detector: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
        f"max {timings[-1]:.1f} ms per run over {rows:,} windowed messages, "
        f"{len(found)} topics (target ≤ {TARGET_MS:.0f} ms: {verdict})"
    )
    checker = checker_on(store)
    began = time.perf_counter()
    raised = await checker.check(now)
    took = (time.perf_counter() - began) * 1000
    subjects = ", ".join(s.subject for s in await store.alerts.sends())
    print(f"  one checker pass: {took:.1f} ms, {len(raised)} alert(s) raised: {subjects}")
    print(f"  {backend} plan:")
    for line in await store.read(plan, detector_query(spike_windows(now, RULES))):
        print(f"      {line}")


def checker_on(store: Store) -> AlertChecker:
    """The alert checker with the bench's rules, posting to a staff channel nobody reads."""
    staff = Address(Channel.SLACK, "CBENCH", kind=ConversationKind.GROUP)
    dispatcher = AlertDispatcher(
        store, zone=ZONE, base_url="", wake_outbox=lambda: None, staff_chat=staff
    )
    return AlertChecker(store, RULES, dispatcher)


async def bench(backend: str, n: int) -> None:
    """Load N messages ending now into a fresh database of ``backend``; measure the detector."""
    people = max(1000, n // 40)
    now = utcnow()
    start = now - timedelta(weeks=digest_data.WEEKS)
    db = sqlite_db() if backend == "sqlite" else postgres_db()
    async with db as (url, target):
        await upgrade_async(url)
        began = time.perf_counter()
        if backend == "sqlite":
            await asyncio.to_thread(digest_data.load_sqlite, target, n, people, start)
        else:
            await digest_data.load_postgres(target, n, people, start)
        print(f"{backend}: loaded {n:,} messages in {time.perf_counter() - began:.1f}s")
        async with Store.open(url, pseudonym_key=b"bench" * 8) as store:
            await burst(store)
            await measure(store, backend)


def _analyze(conn: Connection) -> None:
    conn.execute(text("ANALYZE"))


async def queue(backend: str) -> None:
    """Item alerts over the queue fixture: the first pass, then a pass a minute for a while."""
    db = sqlite_db() if backend == "sqlite" else postgres_db()
    async with db as (url, _), Store.open(url) as store:
        await upgrade_async(url)
        await store.inbox._db.write(build, QUEUE)
        await store.inbox._db.write(_analyze)
        checker = checker_on(store)
        began = time.perf_counter()
        first = await checker.check(QUEUE_NOW)
        took = (time.perf_counter() - began) * 1000
        timings, raised = [], 0
        for minute in range(1, RUNS // 2 + 1):
            began = time.perf_counter()
            raised += len(await checker.check(QUEUE_NOW + timedelta(minutes=minute)))
            timings.append((time.perf_counter() - began) * 1000)
        timings.sort()
        print(
            f"{backend}: {QUEUE.items:,} queue items: first pass {took:.0f} ms raising "
            f"{len(first):,} alerts; then a pass a minute: p50 "
            f"{statistics.median(timings):.1f} ms, max {timings[-1]:.1f} ms "
            f"({raised} more alerts in {len(timings)} minutes)"
        )
        for statement in item_queries(QUEUE_NOW, warn=RULES.warn, lookback=RULES.lookback):
            print(f"  {backend} plan:")
            for line in await store.read(plan, statement):
                print(f"      {line}")


async def main(n: int, which: str) -> None:
    """Each backend asked for; PostgreSQL is skipped with a note when it is not reachable."""

    async def both(backend: str) -> None:
        await bench(backend, n)
        await queue(backend)

    await each_backend(which, both)


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    asyncio.run(main(size, sys.argv[2] if len(sys.argv) > 2 else "both"))
