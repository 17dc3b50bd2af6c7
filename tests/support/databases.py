"""Fresh PostgreSQL databases for tests: one per test (the ``db_url`` fixture) or per module."""

from __future__ import annotations

import os
import uuid

import asyncpg
import pytest
from sqlalchemy.engine import make_url

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def pg_base() -> tuple[str, bool]:
    """The PostgreSQL URL to test against, and whether it was demanded (then it must work)."""
    url = os.environ.get("FEEDBOT_TEST_POSTGRES_URL", "")
    return (url or DEFAULT_PG), bool(url)


async def _admin(url: str) -> asyncpg.Connection:
    u = make_url(url)
    return await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )


async def new_pg_database() -> tuple[str, str]:
    """(name, URL) of a new empty database; skips (or fails, when demanded) if unreachable."""
    base, demanded = pg_base()
    try:
        admin = await _admin(base)
    except (OSError, asyncpg.PostgresError) as exc:
        if demanded:
            pytest.fail(f"FEEDBOT_TEST_POSTGRES_URL is set but unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {base}")
    name = f"feedbot_t_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return name, make_url(base).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(name: str) -> None:
    """Drop a database made by ``new_pg_database``, ending any connection still open to it."""
    admin = await _admin(pg_base()[0])
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
