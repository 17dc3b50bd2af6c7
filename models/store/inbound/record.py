"""Recording inbound events: one transaction per batch, idempotent on (channel, platform_id);
rows are written in key order, so batches that overlap (on PostgreSQL) never deadlock."""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, bindparam, select, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, DBAPIError, StatementError

from bot.events import InboundEvent, utcnow
from models.store.people.groups import handle_rows, remember_handles
from models.store.tables import Contact, ContactAddress, Conversation, Message
from models.store.upsert import insert_ignore


@dataclass(frozen=True, slots=True)
class Recorded:
    """The stored id of one event and whether it had been stored before."""

    message_id: int
    duplicate: bool


def pseudonym(key: bytes, channel: str, user: str) -> str:
    """Keyed hash of channel + platform user id: stable per person, opaque without the key."""
    return hmac.new(key, f"{channel}:{user}".encode(), hashlib.sha256).hexdigest()[:40]


def record_events(
    conn: Connection, events: Sequence[InboundEvent], *, key: bytes
) -> list[Recorded]:
    """Store each event once (contacts and conversations too) and say which were new."""
    return record_rows(conn, events, key=key)[0]


def record_rows(
    conn: Connection, events: Sequence[InboundEvent], *, key: bytes
) -> tuple[list[Recorded], list[dict[str, Any]]]:
    """``record_events``, with the row written for each event (its id is the receipt's), so
    that work in the same transaction need not read the rows back."""
    dialect = conn.dialect.name
    contacts = _contact_ids(conn, dialect, events, key)
    conversations = _conversation_ids(conn, dialect, events, contacts, key)
    rows = [_message_row(e, contacts, conversations, key) for e in events]
    inserted = _insert_messages(conn, dialect, rows)
    stored_before = {(r["channel"], r["platform_id"]) for r in rows} - set(inserted)
    ids = {**inserted, **(_message_ids(conn, stored_before) if stored_before else {})}
    return _receipts(rows, set(inserted), ids), rows


def _contact_ids(
    conn: Connection, dialect: str, events: Sequence[InboundEvent], key: bytes
) -> dict[str, int]:
    """Ensure a contact per distinct sender; map pseudonym → contact id."""
    found = {pseudonym(key, e.channel, e.sender): e for e in events if e.sender}
    people = dict(sorted(found.items()))  # one lock order for overlapping batches (PostgreSQL)
    if not people:
        return {}
    now = utcnow()
    rows = [
        {"channel": e.channel.value, "pseudonym": p, "created_at": now} for p, e in people.items()
    ]
    conn.execute(_statements(dialect).contacts, rows)
    result = conn.execute(_statements(dialect).contact_ids, {"keys": list(people)})
    ids = {p: i for p, i in result.all()}
    addresses = [
        {"contact_id": ids[p], "platform_user_id": e.sender, "display_name": e.sender_name}
        for p, e in people.items()
    ]
    conn.execute(_statements(dialect).addresses, addresses)
    handles = [
        row
        for p, e in people.items()
        for row in handle_rows(key, ids[p], e.channel.value, (e.sender, e.sender_handle))
    ]
    remember_handles(conn, handles)
    return ids


def _conversation_key(event: InboundEvent) -> tuple[str, str, str]:
    return (event.channel.value, event.address.chat, event.address.thread)


def _conversation_ids(
    conn: Connection,
    dialect: str,
    events: Sequence[InboundEvent],
    contacts: dict[str, int],
    key: bytes,
) -> dict[tuple[str, str, str], int]:
    """Ensure a conversation per distinct address; map (channel, chat, thread) → id."""
    wanted = dict(sorted({_conversation_key(e): e for e in events}.items()))
    now = utcnow()
    rows = [
        {
            "channel": c,
            "chat": chat,
            "thread": thread,
            "kind": e.address.kind.value,
            "extra": dict(e.address.extra),
            "created_at": now,
        }
        for (c, chat, thread), e in wanted.items()
    ]
    conn.execute(_statements(dialect).conversations, rows)
    result = conn.execute(_statements(dialect).conversation_ids, {"keys": list(wanted)})
    return {(c, chat, thread): i for c, chat, thread, i in result.all()}


