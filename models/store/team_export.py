"""The team's exports, a keyset page at a time (constant memory however many rows): one row
per message with its labels, one row per queue item (a person's conversation) with its times."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.engine import Connection

from models.store.erase_support import in_chunks
from models.store.inbox_tables import InboxCsat, InboxItem, StaffUser
from models.store.tables import Classification, Contact, Correction, Message

MESSAGE_FIELDS = (
    "id", "channel", "kind", "direction", "person", "conversation_id", "occurred_at", "text",
    "sentiment", "topic", "topic_confidence", "corrected_sentiment", "corrected_topic",
)  # fmt: skip
CONVERSATION_FIELDS = (
    "item_id", "conversation_id", "channel", "person", "first_message_at", "last_message_at",
    "topic", "sentiment", "status", "team", "assignee", "first_response_s", "resolution_s",
    "csat", "messages",
)  # fmt: skip


def iso(value: datetime | None) -> str:
    """ISO time or empty."""
    return value.isoformat() if value else ""


def count_messages(conn: Connection, since: datetime | None) -> int:
    """How many rows ``export messages`` writes."""
    query = select(func.count()).select_from(Message)
    if since is not None:
        query = query.where(Message.received_at >= since)
    return int(conn.execute(query).scalar_one())


def message_page(
    conn: Connection, *, since: datetime | None, after: int, limit: int
) -> list[dict[str, Any]]:
    """Up to ``limit`` messages with id above ``after``, oldest first, with their labels."""
    query = (
        select(
            Message.id,
            Message.channel,
            Message.kind,
            Message.direction,
            Contact.pseudonym,
            Message.conversation_id,
            Message.occurred_at,
            Message.text,
        )
        .outerjoin(Contact, Contact.id == Message.contact_id)
        .where(Message.id > after)
        .order_by(Message.id)
        .limit(limit)
    )
    if since is not None:
        query = query.where(Message.received_at >= since)
    rows = conn.execute(query).all()
    ids = [r[0] for r in rows]
    labels, fixes = _labels(conn, ids), _fixes(conn, ids)
    return [_message(r, labels.get(r[0]), fixes.get(r[0], {})) for r in rows]


def _message(r: Any, label: Any, fix: dict[str, str]) -> dict[str, Any]:
    return {
        "id": r[0], "channel": r[1], "kind": r[2], "direction": r[3], "person": r[4] or "",
        "conversation_id": r[5], "occurred_at": iso(r[6]), "text": r[7],
        "sentiment": label[0] if label else "", "topic": label[1] if label else "",
        "topic_confidence": label[2] if label else "",
        "corrected_sentiment": fix.get("sentiment", ""), "corrected_topic": fix.get("topic", ""),
    }  # fmt: skip


def _labels(conn: Connection, ids: list[int]) -> dict[int, tuple[str, str, float]]:
    """The newest verdict per message."""
    query = select(
        Classification.message_id,
        Classification.sentiment,
        Classification.topic,
        Classification.topic_confidence,
    ).order_by(Classification.id)
    return {
        r[0]: (r[1], r[2], r[3]) for r in in_chunks(conn, query, Classification.message_id, ids)
    }


def _fixes(conn: Connection, ids: list[int]) -> dict[int, dict[str, str]]:
    """The newest staff relabel per message and field."""
    query = select(Correction.message_id, Correction.field, Correction.value).order_by(
        Correction.id
    )
    out: dict[int, dict[str, str]] = {}
    for r in in_chunks(conn, query, Correction.message_id, ids):
        out.setdefault(r[0], {})[r[1]] = r[2]
    return out


def count_conversations(conn: Connection, since: datetime | None) -> int:
    """How many rows ``export conversations`` writes."""
    query = select(func.count()).select_from(InboxItem)
    if since is not None:
        query = query.where(InboxItem.created_at >= since)
    return int(conn.execute(query).scalar_one())


def conversation_page(
    conn: Connection, *, since: datetime | None, after: int, limit: int
) -> list[dict[str, Any]]:
    """Up to ``limit`` queue items with id above ``after``, with their conversation's figures."""
    query = (
        select(InboxItem, Contact.pseudonym, StaffUser.name.label("assignee"), InboxCsat.score)
        .join(Contact, Contact.id == InboxItem.contact_id)
        .outerjoin(StaffUser, StaffUser.id == InboxItem.assignee_id)
        .outerjoin(InboxCsat, InboxCsat.item_id == InboxItem.id)
        .where(InboxItem.id > after)
        .order_by(InboxItem.id)
        .limit(limit)
    )
    if since is not None:
        query = query.where(InboxItem.created_at >= since)
    rows = conn.execute(query).all()
    spans = _spans(conn, [(r.conversation_id, r.contact_id) for r in rows])
    return [_conversation(r, spans.get((r.conversation_id, r.contact_id))) for r in rows]


def _spans(conn: Connection, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], Any]:
    """First and last message time and message count per (conversation, person)."""
    if not pairs:
        return {}
    key = tuple_(Message.conversation_id, Message.contact_id)
    query = (
        select(
            Message.conversation_id,
            Message.contact_id,
            func.min(Message.occurred_at),
            func.max(Message.occurred_at),
            func.count(),
        )
        .where(key.in_(pairs), Message.kind == "message")
        .group_by(Message.conversation_id, Message.contact_id)
    )
    return {(int(r[0]), int(r[1] or 0)): r[2:] for r in conn.execute(query)}


def _seconds(start: datetime, end: datetime | None) -> int | str:
    return int((end - start).total_seconds()) if end else ""


def _conversation(r: Any, span: Any) -> dict[str, Any]:
    first, last, n = span if span else (None, None, 0)
    return {
        "item_id": r.id, "conversation_id": r.conversation_id, "channel": r.channel,
        "person": r.pseudonym, "first_message_at": iso(first), "last_message_at": iso(last),
        "topic": r.topic, "sentiment": r.sentiment, "status": r.status, "team": r.team,
        "assignee": r.assignee or "",
        "first_response_s": _seconds(r.created_at, r.first_response_at),
        "resolution_s": _seconds(r.created_at, r.resolved_at),
        "csat": "" if r.score is None else r.score, "messages": n,
    }  # fmt: skip
