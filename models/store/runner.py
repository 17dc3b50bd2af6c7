"""How store functions reach the database: every store function is plain synchronous SQLAlchemy
over one Connection; a runner executes it in a transaction without blocking the event loop.

SQLite: one connection on one dedicated thread, so a whole transaction is a single thread hop
and writers never contend for SQLite's lock. Recording inbound events goes to the front of that
thread's queue and is fsynced (synchronous=FULL) before the platform is answered; everything
else is derived from stored events and re-run if lost, so it commits without its own fsync
(synchronous=NORMAL: safe against a crash of the process, not of the machine).
PostgreSQL: the async driver, via ``run_sync``; inbound events on their own small pool, fully
durable; the rest with ``synchronous_commit=off`` (same reasoning).
"""

from __future__ import annotations

import asyncio
import itertools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")
P = ParamSpec("P")
URGENT, NORMAL = 0, 1


class Runner(Protocol):
    """Runs ``fn(conn, ...)`` in a transaction (``write``) or on a plain connection (``read``)."""

    async def write(
        self, fn: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T: ...

    async def read(
        self, fn: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T: ...

    async def close(self) -> None: ...


class ThreadRunner:
    """A synchronous engine driven from one dedicated thread (SQLite), urgent work first."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._jobs: queue.PriorityQueue[tuple[int, int, Callable[[], None] | None]] = (
            queue.PriorityQueue()
        )
        self._seq = itertools.count()
        self._synchronous = ""
        self._thread = threading.Thread(target=self._serve, name="store", daemon=True)
        self._thread.start()

    def urgent(self) -> Runner:
        """The same thread and connection, ahead of the queue and fsynced: for inbound events."""
        return _Urgent(self)

    async def write(
        self, fn: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        return await self.submit(NORMAL, True, lambda conn: fn(conn, *args, **kwargs))

    async def read(
        self, fn: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        return await self.submit(NORMAL, False, lambda conn: fn(conn, *args, **kwargs))

    async def close(self) -> None:
        self._jobs.put((NORMAL + 1, next(self._seq), None))
        await asyncio.to_thread(self._thread.join)

    async def submit(self, priority: int, write: bool, call: Callable[[Connection], T]) -> T:
        """Queue ``call`` for the store thread and await its result."""
        done: Future[T] = Future()
        job = partial(self._run, done, write, priority == URGENT, call)
        self._jobs.put((priority, next(self._seq), job))
        return await asyncio.wrap_future(done)

    def _serve(self) -> None:
        while (job := self._jobs.get()[2]) is not None:
            job()
        self._engine.dispose()

    def _run(
        self, done: Future[T], write: bool, durable: bool, call: Callable[[Connection], T]
    ) -> None:
        if not done.set_running_or_notify_cancel():
            return
        try:
            done.set_result(self._transaction(write, durable, call))
        except BaseException as exc:  # noqa: BLE001 - handed to the awaiting caller
            done.set_exception(exc)

    def _transaction(self, write: bool, durable: bool, call: Callable[[Connection], T]) -> T:
        if not write:
            with self._engine.connect() as conn:
                return call(conn)
        with self._engine.connect() as conn:
            self._sync_mode(conn, "FULL" if durable else "NORMAL")
            with conn.begin():
                return call(conn)

    def _sync_mode(self, conn: Connection, mode: str) -> None:
        if mode != self._synchronous:  # on the driver: no SQLAlchemy transaction begins
            driver = conn.connection.driver_connection
            assert driver is not None
            driver.execute(f"PRAGMA synchronous={mode}")
            self._synchronous = mode


class _Urgent:
    """A ThreadRunner's front-of-queue, fsynced view."""

    def __init__(self, runner: ThreadRunner) -> None:
        self._runner = runner

    async def write(
        self, fn: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        return await self._runner.submit(URGENT, True, lambda conn: fn(conn, *args, **kwargs))

    async def read(
        self, fn: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        return await self._runner.submit(URGENT, False, lambda conn: fn(conn, *args, **kwargs))

    async def close(self) -> None:
        return None


class AsyncRunner:
    """An async engine (PostgreSQL through asyncpg or psycopg), one pooled connection per call.

    ``durable=False`` commits without waiting for the WAL flush (``synchronous_commit=off``):
    for derived work that is re-run from the stored events if a machine crash loses it."""

    def __init__(self, engine: AsyncEngine, *, durable: bool = True) -> None:
        self._engine = engine
        self._durable = durable

    async def write(
        self, fn: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        async with self._engine.begin() as conn:
            if not self._durable:
                await conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
            return await conn.run_sync(fn, *args, **kwargs)

    async def read(
        self, fn: Callable[Concatenate[Connection, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        async with self._engine.connect() as conn:
            return await conn.run_sync(fn, *args, **kwargs)

    async def close(self) -> None:
        await self._engine.dispose()
