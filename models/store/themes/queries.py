"""Reading a week's messages for clustering, storing its themes, reading them back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from models.store.inbound.embeddings import MessageEmbedding
from models.store.tables import Classification, Message
from models.store.themes.tables import Theme, ThemeMessage, ThemeRun, ThemeWeek
from models.store.themes.types import Cluster, Known, Run, ThemeLine, Vector

CHUNK = 5000


def pack(vector: Vector) -> bytes:
    """A centroid as stored: float32, little-endian."""
    return np.asarray(vector, dtype="<f4").tobytes()


def unpack(blob: bytes) -> Vector:
    """A stored centroid back."""
    return np.frombuffer(bytes(blob), dtype="<f4").astype(np.float32)


def run_of(conn: Connection, week: str) -> Run | None:
    """When the week's themes were last computed, or None."""
    row = conn.execute(
        select(ThemeRun.computed_at, ThemeRun.until, ThemeRun.messages, ThemeRun.complete).where(
            ThemeRun.week == week
        )
    ).first()
    if row is None:
        return None
    return Run(week, row[0], row[1], int(row[2]), bool(row[3]))


def embedded_between(conn: Connection, since: datetime, until: datetime) -> int:
    """How many messages received in [since, until) have an embedding (what a run reads)."""
    query = (
        select(func.count())
        .select_from(MessageEmbedding)
        .join(Message, Message.id == MessageEmbedding.message_id)
        .where(Message.received_at >= since, Message.received_at < until)
    )
    return int(conn.execute(query).scalar_one())


def texts(conn: Connection, message_ids: Sequence[int]) -> dict[int, str]:
    """The texts of these messages (erased ones come back as their marker)."""
    out: dict[int, str] = {}
    for start in range(0, len(message_ids), CHUNK):
        chunk = list(message_ids[start : start + CHUNK])
        rows = conn.execute(select(Message.id, Message.text).where(Message.id.in_(chunk)))
        out.update((int(i), str(t)) for i, t in rows)
    return out


def messages(conn: Connection, message_ids: Sequence[int]) -> list[tuple[int, str, datetime, str]]:
    """(id, channel, received at, text) of these messages, in id order."""
    out: list[tuple[int, str, datetime, str]] = []
    for start in range(0, len(message_ids), CHUNK):
        chunk = list(message_ids[start : start + CHUNK])
        rows = conn.execute(
            select(Message.id, Message.channel, Message.received_at, Message.text).where(
                Message.id.in_(chunk)
            )
        )
        out.extend((int(i), str(c), at, str(t)) for i, c, at, t in rows)
    return sorted(out)


def sentiments(conn: Connection, message_ids: Sequence[int]) -> dict[int, str]:
    """Each message's sentiment from its newest classification."""
    out: dict[int, str] = {}
    for start in range(0, len(message_ids), CHUNK):
        chunk = list(message_ids[start : start + CHUNK])
        newest = (
            select(func.max(Classification.id))
            .where(Classification.message_id.in_(chunk))
            .group_by(Classification.message_id)
        )
        rows = conn.execute(
            select(Classification.message_id, Classification.sentiment).where(
                Classification.id.in_(newest)
            )
        )
        out.update((int(i), str(s)) for i, s in rows)
    return out


def known(conn: Connection, weeks: Sequence[str], week: str) -> list[Known]:
    """Themes a cluster of ``week`` may continue: those seen in any of ``weeks`` (the earlier
    ones looked back over) or already found in ``week`` itself, with their sizes by week."""
    seen = select(ThemeWeek.theme_id).where(ThemeWeek.week.in_([*weeks, week]))
    themes = conn.execute(select(Theme.id, Theme.centroid).where(Theme.id.in_(seen))).all()
    sizes: dict[int, dict[str, int]] = defaultdict(dict)
    rows = conn.execute(
        select(ThemeWeek.theme_id, ThemeWeek.week, ThemeWeek.size).where(
            ThemeWeek.week.in_(weeks), ThemeWeek.theme_id.in_(seen)
        )
    )
    for theme_id, w, size in rows:
        sizes[int(theme_id)][str(w)] = int(size)
    return [Known(int(i), unpack(c), sizes[int(i)]) for i, c in themes]


