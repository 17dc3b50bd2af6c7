"""Databases for tests, already at the newest migration: a copy of a SQLite file migrated once
per session, or a PostgreSQL database made from a template migrated once per session (``CREATE
DATABASE ... TEMPLATE``, a third of the time a fresh migration takes). ``empty_pg_database``
gives an empty one, for the tests of the migrations themselves."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from models.store.migrate import upgrade

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
T = TypeVar("T")


def pg_base() -> tuple[str, bool]:
    """The PostgreSQL URL to test against, and whether it was demanded (then it must work)."""
    url = os.environ.get("FEEDBOT_TEST_POSTGRES_URL", "")
    return (url or DEFAULT_PG), bool(url)


def sqlite_file_url(path: Path) -> str:
    """The URL of a SQLite file."""
    return f"sqlite+aiosqlite:///{path}"


class SqliteTemplate:
    """A SQLite file migrated to the head once; ``copy_to`` gives a test its own copy."""

    def __init__(self, folder: Path) -> None:
        self._file = folder / "template.db"
        migrate = threading.Thread(target=upgrade, args=(sqlite_file_url(self._file),))
        migrate.start()  # a thread of its own: Alembic runs an event loop of its own
        migrate.join()
        assert self._file.exists(), "the SQLite template was not migrated"

    def copy_to(self, path: Path) -> str:
        """A migrated database at ``path`` (made from the template); its URL."""
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self._file, path)
        return sqlite_file_url(path)


async def _admin(url: str) -> asyncpg.Connection:
    u = make_url(url)
    return await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )


async def _connect_admin() -> asyncpg.Connection:
    """A connection to the test server; skips (or fails, when demanded) if unreachable."""
    base, demanded = pg_base()
    try:
        return await _admin(base)
    except (OSError, asyncpg.PostgresError) as exc:
        if demanded:
            pytest.fail(f"FEEDBOT_TEST_POSTGRES_URL is set but unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {base}")


def _url_of(name: str) -> str:
    return make_url(pg_base()[0]).set(database=name).render_as_string(hide_password=False)


async def empty_pg_database() -> tuple[str, str]:
    """(name, URL) of a new empty database."""
    admin = await _connect_admin()
    name = f"feedbot_t_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return name, _url_of(name)


class PgTemplate:
    """A PostgreSQL database migrated to the head once (on first use), that ``database`` copies
    for each test; ``drop`` removes it at the end of the session."""

    def __init__(self) -> None:
        self.name = ""

    async def database(self) -> tuple[str, str]:
        """(name, URL) of a new database at the newest migration."""
        if not self.name:
            name, url = await empty_pg_database()
            await asyncio.to_thread(upgrade, url)
            self.name = name
        admin = await _connect_admin()
        copy = f"feedbot_t_{uuid.uuid4().hex[:12]}"
        try:
            await admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{self.name}"')
        finally:
            await admin.close()
        return copy, _url_of(copy)

    def drop(self) -> None:
        """Drop the template (from a thread of its own: no test's event loop is running)."""
        if self.name:
            _aside(lambda: drop_pg_database(self.name))


async def drop_pg_database(name: str) -> None:
    """Drop a database made here, ending any connection still open to it."""
    admin = await _admin(pg_base()[0])
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def _aside(work: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to the end on an event loop in another thread."""
    found: list[T] = []

    async def run() -> None:
        found.append(await work())

    thread = threading.Thread(target=asyncio.run, args=(run(),))
    thread.start()
    thread.join()
    return found[0]
