"""Recording a targeted send in one transaction: the send and its report, each message queued
in the outbox (paced), who it told where, the contact ledger, the poll's audience (so their
votes count) and the audit row. A crash leaves all of it or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from bot.events import OutboundMessage, utcnow
from models.store.outbox import queue as outbox
from models.store.polls.tables import Poll, PollTarget, Vote
from models.store.reach import ledger
from models.store.reach.tables import SendRecipient, TargetedSend
from models.store.tables import AuditEntry, Message
from models.store.upsert import insert_ignore

PEOPLE = "*people*"
"""The chat of a poll target that stands for people asked one by one in their own
conversations (their votes count; nothing is posted to it)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message of a send: to whom, in which conversation, and when it may go."""

    contact_id: int
    conversation_id: int
    message: OutboundMessage
    due: datetime


@dataclass(frozen=True, slots=True)
class SendRecord:
    """What a send stores besides its messages."""

    actor: str
    kind: str
    ledger_kind: str
    poll_id: int | None
    text: str
    audience: dict[str, Any]
    report: dict[str, Any]


def record(conn: Connection, send: SendRecord, deliveries: Sequence[Delivery]) -> int:
    """Store the send, queue its messages and note each person told; returns the send's id."""
    values = {
        "created_at": utcnow(),
        "actor": send.actor,
        "kind": send.kind,
        "poll_id": send.poll_id,
        "text": send.text,
        "audience": send.audience,
        "report": send.report,
    }
    send_id = int(
        conn.execute(insert(TargetedSend).values(values).returning(TargetedSend.id)).scalar_one()
    )
    known = {_key(d.message): d.conversation_id for d in deliveries}
    ids = outbox.enqueue_many(
        conn,
        [d.message for d in deliveries],
        author=f"feedbot:send:{send_id}",
        known=known,
        due=[d.due for d in deliveries],
    )
    if ids:
        conn.execute(
            insert(SendRecipient),
            [
                {
                    "send_id": send_id,
                    "contact_id": d.contact_id,
                    "conversation_id": d.conversation_id,
                    "message_id": i,
                }
                for d, i in zip(deliveries, ids, strict=True)
            ],
        )
    now = utcnow()
    ledger.record(
        conn, [d.contact_id for d in deliveries], send.ledger_kind, f"send:{send_id}", now
    )
    if send.poll_id is not None:
        _poll_audience(conn, send.poll_id, deliveries)
    detail = {"kind": send.kind, "poll_id": send.poll_id, "audience": send.audience, **send.report}
    conn.execute(
        insert(AuditEntry).values(
            at=now, actor=send.actor, action="send", subject=f"send:{send_id}", detail=detail
        )
    )
    return send_id


def _key(message: OutboundMessage) -> tuple[str, str, str]:
    a = message.address
    return (a.channel.value, a.chat, a.thread)


def _poll_audience(conn: Connection, poll_id: int, deliveries: Sequence[Delivery]) -> None:
    """Open the poll (a draft or a scheduled one: its answers count from now), and add targets
    that let the people asked answer: one per channel for direct conversations (its audience
    size grows with each send), one per widget session (the page lists it)."""
    conn.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.status.in_(("draft", "scheduled")))
        .values(status="open")
    )
    sizes: dict[tuple[str, str], int] = {}
    for d in deliveries:
        a = d.message.address
        chat = a.chat if a.kind.value == "widget" else PEOPLE
        sizes[(a.channel.value, chat)] = sizes.get((a.channel.value, chat), 0) + 1
    rows = [
        {"poll_id": poll_id, "channel": c, "chat": chat, "audience_size": 0} for c, chat in sizes
    ]
    if rows:
        conn.execute(insert_ignore(conn.dialect.name, PollTarget), rows)
    for (channel, chat), n in sizes.items():
        conn.execute(
            update(PollTarget)
            .where(
                PollTarget.poll_id == poll_id,
                PollTarget.channel == channel,
                PollTarget.chat == chat,
            )
            .values(audience_size=func.coalesce(PollTarget.audience_size, 0) + n)
        )


def tally(conn: Connection, send_id: int) -> dict[str, int]:
    """How many the send told, how many wrote back in that conversation since, and (a poll)
    how many of them answered it."""
    sent = conn.execute(select(TargetedSend.poll_id).where(TargetedSend.id == send_id)).first()
    if sent is None:
        return {}
    r = SendRecipient
    told = conn.execute(select(func.count()).where(r.send_id == send_id)).scalar_one()
    wrote = (
        select(func.count(func.distinct(r.contact_id)))
        .join(Message, (Message.conversation_id == r.conversation_id) & (Message.id > r.message_id))
        .where(
            r.send_id == send_id,
            Message.direction == "in",
            Message.kind == "message",
            Message.contact_id == r.contact_id,
        )
    )
    answered = 0
    if sent.poll_id is not None:
        voters = (
            select(func.count())
            .select_from(r)
            .join(Vote, (Vote.contact_id == r.contact_id) & (Vote.poll_id == sent.poll_id))
            .where(r.send_id == send_id)
        )
        answered = int(conn.execute(voters).scalar_one())
    return {
        "told": int(told),
        "replied": int(conn.execute(wrote).scalar_one()),
        "answered": answered,
    }


def recent(conn: Connection, limit: int) -> list[dict[str, Any]]:
    """The latest sends, newest first, each with its report and tally."""
    rows = conn.execute(select(TargetedSend).order_by(TargetedSend.id.desc()).limit(limit)).all()
    return [
        {
            "id": s.id,
            "at": s.created_at.isoformat(),
            "by": s.actor,
            "kind": s.kind,
            "poll_id": s.poll_id,
            "audience": s.audience,
            "report": s.report,
            "tally": tally(conn, s.id),
        }
        for s in list(rows)
    ]
