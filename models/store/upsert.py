"""Dialect-neutral INSERT ... ON CONFLICT DO NOTHING."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(dialect: str, entity: type[Any]) -> Any:
    """An INSERT that skips rows clashing with a unique constraint, for SQLite or PostgreSQL."""
    module: Any = sqlite if dialect == "sqlite" else postgresql
    return module.insert(entity).on_conflict_do_nothing()
