"""Alembic environment: async engine, our metadata, URL passed in by models.store.migrate."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

# importing each area's tables registers them on Base.metadata
from models.store.alerts import tables as alert_tables  # noqa: F401
from models.store.bridge import tables as bridge_tables  # noqa: F401
from models.store.digest import tables as digest_tables  # noqa: F401
from models.store.engine import create_engine
from models.store.inbound import embeddings  # noqa: F401
from models.store.inbox import tables as inbox_tables  # noqa: F401
from models.store.jobs import lease_tables  # noqa: F401
from models.store.people import tables as people_tables  # noqa: F401
from models.store.polls import tables as poll_tables  # noqa: F401
from models.store.reach import tables as reach_tables  # noqa: F401
from models.store.rights import tables as rights_tables  # noqa: F401
from models.store.staff import tables as staff_tables  # noqa: F401
from models.store.tables import Base
from models.store.themes import tables as theme_tables  # noqa: F401
from models.store.widget import tables as session_tables  # noqa: F401

target_metadata = Base.metadata
MIGRATION_LOCK = 0x66656564  # "feed": processes starting at once on PostgreSQL migrate in turn


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection, target_metadata=target_metadata, render_as_batch=sqlite
    )
    if sqlite:  # a batch rebuilds a table: its DROP must not cascade to (or trip on) children
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":  # the next one then finds nothing to do
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()
        if sqlite:
            _keys_still_hold(connection)


def _keys_still_hold(connection: Connection) -> None:
    """With foreign keys off, check them all before the migration commits."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"migration left rows whose foreign keys do not hold: {broken[:5]}")


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


asyncio.run(_migrate(context.config.attributes["database_url"]))
