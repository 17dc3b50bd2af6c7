"""Themes benchmark: one week's themes (read the week's stored embeddings, cluster, label, match
to earlier themes, store) for a week of W messages within a history of N (default 10,000 in
1,000,000), on SQLite. Target: ≤ 10 s on two cores.

The history is bench/digest_data.py's (N - W messages over the 26 weeks before the week, each
classified) with a synthetic embedding for every message (bench/embedding_data.py: so the
embeddings table is N rows). The week's W messages are made the same way, with texts from each
theme's own words.
Prints the load time, the wall and CPU time of a cold computation and of the parts, a second
(warm) computation, and reading the themes back.
Usage: make bench, or PYTHONPATH=. python bench/themes.py [N] [W]"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from bench import digest_data
from bench.embedding_data import THEMES, directions, embed_sqlite, vectors
from handlers.digest.week import IsoWeek
from handlers.themes.cluster import Grouping, group
from handlers.themes.compute import ThemeBuilder
from models.store import Store
from models.store.migrate import upgrade_async

WEEK = IsoWeek.parse("2026-W48")
ZONE = ZoneInfo("UTC")
WORDS = ("kiosk", "printer", "wifi", "locker", "heating", "cafe", "app", "booking", "noise")


def load(path: str, history: int, week: int) -> None:
    """History before the week, then the week itself, each message with an embedding."""
    rng = np.random.default_rng(1)
    toward = directions(rng)
    start = WEEK.start(ZONE) - timedelta(weeks=digest_data.WEEKS)
    before = history - week
    digest_data.load_sqlite(path, before, 5000, start)
    embed_sqlite(path, before)
    db = sqlite3.connect(path)
    packed, pick, lone = vectors(week, rng, toward)
    marks = ",".join("?" * len(digest_data.MESSAGE_COLUMNS))
    rows, verdicts, embedded = [], [], []
    for k in range(week):
        i, at = before + 1 + k, WEEK.start(ZONE) + timedelta(seconds=k * 604_000 / week)
        when = digest_data._sqlite_time(at)
        row = list(digest_data._message_row(i, 1 + k % 5000, when, "topic_00"))
        theme = int(pick[k])
        row[7] = (
            f"message {k} nothing in common"
            if lone[k]
            else f"the {WORDS[theme % 9]} {theme} problem {k % 7}: it fails again {k % 11}"
        )
        rows.append(tuple(row))
        verdicts.append(digest_data._verdict_row(i, when, "topic_00", "negative", 0.9))
        embedded.append((i, "bench", packed[k].tobytes()))
    db.executemany(
        f"INSERT INTO messages ({','.join(digest_data.MESSAGE_COLUMNS)}) VALUES ({marks})", rows
    )
    db.executemany(
        f"INSERT INTO classifications ({','.join(digest_data.VERDICT_COLUMNS)}) "
        "VALUES (?,?,?,?,?,?,?,?)",
        verdicts,
    )
    db.executemany("INSERT INTO message_embeddings VALUES (?,?,?)", embedded)
    db.commit()
    db.execute("ANALYZE")
    db.close()


def timed(label: str, wall: float, cpu: float) -> None:
    print(f"  {label:<34} {wall:7.2f} s wall  {cpu:7.2f} s CPU")


async def run(history: int, week: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url, path = f"sqlite+aiosqlite:///{tmp}/bench.db", f"{tmp}/bench.db"
        await upgrade_async(url)
        began = time.perf_counter()
        load(path, history, week)
        loaded = time.perf_counter() - began
        print(
            f"themes: {week:,} messages in a week within {history:,} (SQLite), load "
            f"{loaded:.0f} s, load average {os.getloadavg()[0]:.1f}"
        )
        now = WEEK.end(ZONE) + timedelta(hours=1)
        async with Store.open(url) as store:
            builder = ThemeBuilder(store, ZONE)
            wall, cpu = time.perf_counter(), time.process_time()
            ids, found = await store.embeddings.received_between(
                since=WEEK.start(ZONE), until=WEEK.end(ZONE)
            )
            timed(
                "read the week's embeddings", time.perf_counter() - wall, time.process_time() - cpu
            )
            wall, cpu = time.perf_counter(), time.process_time()
            labels = group(found, Grouping())
            timed("cluster (part)", time.perf_counter() - wall, time.process_time() - cpu)
            wall, cpu = time.perf_counter(), time.process_time()
            done = await builder.compute(WEEK, now)
            total = time.perf_counter() - wall
            timed("themes of the week (all of it)", total, time.process_time() - cpu)
            wall, cpu = time.perf_counter(), time.process_time()
            await builder.compute(WEEK, now + timedelta(minutes=1))
            timed(
                "again (continuing its themes)",
                time.perf_counter() - wall,
                time.process_time() - cpu,
            )
            wall, cpu = time.perf_counter(), time.process_time()
            lines = await store.themes.of_week(week=str(WEEK))
            timed("read them back", time.perf_counter() - wall, time.process_time() - cpu)
            wall, cpu = time.perf_counter(), time.process_time()
            near = await store.themes.similar(vector=found[0], since=WEEK.start(ZONE))
            timed("similar(vector)", time.perf_counter() - wall, time.process_time() - cpu)
        sizes = sorted((t.size for t in lines), reverse=True)
        verdict = "met" if total <= 10 else "NOT met"
        print(
            f"  {len(ids):,} messages read, {len(lines)} themes (of {THEMES} made), largest "
            f"{sizes[:3]}, {sum(sizes):,} messages in themes, {int((labels < 0).sum()):,} in "
            f"none; {len(near)} similar; target ≤ 10 s: {verdict} ({done.messages:,} messages)"
        )


def main() -> None:
    history = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    week = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    print(f"started {datetime.now(UTC):%H:%M:%S} UTC")
    asyncio.run(run(history, week))


if __name__ == "__main__":
    main()
