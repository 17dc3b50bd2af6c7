"""What a send needs to know of each person in an audience: where the bot may write to them
(a direct conversation they opened, or a widget session still open; never a group chat, a
public thread or an ended widget conversation), whether they said "stop", and how often the bot
reached out to them lately. Read a slice of ids at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.events import Address, Channel, ConversationKind, utcnow
from models.store.digest.tables import OptOut
from models.store.reach.ledger import asked_since
from models.store.tables import Contact, Conversation, Message
from models.store.widget.sessions import digest
from models.store.widget.tables import WidgetSession

SLICE = 5000
OPENED = (ConversationKind.DIRECT.value, ConversationKind.WIDGET.value)
"""Conversations a person opened with the bot alone: the only places a send may go."""


@dataclass(frozen=True, slots=True)
class Person:
    """One contact of an audience: where a send could reach them (None: nowhere it may),
    whether they opted out, how often they were asked since the cap's window began."""

    contact_id: int
    channel: str
    group: str | None
    address: Address | None
    conversation_id: int | None
    opted_out: bool
    asked: int


def people(conn: Connection, contact_ids: Sequence[int], asked_from: datetime) -> list[Person]:
    """The facts of each contact, in the order given."""
    found: list[Person] = []
    for start in range(0, len(contact_ids), SLICE):
        found += _slice(conn, list(contact_ids[start : start + SLICE]), asked_from)
    return found


def _slice(conn: Connection, ids: list[int], asked_from: datetime) -> list[Person]:
    contacts = conn.execute(
        select(Contact.id, Contact.channel, Contact.customer_group).where(Contact.id.in_(ids))
    ).all()
    places = _opened(conn, ids)
    stopped = set(
        conn.execute(select(OptOut.contact_id).where(OptOut.contact_id.in_(ids))).scalars()
    )
    asked = asked_since(conn, ids, asked_from)
    by_id = {
        int(i): Person(
            int(i),
            channel,
            group,
            places.get(int(i), (None, None))[0],
            places.get(int(i), (None, None))[1],
            int(i) in stopped,
            asked.get(int(i), 0),
        )
        for i, channel, group in contacts
    }
    return [by_id[i] for i in ids if i in by_id]


def _opened(conn: Connection, ids: list[int]) -> dict[int, tuple[Address, int]]:
    """Each contact's latest conversation they opened themselves that is still open."""
    latest = (
        select(Message.contact_id, Message.conversation_id, func.max(Message.id).label("last"))
        .where(Message.contact_id.in_(ids), Message.direction == "in")
        .group_by(Message.contact_id, Message.conversation_id)
        .subquery("latest")
    )
    c = Conversation
    rows = conn.execute(
        select(
            latest.c.contact_id, latest.c.last, c.id, c.channel, c.chat, c.thread, c.kind, c.extra
        )
        .join(c, c.id == latest.c.conversation_id)
        .where(c.kind.in_(OPENED))
        .order_by(latest.c.last)
    ).all()
    open_widgets = _open_sessions(conn, [r.chat for r in rows if r.kind == "widget"])
    found: dict[int, tuple[Address, int]] = {}
    for r in rows:  # oldest first: the latest open one wins
        if r.kind == "widget" and r.chat not in open_widgets:
            continue
        found[int(r.contact_id)] = (_address(r), int(r.id))
    return found


def _address(row: Any) -> Address:
    return Address(
        Channel(row.channel),
        row.chat,
        row.thread,
        ConversationKind(row.kind),
        dict(row.extra or {}),
    )


def _open_sessions(conn: Connection, chats: list[str]) -> set[str]:
    """The widget sessions among these that were issued, have not ended and have not expired
    (the store keeps only each session id's SHA-256)."""
    digests = {digest(c): c for c in chats}
    now = utcnow()
    live: set[str] = set()
    keys = list(digests)
    for start in range(0, len(keys), SLICE):
        rows = conn.execute(
            select(WidgetSession.digest).where(
                WidgetSession.digest.in_(keys[start : start + SLICE]),
                WidgetSession.ended_at.is_(None),
                WidgetSession.expires_at > now,
            )
        ).scalars()
        live.update(digests[d] for d in rows)
    return live
