"""Synthetic history for the digest benchmark: N inbound messages over 26 weeks on 4 channels
and 17 topics, each classified, loaded in bulk (sqlite3 executemany; PostgreSQL COPY)."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

CHANNELS = ("slack", "telegram", "widget", "x")
TOPICS = tuple(f"topic_{n:02d}" for n in range(17))
MOODS = ("negative", "neutral", "positive")
WEEKS = 26
CHUNK = 50_000


def contacts(people: int, start: datetime) -> list[tuple[Any, ...]]:
    """(id, channel, pseudonym, created_at) rows."""
    return [(i, CHANNELS[i % 4], f"{i:064x}", start) for i in range(1, people + 1)]


def conversations(people: int, start: datetime) -> list[tuple[Any, ...]]:
    """One DM per person: (id, channel, chat, thread, kind, extra, created_at)."""
    return [
        (i, CHANNELS[i % 4], f"chat-{i}", "", "direct", "{}", start) for i in range(1, people + 1)
    ]


def messages(
    n: int, people: int, start: datetime, seed: int = 1
) -> Iterator[list[tuple[Any, ...]]]:
    """Chunks of (message row, classification row) pairs flattened as two lists per chunk."""
    rng, span = random.Random(seed), WEEKS * 7 * 86400
    for first in range(1, n + 1, CHUNK):
        chunk = []
        for i in range(first, min(first + CHUNK, n + 1)):
            person = rng.randrange(1, people + 1)
            at = start + timedelta(seconds=span * (i - 1) / n + rng.random())  # ids follow time
            topic = TOPICS[min(int(rng.expovariate(0.25)), 16)]
            chunk.append((i, person, at, topic, MOODS[rng.randrange(3)], rng.random()))
        yield chunk


def _message_row(i: int, person: int, at: Any, topic: str) -> tuple[Any, ...]:
    text = f"message {i} about {topic}; write to someone{i % 97}@uni.ac.uk"
    return (
        i,
        CHANNELS[person % 4],
        f"p-{i}",
        "message",
        "in",
        person,
        person,
        text,
        "",
        None,
        "",
        at,
        at,
        at,
        1,
        None,
        "",
    )


def _verdict_row(i: int, at: Any, topic: str, mood: str, confidence: float) -> tuple[Any, ...]:
    return (
        i,
        i,
        mood,
        '{"negative": 0.3, "neutral": 0.3, "positive": 0.4}',
        topic,
        round(confidence, 3),
        "bench",
        at,
    )


MESSAGE_COLUMNS = (
    "id",
    "channel",
    "platform_id",
    "kind",
    "direction",
    "conversation_id",
    "contact_id",
    "text",
    "reply_ref",
    "vote",
    "author",
    "occurred_at",
    "received_at",
    "processed_at",
    "attempts",
    "next_attempt_at",
    "last_error",
)
VERDICT_COLUMNS = (
    "id",
    "message_id",
    "sentiment",
    "sentiment_scores",
    "topic",
    "topic_confidence",
    "model_version",
    "created_at",
)


def _sqlite_time(at: datetime) -> str:
    """How SQLAlchemy stores a UTC time in SQLite."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def load_sqlite(path: str, n: int, people: int, start: datetime) -> None:
    """Fill a migrated SQLite file."""
    db = sqlite3.connect(path)
    t = _sqlite_time(start)
    db.executemany(
        "INSERT INTO contacts VALUES (?,?,?,?)", [(*r[:3], t) for r in contacts(people, start)]
    )
    rows = [(*r[:6], t, None) for r in conversations(people, start)]
    db.executemany("INSERT INTO conversations VALUES (?,?,?,?,?,?,?,?)", rows)
    marks = ",".join("?" * len(MESSAGE_COLUMNS))
    for chunk in messages(n, people, start):
        db.executemany(
            f"INSERT INTO messages ({','.join(MESSAGE_COLUMNS)}) VALUES ({marks})",
            [_message_row(i, p, _sqlite_time(at), tp) for i, p, at, tp, _, _ in chunk],
        )
        db.executemany(
            f"INSERT INTO classifications ({','.join(VERDICT_COLUMNS)}) VALUES (?,?,?,?,?,?,?,?)",
            [_verdict_row(i, _sqlite_time(at), tp, m, c) for i, _, at, tp, m, c in chunk],
        )
    db.commit()
    db.execute("ANALYZE")
    db.close()


async def load_postgres(url: str, n: int, people: int, start: datetime) -> None:
    """Fill a migrated PostgreSQL database with COPY."""
    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )
    try:
        await conn.copy_records_to_table("contacts", records=contacts(people, start))
        rows = [(*r, None) for r in conversations(people, start)]
        await conn.copy_records_to_table("conversations", records=rows)
        for chunk in messages(n, people, start):
            await conn.copy_records_to_table(
                "messages",
                records=[_message_row(i, p, at, tp) for i, p, at, tp, _, _ in chunk],
                columns=MESSAGE_COLUMNS,
            )
            await conn.copy_records_to_table(
                "classifications",
                records=[_verdict_row(i, at, tp, m, c) for i, _, at, tp, m, c in chunk],
                columns=VERDICT_COLUMNS,
            )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
