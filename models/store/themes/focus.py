"""The counts focus areas are made of: sentiment per topic and per theme, and CSAT answers per
topic and per theme, over a span of time."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.engine import Connection

from models.store.inbox.tables import InboxCsat, InboxItem
from models.store.tables import Classification, Message
from models.store.themes.tables import Theme, ThemeMessage, ThemeWeek

Counts = dict[str, dict[str, int]]
"""name → {"messages": n, "negative": n} or {"answers": n, "low": n}."""


def topic_moods(conn: Connection, since: datetime, until: datetime) -> Counts:
    """Per topic: inbound messages received in [since, until) and how many were negative (by
    each message's newest classification)."""
    newest = (
        select(func.max(Classification.id).label("id"))
        .join(Message, Message.id == Classification.message_id)
        .where(Message.received_at >= since, Message.received_at < until)
        .group_by(Classification.message_id)
        .subquery("newest")
    )
    negative = func.sum(case((Classification.sentiment == "negative", 1), else_=0))
    rows = conn.execute(
        select(Classification.topic, func.count(), negative)
        .join(newest, newest.c.id == Classification.id)
        .group_by(Classification.topic)
    )
    return {str(t): {"messages": int(n), "negative": int(neg or 0)} for t, n, neg in rows}


def theme_moods(conn: Connection, first_week: str, last_week: str) -> dict[int, dict[str, int]]:
    """Per theme found in those weeks: its messages and how many were negative."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"messages": 0, "negative": 0})
    rows = conn.execute(
        select(ThemeWeek.theme_id, ThemeWeek.size, ThemeWeek.sentiment).where(
            ThemeWeek.week >= first_week, ThemeWeek.week <= last_week
        )
    )
    for theme_id, size, mix in rows:
        out[int(theme_id)]["messages"] += int(size)
        out[int(theme_id)]["negative"] += int(mix.get("negative", 0))
    return dict(out)


def theme_labels(conn: Connection, theme_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(label, status) of these themes."""
    rows = conn.execute(select(Theme.id, Theme.label, Theme.status).where(Theme.id.in_(theme_ids)))
    return {int(i): (str(label), str(s)) for i, label, s in rows}


def csat_by_topic(conn: Connection, since: datetime, until: datetime, low: int) -> Counts:
    """Per item topic: CSAT answers given in [since, until) and how many scored ``low`` or
    under."""
    return _csat(conn, InboxItem.topic, None, since, until, low)


def csat_by_theme(conn: Connection, since: datetime, until: datetime, low: int) -> Counts:
    """Per theme of the item's first message: CSAT answers given in the span, and low ones."""
    return _csat(conn, ThemeMessage.theme_id, ThemeMessage, since, until, low)


def _csat(
    conn: Connection,
    key: object,
    join_themes: type[ThemeMessage] | None,
    since: datetime,
    until: datetime,
    low: int,
) -> Counts:
    lows = func.sum(case((InboxCsat.score <= low, 1), else_=0))
    query = select(key, func.count(), lows).select_from(InboxCsat)  # type: ignore[call-overload]
    query = query.join(InboxItem, InboxItem.id == InboxCsat.item_id)
    if join_themes is not None:
        query = query.join(ThemeMessage, ThemeMessage.message_id == InboxItem.first_message_id)
    query = query.where(
        InboxCsat.score.is_not(None), InboxCsat.answered_at >= since, InboxCsat.answered_at < until
    ).group_by(key)
    return {str(k): {"answers": int(n), "low": int(lo or 0)} for k, n, lo in conn.execute(query)}
