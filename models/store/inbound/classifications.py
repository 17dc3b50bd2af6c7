"""Storing classifications and reading what the classifier needs (texts, corrections)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, func, insert, select, update
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.classification import Classification as Verdict
from models.store.inbound import embeddings
from models.store.tables import Classification, Correction, Message

_TEXT_KINDS = ("message", "edit")


def save(conn: Connection, verdicts: Sequence[tuple[int, Verdict]]) -> None:
    """Store one classification row per (message id, verdict), each verdict's embedding, and
    each message's newest topic (``messages.newest_topic``) in the same transaction."""
    if not verdicts:
        return
    now = utcnow()
    rows = [
        {
            "message_id": mid,
            "sentiment": v.sentiment,
            "sentiment_scores": dict(v.sentiment_scores),
            "topic": v.topic,
            "topic_confidence": v.topic_confidence,
            "model_version": v.model_version,
            "created_at": now,
        }
        for mid, v in verdicts
    ]
    conn.execute(insert(Classification), rows)
    newest = {mid: v.topic for mid, v in verdicts}  # a later verdict on a message wins
    conn.execute(
        update(Message).where(Message.id == bindparam("mid")).values(newest_topic=bindparam("t")),
        [{"mid": mid, "t": topic} for mid, topic in newest.items()],
    )
    vectors = [(mid, v.embedding) for mid, v in verdicts if v.embedding is not None]
    if vectors:
        embeddings.save(conn, vectors, verdicts[0][1].model_version)


def _inbound_text(since: datetime | None) -> ColumnElement[bool]:
    cond = (Message.direction == "in") & Message.kind.in_(_TEXT_KINDS) & (Message.text != "")
    return cond if since is None else cond & (Message.occurred_at >= since)


def count(conn: Connection, since: datetime | None) -> int:
    """How many inbound texts there are (since a time)."""
    return int((conn.execute(select(func.count()).where(_inbound_text(since)))).scalar_one())


def texts_after(
    conn: Connection, since: datetime | None, after: int, batch: int
) -> list[tuple[int, str]]:
    """The next ``batch`` inbound texts with id above ``after``, in id order."""
    rows = conn.execute(
        select(Message.id, Message.text)
        .where(_inbound_text(since), Message.id > after)
        .order_by(Message.id)
        .limit(batch)
    )
    return [(int(i), str(t)) for i, t in rows.all()]


def topic_corrections(conn: Connection) -> list[tuple[str, str]]:
    """(text, topic) pairs from staff relabels, newest relabel per message."""
    newest = (
        select(func.max(Correction.id))
        .where(Correction.field == "topic")
        .group_by(Correction.message_id)
    )
    rows = conn.execute(
        select(Message.text, Correction.value)
        .join(Message, Message.id == Correction.message_id)
        .where(Correction.id.in_(newest), Message.text != "")
    )
    return [(str(t), str(v)) for t, v in rows.all()]
