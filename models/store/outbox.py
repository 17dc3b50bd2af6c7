"""The outbox: outbound messages stored first, then sent by a worker with retries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.events import Address, Button, Channel, ConversationKind, OutboundMessage, utcnow
from models.store.lease import lease as lease_rows
from models.store.tables import Conversation, Message, OutboxItem
from models.store.upsert import insert_ignore


@dataclass(frozen=True, slots=True)
class DueItem:
    """An outbox item leased for sending."""

    id: int
    channel: Channel
    message: OutboundMessage
    attempts: int


def to_payload(message: OutboundMessage) -> dict[str, Any]:
    """Serialise an outbound message for the outbox row."""
    a = message.address
    return {
        "address": {
            "chat": a.chat,
            "thread": a.thread,
            "kind": a.kind.value,
            "extra": dict(a.extra),
        },
        "text": message.text,
        "buttons": [[b.label, b.value] for b in message.buttons],
        "reply_ref": message.reply_ref,
        "kind": message.kind,
        "meta": dict(message.meta),
    }


def from_payload(channel: Channel, payload: dict[str, Any]) -> OutboundMessage:
    """Rebuild the outbound message from its outbox row."""
    a = payload["address"]
    address = Address(
        channel=channel,
        chat=a["chat"],
        thread=a["thread"],
        kind=ConversationKind(a["kind"]),
        extra=a["extra"],
    )
    return OutboundMessage(
        address=address,
        text=payload["text"],
        buttons=tuple(Button(label, value) for label, value in payload["buttons"]),
        reply_ref=payload["reply_ref"],
        kind=payload["kind"],
        meta=payload["meta"],
    )


def conversation_id(conn: Connection, address: Address) -> int:
    """The id of the conversation at this address, created if the bot speaks first (a poll)."""
    row = {
        "channel": address.channel.value,
        "chat": address.chat,
        "thread": address.thread,
        "kind": address.kind.value,
        "extra": dict(address.extra),
        "created_at": utcnow(),
    }
    conn.execute(insert_ignore(conn.dialect.name, Conversation), [row])
    result = conn.execute(
        select(Conversation.id).where(
            Conversation.channel == address.channel.value,
            Conversation.chat == address.chat,
            Conversation.thread == address.thread,
        )
    )
    return int(result.scalar_one())


def _supersede(conn: Connection, message: OutboundMessage) -> None:
    """An edit replaces any edit of the same message still waiting (newest state wins)."""
    target = message.meta.get("edit_ref")
    if not target:
        return
    waiting = conn.execute(
        select(OutboxItem.id, OutboxItem.payload).where(
            OutboxItem.channel == message.address.channel.value, OutboxItem.status == "pending"
        )
    )
    stale = [i for i, p in waiting.all() if p.get("meta", {}).get("edit_ref") == target]
    if stale:
        conn.execute(update(OutboxItem).where(OutboxItem.id.in_(stale)).values(status="superseded"))


def enqueue(conn: Connection, message: OutboundMessage, *, author: str) -> int:
    """Store the outbound message in its conversation and queue it; returns the message id."""
    _supersede(conn, message)
    now = utcnow()
    channel = message.address.channel
    conv = conversation_id(conn, message.address)
    msg_id = (
        conn.execute(
            insert(Message)
            .values(
                channel=channel.value,
                platform_id=f"out:{uuid.uuid4().hex}",
                kind=message.kind,
                direction="out",
                conversation_id=conv,
                text=message.text,
                reply_ref=message.reply_ref,
                author=author,
                occurred_at=now,
                received_at=now,
                processed_at=now,
            )
            .returning(Message.id)
        )
    ).scalar_one()
    conn.execute(
        insert(OutboxItem).values(
            channel=channel.value,
            message_id=msg_id,
            payload=to_payload(message),
            next_attempt_at=now,
            created_at=now,
        )
    )
    return int(msg_id)


def enqueue_many(conn: Connection, messages: list[OutboundMessage], *, author: str) -> list[int]:
    """``enqueue`` each message in one transaction."""
    return [enqueue(conn, m, author=author) for m in messages]


def claim(conn: Connection, *, limit: int, lease: timedelta) -> list[DueItem]:
    """Lease due pending items, oldest first."""
    now = utcnow()
    due = (OutboxItem.status == "pending") & (OutboxItem.next_attempt_at <= now)
    ids = lease_rows(conn, OutboxItem, due, limit=limit, for_=lease, now=now)
    if not ids:
        return []
    rows = Session(bind=conn).execute(
        select(OutboxItem).where(OutboxItem.id.in_(ids)).order_by(OutboxItem.id)
    )
    return [
        DueItem(r.id, Channel(r.channel), from_payload(Channel(r.channel), r.payload), r.attempts)
        for r in rows.scalars()
    ]


def sent(conn: Connection, item_id: int, *, platform_message_id: str) -> None:
    """Mark an item delivered."""
    conn.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id)
        .values(
            status="sent", sent_at=utcnow(), platform_message_id=platform_message_id, last_error=""
        )
    )


def retry(conn: Connection, item_id: int, *, error: str, at: datetime) -> None:
    """Keep an item pending, to be tried again at ``at``."""
    conn.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id)
        .values(last_error=error[:2000], next_attempt_at=at)
    )


def give_up(conn: Connection, item_id: int, *, error: str) -> None:
    """Mark an item failed: it stays visible in metrics and the CLI."""
    conn.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id)
        .values(status="failed", last_error=error[:2000])
    )


def counts(conn: Connection) -> dict[str, int]:
    """Number of outbox items per status."""
    rows = conn.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status))
    return {status: int(n) for status, n in rows.all()}
