"""Synthetic history for the digest benchmark: N inbound messages over 26 weeks on 4 channels
and 17 topics, each classified, loaded in bulk (sqlite3 executemany; PostgreSQL COPY)."""

from __future__ import annotations

import json
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
        topic,
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
    "newest_topic",
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


def load_sqlite(path: str, n: int, people: int, start: datetime, queue: int = 0) -> None:
    """Fill a migrated SQLite file (``queue`` items in the staff queue)."""
    db = sqlite3.connect(path)
    t = _sqlite_time(start)
    db.executemany(
        "INSERT INTO contacts (id, channel, pseudonym, created_at) VALUES (?,?,?,?)",
        [(*r[:3], t) for r in contacts(people, start)],
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
    _queue_sqlite(db, items(queue, n, people, start))
    db.commit()
    db.execute("ANALYZE")
    db.close()


def _when(value: Any) -> Any:
    return _sqlite_time(value) if isinstance(value, datetime) else value


def _insert_rows(db: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: Any) -> None:
    marks = ",".join("?" * len(columns))
    db.executemany(
        f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})",
        [tuple(_when(v) for v in r) for r in rows],
    )


def _queue_sqlite(db: sqlite3.Connection, found: Any) -> None:
    convs, queued, csat = found
    _insert_rows(db, "conversations", CONVERSATION_COLUMNS, convs)
    _insert_rows(db, "polls", POLL_COLUMNS, polls_for(csat))
    _insert_rows(db, "inbox_items", ITEM_COLUMNS, queued)
    _insert_rows(db, "staff_users", STAFF_COLUMNS, staff_of(None))
    _insert_rows(db, "inbox_csat", CSAT_COLUMNS, csat)
    _insert_rows(db, "item_resolutions", RESOLUTION_COLUMNS, resolutions_of(queued))
    _insert_rows(db, "inbox_entries", ENTRY_COLUMNS, replies_of(queued))
    _insert_rows(db, "votes", VOTE_COLUMNS, votes_of(queued, csat))


async def load_postgres(url: str, n: int, people: int, start: datetime, queue: int = 0) -> None:
    """Fill a migrated PostgreSQL database with COPY (``queue`` items in the staff queue)."""
    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )
    try:
        await conn.copy_records_to_table(
            "contacts", records=contacts(people, start), columns=CONTACT_COLUMNS
        )
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
        convs, queued, csat = items(queue, n, people, start)
        for table, columns, rows in (
            ("conversations", CONVERSATION_COLUMNS, convs),
            ("polls", POLL_COLUMNS, polls_for(csat)),
            ("inbox_items", ITEM_COLUMNS, queued),
            ("staff_users", STAFF_COLUMNS, staff_of(start)),
            ("inbox_csat", CSAT_COLUMNS, csat),
            ("item_resolutions", RESOLUTION_COLUMNS, resolutions_of(queued)),
            ("inbox_entries", ENTRY_COLUMNS, replies_of(queued)),
            ("votes", VOTE_COLUMNS, votes_of(queued, csat)),
        ):
            await conn.copy_records_to_table(table, records=rows, columns=columns)
        await conn.execute("VACUUM ANALYZE")  # as autovacuum would: index-only scans need it
    finally:
        await conn.close()


CONTACT_COLUMNS = ("id", "channel", "pseudonym", "created_at")
TEAMS = ("it_services", "estates", "customer_services", "academic_liaison", "accessibility")
ITEM_COLUMNS = (
    "id",
    "conversation_id",
    "contact_id",
    "channel",
    "status",
    "team",
    "priority",
    "topic",
    "sentiment",
    "first_message_id",
    "last_message_id",
    "last_message_at",
    "clock_from",
    "due_at",
    "first_response_at",
    "resolved_at",
    "reopened",
    "created_at",
    "updated_at",
)
CONVERSATION_COLUMNS = ("id", "channel", "chat", "thread", "kind", "extra", "created_at")
POLL_COLUMNS = ("id", "question", "kind", "options", "anonymous", "live_results", "follow_up")
POLL_COLUMNS += ("post_results", "status", "opens_at", "created_at")
CSAT_COLUMNS = ("item_id", "poll_id", "score", "asked_at", "answered_at", "staff_id")
RESOLUTION_COLUMNS = ("item_id", "team", "opened_at", "resolved_at")
ENTRY_COLUMNS = ("item_id", "kind", "text", "created_at", "staff_id")
STAFF = 12  # members of staff answering the queue (each item's replier: item id mod STAFF)
STAFF_COLUMNS = ("id", "email", "name", "role", "team", "password_hash", "slack_user_id")
STAFF_COLUMNS += ("created_at", "languages")
VOTE_COLUMNS = ("poll_id", "contact_id", "channel", "options", "message_id", "voted_at")


