"""Looking for a person's data in every table and column of a migrated database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import column, inspect, select, table


def find(conn: Any, needles: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(table, column, needle) wherever a needle appears in any stored value."""
    hits = []
    for name in inspect(conn).get_table_names():
        columns = [c["name"] for c in inspect(conn).get_columns(name)]
        rows = conn.execute(select(*(column(c) for c in columns)).select_from(table(name)))
        for row in rows:
            for col, value in zip(columns, row, strict=True):
                hits += [(name, col, n) for n in needles if n in str(value)]
    return sorted(set(hits))


def tables(conn: Any) -> set[str]:
    """Every table of the database."""
    return set(inspect(conn).get_table_names())
