"""The work queue of stored-but-unprocessed inbound events, leased so a crash loses nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

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


def _load(conn: Connection, ids: list[int]) -> list[Pending]:
    """Read the claimed events with their conversations."""
    rows = Session(bind=conn).execute(
        select(Message, Conversation)
        .join(Conversation, Message.conversation_id == Conversation.id)
        .where(Message.id.in_(ids))
        .order_by(Message.id)
    )
    return [_pending(m, c) for m, c in rows.all()]


def _pending(message: Message, conversation: Conversation) -> Pending:
    address = Address(
        channel=Channel(conversation.channel),
        chat=conversation.chat,
        thread=conversation.thread,
        kind=ConversationKind(conversation.kind),
        extra=dict(conversation.extra or {}),
    )
    return Pending(
        message_id=message.id,
        channel=Channel(message.channel),
        kind=message.kind,
        text=message.text,
        reply_ref=message.reply_ref,
        replies_to=message.replies_to,
        conversation_id=conversation.id,
        address=address,
        attempts=message.attempts,
        acknowledged_at=conversation.acknowledged_at,
        contact_id=message.contact_id,
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
