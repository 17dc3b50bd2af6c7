"""Data for alert tests: queue items with a chosen priority and due time, and classified
inbound messages on a topic at chosen times (a topic's history)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection

from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent
from models.classification import Classification
from models.store import Store
from models.store.tables import Message
from tests.support.queue import stored


def event(text: str, pid: str, *, sender: str = "U1", chat: str = "D1") -> InboundEvent:
    """A person's message to the bot on Telegram."""
    address = Address(Channel.TELEGRAM, chat=chat, kind=ConversationKind.DIRECT)
    return InboundEvent(
        channel=Channel.TELEGRAM,
        platform_id=pid,
        kind=EventKind.MESSAGE,
        sender=sender,
        address=address,
        text=text,
    )


async def queue_item(
    store: Store,
    *,
    text: str,
    at: datetime,
    due_at: datetime,
    priority: str = "normal",
    pid: str = "q-1",
    sender: str = "U1",
) -> int:
    """A stored message routed into the queue as triage would, with this priority and due."""
    sent = event(text, pid, sender=sender, chat=f"D-{sender}")
    incoming = await stored(store, sent, priority=priority, at=at, due_at=due_at)
    [routed] = await store.inbox.route(incoming=[incoming])
    assert routed.item_id is not None
    return routed.item_id


def _received(conn: Connection, rows: list[dict[str, object]]) -> None:
    stmt = update(Message).where(Message.id == bindparam("mid"))
    conn.execute(stmt.values(received_at=bindparam("at"), occurred_at=bindparam("at")), rows)


async def topic_messages(
    store: Store, *, topic: str, times: Sequence[datetime], tag: str
) -> list[int]:
    """Inbound messages on ``topic`` received at ``times`` (classified; processed)."""
    events = [
        event(
            f"{tag} message {n} about {topic}, mail me at s{n}@uni.ac.uk",
            f"{tag}-{n}",
            sender=f"U{tag}{n % 9}",
            chat=f"D{tag}{n % 9}",
        )
        for n in range(len(times))
    ]
    receipts = await store.messages.record(events=events)
    ids = [r.message_id for r in receipts]
    rows: list[dict[str, object]] = [{"mid": i, "at": t} for i, t in zip(ids, times, strict=True)]
    await store.alerts._db.write(_received, rows)
    label = Classification("negative", {"negative": 0.8}, topic, 0.9, "test")
    await store.classifications.save(verdicts=[(i, label) for i in ids])
    pending = await store.processing.claim(
        limit=100_000, lease=timedelta(seconds=60), max_attempts=9
    )
    await store.processing.done(ids=[p.message_id for p in pending])
    return ids


def hourly(end: datetime, *, weeks: int, per_hour: int) -> list[datetime]:
    """``per_hour`` times in every hour of the ``weeks`` before ``end``, evenly spread."""
    hours = weeks * 7 * 24
    step = timedelta(hours=1) / per_hour
    return [end - timedelta(hours=h + 1) + step * k for h in range(hours) for k in range(per_hour)]
