"""Erasing a person: every registered holding rewritten or deleted for the person's rows, in
the caller's transaction; the statistics (rows, labels, times, votes) stay."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import MetaData, Table, delete, update
from sqlalchemy.engine import Connection

from models.store.rights.id_slices import chunks
from models.store.rights.registry import REGISTRY, Holding
from models.store.rights.scope import Scope


def erase(conn: Connection, scope: Scope, *, metadata: MetaData) -> dict[str, int]:
    """Apply every holding to the person's rows; rows touched per table."""
    touched: dict[str, int] = {}
    for holding in REGISTRY:
        table = metadata.tables[holding.table]
        touched[holding.table] = sum(
            _apply(conn, table, holding, part) for part in chunks(scope.ids(holding.ids))
        )
    return touched


def _apply(conn: Connection, table: Table, holding: Holding, ids: Sequence[object]) -> int:
    where = table.c[holding.key].in_(list(ids))
    if holding.erase is None:
        return conn.execute(delete(table).where(where)).rowcount
    values = {name: build(table) for name, build in holding.erase.items()}
    return conn.execute(update(table).where(where).values(values)).rowcount
