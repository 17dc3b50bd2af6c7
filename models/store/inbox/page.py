"""An item's page: one page of its conversation (never a group chat's whole history), with
staff replies' delivery state and the private notes written in the same stretch of time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from models.store.inbox.queue_reads import item as item_view
from models.store.inbox.tables import InboxEntry, ItemMessage, StaffUser
from models.store.inbox.types import Entry, ItemPage, ItemView
from models.store.tables import Classification, Correction, Message, OutboxItem

ENTRY = (
    InboxEntry.id,
    InboxEntry.message_id,
    InboxEntry.staff_id,
    InboxEntry.text,
    InboxEntry.created_at,
    StaffUser.name,
)


def page(conn: Connection, item_id: int, *, before: int | None, limit: int) -> ItemPage | None:
    """The item and up to ``limit`` conversation messages before message id ``before`` (the
    newest when None), oldest first, merged with the notes of that stretch."""
    view = item_view(conn, item_id)
    if view is None:
        return None
    messages = _messages(conn, view.row.conversation_id, before, limit + 1)
    older = messages[limit - 1].id if len(messages) > limit else None
    messages = list(reversed(messages[:limit]))
    replies = _entries(conn, InboxEntry.message_id.in_([m.id for m in messages]))
    labels = _labels(conn, [m.id for m in messages if m.direction == "in"])
    entries = [_entry(m, view, replies.get(m.id), labels.get(m.id)) for m in messages]
    start = messages[0].received_at if older is not None and messages else None
    end = _time_of(conn, before) if before is not None else None
    notes = _notes(conn, item_id, start, end)
    item_of = _items_of(conn, [m.id for m in messages if m.contact_id == view.contact_id])
    return ItemPage(view, sorted(entries + notes, key=lambda e: e.at), older, item_of)


def _items_of(conn: Connection, ids: list[int]) -> dict[int, int]:
    """The item each of these messages was routed into."""
    query = select(ItemMessage.message_id, ItemMessage.item_id).where(
        ItemMessage.message_id.in_(ids)
    )
    return {int(m): int(i) for m, i in conn.execute(query).all()}


def _messages(conn: Connection, conversation_id: int, before: int | None, n: int) -> list[Any]:
    query = select(
        Message.id,
        Message.direction,
        Message.kind,
        Message.contact_id,
        Message.text,
        Message.vote,
        Message.author,
        Message.received_at,
    ).where(Message.conversation_id == conversation_id)
    if before is not None:
        query = query.where(Message.id < before)
    return list(conn.execute(query.order_by(Message.id.desc()).limit(n)).all())


def _time_of(conn: Connection, message_id: int) -> datetime | None:
    query = select(Message.received_at).where(Message.id == message_id)
    found: datetime | None = conn.execute(query).scalar_one_or_none()
    return found


def _entries(conn: Connection, where: Any) -> dict[int, Any]:
    """Staff replies by their message id, with who wrote them and their outbox state."""
    query = (
        select(*ENTRY, OutboxItem.status, OutboxItem.last_error, OutboxItem.maybe_twice)
        .outerjoin(StaffUser, StaffUser.id == InboxEntry.staff_id)
        .outerjoin(OutboxItem, OutboxItem.id == InboxEntry.outbox_id)
        .where(where)
    )
    return {int(r.message_id or 0): r for r in conn.execute(query).all()}


def _entry(m: Any, view: ItemView, reply: Any, labels: tuple[str, str] | None) -> Entry:
    if reply is not None:
        return Entry(
            kind="reply",
            text=m.text,
            at=m.received_at,
            message_id=m.id,
            entry_id=reply.id,
            staff_id=reply.staff_id,
            staff_name=reply.name or "",
            delivery=reply.status or "",
            error=(reply.last_error or "") if reply.status == "failed" else "",
            maybe_twice=bool(reply.maybe_twice),
        )
    topic, sentiment = labels or ("", "")
    return Entry(
        kind=_kind(m, view),
        text=_text(m),
        at=m.received_at,
        message_id=m.id,
        topic=topic,
        sentiment=sentiment,
    )


def _kind(m: Any, view: ItemView) -> str:
    if m.direction == "out":
        return "bot"
    if m.kind == "vote":
        return "vote"
    return "person" if m.contact_id == view.contact_id else "other"


def _text(m: Any) -> str:
    if m.kind == "vote" and m.vote:
        return "answered: " + ", ".join(str(o).rpartition(":")[2] for o in m.vote["options"])
    return str(m.text)


def _notes(
    conn: Connection, item_id: int, start: datetime | None, end: datetime | None
) -> list[Entry]:
    query = (
        select(*ENTRY)
        .outerjoin(StaffUser, StaffUser.id == InboxEntry.staff_id)
        .where(InboxEntry.item_id == item_id, InboxEntry.kind == "note")
    )
    if start is not None:
        query = query.where(InboxEntry.created_at >= start)
    if end is not None:
        query = query.where(InboxEntry.created_at < end)
    return [
        Entry(
            kind="note",
            text=r.text,
            at=r.created_at,
            entry_id=r.id,
            staff_id=r.staff_id,
            staff_name=r.name or "",
        )
        for r in conn.execute(query.order_by(InboxEntry.id)).all()
    ]


def _labels(conn: Connection, ids: list[int]) -> dict[int, tuple[str, str]]:
    """(topic, sentiment) per message: the newest verdict, then any staff relabel over it."""
    found: dict[int, dict[str, str]] = {}
    verdicts = select(
        Classification.message_id, Classification.topic, Classification.sentiment
    ).where(Classification.message_id.in_(ids))
    for mid, topic, sentiment in conn.execute(verdicts.order_by(Classification.id)).all():
        found[mid] = {"topic": topic, "sentiment": sentiment}
    fixes = select(Correction.message_id, Correction.field, Correction.value).where(
        Correction.message_id.in_(ids)
    )
    for mid, field, value in conn.execute(fixes.order_by(Correction.id)).all():
        found.setdefault(mid, {"topic": "", "sentiment": ""})[field] = value
    return {mid: (v["topic"], v["sentiment"]) for mid, v in found.items()}
