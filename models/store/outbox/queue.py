"""The outbox: outbound messages stored first, then leased for sending by a worker with
retries (`outcomes` records what became of each send)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import InstrumentedAttribute

from bot.events import Address, Channel, OutboundMessage, utcnow
from models.store.jobs.lease import lease_reading
from models.store.outbox.message_json import from_payload, row_kind, to_payload
from models.store.tables import Conversation, Message, OutboxItem
from models.store.upsert import insert_ignore


@dataclass(frozen=True, slots=True)
class DueItem:
    """An outbox item leased for sending. ``unsure``: earlier attempts whose outcome is unknown;
    ``interrupted``: the attempt before this one was claimed and never settled (its sender
    stopped mid-send), so its outcome is unknown too."""

    id: int
    channel: Channel
    message: OutboundMessage
    attempts: int
    created_at: datetime
    unsure: int = 0
    interrupted: bool = False


def send_key(item_id: int) -> str:
    """The outbox's name for a send, carried by the message where the platform keeps it."""
    return f"outbox-{item_id}"


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
    """An edit replaces any edit of the same post still waiting (newest state wins): found by
    the indexed (channel, edit_key)."""
    if not message.edit_of:
        return
    conn.execute(
        update(OutboxItem)
        .where(
            OutboxItem.channel == message.address.channel.value,
            OutboxItem.edit_key == message.edit_of,
            OutboxItem.status == "pending",
        )
        .values(status="superseded")
    )


def enqueue(conn: Connection, message: OutboundMessage, *, author: str) -> int:
    """Store the outbound message in its conversation and queue it; returns the message id."""
    return enqueue_many(conn, [message], author=author)[0]


def enqueue_many(
    conn: Connection,
    messages: list[OutboundMessage],
    *,
    author: str,
    known: Mapping[tuple[str, str, str], int] | None = None,
    due: Sequence[datetime] | None = None,
) -> list[int]:
    """Store and queue each message in one transaction, with one statement per table (a vote
    burst queues hundreds of confirmations at once); returns the message ids, in order.
    ``known``: conversation ids the caller already has, by (channel, chat, thread); ``due``:
    when each may go at the earliest (a big send paced to its platform's rate)."""
    if not messages:
        return []
    now = utcnow()
    keys = [(m.address.channel.value, m.address.chat, m.address.thread) for m in messages]
    conversations: dict[tuple[str, str, str], int] = dict(known or {})
    for message, key in zip(messages, keys, strict=True):
        _supersede(conn, message)
        if key not in conversations:
            conversations[key] = conversation_id(conn, message.address)
    rows = [
        {
            "channel": m.address.channel.value,
            "platform_id": f"out:{uuid.uuid4().hex}",
            "kind": row_kind(m),
            "direction": "out",
            "conversation_id": conversations[key],
            "text": m.text,
            "reply_ref": m.reply_ref,
            "author": author,
            "occurred_at": now,
            "received_at": now,
            "processed_at": now,
        }
        for m, key in zip(messages, keys, strict=True)
    ]
    returning = insert(Message).returning(Message.id, sort_by_parameter_order=True)
    ids = [int(i) for i in conn.execute(returning, rows).scalars()]
    last_edit = {m.edit_of: n for n, m in enumerate(messages) if m.edit_of}
    conn.execute(
        insert(OutboxItem),
        [
            {
                "channel": m.address.channel.value,
                "message_id": i,
                "payload": to_payload(m),
                "edit_key": m.edit_of or None,
                "status": "superseded" if last_edit.get(m.edit_of, n) != n else "pending",
                "next_attempt_at": due[n] if due is not None else now,
                "created_at": now,
            }
            for n, (m, i) in enumerate(zip(messages, ids, strict=True))
        ],
    )
    return ids


def hand_over(
    conn: Connection,
    model: Any,
    *,
    row_id: int,
    attempts: int,
    message: OutboundMessage,
    author: str,
    **done: Any,
) -> bool:
    """Settle a leased work row (an alert send, a digest run) with ``done`` and queue its message
    here, together; False (nothing queued) when the claim's lease lapsed and another took it."""
    claimed = update(model).where(
        model.id == row_id, model.status == "pending", model.attempts == attempts
    )
    if conn.execute(claimed.values(**done)).rowcount != 1:
        return False
    [message_id] = enqueue_many(conn, [message], author=author)
    conn.execute(update(model).where(model.id == row_id).values(outbox_message_id=message_id))
    return True


def claim(
    conn: Connection, *, limit: int, lease: timedelta, skip: Collection[str] = ()
) -> list[DueItem]:
    """Lease due pending items, oldest first (none of the channels in ``skip``), and record,
    before anything is sent, that an attempt at each is under way (``sending_at``)."""
    now = utcnow()
    due = (OutboxItem.status == "pending") & (OutboxItem.next_attempt_at <= now)
    if skip:
        due &= OutboxItem.channel.not_in(list(skip))
    o = OutboxItem
    columns = (o.channel, o.payload, o.attempts, o.created_at, o.unsure, o.sending_at)
    # Read as they were before the lease (sending_at set now is this attempt's), two statements.
    rows = lease_reading(
        conn, o, due, limit=limit, for_=lease, now=now, columns=columns, also={"sending_at": now}
    )
    return [_due(r) for r in rows]


def retry_now(conn: Connection, message_ids: list[int], now: datetime) -> None:
    """Make these messages' sends due now, even one backing off or failed (a person asked)."""
    conn.execute(
        update(OutboxItem)
        .where(OutboxItem.message_id.in_(message_ids), OutboxItem.status.in_(("pending", "failed")))
        .values(status="pending", next_attempt_at=now)
    )


def _due(row: Any) -> DueItem:
    """A leased row as the worker sees it (read before the lease counted this attempt), its
    message carrying the send key."""
    message = replace(from_payload(Channel(row.channel), row.payload), send_key=send_key(row.id))
    return DueItem(
        row.id,
        Channel(row.channel),
        message,
        row.attempts + 1,
        row.created_at,
        unsure=row.unsure,
        interrupted=row.sending_at is not None,
    )


def counts(conn: Connection) -> dict[str, int]:
    """Number of outbox items per status."""
    rows = conn.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status))
    return {status: int(n) for status, n in rows.all()}


def delivery_state(
    query: Select[*tuple[Any, ...]],
    carrier: InstrumentedAttribute[int | None],
    *own: InstrumentedAttribute[Any],
) -> Select[*tuple[Any, ...]]:
    """``query`` with the status, attempts, last error and sent time of the outbox item whose
    message is ``carrier`` (an alert send's, a digest run's), or ``own`` (those four of the
    row itself) until it was handed over: what became of the send is the outbox's to say."""
    o = OutboxItem
    theirs = (o.status, o.attempts, o.last_error, o.sent_at)
    return query.add_columns(
        *(case((o.id.is_(None), mine), else_=it) for mine, it in zip(own, theirs, strict=True))
    ).outerjoin(o, o.message_id == carrier)
