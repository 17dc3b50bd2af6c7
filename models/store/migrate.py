"""Alembic migrations, run programmatically so `python -m bot migrate` works from anywhere."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from models.store.engine import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = url
    return config


def head() -> str:
    """The latest migration this code knows."""
    found = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    assert found is not None, "no migrations"
    return found


def upgrade(url: str, revision: str = "head") -> list[str]:
    """Bring the database schema up to ``revision`` (blocking; call from a thread in async code);
    returns the revisions applied, oldest first (none when it was already there)."""
    config = alembic_config(url)
    before = current(url)
    command.upgrade(config, revision)
    return applied_between(config, before, current(url))


def current(url: str) -> str | None:
    """The revision the database is at; None before the first migration."""
    return asyncio.run(_current(url))


async def _current(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda c: MigrationContext.configure(c).get_current_revision()
            )
    finally:
        await engine.dispose()


def applied_between(config: Config, before: str | None, after: str | None) -> list[str]:
    """The revisions after ``before`` up to and including ``after``, oldest first."""
    if after is None or after == before:
        return []
    steps = ScriptDirectory.from_config(config).iterate_revisions(after, before or "base")
    return [step.revision for step in reversed(list(steps))]


async def upgrade_async(url: str, revision: str = "head") -> None:
    """Run the upgrade in a worker thread (Alembic's async env runs its own event loop)."""
    await asyncio.to_thread(upgrade, url, revision)
