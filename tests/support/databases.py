"""Databases for tests, already at the newest migration: a copy of a SQLite file migrated once
per session, or a PostgreSQL database of a session's pool (made from a template migrated once,
emptied after each test for the next). ``empty_pg_database`` gives an empty one, for the tests
of the migrations themselves."""

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


class PgDatabases:
    """PostgreSQL databases at the newest migration, for one test session. The first is made
    from a template migrated once (``CREATE DATABASE ... TEMPLATE``); one a test is done with
    is emptied (its sessions ended, every row deleted, every sequence back to 1) and handed to
    the next test, which finds it as a new one would be. One whose schema a test changed (a
    migration test that failed half way) is dropped instead."""

    def __init__(self) -> None:
        self.template = ""
        self._shape: list[str] = []
        self._tables: list[str] = []
        self._head = ""
        self._free: list[str] = []
        self._made: set[str] = set()

    async def database(self) -> tuple[str, str]:
        """(name, URL) of a database of the test's own at the newest migration."""
        if self._free:
            name = self._free.pop()
            return name, _url_of(name)
        if not self.template:
            await self._make_template()
        admin = await _connect_admin()
        name = f"feedbot_t_{uuid.uuid4().hex[:12]}"
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        finally:
            await admin.close()
        self._made.add(name)
        return name, _url_of(name)

    async def done(self, name: str) -> None:
        """The test is over: empty the database for the next one, or drop it."""
        try:
            clean = await self._empty(name)
        except (OSError, asyncpg.PostgresError):
            clean = False
        if clean:
            self._free.append(name)
        else:
            self._made.discard(name)
            await drop_pg_database(name)

    def close(self) -> None:
        """Drop every database made, and the template (from a thread of its own: no test's
        event loop is running at the end of the session)."""

        async def drop_all() -> None:
            for name in [*self._made, *([self.template] if self.template else [])]:
                await drop_pg_database(name)

        if self._made or self.template:
            _aside(drop_all)

    async def _make_template(self) -> None:
        name, url = await empty_pg_database()
        await asyncio.to_thread(upgrade, url)
        conn = await _admin(url)
        try:
            self._shape = await _shape(conn)
            self._tables = [
                r["table_name"]
                for r in await conn.fetch(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema ="
                    " 'public' AND table_type = 'BASE TABLE' AND table_name <> 'alembic_version'"
                )
            ]
            self._head = await conn.fetchval("SELECT version_num FROM alembic_version")
        finally:
            await conn.close()
        self.template = name

    async def _empty(self, name: str) -> bool:
        """End the database's other sessions and delete every row but the migration mark;
        False when its schema is not the template's."""
        admin = await _admin(pg_base()[0])
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = $1 AND pid <> pg_backend_pid()",
                name,
            )
        finally:
            await admin.close()
        conn = await _admin(_url_of(name))
        try:
            head = await conn.fetchval("SELECT string_agg(version_num, ',') FROM alembic_version")
            if head != self._head or await _shape(conn) != self._shape:
                return False
            async with conn.transaction():
                await conn.execute("SET LOCAL session_replication_role = replica")  # no FK order
                for table in self._tables:
                    await conn.execute(f'DELETE FROM "{table}"')
                await conn.execute(
                    "SELECT setval(c.oid::regclass, s.seqstart, false) FROM pg_class c"
                    " JOIN pg_sequence s ON s.seqrelid = c.oid WHERE c.relkind = 'S'"
                )
            return True
        finally:
            await conn.close()


async def _shape(conn: asyncpg.Connection) -> list[str]:
    """The tables and views of the public schema with their columns, to tell a changed
    schema."""
    rows = await conn.fetch(
        "SELECT table_name || '(' || string_agg(column_name || ' ' || data_type, ',' ORDER BY"
        " column_name) || ')' AS shape FROM information_schema.columns"
        " WHERE table_schema = 'public' GROUP BY table_name ORDER BY table_name"
    )
    return [str(r["shape"]) for r in rows]


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
