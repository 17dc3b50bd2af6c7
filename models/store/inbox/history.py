"""The durable record of resolutions (``item_resolutions``), written in the same transaction as
the resolve or the reopening it records: one row per resolve, closed (``reopened_at``) when the
item comes back to the queue. An item is resolved exactly while it has a row still open."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.engine import Connection

from models.store.inbox.tables import InboxItem, ItemResolution


def record_resolved(conn: Connection, item_ids: Sequence[int], *, at: datetime) -> None:
    """A resolution for each item just resolved: its team now, and its round's start (the
    item's creation, or when it was last reopened)."""
    if not item_ids:
        return
    r, i = ItemResolution, InboxItem
    last_reopened = select(func.max(r.reopened_at)).where(r.item_id == i.id).scalar_subquery()
    rows = select(
        i.id, i.team, func.coalesce(last_reopened, i.created_at), literal(at, r.resolved_at.type)
    ).where(i.id.in_(list(item_ids)))
    columns = [r.item_id, r.team, r.opened_at, r.resolved_at]
    conn.execute(insert(r).from_select(columns, rows))


def record_reopened(conn: Connection, item_ids: Sequence[int], *, at: datetime) -> None:
    """Close the open resolution of each item coming back to the queue (none: not resolved)."""
    if item_ids:
        conn.execute(
            update(ItemResolution)
            .where(ItemResolution.item_id.in_(list(item_ids)), ItemResolution.reopened_at.is_(None))
            .values(reopened_at=at)
        )
