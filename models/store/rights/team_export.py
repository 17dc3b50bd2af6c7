"""The team's exports, a keyset page at a time (constant memory however many rows): one row
per message with its labels, one row per queue item (a person's conversation) with its times."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, func, literal, select, tuple_, type_coerce
from sqlalchemy.engine import Connection

from models.store.inbox.tables import InboxCsat, InboxItem, StaffUser
from models.store.people.columns import person_short
from models.store.tables import Classification, Correction, Message

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
) -> list[tuple[Any, ...]]:
    """Up to ``limit`` messages with id above ``after``, oldest first, with their newest
    verdict and staff relabels: one tuple per message in MESSAGE_FIELDS order, built by the
    database (times as ISO text, '' for no label) so a row needs no Python work of its own."""
    newest = (
        select(func.max(Classification.id))
        .where(Classification.message_id == Message.id)
        .correlate(Message)
        .scalar_subquery()
    )
    query = (
        select(
            Message.id,
            Message.channel,
            Message.kind,
            Message.direction,
            person_short(Message.contact_id),
            Message.conversation_id,
            iso_text(conn.dialect.name, Message.occurred_at),
            Message.text,
            func.coalesce(Classification.sentiment, ""),
            func.coalesce(Classification.topic, ""),
            Classification.topic_confidence,
            literal(""),
            literal(""),
        )
        .outerjoin(Classification, Classification.id == newest)
        .where(Message.id > after)
        .order_by(Message.id)
        .limit(limit)
    )
    if since is not None:
        query = query.where(Message.received_at >= since)
    rows: list[tuple[Any, ...]] = list(conn.execute(query).all())
    return _relabelled(conn, rows, after) if rows else rows


def iso_text(dialect: str, column: Any) -> Any:
    """A UTC time column as ISO text with microseconds ('' for none), formatted by the database:
    SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff' (naive UTC), PostgreSQL a timestamptz."""
    if dialect == "sqlite":
        text = func.replace(type_coerce(column, String), " ", "T") + "+00:00"
    else:
        utc = func.timezone("UTC", column)
        text = func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
    return func.coalesce(type_coerce(text, String), "")


def _relabelled(conn: Connection, rows: list[tuple[Any, ...]], after: int) -> list[tuple[Any, ...]]:
    """The page with each staff relabel in its corrected_* columns (few rows have one)."""
    fixes = _fixes(conn, (after, rows[-1][0]))
    if not fixes:
        return rows
    at = {r[0]: i for i, r in enumerate(rows)}
    for message_id, fix in fixes.items():
        if (i := at.get(message_id)) is not None:
            row = rows[i]
            rows[i] = (*row[:11], fix.get("sentiment", ""), fix.get("topic", ""))
    return rows


def _fixes(conn: Connection, span: tuple[int, int]) -> dict[int, dict[str, str]]:
    """The newest staff relabel per message and field, ids in (low, high]."""
    query = (
        select(Correction.message_id, Correction.field, Correction.value)
        .where(Correction.message_id > span[0], Correction.message_id <= span[1])
        .order_by(Correction.id)
    )
    out: dict[int, dict[str, str]] = {}
    for r in conn.execute(query):
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
) -> list[tuple[Any, ...]]:
    """Up to ``limit`` queue items with id above ``after``, with their conversation's figures."""
    query = (
        select(
            InboxItem,
            person_short(InboxItem.contact_id).label("pseudonym"),
            StaffUser.name.label("assignee"),
            InboxCsat.score,
        )
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


def _conversation(r: Any, span: Any) -> tuple[Any, ...]:
    first, last, n = span if span else (None, None, 0)
    return tuple({
        "item_id": r.id, "conversation_id": r.conversation_id, "channel": r.channel,
        "person": r.pseudonym, "first_message_at": iso(first), "last_message_at": iso(last),
        "topic": r.topic, "sentiment": r.sentiment, "status": r.status, "team": r.team,
        "assignee": r.assignee or "",
        "first_response_s": _seconds(r.created_at, r.first_response_at),
        "resolution_s": _seconds(r.created_at, r.resolved_at),
        "csat": "" if r.score is None else r.score, "messages": n,
    }.values())  # fmt: skip
