"""Everything held about one person as one JSON-ready document (private staff notes left out,
staff names kept), with a short readable summary at the top."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from models.store.digest.tables import OptOut
from models.store.inbox.tables import InboxCsat, InboxEntry, InboxItem, StaffUser
from models.store.people.names import short_name
from models.store.polls.tables import Poll, Vote
from models.store.rights import export_reach
from models.store.rights.id_slices import in_chunks
from models.store.rights.scope import Scope
from models.store.tables import (
    Classification,
    Contact,
    ContactAddress,
    Correction,
    Message,
    OutboxItem,
)


def when(value: datetime | None) -> str | None:
    """ISO time or None."""
    return value.isoformat() if value else None


def document(conn: Connection, scope: Scope) -> dict[str, Any]:
    """The export: summary first, then each kind of record."""
    mine = [m for m in _messages(conn, scope) if m.pop("_theirs")]
    sent = _sent(conn, scope)
    contacts = _contacts(conn, scope)
    parts: dict[str, Any] = {
        "contacts": contacts,
        "messages": mine,
        "votes": _votes(conn, scope),
        "queue_items": _items(conn, scope),
        "csat": _csat(conn, scope),
        "sent_to_them": sent,
        "opt_out": _opt_out(conn, scope),
        "reaching_out": export_reach.reach(conn, scope),
    }
    person = _person_name(contacts, scope.person_id)
    return {"summary": summary(parts), "person_id": scope.person_id, "person": person, **parts}


def _person_name(contacts: list[dict[str, Any]], person_id: int) -> str:
    """The short pseudonym staff see for the person (their first contact's)."""
    first = next((c for c in contacts if c["id"] == person_id), contacts[0] if contacts else None)
    return short_name(str(first["pseudonym"])) if first else ""


def summary(parts: dict[str, Any]) -> list[str]:
    """A few lines a person can read first."""
    channels = sorted({c["channel"] for c in parts["contacts"]})
    texts = [m for m in parts["messages"] if m["kind"] == "message"]
    return [
        f"Contacts on {len(channels)} channel(s): {', '.join(channels) or 'none'}.",
        f"{len(texts)} message(s) from you, {len(parts['votes'])} poll answer(s).",
        f"{len(parts['queue_items'])} conversation(s) with library staff,"
        f" {sum(len(i['replies']) for i in parts['queue_items'])} staff reply(ies),"
        f" {len(parts['csat'])} satisfaction answer(s).",
        f"{len(parts['sent_to_them'])} message(s) the library sent you.",
        _opt_out_line(parts["opt_out"]),
        "Private staff notes are not included.",
    ]


def _opt_out_line(opt_out: list[dict[str, Any]]) -> str:
    out = sorted(o["channel"] for o in opt_out if o["opted_out"])
    if not out:
        return "You have not opted out of messages the library starts (polls, notices)."
    return f"You opted out of messages the library starts on: {', '.join(out)}."


def _opt_out(conn: Connection, scope: Scope) -> list[dict[str, Any]]:
    """Per contact: whether they said "stop" (and when) to messages the bot starts itself."""
    query = (
        select(Contact.id, Contact.channel, OptOut.opted_out_at)
        .outerjoin(OptOut, OptOut.contact_id == Contact.id)
        .where(Contact.id.in_(scope.contact_ids))
        .order_by(Contact.id)
    )
    return [
        {"contact_id": r[0], "channel": r[1], "opted_out": r[2] is not None, "since": when(r[2])}
        for r in conn.execute(query)
    ]


def _contacts(conn: Connection, scope: Scope) -> list[dict[str, Any]]:
    query = (
        select(Contact, ContactAddress.platform_user_id, ContactAddress.display_name)
        .outerjoin(ContactAddress, ContactAddress.contact_id == Contact.id)
        .where(Contact.id.in_(scope.contact_ids))
        .order_by(Contact.id)
    )
    return [
        {
            "id": r.id,
            "channel": r.channel,
            "pseudonym": r.pseudonym,
            "platform_user_id": r.platform_user_id,
            "display_name": r.display_name,
            "language": r.language,
            "customer_group": r.customer_group,
            "group_source": r.group_source,
            "first_seen": when(r.created_at),
        }
        for r in conn.execute(query)
    ]


def _messages(conn: Connection, scope: Scope) -> list[dict[str, Any]]:
    theirs = set(scope.contact_ids)
    rows = in_chunks(conn, select(Message).order_by(Message.id), Message.id, scope.message_ids)
    labels, fixes = _labels(conn, scope.message_ids), _corrections(conn, scope.message_ids)
    return [
        {
            "id": r.id,
            "channel": r.channel,
            "kind": r.kind,
            "text": r.text,
            "language": r.language,
            "at": when(r.occurred_at),
            "classification": labels.get(r.id),
            "corrections": fixes.get(r.id, []),
            "_theirs": r.contact_id in theirs,
        }
        for r in rows
    ]


def _labels(conn: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    query = select(Classification).order_by(Classification.id)
    return {
        r.message_id: {
            "sentiment": r.sentiment,
            "topic": r.topic,
            "topic_confidence": r.topic_confidence,
            "model_version": r.model_version,
        }
        for r in in_chunks(conn, query, Classification.message_id, ids)
    }


def _corrections(conn: Connection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {}
    query = select(Correction).order_by(Correction.id)
    for r in in_chunks(conn, query, Correction.message_id, ids):
        fix = {"field": r.field, "value": r.value, "by": r.staff, "at": when(r.created_at)}
        out.setdefault(r.message_id, []).append(fix)
    return out


def _votes(conn: Connection, scope: Scope) -> list[dict[str, Any]]:
    query = (
        select(Vote, Poll.question, Poll.options.label("choices"))
        .join(Poll, Poll.id == Vote.poll_id)
        .where(Vote.contact_id.in_(scope.contact_ids))
        .order_by(Vote.id)
    )
    return [
        {
            "poll_id": r.poll_id,
            "question": r.question,
            "answer": [_label(r.choices, k) for k in r.options],
            "channel": r.channel,
            "at": when(r.voted_at),
        }
        for r in conn.execute(query)
    ]


def _label(choices: list[dict[str, str]], key: str) -> str:
    return next((c.get("label", key) for c in choices if c.get("key") == key), key)


def _items(conn: Connection, scope: Scope) -> list[dict[str, Any]]:
    query = select(InboxItem).where(InboxItem.id.in_(scope.item_ids)).order_by(InboxItem.id)
    replies = _replies(conn, scope.item_ids)
    return [
        {
            "id": r.id,
            "channel": r.channel,
            "status": r.status,
            "topic": r.topic,
            "sentiment": r.sentiment,
            "language": r.language,
            "team": r.team,
            "opened": when(r.created_at),
            "first_response": when(r.first_response_at),
            "resolved": when(r.resolved_at),
            "replies": replies.get(r.id, []),
        }
        for r in conn.execute(query)
    ]


def _replies(conn: Connection, items: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Staff replies with the staff member's name; notes are the staff's own and left out."""
    query = (
        select(InboxEntry, StaffUser.name.label("staff"))
        .outerjoin(StaffUser, StaffUser.id == InboxEntry.staff_id)
        .where(InboxEntry.kind == "reply")
        .order_by(InboxEntry.id)
    )
    out: dict[int, list[dict[str, Any]]] = {}
    for r in in_chunks(conn, query, InboxEntry.item_id, items):
        reply = {"text": r.text, "staff": r.staff or "", "at": when(r.created_at)}
        out.setdefault(r.item_id, []).append(reply)
    return out


def _csat(conn: Connection, scope: Scope) -> list[dict[str, Any]]:
    query = (
        select(InboxCsat).where(InboxCsat.item_id.in_(scope.item_ids)).order_by(InboxCsat.item_id)
    )
    return [
        {
            "item_id": r.item_id,
            "score": r.score,
            "asked": when(r.asked_at),
            "answered": when(r.answered_at),
        }
        for r in conn.execute(query)
    ]


def _sent(conn: Connection, scope: Scope) -> list[dict[str, Any]]:
    query = (
        select(OutboxItem, Message.author)
        .join(Message, Message.id == OutboxItem.message_id)
        .order_by(OutboxItem.id)
    )
    return [
        {
            "message_id": r.message_id,
            "channel": r.channel,
            "text": (r.payload or {}).get("text", ""),
            "from": r.author,
            "status": r.status,
            "queued": when(r.created_at),
            "sent": when(r.sent_at),
        }
        for r in in_chunks(conn, query, OutboxItem.message_id, scope.message_ids)
    ]
