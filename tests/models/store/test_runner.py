"""The SQLite runner: inbound events are fsynced first; derived work waits its turn."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection

from models.store import Store
from models.store.engine import create_sqlite_engine
from models.store.migrate import upgrade_async
from models.store.runner import ThreadRunner
from tests.support.events import message


def synchronous(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA synchronous").scalar_one())


async def test_inbound_writes_are_full_sync_and_the_rest_normal(tmp_path: Path) -> None:
    runner = ThreadRunner(create_sqlite_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"))
    try:
        assert await runner.urgent().write(synchronous) == 2  # FULL: fsync before the ack
        assert await runner.write(synchronous) == 1  # NORMAL: recomputable, no fsync of its own
        assert await runner.urgent().write(synchronous) == 2
    finally:
        await runner.close()


async def test_urgent_work_jumps_the_queue(tmp_path: Path) -> None:
    runner = ThreadRunner(create_sqlite_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"))
    order: list[str] = []
    release = threading.Event()

    def slow(_: Connection) -> None:
        release.wait(timeout=10)  # the thread is busy until every other job is queued
        order.append("slow")

    def mark(name: str) -> Callable[[Connection], None]:
        return lambda _: order.append(name)

    try:
        jobs = [runner.write(slow)] + [runner.write(mark(f"n{i}")) for i in range(20)]
        jobs.append(runner.urgent().write(mark("urgent")))
        tasks = [asyncio.ensure_future(job) for job in jobs]
        await asyncio.sleep(0)  # each task has queued its job (before its first real await)
        release.set()
        await asyncio.gather(*tasks)
        assert order.index("urgent") <= 1  # ahead of every normal job not already running
    finally:
        await runner.close()


async def test_the_store_records_inbound_events_with_full_sync_and_derived_work_normal(
    sqlite_url: str,
) -> None:
    await upgrade_async(sqlite_url)
    seen: dict[str, set[int]] = {"INSERT": set(), "UPDATE": set()}

    def pragma_at(_conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        verb, *rest = statement.split(maxsplit=3)
        if verb in seen and "messages" in rest[:2]:
            mode = cursor.connection.execute("PRAGMA synchronous").fetchone()[0]
            seen[verb].add(int(mode))

    event.listen(Engine, "before_cursor_execute", pragma_at)
    try:
        async with Store.open(sqlite_url, pseudonym_key=b"k" * 32) as store:
            [recorded] = await store.messages.record(events=[message(pid="a")])
            await store.processing.done(ids=[recorded.message_id])
    finally:
        event.remove(Engine, "before_cursor_execute", pragma_at)
    assert seen == {"INSERT": {2}, "UPDATE": {1}}  # FULL for the inbound row, NORMAL after
