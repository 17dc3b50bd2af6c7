"""Reading rows by long id lists, a slice at a time (bound-parameter limits)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

T = TypeVar("T")
CHUNK = 5000
"""Ids per statement: well under SQLite's and asyncpg's limits on bound parameters."""


def chunks(ids: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """The ids a slice at a time."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def in_chunks(conn: Connection, query: Any, column: Any, ids: Sequence[Any]) -> list[Any]:
    """``query`` restricted to ``column IN ids``, run a slice of ids at a time."""
    rows: list[Any] = []
    for part in chunks(ids):
        rows.extend(conn.execute(query.where(column.in_(list(part)))).all())
    return rows
