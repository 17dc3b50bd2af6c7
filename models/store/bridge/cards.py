"""Store functions of the staff channel: cards per queue item (posted and edited through the
outbox), their Slack ts recorded when the post settles, and staff actions done once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, union, update
from sqlalchemy.engine import Connection

from bot.events import OutboundMessage, utcnow
from models.store.bridge import once
from models.store.bridge.tables import BridgeCard, BridgePost, BridgeSeen
from models.store.inbox.tables import InboxEntry, InboxItem, StaffUser
from models.store.outbox import outcomes as outbox_outcomes
from models.store.outbox import queue as outbox
from models.store.outbox.outcomes import Settled
from models.store.staff.accounts import StaffView, view
from models.store.tables import OutboxItem
from models.store.upsert import insert_ignore

AUTHOR = "feedbot:staff-card"


@dataclass(frozen=True, slots=True)
class Card:
    """Where an item's card is: its chat, its ts ("" until the post settled), what it shows
    (a digest) and the state of the outbox row posting it."""

    item_id: int
    chat: str
    ts: str
    shown: str
    post_status: str


@dataclass(frozen=True, slots=True)
class ReplySettled:
    """A staff reply whose send settled, for its card's thread."""

    item_id: int
    staff_name: str
    status: str
    error: str


def card(conn: Connection, item_id: int) -> Card | None:
    """An item's card, if one was ever queued."""
    row = conn.execute(
        select(BridgeCard, OutboxItem.status)
        .outerjoin(OutboxItem, OutboxItem.id == BridgeCard.post_outbox_id)
        .where(BridgeCard.item_id == item_id)
    ).first()
    if row is None:
        return None
    return Card(row.item_id, row.chat, row.ts, row.shown, str(row.status or "failed"))


def item_at(conn: Connection, chat: str, ts: str) -> int | None:
    """The item whose card is the message ``ts`` in ``chat``."""
    found = conn.execute(
        select(BridgeCard.item_id).where(BridgeCard.chat == chat, BridgeCard.ts == ts)
    ).scalar()
    return None if found is None else int(found)


def queue(conn: Connection, item_id: int | None, messages: Sequence[OutboundMessage]) -> list[int]:
    """Enqueue messages for the staff channel, kept against their item (for a person's export
    and erasure) when they are about one; their message ids."""
    ids = outbox.enqueue_many(conn, list(messages), author=AUTHOR)
    if item_id is not None and ids:
        conn.execute(insert(BridgePost), [{"message_id": i, "item_id": item_id} for i in ids])
    return ids


def _queue(conn: Connection, item_id: int, message: OutboundMessage) -> int:
    """Enqueue one message about an item; its outbox row's id."""
    [message_id] = queue(conn, item_id, [message])
    found = conn.execute(select(OutboxItem.id).where(OutboxItem.message_id == message_id))
    return int(found.scalar_one())


def post(conn: Connection, item_id: int, message: OutboundMessage, *, shown: str) -> bool:
    """Queue an item's first card; False (nothing queued) when it already has one."""
    now = utcnow()
    row = {
        "item_id": item_id,
        "chat": message.address.chat,
        "ts": "",
        "shown": shown,
        "created_at": now,
        "updated_at": now,
    }
    if conn.execute(insert_ignore(conn.dialect.name, BridgeCard), [row]).rowcount != 1:
        return False
    outbox_id = _queue(conn, item_id, message)
    _set(conn, item_id, post_outbox_id=outbox_id)
    return True


def repost(conn: Connection, item_id: int, message: OutboundMessage, *, shown: str) -> None:
    """Post the card again (its first post failed for good)."""
    _set(conn, item_id, post_outbox_id=_queue(conn, item_id, message), ts="", shown=shown)


def edit(conn: Connection, item_id: int, message: OutboundMessage, *, shown: str) -> None:
    """Queue an edit of the card (a waiting edit of it is superseded) and note what it shows."""
    _queue(conn, item_id, message)
    _set(conn, item_id, shown=shown)


