"""Topics made from themes, the corrections that make a theme's messages their examples, and
themes near a vector."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

import numpy as np
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from models.store.tables import AuditEntry, Correction
from models.store.themes.queries import set_decision, unpack
from models.store.themes.tables import LearnedTopic, Theme, ThemeMessage, ThemeWeek
from models.store.themes.types import Similar, Vector


class TopicTaken(ValueError):
    """A topic of that name exists already."""


def learned_topics(conn: Connection) -> list[tuple[str, str]]:
    """(name, team) of every topic made from a theme, oldest first."""
    rows = conn.execute(
        select(LearnedTopic.name, LearnedTopic.team).order_by(LearnedTopic.created_at)
    )
    return [(str(n), str(t)) for n, t in rows]


def label_theme(
    conn: Connection,
    theme_id: int,
    topic: str,
    *,
    team: str | None,
    by: str,
    at: datetime,
    audit: dict[str, object],
) -> int:
    """Make every message of the theme an example of ``topic`` (a staff topic correction each),
    record the new topic when ``team`` is given (None: merged into an existing topic), note
    the decision and audit it, all in one transaction; returns how many messages."""
    if team is not None:
        taken = conn.execute(select(LearnedTopic.name).where(LearnedTopic.name == topic)).first()
        if taken is not None:
            raise TopicTaken(f"a topic called {topic!r} was already made from a theme")
        conn.execute(
            insert(LearnedTopic).values(
                name=topic, team=team, theme_id=theme_id, created_by=by, created_at=at
            )
        )
    ids = list(
        conn.execute(
            select(ThemeMessage.message_id).where(ThemeMessage.theme_id == theme_id)
        ).scalars()
    )
    rows = [
        {"message_id": m, "field": "topic", "value": topic, "staff": by, "created_at": at}
        for m in ids
    ]
    for start in range(0, len(rows), 5000):
        conn.execute(insert(Correction), rows[start : start + 5000])
    set_decision(conn, theme_id, "topic" if team is not None else "merged", topic, by, at)
    conn.execute(
        insert(AuditEntry).values(
            at=at,
            actor=by,
            action="theme.topic" if team is not None else "theme.merge",
            subject=f"theme:{theme_id}",
            detail={**audit, "messages": len(ids)},
        )
    )
    return len(ids)


def similar(
    conn: Connection, vector: Vector, since_week: str, limit: int, floor: float
) -> list[Similar]:
    """Themes found since a week whose centroid is within ``floor`` cosine similarity of the
    vector, nearest first, with their size and sentiment mix summed over those weeks."""
    rows = conn.execute(
        select(Theme.id, Theme.centroid, Theme.status, Theme.topic, Theme.label).where(
            Theme.id.in_(select(ThemeWeek.theme_id).where(ThemeWeek.week >= since_week))
        )
    ).all()
    if not rows:
        return []
    matrix = np.stack([unpack(r[1]) for r in rows])
    query = np.asarray(vector, dtype=np.float32)
    scores = matrix @ (query / (float(np.linalg.norm(query)) or 1.0))
    order = [i for i in np.argsort(-scores) if scores[i] >= floor][:limit]
    picked = [int(rows[i][0]) for i in order]
    sizes, mixes = _totals(conn, picked, since_week)
    return [
        Similar(
            id=int(rows[i][0]),
            label=str(rows[i][4]),
            size=sizes[int(rows[i][0])],
            sentiment=dict(mixes[int(rows[i][0])]),
            similarity=round(float(scores[i]), 3),
            status=str(rows[i][2]),
            topic=str(rows[i][3]),
        )
        for i in order
    ]


def _totals(
    conn: Connection, theme_ids: Sequence[int], since_week: str
) -> tuple[dict[int, int], dict[int, dict[str, int]]]:
    sizes: dict[int, int] = defaultdict(int)
    mixes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = conn.execute(
        select(ThemeWeek.theme_id, ThemeWeek.size, ThemeWeek.sentiment).where(
            ThemeWeek.theme_id.in_(list(theme_ids)), ThemeWeek.week >= since_week
        )
    )
    for theme_id, size, mix in rows:
        sizes[int(theme_id)] += int(size)
        for name, count in mix.items():
            mixes[int(theme_id)][str(name)] += int(count)
    return sizes, mixes


def theme_exists(conn: Connection, theme_id: int) -> bool:
    """Whether there is such a theme."""
    return conn.execute(select(Theme.id).where(Theme.id == theme_id)).first() is not None
