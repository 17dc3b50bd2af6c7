"""Messages with embeddings for the themes tests and bench: recorded, received at a chosen
time, classified with a chosen sentiment and topic and a given vector."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection

from models.classification import Classification
from models.store import Store
from models.store.tables import Message
from tests.support.events import message


def _received(conn: Connection, rows: list[dict[str, object]]) -> None:
    stmt = update(Message).where(Message.id == bindparam("mid"))
    conn.execute(stmt.values(received_at=bindparam("at"), occurred_at=bindparam("at")), rows)


async def seed(
    store: Store,
    texts: Sequence[str],
    vectors: NDArray[np.float32],
    *,
    at: datetime,
    tag: str,
    sentiment: str = "negative",
    topic: str = "other",
) -> list[int]:
    """Record the texts (one sender each) received at ``at``, classified with these vectors."""
    if not texts:
        return []
    events = [
        message(text, pid=f"{tag}-{n}", sender=f"U{tag}{n}", chat=f"D{tag}{n}")
        for n, text in enumerate(texts)
    ]
    ids = [r.message_id for r in await store.messages.record(events=events)]
    await store.themes._db.write(_received, [{"mid": i, "at": at} for i in ids])
    verdicts = [
        (i, Classification(sentiment, {sentiment: 0.8}, topic, 0.9, "test", embedding=v))
        for i, v in zip(ids, np.asarray(vectors, dtype=np.float32), strict=True)
    ]
    await store.classifications.save(verdicts=verdicts)
    return ids


def around(
    direction: NDArray[np.float32], n: int, spread: float, seed_: int
) -> NDArray[np.float32]:
    """``n`` unit vectors scattered about a direction (``spread``: noise per dimension)."""
    rng = np.random.default_rng(seed_)
    raw = direction[None, :] + rng.normal(0.0, spread, (n, len(direction)))
    return (raw / np.linalg.norm(raw, axis=1, keepdims=True)).astype(np.float32)


def directions(count: int, dims: int, seed_: int) -> NDArray[np.float32]:
    """``count`` random unit directions (nearly orthogonal in many dimensions)."""
    raw = np.random.default_rng(seed_).normal(size=(count, dims))
    return (raw / np.linalg.norm(raw, axis=1, keepdims=True)).astype(np.float32)
