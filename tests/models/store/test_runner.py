"""The SQLite runner: inbound events are fsynced first; derived work waits its turn."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Connection

from models.store.engine import create_sqlite_engine
from models.store.runner import ThreadRunner


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

    def slow(_: Connection) -> None:
        time.sleep(0.1)  # the thread is busy while the others queue up
        order.append("slow")

    def mark(name: str) -> Callable[[Connection], None]:
        return lambda _: order.append(name)

    try:
        jobs = [runner.write(slow)] + [runner.write(mark(f"n{i}")) for i in range(20)]
        jobs.append(runner.urgent().write(mark("urgent")))
        await asyncio.gather(*jobs)
        assert order.index("urgent") <= 1  # ahead of every normal job not already running
    finally:
        await runner.close()
