"""Engine creation: SQLite in WAL mode with full fsync, or PostgreSQL through an async driver."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or None for other backends and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """An async engine for the URL; SQLite gets its folder created and durable pragmas."""
    path = sqlite_path(url)
    if path is None:
        return create_async_engine(
            url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # One connection: SQLite has one writer anyway, and a single connection avoids lock
    # contention, whose busy-wait back-off (sleeps of up to 100 ms) would dominate latency.
    engine = create_async_engine(
        url, connect_args={"timeout": 30}, pool_size=1, max_overflow=0, pool_timeout=60
    )
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def create_sqlite_engine(url: str) -> Engine:
    """A synchronous SQLite engine with one connection, for the store's dedicated thread."""
    path = sqlite_path(url)
    assert path is not None, "not a SQLite file URL"
    path.parent.mkdir(parents=True, exist_ok=True)
    sync_url = make_url(url).set(drivername="sqlite")
    engine = create_sync_engine(
        sync_url,
        connect_args={"timeout": 30, "check_same_thread": False},
        pool_size=1,
        max_overflow=0,
    )
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL for concurrent readers; synchronous=FULL so a committed row survives power loss;
    secure_delete so a rewritten or deleted row's old bytes do not stay in the file."""
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=FULL",
        "foreign_keys=ON",
        "busy_timeout=30000",
        "secure_delete=ON",  # freed space is zeroed: erased and purged text leaves no trace
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()
