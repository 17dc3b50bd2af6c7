"""The topic spike detector's queries: one aggregate over the messages of the current window
and of the same hour in the trailing weeks (ranges on ``ix_messages_received``), the spike
in progress per topic (one upsert), and a few example messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from models.store.alerts.tables import AlertSpike
from models.store.tables import Classification, Message


@dataclass(frozen=True, slots=True)
class SpikeWindows:
    """The window being judged, and the same stretch of the week in each trailing week."""

    current: tuple[datetime, datetime]
    past: tuple[tuple[datetime, datetime], ...]


@dataclass(frozen=True, slots=True)
class TopicCount:
    """A topic's inbound messages in the current window and in all the past windows together,
    and the first message the store holds (to tell how many past weeks it covers)."""

    topic: str
    current: int
    past: int
    first_at: datetime | None


def _inbound() -> Any:
    """Inbound free-text messages (not edits, votes or our own sends)."""
    return and_(Message.direction == "in", Message.kind == "message")


def _newest(verdict: Any) -> Any:
    """No later classification of the same message (the newest verdict counts)."""
    later = aliased(Classification)
    return ~exists().where(later.message_id == verdict.message_id, later.id > verdict.id)


def detector_query(windows: SpikeWindows) -> Any:
    """The one aggregate statement (the benchmark prints its plan)."""
    ranges = (windows.current, *windows.past)
    within = or_(*(and_(Message.received_at >= s, Message.received_at < e) for s, e in ranges))
    now = func.sum(case((Message.received_at >= windows.current[0], 1), else_=0))
    first = select(func.min(Message.received_at)).scalar_subquery()
    return (
        select(Classification.topic, now, func.count(), first)
        .select_from(Message)
        .join(Classification, Classification.message_id == Message.id)
        .where(_inbound(), within, _newest(Classification))
        .group_by(Classification.topic)
    )


def topic_counts(conn: Connection, windows: SpikeWindows) -> list[TopicCount]:
    """Per topic: messages now, messages in the past windows, and the store's first message."""
    rows = conn.execute(detector_query(windows)).all()
    return [
        TopicCount(topic, int(now or 0), int(total) - int(now or 0), first)
        for topic, now, total, first in rows
    ]


def mark_spike(conn: Connection, topic: str, now: datetime, gap: timedelta) -> datetime:
    """Record that the topic spikes now; return when this spike began: kept while it was seen
    within ``gap``, else now (a new spike). One upsert, so racing processes agree."""
    module: Any = sqlite if conn.dialect.name == "sqlite" else postgresql
    ins = module.insert(AlertSpike).values(topic=topic, started_at=now, seen_at=now)
    over = AlertSpike.seen_at < now - gap
    stmt = ins.on_conflict_do_update(
        index_elements=[AlertSpike.topic],
        set_={
            "started_at": case((over, ins.excluded.started_at), else_=AlertSpike.started_at),
            "seen_at": ins.excluded.seen_at,
        },
    ).returning(AlertSpike.started_at)
    started = conn.execute(stmt).scalar_one()
    assert isinstance(started, datetime)
    return started


def examples(conn: Connection, topic: str, since: datetime, limit: int) -> list[int]:
    """The newest inbound messages on a topic since a time."""
    query = (
        select(Message.id)
        .join(Classification, Classification.message_id == Message.id)
        .where(
            _inbound(),
            Message.received_at >= since,
            Classification.topic == topic,
            _newest(Classification),
        )
        .order_by(Message.received_at.desc(), Message.id.desc())
        .limit(limit)
    )
    return [int(i) for i in conn.execute(query).scalars()]


def texts(conn: Connection, message_ids: list[int]) -> dict[int, str]:
    """Stored texts by message id."""
    if not message_ids:
        return {}
    rows = conn.execute(select(Message.id, Message.text).where(Message.id.in_(message_ids)))
    return {int(i): str(t) for i, t in rows.all()}
