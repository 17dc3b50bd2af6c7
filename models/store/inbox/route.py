"""Routing triaged messages into queue items: create, join, or reopen the person's item in the
conversation. Idempotent: a message already routed (a retried batch) changes nothing.

A person usually has one item per conversation; staff may split some of their messages into
another (``inbox_split``). Which one a later message joins (``pick``): the item of the message
it replies to, when it replies to one of theirs or to a staff reply on one of their items;
otherwise their most recently active item that is not resolved; otherwise (all resolved) their
most recently active item, which it reopens."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import case, insert, select, update
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.inbox.history import record_reopened
from models.store.inbox.tables import InboxEntry, InboxItem, ItemMessage
from models.store.inbox.types import PRIORITIES, Incoming, Routed
from models.store.polls.tables import Poll, Vote
from models.store.tables import Message, OutboxItem
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
    items = _items_of(conn, m.conversation_id, m.contact_id)
    if not items:
        return _create(conn, m) if m.needs_person else Routed(m.message_id, None, "skipped")
    linked = _linked(conn, m.message_id)
    item = pick(items, _answered_item(conn, m) if linked is None else linked)
    if linked is not None or item.last_message_id >= m.message_id:
        return Routed(m.message_id, item.id, "seen")
    if item.status == "resolved":
        if not m.needs_person:
            return Routed(m.message_id, item.id, "skipped")
        _reopen(conn, item.id, m)
        return Routed(m.message_id, item.id, "reopened")
    _join(conn, item, m)
    return Routed(m.message_id, item.id, "joined")


def pick(items: Sequence[Any], answered: int | None) -> Any:
    """The item a message joins, of the person's items in the conversation: the one it
    answers, else the most recently active one not resolved, else the most recently active."""
    for item in items:
        if item.id == answered:
            return item
    newest = sorted(items, key=lambda i: (i.last_message_at, i.id), reverse=True)
    return next((i for i in newest if i.status != "resolved"), newest[0])


def _items_of(conn: Connection, conversation_id: int, contact_id: int) -> list[Any]:
    """The person's items in the conversation, locked until the routing commits (PostgreSQL:
    another process routing into the same items waits, then reads what this one wrote)."""
    return list(
        conn.execute(
            select(InboxItem)
            .where(InboxItem.conversation_id == conversation_id, InboxItem.contact_id == contact_id)
            .order_by(InboxItem.id)
            .with_for_update()
        ).all()
    )


def _linked(conn: Connection, message_id: int) -> int | None:
    """The item a message was already routed into, if it was."""
    found = select(ItemMessage.item_id).where(ItemMessage.message_id == message_id)
    item_id: int | None = conn.execute(found).scalar_one_or_none()
    return item_id


def _answered_item(conn: Connection, m: Incoming) -> int | None:
    """The item of the message ``m`` replies to: one of the person's routed messages, or a
    staff reply sent on an item (found by the platform id it was sent with)."""
    if not m.replies_to:
        return None
    theirs = (
        select(ItemMessage.item_id)
        .join(Message, Message.id == ItemMessage.message_id)
        .where(Message.channel == m.channel, Message.platform_id == m.replies_to)
    )
    staff = (
        select(InboxEntry.item_id)
        .join(OutboxItem, OutboxItem.message_id == InboxEntry.message_id)
        .where(OutboxItem.channel == m.channel, OutboxItem.platform_message_id == m.replies_to)
    )
    found = conn.execute(theirs.union_all(staff).limit(1)).scalar_one_or_none()
    return None if found is None else int(found)


def link(conn: Connection, item_id: int, message_ids: Sequence[int]) -> None:
    """Record that these messages belong to the item."""
    rows = [{"message_id": i, "item_id": item_id} for i in message_ids]
    if rows:
        conn.execute(insert(ItemMessage), rows)


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
        "language": m.language,
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
    item = pick(_items_of(conn, m.conversation_id, m.contact_id), None)
    if item.first_message_id != m.message_id:  # another process created it first: join that
        _join(conn, item, m)
        return Routed(m.message_id, item.id, "joined")
    link(conn, item.id, [m.message_id])
    return Routed(m.message_id, item.id, "created")


def _labels(m: Incoming) -> dict[str, Any]:
    """The newest message's labels become the item's (when it has any)."""
    values: dict[str, Any] = {}
    if m.topic:
        values["topic"] = m.topic
    if m.sentiment:
        values["sentiment"] = m.sentiment
    if m.language and m.language != "und":  # an emoji keeps the item's language
        values["language"] = m.language
    return values


def _reopen(conn: Connection, item_id: int, m: Incoming) -> None:
    """A message after resolve: the same item (and assignee), back in the queue, fresh clock."""
    record_reopened(conn, [item_id], at=utcnow())
    link(conn, item_id, [m.message_id])
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
    link(conn, item.id, [m.message_id])


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
