"""Server-side staff sessions and "last looked" marks (failed logins: login_attempts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from models.store.jobs import cursors
from models.store.staff.accounts import StaffView, by_id
from models.store.staff.tables import StaffSeen, StaffSession
from models.store.upsert import insert_ignore


def start(conn: Connection, *, staff_id: int, token_hash: str, now: datetime, ip: str) -> None:
    """Store a new session and audit the login."""
    conn.execute(
        insert(StaffSession).values(
            token_hash=token_hash, staff_id=staff_id, created_at=now, last_seen_at=now
        )
    )
    cursors.audit(
        conn,
        actor=f"staff:{staff_id}",
        action="login",
        subject=f"staff:{staff_id}",
        detail={"ip": ip},
    )


@dataclass(frozen=True)
class Found:
    """A session that has not been ended, with its account."""

    id: int
    created_at: datetime
    last_seen_at: datetime
    staff: StaffView


def lookup(conn: Connection, *, token_hash: str) -> Found | None:
    """The open session with this id hash, and its account (read only)."""
    columns = (StaffSession.id, StaffSession.staff_id, StaffSession.created_at)
    row = conn.execute(
        select(*columns, StaffSession.last_seen_at).where(
            StaffSession.token_hash == token_hash, StaffSession.ended_at.is_(None)
        )
    ).first()
    if row is None:
        return None
    return Found(row.id, row.created_at, row.last_seen_at, by_id(conn, row.staff_id))


def touch(conn: Connection, *, session_id: int, now: datetime, ended: bool) -> None:
    """Note the session was used now, or end it (idle or too old)."""
    values = {"ended_at": now} if ended else {"last_seen_at": now}
    conn.execute(update(StaffSession).where(StaffSession.id == session_id).values(**values))


def end(conn: Connection, *, token_hash: str, now: datetime) -> None:
    """End one session (logout) and audit it."""
    staff_id = conn.execute(
        update(StaffSession)
        .where(StaffSession.token_hash == token_hash, StaffSession.ended_at.is_(None))
        .values(ended_at=now)
        .returning(StaffSession.staff_id)
    ).scalar_one_or_none()
    if staff_id is not None:
        actor = f"staff:{staff_id}"
        cursors.audit(conn, actor=actor, action="logout", subject=actor, detail={})


def seen_at(conn: Connection, *, staff_id: int) -> datetime | None:
    """When this person last marked the queue as seen."""
    query = select(StaffSeen.queue_seen_at).where(StaffSeen.staff_id == staff_id)
    return conn.execute(query).scalar_one_or_none()


def mark_seen(conn: Connection, *, staff_id: int, now: datetime) -> None:
    """Mark the queue as seen now (two marks at once, a double click, both succeed: the row is
    inserted if missing, then updated, where deleting and inserting it again could clash)."""
    row = {"staff_id": staff_id, "queue_seen_at": now}
    conn.execute(insert_ignore(conn.dialect.name, StaffSeen).values(row))
    seen = update(StaffSeen).where(StaffSeen.staff_id == staff_id)
    conn.execute(seen.values(queue_seen_at=now))
