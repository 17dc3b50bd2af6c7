"""Leasing due work rows to one worker: the one lease of every work queue (inbound events to
process, outbox items to send, alert sends and digest runs to hand to the outbox). A leased row
is not due again until its lease lapses (its worker stopped), each lease counts an attempt,
and what a failure waits before the next is the one back-off (``bot.backoff``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, select, update
from sqlalchemy.engine import Connection


def lease(
    conn: Connection,
    model: Any,
    due: ColumnElement[bool],
    *,
    limit: int,
    for_: timedelta,
    now: datetime,
) -> list[int]:
    """Ids of up to ``limit`` due rows (oldest first), now leased: not due again until the lease
    lapses, their attempt counted. On PostgreSQL rows another worker holds are skipped."""
    return [row.id for row in lease_reading(conn, model, due, limit=limit, for_=for_, now=now)]


def lease_reading(
    conn: Connection,
    model: Any,
    due: ColumnElement[bool],
    *,
    limit: int,
    for_: timedelta,
    now: datetime,
    columns: Sequence[Any] = (),
    also: Mapping[str, Any] | None = None,
) -> list[Row[Any]]:
    """``lease``, reading ``columns`` of each row as they were before it (besides its id, with
    the one statement that picks and locks the rows) and setting ``also`` with the lease (the
    two statements of a lease, whatever else its worker records of the claim)."""
    query: Select[Any] = select(model.id, *columns).where(due).order_by(model.id).limit(limit)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(conn.execute(query))
    if rows:
        conn.execute(
            update(model)
            .where(model.id.in_([row.id for row in rows]))
            .values(next_attempt_at=now + for_, attempts=model.attempts + 1, **(also or {}))
        )
    return rows