def _message_row(
    event: InboundEvent,
    contacts: dict[str, int],
    conversations: dict[tuple[str, str, str], int],
    key: bytes,
) -> dict[str, Any]:
    """The messages row for one inbound event."""
    contact = contacts.get(pseudonym(key, event.channel, event.sender)) if event.sender else None
    vote = None
    if event.vote is not None:
        vote = {"poll_ref": event.vote.poll_ref, "options": list(event.vote.options)}
        if event.vote.reply_hook:
            vote["reply_hook"] = event.vote.reply_hook
        if event.vote.origin:
            vote["origin"] = event.vote.origin
    return {
        "channel": event.channel.value,
        "platform_id": event.platform_id,
        "kind": event.kind.value,
        "direction": "in",
        "conversation_id": conversations[_conversation_key(event)],
        "contact_id": contact,
        "text": event.text,
        "reply_ref": event.reply_ref,
        "replies_to": event.replies_to,
        "vote": vote,
        "occurred_at": event.occurred_at,
        "received_at": utcnow(),
    }


def _insert_messages(
    conn: Connection, dialect: str, rows: list[dict[str, Any]]
) -> dict[tuple[str, str], int]:
    """Insert the rows not stored yet; the new ones' keys and ids (the rest need a lookup)."""
    unique: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        unique.setdefault((row["channel"], row["platform_id"]), row)
    result = conn.execute(_statements(dialect).messages, [unique[k] for k in sorted(unique)])
    return {(c, p): i for c, p, i in result.all()}


def _message_ids(conn: Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Map (channel, platform_id) → message id."""
    result = conn.execute(_statements(conn.dialect.name).message_ids, {"keys": list(keys)})
    return {(c, p): i for c, p, i in result.all()}


def _receipts(
    rows: list[dict[str, Any]],
    inserted: set[tuple[str, str]],
    ids: dict[tuple[str, str], int],
) -> list[Recorded]:
    """One receipt per input row; only the first occurrence of a new key counts as new."""
    fresh = set(inserted)
    receipts = []
    for row in rows:
        k = (row["channel"], row["platform_id"])
        receipts.append(Recorded(message_id=ids[k], duplicate=k not in fresh))
        fresh.discard(k)
    return receipts


@dataclass(frozen=True, slots=True)
class _Statements:
    """The statements that record events, built once per dialect (an event burst records a
    small batch every few milliseconds; building them each time cost as much as running them)."""

    contacts: Any
    contact_ids: Any
    addresses: Any
    conversations: Any
    conversation_ids: Any
    messages: Any
    message_ids: Any


@functools.cache
def _statements(dialect: str) -> _Statements:
    keys: BindParameter[Any] = bindparam("keys", expanding=True)
    conversation = (Conversation.channel, Conversation.chat, Conversation.thread)
    message = (Message.channel, Message.platform_id)
    return _Statements(
        contacts=insert_ignore(dialect, Contact),
        contact_ids=select(Contact.pseudonym, Contact.id).where(Contact.pseudonym.in_(keys)),
        addresses=insert_ignore(dialect, ContactAddress),
        conversations=insert_ignore(dialect, Conversation),
        conversation_ids=select(*conversation, Conversation.id).where(
            tuple_(*conversation).in_(keys)
        ),
        messages=insert_ignore(dialect, Message).returning(*message, Message.id),
        message_ids=select(*message, Message.id).where(tuple_(*message).in_(keys)),
    )


def is_content_fault(exc: BaseException) -> bool:
    """True when the database refused a row for what it holds (encoding, a value, a length),
    not because the database was unreachable or broken."""
    if isinstance(exc, DataError):
        return True
    if isinstance(exc, DBAPIError):  # PostgreSQL's class 22 is "data exception"
        state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        return isinstance(state, str) and state.startswith("22")
    if isinstance(exc, StatementError):
        return True  # raised while binding the row's values, before the database saw them
    return isinstance(exc, UnicodeError | ValueError | TypeError)