def _set(conn: Connection, item_id: int, **values: object) -> None:
    conn.execute(
        update(BridgeCard)
        .where(BridgeCard.item_id == item_id)
        .values(updated_at=utcnow(), **values)
    )


def synced(conn: Connection, item_id: int) -> None:
    """Note that the card was found up to date just now."""
    _set(conn, item_id)


def behind(conn: Connection, since: datetime, limit: int) -> list[int]:
    """Items changed since ``since`` whose card may not show it: changed after the card was
    last brought up to date, without a card at all (still open), or whose post failed."""
    recent = InboxItem.updated_at >= since
    changed = (
        select(BridgeCard.item_id)
        .join(InboxItem, InboxItem.id == BridgeCard.item_id)
        .where(recent, BridgeCard.ts != "", InboxItem.updated_at > BridgeCard.updated_at)
    )
    missing = (
        select(InboxItem.id)
        .outerjoin(BridgeCard, BridgeCard.item_id == InboxItem.id)
        .where(recent, BridgeCard.item_id.is_(None), InboxItem.status != "resolved")
    )
    failed = (
        select(BridgeCard.item_id)
        .join(OutboxItem, OutboxItem.id == BridgeCard.post_outbox_id)
        .where(BridgeCard.ts == "", OutboxItem.status == "failed")
    )
    rows = conn.execute(union(changed, missing, failed).limit(limit))
    return sorted(int(i) for i in rows.scalars())


def settle(conn: Connection, outcomes: list[Settled]) -> None:
    """Record a batch of sends and, in the same transaction, the ts of each card posted."""
    outbox_outcomes.settle(conn, outcomes)
    posted = [
        {"item": o.item_id, "pid": o.platform_message_id}
        for o in outcomes
        if o.status == "sent" and o.platform_message_id
    ]
    if posted:  # one statement for the batch (most sends are no card's post)
        card = update(BridgeCard).where(BridgeCard.post_outbox_id == bindparam("item"))
        conn.execute(card.values(ts=bindparam("pid")), posted)  # updated_at: when it was drawn


def cards_posted(conn: Connection, outbox_ids: Sequence[int]) -> list[int]:
    """The items whose card post is among these outbox rows."""
    rows = conn.execute(
        select(BridgeCard.item_id).where(BridgeCard.post_outbox_id.in_(list(outbox_ids)))
    )
    return [int(i) for i in rows.scalars()]


def replies_settled(conn: Connection, outcomes: Sequence[Settled]) -> list[ReplySettled]:
    """Staff replies among these settled sends (sent, or failed for good)."""
    final = {o.item_id: o for o in outcomes if o.status in ("sent", "failed")}
    if not final:
        return []
    rows = conn.execute(
        select(InboxEntry.item_id, InboxEntry.outbox_id, StaffUser.name)
        .outerjoin(StaffUser, StaffUser.id == InboxEntry.staff_id)
        .where(InboxEntry.outbox_id.in_(list(final)), InboxEntry.kind == "reply")
    ).all()
    return [
        ReplySettled(
            int(r.item_id), str(r.name or ""), final[r.outbox_id].status, final[r.outbox_id].error
        )
        for r in rows
    ]


def first_time(conn: Connection, key: str) -> bool:
    """Mark a staff action as done; False when it already was (a redelivery)."""
    return once.mark(conn, key)


def forget(conn: Connection, key: str) -> None:
    """Unmark an action that could not be done, so that Slack's retry may do it."""
    conn.execute(delete(BridgeSeen).where(BridgeSeen.key == key[:255]))


def staff_by_slack(conn: Connection, slack_user_id: str) -> StaffView | None:
    """The staff account linked to a Slack user."""
    row = conn.execute(
        select(StaffUser).where(StaffUser.slack_user_id == slack_user_id).limit(1)
    ).first()
    return None if row is None or not slack_user_id else view(row)
