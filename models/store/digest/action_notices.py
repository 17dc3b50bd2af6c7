"""Who raised a topic, and sending an action's notices exactly once (part of ``store.actions``).

Each notice row is unique per action and recipient; the rows and the outbox messages they cause
are written in one transaction, so running a notification twice (or in two processes) queues
each message once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.engine import Connection

from bot.events import OutboundMessage, utcnow
from models.store.digest.figures import Window, labelled
from models.store.digest.tables import ActionNotice, OptOut
from models.store.outbox import queue as outbox
from models.store.tables import Conversation
from models.store.upsert import insert_ignore


@dataclass(frozen=True, slots=True)
class Raiser:
    """A person who raised a topic, and the conversation of their latest such message."""

    contact_id: int
    channel: str
    chat: str
    thread: str
    kind: str
    extra: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to send, and the recipients it tells ("contact:ID", or one per broadcast)."""

    recipients: tuple[str, ...]
    channel: str
    message: OutboundMessage


def raisers(conn: Connection, topic: str, since: datetime, until: datetime) -> list[Raiser]:
    """Everyone whose message in [since, until) is on ``topic`` (by a staff relabel, else the
    classifier), except people who opted out."""
    lab = labelled(Window((since,), until), 1, conn.dialect.name)
    rank = func.row_number().over(partition_by=lab.c.contact_id, order_by=lab.c.id.desc())
    latest = (
        select(lab.c.contact_id, lab.c.conversation_id, rank.label("rn"))
        .where(lab.c.topic == topic, lab.c.contact_id.is_not(None))
        .where(lab.c.contact_id.not_in(select(OptOut.contact_id)))
        .subquery("latest")
    )
    c = Conversation
    query = (
        select(latest.c.contact_id, c.channel, c.chat, c.thread, c.kind, c.extra)
        .join(c, c.id == latest.c.conversation_id)
        .where(latest.c.rn == 1)
        .order_by(latest.c.contact_id)
    )
    return [
        Raiser(int(i), ch, chat, th, k, dict(x or {}))
        for i, ch, chat, th, k, x in conn.execute(query)
    ]


def notify(conn: Connection, action_id: int, notices: list[Notice]) -> dict[str, int]:
    """Claim each recipient once and queue the messages that tell someone new; returns how
    many recipients were told now, per channel."""
    now = utcnow()
    told: dict[str, int] = {}
    messages: list[OutboundMessage] = []
    claimed: list[list[str]] = []
    for notice in notices:
        fresh = _claim(conn, action_id, notice, now)
        if fresh:
            messages.append(notice.message)
            claimed.append(fresh)
            told[notice.channel] = told.get(notice.channel, 0) + len(fresh)
    ids = outbox.enqueue_many(conn, messages, author="feedbot:you-said-we-did")
    for message_id, recipients in zip(ids, claimed, strict=True):
        conn.execute(
            update(ActionNotice)
            .where(
                and_(ActionNotice.action_id == action_id, ActionNotice.recipient.in_(recipients))
            )
            .values(message_id=message_id)
        )
    return told


def _claim(conn: Connection, action_id: int, notice: Notice, now: datetime) -> list[str]:
    rows = [
        {"action_id": action_id, "recipient": r, "channel": notice.channel, "created_at": now}
        for r in notice.recipients
    ]
    stmt = insert_ignore(conn.dialect.name, ActionNotice).returning(ActionNotice.recipient)
    return [str(r) for r in conn.execute(stmt, rows).scalars()] if rows else []
