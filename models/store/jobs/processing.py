"""The work queue of stored-but-unprocessed inbound events, leased so a crash loses nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from bot.events import Address, Channel, ConversationKind, utcnow
from models.store.jobs.lease import lease as lease_rows
from models.store.tables import Conversation, Message


@dataclass(frozen=True, slots=True)
class Pending:
    """A stored inbound event waiting for the after-store steps."""

    message_id: int
    channel: Channel
    kind: str
    text: str
    reply_ref: str
    replies_to: str
    conversation_id: int
    address: Address
    attempts: int
    acknowledged_at: datetime | None
    contact_id: int | None


def claim(conn: Connection, *, limit: int, lease: timedelta, max_attempts: int) -> list[Pending]:
    """Lease up to ``limit`` due events (oldest first); a lease that lapses makes them due again."""
    now = utcnow()
    due = (
        Message.processed_at.is_(None)
        & (Message.direction == "in")
        & (Message.next_attempt_at.is_(None) | (Message.next_attempt_at <= now))
        & (Message.attempts < max_attempts)
    )
    ids = lease_rows(conn, Message, due, limit=limit, for_=lease, now=now)
    return _load(conn, ids) if ids else []


_COLUMNS = (
    Message.id,
    Message.channel,
    Message.kind,
    Message.text,
    Message.reply_ref,
    Message.replies_to,
    Message.attempts,
    Message.contact_id,
    Message.conversation_id,
    Conversation.channel.label("conversation_channel"),
    Conversation.chat,
    Conversation.thread,
    Conversation.kind.label("conversation_kind"),
    Conversation.extra,
    Conversation.acknowledged_at,
)
"""What the steps need of a claimed event and its conversation (plain rows: no ORM objects)."""


def _load(conn: Connection, ids: list[int]) -> list[Pending]:
    """Read the claimed events with their conversations."""
    rows = conn.execute(
        select(*_COLUMNS)
        .join(Conversation, Message.conversation_id == Conversation.id)
        .where(Message.id.in_(ids))
        .order_by(Message.id)
    )
    return [_pending(r) for r in rows]


def _pending(row: Any) -> Pending:
    address = Address(
        channel=Channel(row.conversation_channel),
        chat=row.chat,
        thread=row.thread,
        kind=ConversationKind(row.conversation_kind),
        extra=dict(row.extra or {}),
    )
    return Pending(
        message_id=row.id,
        channel=Channel(row.channel),
        kind=row.kind,
        text=row.text,
        reply_ref=row.reply_ref,
        replies_to=row.replies_to,
        conversation_id=row.conversation_id,
        address=address,
        attempts=row.attempts,
        acknowledged_at=row.acknowledged_at,
        contact_id=row.contact_id,
    )


def done(conn: Connection, ids: list[int]) -> None:
    """Mark events processed."""
    if ids:
        conn.execute(
            update(Message).where(Message.id.in_(ids)).values(processed_at=utcnow(), last_error="")
        )


def failed(conn: Connection, message_id: int, *, error: str, retry_at: datetime) -> None:
    """Record why processing failed and when to try again."""
    conn.execute(
        update(Message)
        .where(Message.id == message_id)
        .values(last_error=error[:2000], next_attempt_at=retry_at)
    )


def release(conn: Connection, ids: list[int]) -> None:
    """Give claimed events back: due now, the attempt not counted."""
    if ids:
        conn.execute(
            update(Message)
            .where(Message.id.in_(ids), Message.processed_at.is_(None))
            .values(next_attempt_at=utcnow(), attempts=Message.attempts - 1)
        )


def acknowledge_first(conn: Connection, ids: list[int], *, every: timedelta) -> set[int]:
    """Of these conversations, mark and return those not acknowledged within ``every``."""
    return {i for i in dict.fromkeys(ids) if acknowledge_once(conn, i, every=every)}


def acknowledge_once(conn: Connection, conversation_id: int, *, every: timedelta) -> bool:
    """Mark the conversation acknowledged now unless it was within ``every``; True if marked."""
    now = utcnow()
    result = conn.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .where(
            Conversation.acknowledged_at.is_(None) | (Conversation.acknowledged_at < now - every)
        )
        .values(acknowledged_at=now)
    )
    return bool(result.rowcount)
