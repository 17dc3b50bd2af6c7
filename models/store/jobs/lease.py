"""Leasing due work rows to one worker: the one lease of every work queue (inbound events to
process, outbox items to send, alert sends and digest runs to hand to the outbox). A leased row
is not due again until its lease lapses (its worker stopped), each lease counts an attempt,
and what a failure waits before the next is the one back-off (``bot.backoff``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, select, update
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
    query: Select[Any] = select(model.id).where(due).order_by(model.id).limit(limit)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(conn.execute(query).scalars())
    if ids:
        conn.execute(
            update(model)
            .where(model.id.in_(ids))
            .values(next_attempt_at=now + for_, attempts=model.attempts + 1)
        )
    return ids
