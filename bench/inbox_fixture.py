"""The staff-queue benchmark's fixture, bulk-inserted with SQL inside the database (a recursive
CTE on SQLite, generate_series on PostgreSQL): staff, contacts, conversations (one huge group
chat among them), messages, classifications, queue items and notes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

GROUP_SHARE = 5  # every 5th message is in the one huge group chat (conversation 1)
GROUP_ITEMS = 50  # people in that chat with a queue item
STAFF = 20
TEAMS = ("it_services", "estates", "customer_services", "academic_liaison", "accessibility")
STATUSES = ("new", "open", "pending", "snoozed", "resolved", "resolved", "resolved")
PRIORITIES = ("low", "normal", "normal", "high", "urgent")
CHANNELS = ("slack", "telegram", "x", "widget")


@dataclass(frozen=True)
class Size:
    """How much to build."""

    messages: int
    items: int


def _seq(dialect: str, n: int) -> str:
    if dialect == "sqlite":
        return f"WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < {n}) "
    return ""


def _from(dialect: str, n: int) -> str:
    return "FROM seq" if dialect == "sqlite" else f"FROM generate_series(1, {n}) AS seq(x)"


def _time(dialect: str, seconds: str) -> str:
    """A time stamp ``seconds`` after the base, as each backend stores UTCDateTime."""
    if dialect == "sqlite":
        return f"(datetime('2026-01-01', '+' || ({seconds}) || ' seconds') || '.000000')"
    return f"(timestamptz '2026-01-01 00:00:00+00' + ({seconds}) * interval '1 second')"


def _pick(values: tuple[str, ...], expr: str) -> str:
    cases = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
    return f"(CASE ({expr}) % {len(values)} {cases} END)"


def _insert(conn: Connection, table: str, columns: str, select: str, n: int) -> None:
    d = conn.dialect.name
    conn.execute(text(f"{_seq(d, n)}INSERT INTO {table} ({columns}) SELECT {select} {_from(d, n)}"))


def build(conn: Connection, size: Size) -> None:
    """Insert the whole fixture into an empty, migrated database."""
    d, m, n = conn.dialect.name, size.items, size.messages
    now = _time(d, "0")
    _insert(
        conn,
        "staff_users",
        "email, name, role, team, password_hash, slack_user_id, created_at",
        f"'s' || x || '@lib.example', 'Staff ' || x, 'agent', {_pick(TEAMS, 'x')}, '', '', {now}",
        STAFF,
    )
    _insert(
        conn,
        "contacts",
        "channel, pseudonym, created_at",
        f"{_pick(CHANNELS, 'x')}, 'p' || x, {now}",
        m,
    )
    _insert(
        conn,
        "conversations",
        "channel, chat, thread, kind, extra, created_at",
        f"{_pick(CHANNELS, 'x')}, 'chat' || x, '', "
        f"CASE WHEN x = 1 THEN 'group' ELSE 'direct' END, '{{}}', {now}",
        m + 1,
    )
    conversation = f"CASE WHEN x % {GROUP_SHARE} = 0 THEN 1 ELSE 2 + x % {m} END"
    contact = f"CASE WHEN x % {GROUP_SHARE} = 0 THEN 1 + x % {GROUP_ITEMS} ELSE 1 + x % {m} END"
    _insert(
        conn,
        "messages",
        "channel, platform_id, kind, direction, conversation_id, contact_id, text, reply_ref, "
        "author, occurred_at, received_at, processed_at, attempts, last_error",
        f"{_pick(CHANNELS, 'x')}, 'bench-' || x, 'message', 'in', {conversation}, {contact}, "
        f"'message number ' || x || ' about the printers and the wifi', '', '', "
        f"{_time(d, 'x')}, {_time(d, 'x')}, {_time(d, 'x')}, 1, ''",
        n,
    )
    _insert(
        conn,
        "classifications",
        "message_id, sentiment, sentiment_scores, topic, topic_confidence, model_version, "
        "created_at",
        f"x, {_pick(('negative', 'neutral', 'positive'), 'x')}, '{{}}', "
        f"{_pick(('wifi_and_it', 'printing_and_scanning', 'noise', 'study_space'), 'x')}, 0.9, "
        f"'bench', {now}",
        n,
    )
    _items(conn, size)


def _items(conn: Connection, size: Size) -> None:
    d, m = conn.dialect.name, size.items
    conversation = f"CASE WHEN x <= {GROUP_ITEMS} THEN 1 ELSE x + 1 END"
    assignee = f"CASE WHEN x % 3 = 0 THEN NULL ELSE 1 + x % {STAFF} END"
    _insert(
        conn,
        "inbox_items",
        "conversation_id, contact_id, channel, status, team, assignee_id, priority, topic, "
        "sentiment, first_message_id, last_message_id, last_message_at, clock_from, due_at, "
        "snoozed_until, reopened, created_at, updated_at",
        f"{conversation}, x, {_pick(CHANNELS, 'x')}, {_pick(STATUSES, 'x')}, "
        f"{_pick(TEAMS, 'x / 7')}, {assignee}, {_pick(PRIORITIES, 'x / 3')}, "
        f"{_pick(('wifi_and_it', 'printing_and_scanning', 'noise', 'study_space'), 'x / 11')}, "
        f"{_pick(('negative', 'neutral', 'positive'), 'x / 5')}, 1, 1, {_time(d, 'x * 9')}, "
        f"{_time(d, 'x * 9')}, {_time(d, 'x * 9 + 86400')}, NULL, 0, {_time(d, 'x * 9')}, "
        f"{_time(d, 'x * 9')}",
        m,
    )
    for edge, fn in (("first_message_id", "min"), ("last_message_id", "max")):
        conn.execute(
            text(
                f"UPDATE inbox_items SET {edge} = COALESCE((SELECT {fn}(id) FROM messages "
                "WHERE messages.conversation_id = inbox_items.conversation_id), 1)"
            )
        )
    _insert(
        conn,
        "inbox_entries",
        "item_id, kind, staff_id, text, created_at",
        f"1 + x % {m}, 'note', 1 + x % {STAFF}, 'a private note ' || x, {_time(d, 'x * 9')}",
        m,
    )
