"""Alembic migrations, run programmatically so `python -m bot migrate` works from anywhere."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

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


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (blocking; call from a thread in async code)."""
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "head") -> None:
    """Run the upgrade in a worker thread (Alembic's async env runs its own event loop)."""
    await asyncio.to_thread(upgrade, url, revision)
