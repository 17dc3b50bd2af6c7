"""Staff alerts in the store (``store.alerts``): an alert is inserted once (unique kind +
subject, ON CONFLICT DO NOTHING), with one send row per destination; sends are leased by one
process at a time and, under that lease (the attempt number guards the UPDATE), dropped as
moot or handed to the outbox (any channel's) in the transaction that marks them sent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, cast, exists, literal, select, union_all, update
from sqlalchemy.engine import Connection

from bot.events import OutboundMessage
from models.store.alerts.tables import Alert, AlertSend
from models.store.inbox.tables import InboxItem
from models.store.inbox.types import WAITING
from models.store.jobs.lease import lease as lease_rows
from models.store.outbox import queue as outbox
from models.store.upsert import insert_ignore


@dataclass(frozen=True, slots=True)
class NewAlert:
    """An alert to raise once; ``send_after`` holds a non-urgent one through quiet hours."""

    kind: str
    subject: str
    send_after: datetime
    urgent: bool = False
    item_id: int | None = None
    due_at: datetime | None = None
    topic: str = ""
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ItemDue:
    """A waiting queue item the alerts look at: urgent and recent, or due soon or just missed."""

    item_id: int
    priority: str
    due_at: datetime
    reopened: int
    last_message_at: datetime


@dataclass(frozen=True, slots=True)
class ClaimedSend:
    """A send leased to this process, with its alert."""

    send_id: int
    attempts: int
    destination: str
    alert_id: int
    kind: str
    subject: str
    urgent: bool
    item_id: int | None
    topic: str
    detail: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SendView:
    """A send and its state (for tests, the CLI and health)."""

    alert_id: int
    kind: str
    subject: str
    destination: str
    next_attempt_at: datetime
    status: str
    attempts: int
    last_error: str
    sent_at: datetime | None
    created_at: datetime


def raise_alerts(
    conn: Connection, alerts: Sequence[NewAlert], destinations: Sequence[str], now: datetime
) -> list[int]:
    """Insert the alerts that do not exist yet, each with a pending send per destination, in
    two statements; the new alerts' ids."""
    rows = [
        {
            "kind": a.kind,
            "subject": a.subject[:160],
            "urgent": a.urgent,
            "item_id": a.item_id,
            "due_at": a.due_at,
            "topic": a.topic,
            "detail": dict(a.detail),
            "created_at": now,
            "send_after": a.send_after,
        }
        for a in alerts
    ]
    stmt = insert_ignore(conn.dialect.name, Alert).returning(Alert.id, Alert.send_after)
    new = conn.execute(stmt, rows).all()  # those raised before (here or elsewhere) are skipped
    sends = [
        {"alert_id": alert_id, "destination": d, "next_attempt_at": after}
        for alert_id, after in new
        for d in destinations
    ]
    if sends:
        conn.execute(insert_ignore(conn.dialect.name, AlertSend), sends)
    return sorted(int(alert_id) for alert_id, _ in new)


def _not_raised(kind: str, *about: Any) -> Any:
    """No alert of ``kind`` about this item (and these facts) exists yet."""
    return ~exists().where(Alert.item_id == InboxItem.id, Alert.kind == kind, *about)


def item_queries(now: datetime, *, warn: timedelta, lookback: timedelta) -> tuple[Any, Any]:
    """The two statements of ``items_due`` (the benchmark prints their plans)."""
    i = InboxItem
    columns = (i.id, i.priority, i.due_at, i.reopened, i.last_message_at)
    waiting = i.status.in_(WAITING)
    subject = literal("item:") + cast(i.id, String) + "#" + cast(i.reopened, String)
    urgent = select(*columns).where(
        i.priority == "urgent",  # these two: ix_inbox_items_urgent_waiting's own terms
        waiting,
        i.last_message_at >= now - lookback,
        _not_raised("urgent", Alert.subject == subject),
    )
    soon = select(*columns).where(
        waiting,
        i.due_at > now,
        i.due_at <= now + warn,
        _not_raised("due_soon", Alert.due_at == i.due_at),
    )
    missed = select(*columns).where(
        waiting,
        i.due_at > now - lookback,
        i.due_at <= now,
        _not_raised("overdue", Alert.due_at == i.due_at),
    )
    due = union_all(soon, missed).subquery()
    return urgent.order_by(i.id), select(due).order_by(due.c.due_at, due.c.id)