def save_week(conn: Connection, week: str, clusters: Sequence[Cluster], run: Run) -> dict[int, int]:
    """Replace the week's themes with these clusters (continuing or creating themes; a theme
    left with no week at all and nothing decided is removed); returns cluster index → theme id."""
    conn.execute(delete(ThemeMessage).where(ThemeMessage.week == week))
    conn.execute(delete(ThemeWeek).where(ThemeWeek.week == week))
    ids: dict[int, int] = {}
    for index, cluster in enumerate(clusters):
        ids[index] = _theme_for(conn, week, cluster)
        conn.execute(
            insert(ThemeWeek).values(
                theme_id=ids[index],
                week=week,
                size=len(cluster.message_ids),
                label=cluster.label,
                trend=cluster.trend,
                sentiment=cluster.sentiment,
                quotes=cluster.quotes,
            )
        )
        rows = [
            {"message_id": m, "theme_id": ids[index], "week": week} for m in cluster.message_ids
        ]
        for start in range(0, len(rows), CHUNK):
            conn.execute(insert(ThemeMessage), rows[start : start + CHUNK])
    weeks = select(ThemeWeek.theme_id)
    conn.execute(delete(Theme).where(Theme.status == "open", Theme.id.not_in(weeks)))
    conn.execute(delete(ThemeRun).where(ThemeRun.week == week))
    conn.execute(
        insert(ThemeRun).values(
            week=run.week,
            computed_at=run.computed_at,
            until=run.until,
            messages=run.messages,
            complete=run.complete,
        )
    )
    return ids


def _theme_for(conn: Connection, week: str, cluster: Cluster) -> int:
    """The theme this cluster continues (its centroid, label and last week brought up to date
    when this is its newest week), or a new one."""
    if cluster.theme_id is None:
        values = {"label": cluster.label, "centroid": pack(cluster.centroid)}
        return int(
            conn.execute(
                insert(Theme)
                .values(**values, first_week=week, last_week=week, status="open", topic="")
                .returning(Theme.id)
            ).scalar_one()
        )
    first, last = conn.execute(
        select(Theme.first_week, Theme.last_week).where(Theme.id == cluster.theme_id)
    ).one()
    changes: dict[str, object] = {}
    if str(last) <= week:
        changes = {"label": cluster.label, "centroid": pack(cluster.centroid), "last_week": week}
    if week < str(first):
        changes["first_week"] = week
    if changes:
        conn.execute(update(Theme).where(Theme.id == cluster.theme_id).values(**changes))
    return cluster.theme_id


def week_themes(conn: Connection, week: str) -> list[ThemeLine]:
    """The week's themes, largest first."""
    rows = conn.execute(
        _LINE.where(ThemeWeek.week == week).order_by(ThemeWeek.size.desc(), Theme.id)
    ).all()
    return [_line(r) for r in rows]


def theme_line(conn: Connection, theme_id: int, week: str | None) -> ThemeLine | None:
    """One theme in one week (None: its newest week), or None when there is no such theme."""
    query = _LINE.where(Theme.id == theme_id)
    query = query.where(ThemeWeek.week == week) if week else query
    row = conn.execute(query.order_by(ThemeWeek.week.desc()).limit(1)).first()
    return None if row is None else _line(row)


_LINE = select(
    Theme.id,
    ThemeWeek.week,
    ThemeWeek.label,
    ThemeWeek.size,
    ThemeWeek.trend,
    ThemeWeek.sentiment,
    ThemeWeek.quotes,
    Theme.first_week,
    Theme.status,
    Theme.topic,
).join(Theme, Theme.id == ThemeWeek.theme_id)


def _line(row: Row[Any]) -> ThemeLine:
    theme_id, week, label, size, trend, mix, quotes, first, status, topic = tuple(row)
    return ThemeLine(
        id=int(theme_id),
        week=str(week),
        label=str(label),
        size=int(size),
        trend=str(trend),
        sentiment={str(k): int(v) for k, v in mix.items()},
        quotes=[int(q) for q in quotes],
        first_week=str(first),
        status=str(status),
        topic=str(topic),
    )


def message_ids(conn: Connection, theme_id: int, week: str | None) -> list[int]:
    """Exactly the theme's messages (in one week, or in every week), in id order."""
    query = select(ThemeMessage.message_id).where(ThemeMessage.theme_id == theme_id)
    query = query.where(ThemeMessage.week == week) if week else query
    return [int(i) for i in conn.execute(query.order_by(ThemeMessage.message_id)).scalars()]


def weeks_of(conn: Connection, theme_id: int) -> list[tuple[str, int]]:
    """(week, size) of every week the theme was found in, oldest first."""
    rows = conn.execute(
        select(ThemeWeek.week, ThemeWeek.size)
        .where(ThemeWeek.theme_id == theme_id)
        .order_by(ThemeWeek.week)
    )
    return [(str(w), int(s)) for w, s in rows]


def set_decision(
    conn: Connection, theme_id: int, status: str, topic: str, by: str, at: datetime
) -> None:
    """Note what a lead made of a theme."""
    conn.execute(
        update(Theme)
        .where(Theme.id == theme_id)
        .values(status=status, topic=topic, decided_by=by, decided_at=at)
    )
