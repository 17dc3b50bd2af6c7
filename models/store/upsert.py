"""Dialect-neutral INSERT ... ON CONFLICT DO NOTHING."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(dialect: str, table: Table) -> Any:
    """An INSERT that skips rows clashing with a unique constraint, for SQLite or PostgreSQL."""
    module: Any = sqlite if dialect == "sqlite" else postgresql
    return module.insert(table).on_conflict_do_nothing()
