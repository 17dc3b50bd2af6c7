"""Coverage counts (``store.people.coverage``): how many distinct people of each customer
group wrote in a span, in all, per channel and per topic. The database counts; Python only
sees one row per group and channel or topic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, distinct, func, literal, select, union_all
from sqlalchemy.engine import Connection

from models.store.tables import Classification, Contact, Message


@dataclass(frozen=True, slots=True)
class Heard:
    """People heard from in a span: per group ('' = not known), per (group, channel) and per
    (group, topic)."""

    people: dict[str, int]
    channels: dict[tuple[str, str], int]
    topics: dict[tuple[str, str], int]


def _written(since: datetime, until: datetime) -> Any:
    return and_(
        Message.direction == "in",
        Message.kind == "message",
        Message.contact_id.is_not(None),
        Message.occurred_at >= since,
        Message.occurred_at < until,
    )


def _newest_topic() -> Any:
    """The message's newest classifier topic (one index seek)."""
    return (
        select(Classification.topic)
        .where(Classification.message_id == Message.id)
        .order_by(Classification.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _count_by(conn: Connection, since: datetime, until: datetime, by: Any) -> dict[Any, int]:
    group = func.coalesce(Contact.customer_group, "")
    pairs = (
        select(Message.contact_id.label("who"), by.label("by"))
        .where(_written(since, until))
        .distinct()
        .subquery("pairs")
    )
    query = (
        select(group, pairs.c.by, func.count(distinct(pairs.c.who)))
        .select_from(pairs)
        .join(Contact, Contact.id == pairs.c.who)
        .group_by(group, pairs.c.by)
    )
    return {(str(g), str(b or "")): int(n) for g, b, n in conn.execute(query)}


def heard(conn: Connection, since: datetime, until: datetime, topics: bool) -> Heard:
    """Distinct people per group, per group and channel, and (``topics``) per group and topic.
    People and channels come from one scan: the distinct (person, channel) pairs of the span,
    counted per group and channel and again per group alone."""
    pairs = (
        select(Message.contact_id.label("who"), Message.channel.label("by"))
        .where(_written(since, until))
        .distinct()
        .cte("pairs")
        .prefix_with("MATERIALIZED")
    )
    group = func.coalesce(Contact.customer_group, "")
    people = func.count(distinct(pairs.c.who))
    per_channel = (
        select(group, pairs.c.by, people)
        .select_from(pairs)
        .join(Contact, Contact.id == pairs.c.who)
        .group_by(group, pairs.c.by)
    )
    per_group = (
        select(group, literal(""), people)
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
    by_topic = _count_by(conn, since, until, _newest_topic()) if topics else {}
    return Heard(totals, channels, by_topic)
