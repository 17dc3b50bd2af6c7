"""Moving a queue item to another team, and splitting some of its messages into a new item of
their own. Each runs in one transaction with its audit rows; a move is guarded by the team the
member of staff saw, so two concurrent moves cannot both win on a stale page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.inbox import actions
from models.store.inbox.actions import _changed, _must_exist, audit
from models.store.inbox.route import link
from models.store.inbox.tables import InboxItem, ItemMessage
from models.store.inbox.types import InboxError, NoSuchItem
from models.store.tables import Message


@dataclass(frozen=True, slots=True)
class Move:
    """An item that changed team: from, to, and why (``staff`` or ``correction``)."""

    item_id: int
    from_team: str
    to_team: str
    by: str


@dataclass(frozen=True, slots=True)
class SplitOff:
    """What a new item split off an existing one starts with."""

    team: str
    topic: str
    priority: str
    due_at: datetime


def move(
    conn: Connection,
    item_id: int,
    actor_id: int,
    *,
    from_team: str,
    to_team: str,
    pin: bool,
    via: str = "",
) -> Move:
    """Give the item to ``to_team`` if it is still with ``from_team``; ``pin``: a lead chose it,
    so topic corrections leave the team alone from now on. The due time does not change."""
    item = _must_exist(conn, item_id)
    if item.team == to_team:
        raise InboxError(f"this item is already with {to_team or 'no team'}")
    done = _changed(conn, [item_id], InboxItem.team == from_team, team=to_team, team_manual=pin)
    if not done:
        raise InboxError(f"this item is now with {item.team or 'no team'}; reload and try again")
    audit(conn, actor_id, "move", done, via=via, **_moved(from_team, to_team, "staff"))
    return Move(item_id, from_team, to_team, "staff")


def follow_correction(conn: Connection, item_id: int, actor_id: int, *, team: str) -> Move | None:
    """After a topic correction: the item goes to that topic's team, unless a lead pinned its
    team or it is there already (None then)."""
    item = _must_exist(conn, item_id)
    if item.team_manual or item.team == team:
        return None
    done = _changed(conn, [item_id], InboxItem.team_manual.is_(False), team=team)
    audit(conn, actor_id, "move", done, **_moved(item.team, team, "correction"))
    return Move(item_id, item.team, team, "correction") if done else None


def relabel(
    conn: Connection,
    item_id: int,
    actor_id: int,
    *,
    field: str,
    value: str,
    message_id: int,
    team: str | None,
) -> Move | None:
    """A relabel (kept as a correction), and for a topic with ``team`` given, the move to that
    team that follows from it, in one transaction."""
    actions.relabel(conn, item_id, actor_id, field=field, value=value, message_id=message_id)
    if team is None:
        return None
    return follow_correction(conn, item_id, actor_id, team=team)


def _moved(from_team: str, to_team: str, by: str) -> dict[str, str]:
    """An audit detail that reads as a sentence too ("moved from estates to it_services")."""
    words = f"moved from {from_team or 'no team'} to {to_team}"
    return {"from": from_team, "to": to_team, "by": by, "summary": words}


def split(
    conn: Connection,
    item_id: int,
    actor_id: int,
    *,
    message_ids: Sequence[int],
    off: SplitOff,
    via: str = "",
) -> int:
    """Move some of the person's messages of an item into a new item of their own (its own
    team, topic, priority and due time); returns the new item's id."""
    item = _locked(conn, item_id)
    chosen = sorted(set(message_ids))
    mine = _messages_of(conn, item_id)
    if not chosen or any(m not in mine for m in chosen):
        raise InboxError("choose messages of this item's person to split off")
    if len(chosen) == len(mine):
        raise InboxError("leave at least one message on this item (move the item instead)")
    new_id = _new_item(conn, item, chosen, off)
    conn.execute(delete(ItemMessage).where(ItemMessage.message_id.in_(chosen)))
    link(conn, new_id, chosen)
    _shrink(conn, item_id, [m for m in mine if m not in chosen])
    audit(conn, actor_id, "split", [item_id], via=via, to_item=new_id, message_ids=chosen)
    detail = {"from_item": item_id, "message_ids": chosen, "team": off.team, "topic": off.topic}
    audit(conn, actor_id, "split_from", [new_id], via=via, priority=off.priority, **detail)
    return new_id


def _locked(conn: Connection, item_id: int) -> Any:
    """The item, locked until the split commits (PostgreSQL: a concurrent split of the same
    messages, or routing into the item, waits and then sees what this one did)."""
    row = conn.execute(select(InboxItem).where(InboxItem.id == item_id).with_for_update()).first()
    if row is None:
        raise NoSuchItem(f"queue item {item_id} does not exist")
    return row


def _messages_of(conn: Connection, item_id: int) -> list[int]:
    """The item's routed messages, oldest first."""
    query = select(ItemMessage.message_id).where(ItemMessage.item_id == item_id)
    return sorted(int(i) for i in conn.execute(query).scalars())


def _received(conn: Connection, message_id: int) -> datetime:
    found: datetime = conn.execute(
        select(Message.received_at).where(Message.id == message_id)
    ).scalar_one()
    return found


def _new_item(conn: Connection, item: Any, chosen: list[int], off: SplitOff) -> int:
    """The new item, part ``n + 1`` of the person's items in this conversation."""
    parts = select(func.max(InboxItem.part)).where(
        InboxItem.conversation_id == item.conversation_id,
        InboxItem.contact_id == item.contact_id,
    )
    now = utcnow()
    row = {
        "conversation_id": item.conversation_id,
        "contact_id": item.contact_id,
        "part": int(conn.execute(parts).scalar_one() or 0) + 1,
        "channel": item.channel,
        "status": "new",
        "team": off.team,
        "priority": off.priority,
        "topic": off.topic,
        "sentiment": item.sentiment,
        "first_message_id": chosen[0],
        "last_message_id": chosen[-1],
        "last_message_at": _received(conn, chosen[-1]),
        "clock_from": now,
        "due_at": off.due_at,
        "reopened": 0,
        "created_at": now,
        "updated_at": now,
    }
    return int(conn.execute(insert(InboxItem).values(row).returning(InboxItem.id)).scalar_one())


def _shrink(conn: Connection, item_id: int, left: list[int]) -> None:
    """The old item's first and last message are among those it kept."""
    values = {
        "first_message_id": left[0],
        "last_message_id": left[-1],
        "last_message_at": _received(conn, left[-1]),
        "updated_at": utcnow(),
    }
    conn.execute(update(InboxItem).where(InboxItem.id == item_id).values(values))
