"""The messages behind a digest figure (``store.digest.behind``): the week's messages with the
newest label each, read by the very subquery the digest counts with (``figures.labelled``), so
the list behind a number is the number's messages and no others; or one message; or a poll's
current answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.engine import Connection

from models.store.digest.figures import Window, group_key, labelled
from models.store.inbox.tables import InboxItem
from models.store.polls.tables import Vote
from models.store.tables import Contact, Conversation, Message

NO_GROUP = "unknown"
"""The group of writers no customer group is known for (as the digest names them)."""


@dataclass(frozen=True, slots=True)
class Behind:
    """Which messages: those of a week [start, end) narrowed by channel, topic, sentiment or
    customer group (``groups``: the digest's channel → group map); or one message; or the
    current answers to a poll."""

    start: datetime | None = None
    end: datetime | None = None
    channel: str | None = None
    topic: str | None = None
    sentiment: str | None = None
    group: str | None = None
    groups: Mapping[str, str] = field(default_factory=dict)
    message_id: int | None = None
    poll_id: int | None = None


@dataclass(frozen=True, slots=True)
class Listed:
    """One message as the list shows it."""

    id: int
    occurred_at: datetime
    channel: str
    person: str
    topic: str
    sentiment: str
    text: str
    item_id: int | None


def _week(conn: Connection, f: Behind) -> Any:
    """The week's messages with their labels, narrowed as asked."""
    if f.start is None or f.end is None:
        raise ValueError("a week is needed")
    lab = labelled(Window((f.start,), f.end), 1, conn.dialect.name)
    where: list[ColumnElement[bool]] = []
    if f.channel is not None:
        where.append(lab.c.channel == f.channel)
    if f.topic is not None:
        where.append(lab.c.topic == f.topic)
    if f.sentiment is not None:
        where.append(lab.c.mood == f.sentiment)
    query = select(lab.c.id, lab.c.topic, lab.c.mood).select_from(lab)
    if f.group is not None:
        wanted = "" if f.group == NO_GROUP else f.group
        query = (
            query.join(Message, Message.id == lab.c.id)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .outerjoin(Contact, Contact.id == Message.contact_id)
        )  # as the digest counts: the person's stored group first, then where they wrote
        where.append(func.coalesce(Contact.customer_group, group_key(f.groups)) == wanted)
    return query.where(*where).subquery("behind")


def _chosen(conn: Connection, f: Behind) -> Any:
    """(id, topic, mood) of the messages asked for."""
    if f.message_id is not None:
        m = Message
        return select(m.id).where(m.id == f.message_id, m.direction == "in").subquery("behind")
    if f.poll_id is not None:
        answered = [
            int(i)
            for i, options in conn.execute(
                select(Vote.message_id, Vote.options).where(Vote.poll_id == f.poll_id)
            )
            if options
        ]
        return select(Message.id).where(Message.id.in_(answered)).subquery("behind")
    return _week(conn, f)


def count(conn: Connection, f: Behind) -> int:
    """How many messages are behind the figure."""
    chosen = _chosen(conn, f)
    return int(conn.execute(select(func.count()).select_from(chosen)).scalar_one())


def listing(conn: Connection, f: Behind, *, limit: int, offset: int) -> list[Listed]:
    """A page of them, newest first, with the queue item each belongs to (if any)."""
    chosen = _chosen(conn, f)
    labels = f.message_id is None and f.poll_id is None
    m, item = Message, InboxItem
    query = (
        select(
            m.id,
            m.occurred_at,
            m.channel,
            Contact.pseudonym,
            chosen.c.topic if labels else literal(""),
            chosen.c.mood if labels else literal(""),
            func.substr(m.text, 1, 600),
            select(func.min(item.id))
            .where(item.conversation_id == m.conversation_id)
            .scalar_subquery(),
        )
        .select_from(chosen)
        .join(m, m.id == chosen.c.id)
        .outerjoin(Contact, Contact.id == m.contact_id)
        .order_by(m.occurred_at.desc(), m.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        Listed(int(i), at, str(ch), str(p or ""), str(t or ""), str(s or ""), str(x or ""), it)
        for i, at, ch, p, t, s, x, it in conn.execute(query)
    ]
