"""Reads for "what we already know": recent messages' embeddings (a batch at a time, by id),
the newest sentiment and text of a few messages, and who on some channels was asked lately."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from models.store.inbound.embeddings import MessageEmbedding
from models.store.polls.personal import not_personal
from models.store.polls.tables import Poll
from models.store.reach.tables import ContactAsk
from models.store.tables import Classification, Contact, Message

CHUNK = 5000


def embeddings_after(
    conn: Connection, since: datetime, after_id: int, limit: int
) -> list[tuple[int, datetime, bytes]]:
    """(message id, received at, stored vector) of messages received since ``since`` with an
    id above ``after_id``, in id order, at most ``limit``. Starts from the first message
    received since then on a first load (ids follow arrival), so older embeddings are not
    scanned."""
    if after_id == 0:  # a first load: start where the window starts
        first = conn.execute(
            select(func.min(Message.id)).where(Message.received_at >= since)
        ).scalar_one_or_none()
        if first is None:
            return []
        after_id = int(first) - 1
    rows = conn.execute(
        select(MessageEmbedding.message_id, Message.received_at, MessageEmbedding.vector)
        .join(Message, Message.id == MessageEmbedding.message_id)
        .where(MessageEmbedding.message_id > after_id, Message.received_at >= since)
        .order_by(MessageEmbedding.message_id)
        .limit(limit)
    )
    return [(int(i), at, bytes(v)) for i, at, v in rows]


def sentiments(conn: Connection, message_ids: Sequence[int]) -> dict[int, str]:
    """The newest sentiment of each of these messages that still has its embedding (an erased
    person's messages have none, so they are left out)."""
    found: dict[int, str] = {}
    for start in range(0, len(message_ids), CHUNK):
        chunk = list(message_ids[start : start + CHUNK])
        rows = conn.execute(
            select(Classification.message_id, Classification.sentiment)
            .join(MessageEmbedding, MessageEmbedding.message_id == Classification.message_id)
            .where(Classification.message_id.in_(chunk))
            .order_by(Classification.id)
        )
        found.update((int(m), str(s)) for m, s in rows)
    return found


def texts(conn: Connection, message_ids: Sequence[int]) -> dict[int, tuple[str, datetime]]:
    """(text, received at) of these inbound messages (those still held)."""
    rows = conn.execute(
        select(Message.id, Message.text, Message.received_at).where(
            Message.id.in_(list(message_ids)), Message.direction == "in"
        )
    )
    return {int(i): (str(t), at) for i, t, at in rows}


def asked_on(conn: Connection, channels: Sequence[str], since: datetime) -> tuple[int, int]:
    """(people on these channels the bot asked something since ``since``, people known on
    these channels)."""
    on = Contact.channel.in_(list(channels))
    asked = conn.execute(
        select(func.count(func.distinct(ContactAsk.contact_id)))
        .join(Contact, Contact.id == ContactAsk.contact_id)
        .where(on, ContactAsk.at >= since)
    ).scalar_one()
    people = conn.execute(select(func.count()).select_from(Contact).where(on)).scalar_one()
    return int(asked), int(people)


def poll_questions(conn: Connection) -> list[tuple[int, str]]:
    """(id, question) of every poll staff wrote, newest first (not the per-person questions)."""
    query = select(Poll.id, Poll.question).where(not_personal(Poll.id))
    rows = conn.execute(query.order_by(Poll.id.desc()))
    return [(int(i), str(q)) for i, q in rows]
