"""Helpers for queue tests: stored messages routed into items, and staff accounts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert

from bot.events import InboundEvent, utcnow
from models.store import Store
from models.store.inbox.tables import StaffUser
from models.store.inbox.types import Incoming, Routed
from tests.support.events import message


async def stored(
    store: Store,
    event: InboundEvent,
    *,
    priority: str = "normal",
    at: datetime | None = None,
    due_at: datetime | None = None,
) -> Incoming:
    """Record an event and describe it as the triage step would (needs a person; ``priority``,
    written ``at`` (now) and due ``due_at`` (eight hours after))."""
    [receipt] = await store.messages.record(events=[event])
    pending = await store.processing.claim(limit=1000, lease=timedelta(seconds=60), max_attempts=9)
    [p] = [p for p in pending if p.message_id == receipt.message_id]
    await store.processing.done(ids=[x.message_id for x in pending])
    at = at or utcnow()
    return Incoming(
        message_id=p.message_id,
        conversation_id=p.conversation_id,
        contact_id=p.contact_id or 0,
        channel=p.channel.value,
        needs_person=True,
        team="it_services",
        priority=priority,
        due_at=due_at or at + timedelta(hours=8),
        topic="wifi_and_it",
        sentiment="negative",
        at=at,
    )


async def queued(store: Store, text: str = "The wifi is down", **kw: str) -> Routed:
    """A message that needed a person, routed into the queue."""
    incoming = await stored(store, message(text, **kw))
    [routed] = await store.inbox.route(incoming=[incoming])
    return routed


async def add_staff(store: Store, email: str, *, role: str = "agent", team: str = "") -> int:
    """A staff account (the staff side's own code adds real ones, with passwords)."""
    row = {"email": email, "name": email.split("@")[0].title(), "role": role, "team": team}

    def write(conn: object) -> int:
        stmt = insert(StaffUser).values(**row, created_at=utcnow()).returning(StaffUser.id)
        return int(conn.execute(stmt).scalar_one())  # type: ignore[attr-defined]

    return await store.inbox._db.write(write)