def items_due(
    conn: Connection, now: datetime, *, warn: timedelta, lookback: timedelta
) -> tuple[list[ItemDue], list[ItemDue]]:
    """Waiting items still to alert about: urgent ones the person wrote to within
    ``lookback``; and those due by ``now + warn`` (not yet warned about that due time) or past
    due by up to ``lookback`` (not yet reported missed). The first by a partial index of
    urgent waiting items, the others by the status and due-time index."""
    urgent, due = item_queries(now, warn=warn, lookback=lookback)
    return (
        [ItemDue(*r) for r in conn.execute(urgent).all()],
        [ItemDue(*r) for r in conn.execute(due).all()],
    )


_CLAIM_COLUMNS = (
    AlertSend.id,
    AlertSend.attempts,
    AlertSend.destination,
    Alert.id,
    Alert.kind,
    Alert.subject,
    Alert.urgent,
    Alert.item_id,
    Alert.topic,
    Alert.detail,
    Alert.created_at,
)


def claim(
    conn: Connection, destination: str, now: datetime, *, lease: timedelta, limit: int
) -> list[ClaimedSend]:
    """Lease due pending sends to a destination (oldest first; PostgreSQL skips locked rows)."""
    due = and_(
        AlertSend.status == "pending",
        AlertSend.next_attempt_at <= now,
        AlertSend.destination == destination,
    )
    ids = lease_rows(conn, AlertSend, due, limit=limit, for_=lease, now=now)
    if not ids:
        return []
    rows = conn.execute(
        select(*_CLAIM_COLUMNS)
        .join(Alert, Alert.id == AlertSend.alert_id)
        .where(AlertSend.id.in_(ids))
        .order_by(AlertSend.id)
    )
    return [ClaimedSend(*r) for r in rows.all()]


def _guarded(send_id: int, attempts: int) -> Any:
    """The send, only while it is still this claim's (not re-leased after a lapse)."""
    return update(AlertSend).where(
        AlertSend.id == send_id, AlertSend.status == "pending", AlertSend.attempts == attempts
    )


def hand_over(
    conn: Connection, send_id: int, attempts: int, message: OutboundMessage, now: datetime
) -> bool:
    """Mark the send sent and queue its message on the outbox, together; False (nothing
    queued) when the lease was lost."""
    return outbox.hand_over(
        conn,
        AlertSend,
        row_id=send_id,
        attempts=attempts,
        message=message,
        author="feedbot:alerts",
        status="sent",
        sent_at=now,
    )


def drop(conn: Connection, send_id: int, attempts: int, at: datetime) -> bool:
    """Record that a claimed send was moot when due (nothing sent); False when the lease was
    lost. A send is otherwise handed over: what becomes of it is the outbox's."""
    return (
        conn.execute(_guarded(send_id, attempts).values(status="dropped", sent_at=at)).rowcount == 1
    )


def sends(conn: Connection, kind: str | None, limit: int | None) -> list[SendView]:
    """Sends with their alerts (of one kind): all oldest first, or the newest ``limit``; a
    send handed to the outbox shows what became of its message there."""
    s = AlertSend
    own = select(Alert.id, Alert.kind, Alert.subject, s.destination, s.next_attempt_at)
    own = own.select_from(s).join(Alert, Alert.id == s.alert_id)
    query = outbox.delivery_state(
        own, s.outbox_message_id, *(s.status, s.attempts, s.last_error, s.sent_at)
    )
    query = query.add_columns(Alert.created_at).order_by(s.id.desc() if limit else s.id)
    if kind is not None:
        query = query.where(Alert.kind == kind)
    rows: list[Any] = list(conn.execute(query.limit(limit)).all())
    return [SendView(*r) for r in rows]
