"""Staff as the queue needs them (who is who, for assigning), and lead-managed canned replies."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.inbox.actions import actor_name
from models.store.inbox.tables import CannedReply, StaffUser
from models.store.inbox.types import Canned
from models.store.tables import AuditEntry
from models.store.upsert import insert_ignore


@dataclass(frozen=True, slots=True)
class Member:
    """A member of staff the queue can assign to."""

    id: int
    name: str
    email: str
    role: str
    team: str
    active: bool


def members(conn: Connection, *, include_disabled: bool = False) -> list[Member]:
    """Staff by name."""
    query = select(StaffUser).order_by(StaffUser.name, StaffUser.id)
    if not include_disabled:
        query = query.where(StaffUser.disabled_at.is_(None))
    return [
        Member(r.id, r.name, r.email, r.role, r.team, r.disabled_at is None)
        for r in conn.execute(query).all()
    ]


def canned(conn: Connection) -> list[Canned]:
    """The canned replies leads have saved, by name."""
    rows = conn.execute(select(CannedReply.name, CannedReply.text).order_by(CannedReply.name))
    return [Canned(n, t) for n, t in rows.all()]


def save_canned(conn: Connection, *, name: str, text: str, actor_id: int) -> None:
    """Add or change a canned reply."""
    now = utcnow()
    row = {"name": name, "text": text, "updated_by": actor_id, "updated_at": now}
    conn.execute(insert_ignore(conn.dialect.name, CannedReply), [row])
    conn.execute(update(CannedReply).where(CannedReply.name == name).values(row))
    _audit(conn, actor_id, "canned_save", name)


def delete_canned(conn: Connection, *, name: str, actor_id: int) -> bool:
    """Remove a saved canned reply; True if there was one."""
    gone = conn.execute(delete(CannedReply).where(CannedReply.name == name)).rowcount
    if gone:
        _audit(conn, actor_id, "canned_delete", name)
    return bool(gone)


def _audit(conn: Connection, actor_id: int, action: str, name: str) -> None:
    conn.execute(
        insert(AuditEntry).values(
            at=utcnow(),
            actor=actor_name(actor_id),
            action=action,
            subject=f"canned:{name}",
            detail={},
        )
    )