def staff_of(start: datetime | None) -> list[tuple[Any, ...]]:
    """The members of staff who reply and resolve."""
    at = start or datetime(2026, 1, 1, tzinfo=UTC)
    return [
        (n, f"staff{n}@lib.example", f"Staff {n}", "agent", "", "", "", at, "")
        for n in range(1, STAFF + 1)
    ]


def _staff(item_id: int) -> int:
    return 1 + item_id % STAFF


def votes_of(queued: list[tuple[Any, ...]], csat: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Each answered satisfaction question as the vote on its poll (the person's answer)."""
    at = {c: n for n, c in enumerate(ITEM_COLUMNS)}
    by_id = {r[at["id"]]: r for r in queued}
    found = []
    for item_id, poll_id, score, _, answered, _ in csat:
        if score is None:
            continue
        row = by_id[item_id]
        found.append((
            poll_id, row[at["contact_id"]], row[at["channel"]], json.dumps([str(score)]),
            row[at["first_message_id"]], answered,
        ))  # fmt: skip
    return found


def resolutions_of(queued: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The resolve of each resolved item, as the inbox records it (never reopened here)."""
    at = {c: n for n, c in enumerate(ITEM_COLUMNS)}
    return [
        (r[at["id"]], r[at["team"]], r[at["created_at"]], r[at["resolved_at"]])
        for r in queued
        if r[at["resolved_at"]] is not None
    ]


def replies_of(queued: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The staff reply that is each answered item's first response, as the inbox records it."""
    at = {c: n for n, c in enumerate(ITEM_COLUMNS)}
    return [
        (r[at["id"]], "reply", "On it.", r[at["first_response_at"]], _staff(r[at["id"]]))
        for r in queued
        if r[at["first_response_at"]] is not None
    ]


def items(
    count: int, n: int, people: int, start: datetime, seed: int = 2
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Queue items spread over the weeks, each in its own conversation (ids after the DMs):
    most answered within hours, most of those resolved within days; half the resolved asked
    the CSAT question, most of those answered. Returns (conversations, items, csat) rows."""
    rng, span, end = random.Random(seed), WEEKS * 7 * 86400, start + timedelta(weeks=WEEKS)
    found_items, found_csat, found_convs = [], [], []
    for i in range(1, count + 1):
        person, message = 1 + (i * 7919) % people, max(1, (n * i) // count)
        created = start + timedelta(seconds=span * (i - 1) / count)
        responded = _later(rng, created, 6 * 3600, end) if rng.random() < 0.9 else None
        resolved = (
            _later(rng, responded, 2 * 86400, end) if responded and rng.random() < 0.8 else None
        )
        status = "resolved" if resolved else ("open" if responded else "new")
        mood = MOODS[rng.randrange(3)]
        found_convs.append(
            (people + i, CHANNELS[person % 4], f"item-{i}", "", "direct", "{}", created)
        )
        found_items.append((
            i, people + i, person, CHANNELS[person % 4], status, TEAMS[i % 5], "normal",
            TOPICS[i % 17], mood, message, message, created, created,
            created + timedelta(hours=24), responded, resolved, 0, created, created,
        ))  # fmt: skip
        if resolved and rng.random() < 0.5:
            answered = _later(rng, resolved, 3600, end) if rng.random() < 0.6 else None
            score = rng.randint(1, 5) if answered else None
            found_csat.append((i, i, score, resolved, answered, _staff(i)))
    return found_convs, found_items, found_csat


def _later(
    rng: random.Random, at: datetime | None, mean_s: float, end: datetime
) -> datetime | None:
    """A random time after ``at`` (None when it would fall after the data's end)."""
    assert at is not None
    later = at + timedelta(seconds=rng.expovariate(1 / mean_s))
    return later if later < end else None


def polls_for(csat: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """One CSAT poll per question asked, as the inbox creates them."""
    return [
        (r[1], "How did we do?", "csat", "[]", False, False, "", False, "open", r[3], r[3])
        for r in csat
    ]
