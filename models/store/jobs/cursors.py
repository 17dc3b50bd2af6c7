"""Cursors (durable named positions) and the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.runner import Runner
from models.store.tables import AuditEntry, Cursor
from models.store.upsert import insert_ignore


class CursorStore:
    """Durable named positions (Telegram offset, X since_id): what adapters are built with."""

    def __init__(self, runner: Runner) -> None:
        self._db = runner

    async def get(self, *, name: str) -> str | None:
        """A cursor's value, if set."""
        return await self._db.read(get, name)

    async def set(self, *, name: str, value: str) -> None:
        """Create or move a cursor, durably."""
        await self._db.write(put, name, value)


def get(conn: Connection, name: str) -> str | None:
    """A cursor's value, if set."""
    return conn.execute(select(Cursor.value).where(Cursor.name == name)).scalar_one_or_none()


def put(conn: Connection, name: str, value: str) -> None:
    """Create or move a cursor."""
    now = utcnow()
    conn.execute(
        insert_ignore(conn.dialect.name, Cursor),
        [{"name": name, "value": value, "updated_at": now}],
    )
    conn.execute(update(Cursor).where(Cursor.name == name).values(value=value, updated_at=now))


def audit(
    conn: Connection, *, actor: str, action: str, subject: str, detail: dict[str, Any] | None
) -> None:
    """Append one entry to the audit log."""
    conn.execute(
        insert(AuditEntry).values(
            at=utcnow(), actor=actor, action=action, subject=subject, detail=detail or {}
        )
    )
