"""Each message's sentence embedding, stored once as it is classified (float16, unit length), so
themes and "what we already know" never run the encoder over history again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import ForeignKey, LargeBinary, String, delete, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from models.store.tables import Base, Message

Vectors = NDArray[np.float32]


class MessageEmbedding(Base):
    """One message's embedding from the untouched encoder (``model``: the classifier version
    that computed it)."""

    __tablename__ = "message_embeddings"
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(128))
    vector: Mapped[bytes] = mapped_column(LargeBinary)


def pack(vector: NDArray[np.float32]) -> bytes:
    """The stored form of a vector: float16, little-endian."""
    return np.asarray(vector, dtype="<f2").tobytes()


def unpack(blobs: Sequence[bytes]) -> Vectors:
    """Stored vectors back as one float32 matrix (one row each; empty when there are none)."""
    if not blobs:
        return np.zeros((0, 0), dtype=np.float32)
    joined = np.frombuffer(b"".join(blobs), dtype="<f2")
    return joined.reshape(len(blobs), -1).astype(np.float32)


def save(conn: Connection, rows: Sequence[tuple[int, NDArray[np.float32]]], model: str) -> None:
    """Store (or replace) the embeddings of these messages."""
    if not rows:
        return
    ids = [mid for mid, _ in rows]
    conn.execute(delete(MessageEmbedding).where(MessageEmbedding.message_id.in_(ids)))
    conn.execute(
        insert(MessageEmbedding),
        [{"message_id": mid, "model": model, "vector": pack(v)} for mid, v in rows],
    )


def of_messages(conn: Connection, message_ids: Sequence[int]) -> tuple[list[int], Vectors]:
    """The stored embeddings of these messages (those that have one), ids in ascending order."""
    found: list[tuple[int, bytes]] = []
    for start in range(0, len(message_ids), 5000):
        chunk = list(message_ids[start : start + 5000])
        rows = conn.execute(
            select(MessageEmbedding.message_id, MessageEmbedding.vector).where(
                MessageEmbedding.message_id.in_(chunk)
            )
        )
        found.extend((int(i), bytes(v)) for i, v in rows)
    found.sort()
    return [i for i, _ in found], unpack([v for _, v in found])


def received_between(
    conn: Connection, since: datetime, until: datetime
) -> tuple[list[int], Vectors]:
    """Embeddings of inbound messages received in [since, until), in message id order."""
    rows = conn.execute(
        select(MessageEmbedding.message_id, MessageEmbedding.vector)
        .join(Message, Message.id == MessageEmbedding.message_id)
        .where(Message.received_at >= since, Message.received_at < until)
        .order_by(MessageEmbedding.message_id)
    ).all()
    return [int(i) for i, _ in rows], unpack([bytes(v) for _, v in rows])
