"""Coverage counts (``store.people.coverage``): how many distinct people of each customer
group wrote in a span, in all, per channel and per topic. The database counts; Python only
sees one row per group and channel or topic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, distinct, func, literal, literal_column, select, union_all
from sqlalchemy.engine import Connection

from models.store.tables import Contact, Message


@dataclass(frozen=True, slots=True)
class Heard:
    """People heard from in a span: per group ('' = not known), per (group, channel) and per
    (group, topic)."""

    people: dict[str, int]
    channels: dict[tuple[str, str], int]
    topics: dict[tuple[str, str], int]


def _written(since: datetime, until: datetime, dialect: str) -> Any:
    when: Any = Message.occurred_at
    if dialect == "sqlite":
        # SQLite guesses any time range small and would read it by the index on the time, then
        # each wide row; with a no-op + the range is a filter on the narrow person-ordered index
        when = literal_column(f"+{Message.__tablename__}.occurred_at", Message.occurred_at.type)
    return and_(
        Message.direction == "in",
        Message.kind == "message",
        Message.contact_id.is_not(None),
        when >= since,
        when < until,
    )


def _pairs(conn: Connection, since: datetime, until: datetime, by: Any) -> Any:
    """The distinct (person, ``by``) pairs of the span: grouped in the order of the person's
    ``ix_messages_heard_*`` index, read without a sort or a lookup into the wide rows."""
    return (
        select(Message.contact_id.label("who"), by.label("by"))
        .where(_written(since, until, conn.dialect.name))
        .group_by(Message.contact_id, by)
    )


def _per_group(pairs: Any) -> Any:
    """(group, by, people) from the distinct (person, by) pairs: the pairs are distinct and a
    person has one group, so each pair is one person of its group."""
    group = func.coalesce(Contact.customer_group, "")
    return (
        select(group, pairs.c.by, func.count())
        .select_from(pairs)
        .join(Contact, Contact.id == pairs.c.who)
        .group_by(group, pairs.c.by)
    )


def _count_by(conn: Connection, since: datetime, until: datetime, by: Any) -> dict[Any, int]:
    """People per (group, ``by``)."""
    query = _per_group(_pairs(conn, since, until, by).subquery("pairs"))
    return {(str(g), str(b or "")): int(n) for g, b, n in conn.execute(query)}


def by_topic(conn: Connection, since: datetime, until: datetime) -> dict[tuple[str, str], int]:
    """Distinct people per (group, newest classifier topic; '' when not yet classified)."""
    return _count_by(conn, since, until, Message.newest_topic)


def heard(
    conn: Connection, since: datetime, until: datetime
) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """Distinct people per group, and per group and channel, from one scan: the distinct
    (person, channel) pairs of the span, counted per group and channel and again per group."""
    pairs = _pairs(conn, since, until, Message.channel).cte("pairs").prefix_with("MATERIALIZED")
    per_channel = _per_group(pairs)
    group = func.coalesce(Contact.customer_group, "")
    per_group = (
        select(group, literal(""), func.count(distinct(pairs.c.who)))
        .select_from(pairs)
        .join(Contact, Contact.id == pairs.c.who)
        .group_by(group)
    )
    channels: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    for g, by, n in conn.execute(union_all(per_channel, per_group)):
        if by:
            channels[(str(g), str(by))] = int(n)
        else:
            totals[str(g)] = int(n)
    return totals, channels
