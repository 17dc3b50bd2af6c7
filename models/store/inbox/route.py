"""Routing triaged messages into queue items: create, join, or reopen one item per person per
conversation. Idempotent: a message already routed (a retried batch) changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.inbox.history import record_reopened
from models.store.inbox.tables import InboxItem
from models.store.inbox.types import PRIORITIES, Incoming, Routed
from models.store.polls.tables import Poll, Vote
from models.store.upsert import insert_ignore


def route(conn: Connection, incoming: Sequence[Incoming]) -> list[Routed]:
    """Route each message in one transaction; returns them in the order given. Items are
    touched in the order of their key (conversation, person), each one's messages oldest
    first, so two processes routing batches at once take the items' locks in the same order
    and never deadlock."""
    order = sorted(
        range(len(incoming)),
        key=lambda i: (incoming[i].conversation_id, incoming[i].contact_id, incoming[i].message_id),
    )
    routed = {i: _route_one(conn, incoming[i]) for i in order}
    return [routed[i] for i in range(len(incoming))]


def _route_one(conn: Connection, m: Incoming) -> Routed:
    item = _item_of(conn, m.conversation_id, m.contact_id)
    if item is None:
        return _create(conn, m) if m.needs_person else Routed(m.message_id, None, "skipped")
    if item.last_message_id >= m.message_id:
        return Routed(m.message_id, item.id, "seen")
    if item.status == "resolved":
        if not m.needs_person:
            return Routed(m.message_id, item.id, "skipped")
        _reopen(conn, item.id, m)
        return Routed(m.message_id, item.id, "reopened")
    _join(conn, item, m)
    return Routed(m.message_id, item.id, "joined")


def _item_of(conn: Connection, conversation_id: int, contact_id: int) -> Any:
    """The person's item in the conversation, locked until the routing commits (PostgreSQL:
    another process routing into the same item waits, then reads what this one wrote)."""
    return conn.execute(
        select(InboxItem)
        .where(InboxItem.conversation_id == conversation_id, InboxItem.contact_id == contact_id)
        .with_for_update()
    ).first()


def _create(conn: Connection, m: Incoming) -> Routed:
    now = utcnow()
    row = {
        "conversation_id": m.conversation_id,
        "contact_id": m.contact_id,
        "channel": m.channel,
        "status": "new",
        "team": m.team,
        "priority": m.priority,
        "topic": m.topic,
        "sentiment": m.sentiment,
        "first_message_id": m.message_id,
        "last_message_id": m.message_id,
        "last_message_at": m.at,
        "clock_from": m.at,
        "due_at": m.due_at,
        "reopened": 0,
        "created_at": now,
        "updated_at": now,
    }
    conn.execute(insert_ignore(conn.dialect.name, InboxItem), [row])
    item = _item_of(conn, m.conversation_id, m.contact_id)
    if item.first_message_id != m.message_id:  # another process created it first: join that
        _join(conn, item, m)
        return Routed(m.message_id, item.id, "joined")
    return Routed(m.message_id, item.id, "created")


def _labels(m: Incoming) -> dict[str, Any]:
    """The newest message's labels become the item's (when it has any)."""
    values: dict[str, Any] = {}
    if m.topic:
        values["topic"] = m.topic
    if m.sentiment:
        values["sentiment"] = m.sentiment
    return values


def _reopen(conn: Connection, item_id: int, m: Incoming) -> None:
    """A message after resolve: the same item (and assignee), back in the queue, fresh clock."""
    record_reopened(conn, [item_id], at=utcnow())
    conn.execute(
        update(InboxItem)
        .where(InboxItem.id == item_id)
        .values(
            status=case((InboxItem.assignee_id.is_(None), "new"), else_="open"),
            priority=m.priority,
            due_at=m.due_at,
            clock_from=m.at,
            resolved_at=None,
            first_response_at=None,
            snoozed_until=None,
            reopened=InboxItem.reopened + 1,
            last_message_id=m.message_id,
            last_message_at=m.at,
            updated_at=utcnow(),
            **_labels(m),
        )
    )


def _join(conn: Connection, item: Any, m: Incoming) -> None:
    """A further message: newest text and labels; raised priority and earlier due time if it
    asks for them; an answered or snoozed item that now needs a person is open again."""
    values: dict[str, Any] = {
        "last_message_id": m.message_id,
        "last_message_at": m.at,
        "updated_at": utcnow(),
        **_labels(m),
    }
    if m.needs_person and PRIORITIES.index(m.priority) > PRIORITIES.index(item.priority):
        values.update(priority=m.priority, due_at=min(item.due_at, m.due_at))
    if m.needs_person and item.status in ("pending", "snoozed"):
        values.update(status="open", snoozed_until=None)
    conn.execute(update(InboxItem).where(InboxItem.id == item.id).values(values))


def follow_up_answers(
    conn: Connection, message_ids: Sequence[int]
) -> dict[int, tuple[str, list[str]]]:
    """For messages that answer a poll's follow-up question: the poll kind and the vote."""
    rows = conn.execute(
        select(Vote.follow_up_message_id, Poll.kind, Vote.options)
        .join(Poll, Poll.id == Vote.poll_id)
        .where(Vote.follow_up_message_id.in_(list(message_ids)))
    ).all()
    return {int(mid or 0): (str(kind), [str(o) for o in options]) for mid, kind, options in rows}
