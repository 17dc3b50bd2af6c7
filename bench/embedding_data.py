"""Synthetic sentence embeddings for the benchmarks' stored messages: 384-dimensional unit
vectors (float16, as the store keeps them), 70% scattered about one of 80 theme directions
(noise 0.06 per dimension: members about 0.45 cosine-similar to each other, as the real
encoder's wordings of one problem measured in tests/models/classifier/test_themes_to_topic.py)
and 30% unrelated."""

from __future__ import annotations

import sqlite3

import asyncpg
import numpy as np
from sqlalchemy.engine import make_url

DIMS, THEMES, SPREAD, SHARE = 384, 80, 0.06, 0.7
CHUNK = 50_000


def directions(rng: np.random.Generator) -> np.ndarray:
    """One unit vector per theme."""
    found: np.ndarray = rng.normal(size=(THEMES, DIMS))
    unit: np.ndarray = found / np.linalg.norm(found, axis=1, keepdims=True)
    return unit


def vectors(
    n: int, rng: np.random.Generator, toward: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` packed vectors, the theme each was drawn about, and which were drawn anywhere."""
    pick = rng.integers(0, THEMES, n)
    raw = toward[pick] + rng.normal(0.0, SPREAD, (n, DIMS))
    lone = rng.random(n) > SHARE
    raw[lone] = rng.normal(size=(int(lone.sum()), DIMS))
    return (raw / np.linalg.norm(raw, axis=1, keepdims=True)).astype("<f2"), pick, lone


def _chunks(n: int, seed: int) -> list[tuple[range, np.ndarray]]:
    rng = np.random.default_rng(seed)
    toward = directions(rng)
    out = []
    for first in range(1, n + 1, CHUNK):
        ids = range(first, min(first + CHUNK, n + 1))
        out.append((ids, vectors(len(ids), rng, toward)[0]))
    return out


def embed_sqlite(path: str, n: int, seed: int = 3) -> None:
    """An embedding for messages 1..n of a loaded SQLite file."""
    db = sqlite3.connect(path)
    for ids, packed in _chunks(n, seed):
        db.executemany(
            "INSERT INTO message_embeddings VALUES (?,?,?)",
            [(i, "bench", packed[k].tobytes()) for k, i in enumerate(ids)],
        )
    db.commit()
    db.close()


async def embed_postgres(url: str, n: int, seed: int = 3) -> None:
    """An embedding for messages 1..n of a loaded PostgreSQL database (COPY)."""
    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )
    try:
        for ids, packed in _chunks(n, seed):
            await conn.copy_records_to_table(
                "message_embeddings",
                records=[(i, "bench", packed[k].tobytes()) for k, i in enumerate(ids)],
                columns=("message_id", "model", "vector"),
            )
    finally:
        await conn.close()
