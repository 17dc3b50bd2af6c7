"""The digest's queue section: the store's per-team aggregates turned into lines that link to
the items behind each figure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from handlers.digest.figures import link
from handlers.digest.model import Queue, QueueTeam, Timing, WaitingLine
from models.store import Store
from models.store.digest.queue_figures import CsatCounts, Durations, Span, TeamCounts

INBOX = "/inbox/"
ALL = "all"
OLDEST = 5


async def queue(store: Store, span: Span, week: str) -> Queue:
    """Every queue figure of the week, from five aggregate queries."""
    figures = store.digest.queue
    counts = await figures.counts(span=span)
    first = await figures.durations(span=span, event="first_response")
    resolved = await figures.durations(span=span, event="resolved")
    csat = await figures.csat(span=span)
    waiting = await figures.oldest_negative(span=span, limit=OLDEST)
    lines = team_lines(counts, first, resolved, csat, week)
    return Queue(
        teams=lines,
        waiting=[
            WaitingLine(w.id, w.team, w.topic, w.channel, _waited(w.created_at, span), _item(w.id))
            for w in waiting
        ],
    )


def team_lines(
    counts: Sequence[TeamCounts],
    first: Sequence[Durations],
    resolved: Sequence[Durations],
    csat: Sequence[CsatCounts],
    week: str,
) -> list[QueueTeam]:
    """One line per team that had anything this week, then the line over all teams."""
    teams = sorted({c.team for c in counts} | {c.team for c in csat} | _named(first, resolved))
    per = {c.team: c for c in counts}
    scores = {c.team: c for c in csat}
    lines = [
        _line(
            t,
            per.get(t),
            _timing(first, t),
            _timing(resolved, t),
            [scores[t]] if t in scores else [],
            week,
        )
        for t in teams
    ]
    total = TeamCounts(
        ALL, *(sum(getattr(c, f) for c in counts) for f in ("new", "resolved", "open", "overdue"))
    )
    every = _line(ALL, total, _timing(first, None), _timing(resolved, None), list(csat), week)
    return [*lines, every]


def _named(*found: Sequence[Durations]) -> set[str]:
    return {d.team for rows in found for d in rows if d.team is not None}


def _timing(found: Sequence[Durations], team: str | None) -> Timing:
    row = next((d for d in found if d.team == team), None)
    if row is None or not row.count:
        return Timing(0, None, None)
    return Timing(row.count, round(row.median, 1), round(row.p90, 1))


def _line(
    team: str,
    counts: TeamCounts | None,
    first: Timing,
    resolution: Timing,
    csat: Sequence[CsatCounts],
    week: str,
) -> QueueTeam:
    c = counts or TeamCounts(team, 0, 0, 0, 0)
    answered = sum(s.answered for s in csat)
    satisfied = sum(s.satisfied for s in csat)
    return QueueTeam(
        team=team,
        new=c.new,
        resolved=c.resolved,
        open=c.open,
        overdue=c.overdue,
        first_response=first,
        resolution=resolution,
        csat=round(100.0 * satisfied / answered, 1) if answered else None,
        csat_responses=answered,
        csat_asked=sum(s.asked for s in csat),
        links=_links(team, week),
    )


def _links(team: str, week: str) -> dict[str, str]:
    """The queue with the filters that show each figure's items."""
    t = "" if team == ALL else (team or "none")
    return {
        "new": link(INBOX, status="all", team=t, created=week),
        "resolved": link(INBOX, status="all", team=t, resolved=week),
        "open": link(INBOX, status="all", team=t, open=week),
        "overdue": link(INBOX, status="all", team=t, open=week, overdue=1),
        "first_response": link(INBOX, status="all", team=t, responded=week),
        "csat": link(INBOX, status="all", team=t, csat=week),
    }


def _waited(created_at: datetime, span: Span) -> float:
    """Seconds from the item's creation to the week's end (or now, while it is in progress)."""
    return round((span.end - created_at).total_seconds(), 1)


def _item(item_id: int) -> str:
    return f"{INBOX}items/{item_id}"
