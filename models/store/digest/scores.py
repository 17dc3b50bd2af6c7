"""Figures for the digest's own sections (``store.digest.scores``): satisfaction and NPS
answers per week, per member of staff, and a period's volume. Each is one grouped query; Python
sees a few rows per week or per person.

Scores come from the current votes of ``csat`` and ``nps`` polls (the queue's "how did we do"
after a resolve is such a poll too), each counted in the week it was cast (``voted_at``: a
changed vote counts when it was last changed)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, case, cast, distinct, func, literal, select
from sqlalchemy.engine import Connection

from models.store.digest.queue_figures import Span, first_responses, seconds
from models.store.inbox.tables import InboxCsat, InboxEntry, StaffUser
from models.store.polls.tables import Poll, Vote
from models.store.tables import Message

SCORED = ("csat", "nps")


@dataclass(frozen=True, slots=True)
class Scores:
    """One week's answers to one kind of scored poll: how many chose each option key."""

    ago: int
    kind: str
    counts: dict[str, int]


def weekly_scores(conn: Connection, starts: Sequence[datetime], end: datetime) -> list[Scores]:
    """Answers per week (index into ``starts``, newest first) and kind, by option key."""
    whens = [(Vote.voted_at >= s, literal(i)) for i, s in enumerate(starts)]
    ago = case(*whens, else_=literal(-1)).label("ago")
    chosen = cast(Vote.options, String).label("chosen")
    query = (
        select(ago, Poll.kind, chosen, func.count())
        .join(Poll, Poll.id == Vote.poll_id)
        .where(Poll.kind.in_(SCORED), Vote.voted_at >= starts[-1], Vote.voted_at < end)
        .group_by(ago, Poll.kind, chosen)
    )
    found: dict[tuple[int, str], Counter[str]] = {}
    for a, kind, text, n in conn.execute(query):
        keys = json.loads(text) if text else []
        for key in keys if isinstance(keys, list) else []:
            found.setdefault((int(a), str(kind)), Counter())[str(key)] += int(n)
    return [Scores(a, k, dict(c)) for (a, k), c in sorted(found.items())]


@dataclass(frozen=True, slots=True)
class StaffWeek:
    """One member of staff's week: replies written, the seconds each first response took,
    satisfaction answers about items they resolved, and the sum of those scores (1-5)."""

    staff_id: int
    name: str
    replies: int
    first_responses: tuple[float, ...]
    csat_answers: int
    csat_total: int
    csat_satisfied: int


def staff_week(conn: Connection, span: Span) -> list[StaffWeek]:
    """Every member of staff who replied or was rated in the week."""
    e, c = InboxEntry, InboxCsat
    replies = {
        int(s): int(n)
        for s, n in conn.execute(
            select(e.staff_id, func.count())
            .where(e.kind == "reply", e.created_at >= span.start, e.created_at < span.end)
            .group_by(e.staff_id)
        )
        if s is not None
    }
    timed: dict[int, list[float]] = {}
    f = first_responses(span, staff=True)
    took = seconds(conn.dialect.name, f.c.started, f.c.answered)
    for staff_id, value in conn.execute(
        select(f.c.staff_id, took).where(f.c.staff_id.is_not(None))
    ):
        timed.setdefault(int(staff_id), []).append(float(value))
    rated = and_(c.answered_at >= span.start, c.answered_at < span.end, c.score.is_not(None))
    csat = {
        int(s): (int(n), int(total or 0), int(happy or 0))
        for s, n, total, happy in conn.execute(
            select(
                c.staff_id,
                func.count(),
                func.sum(c.score),
                func.sum(case((c.score >= 4, 1), else_=0)),
            )
            .where(rated, c.staff_id.is_not(None))
            .group_by(c.staff_id)
        )
    }
    ids = sorted(set(replies) | set(timed) | set(csat))
    names = _names(conn, ids)
    return [
        StaffWeek(
            i,
            names.get(i, f"staff {i}"),
            int(replies.get(i, 0)),
            tuple(sorted(timed.get(i, []))),
            *csat.get(i, (0, 0, 0)),
        )
        for i in ids
    ]


def _names(conn: Connection, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = conn.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(ids)))
    return {int(i): str(n) for i, n in rows}


@dataclass(frozen=True, slots=True)
class Volume:
    """A period's inbound messages and the people who wrote them."""

    messages: int
    people: int


def period_volume(conn: Connection, start: datetime, end: datetime) -> Volume:
    """Messages (not edits, not votes) written in [start, end), and their writers."""
    m = Message
    query: Any = select(func.count(), func.count(distinct(m.contact_id))).where(
        m.direction == "in", m.kind == "message", m.occurred_at >= start, m.occurred_at < end
    )
    n, people = conn.execute(query).one()
    return Volume(int(n), int(people))


def scores_between(conn: Connection, start: datetime, end: datetime) -> dict[str, dict[str, int]]:
    """Answers to scored polls cast in [start, end), by kind and option key (``weekly_scores``
    over the one span)."""
    return {s.kind: s.counts for s in weekly_scores(conn, [start], end)}
