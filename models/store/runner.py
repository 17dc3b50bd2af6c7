"""How store functions reach the database: every store function is plain synchronous SQLAlchemy
over one Connection; a runner executes it in a transaction without blocking the event loop.

SQLite: one connection on one dedicated thread, so a whole transaction is a single thread hop
and writers never contend for SQLite's lock. PostgreSQL: the async driver, via ``run_sync``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Protocol, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")


class Runner(Protocol):
    """Runs ``fn(conn, ...)`` in a transaction (``write``) or on a plain connection (``read``)."""

    async def write(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T: ...

    async def read(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T: ...

    async def close(self) -> None: ...


class ThreadRunner:
    """A synchronous engine driven from one dedicated thread (SQLite)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")

    async def write(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return await self._hop(self._in_transaction, lambda conn: fn(conn, *args, **kwargs))

    async def read(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return await self._hop(self._on_connection, lambda conn: fn(conn, *args, **kwargs))

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._thread, self._engine.dispose)
        self._thread.shutdown(wait=True)

    async def _hop(
        self, how: Callable[[Callable[[Connection], T]], T], call: Callable[[Connection], T]
    ) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, how, call)

    def _in_transaction(self, call: Callable[[Connection], T]) -> T:
        with self._engine.begin() as conn:
            return call(conn)

    def _on_connection(self, call: Callable[[Connection], T]) -> T:
        with self._engine.connect() as conn:
            return call(conn)


class AsyncRunner:
    """An async engine (PostgreSQL through asyncpg or psycopg), one pooled connection per call."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def write(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        async with self._engine.begin() as conn:
            return await conn.run_sync(partial(fn, **kwargs), *args)

    async def read(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        async with self._engine.connect() as conn:
            return await conn.run_sync(partial(fn, **kwargs), *args)

    async def close(self) -> None:
        await self._engine.dispose()
