"""The digest's queue figures as SQL aggregates (``store.digest.queue_*``): items new, resolved
and open per team, response and resolution times (median and 90th percentile, computed in the
database: percentile_cont on PostgreSQL, ranks over the ordered durations on SQLite), CSAT after
resolve, and the oldest negative items still waiting. Python sees counts and a few rows only.

Resolutions come from ``item_resolutions`` (one row per resolve, kept when the item is
reopened), never from the item's current state, so a week's figures do not change once it is
over: every resolve counts in the week it happened (an item resolved, reopened and resolved
again counts in both weeks), timed from the start of its round (creation or last reopening);
an item is open at a week's end unless a resolve before then was not undone before then.

First responses come from the staff replies (``inbox_entries`` of kind "reply"), never from the
item's ``first_response_at`` (a person's reopening clears it): each round's first reply counts
in the week it was written, timed from the round's start. A round starts at the item's creation
or at a reopening recorded in ``item_resolutions``, except one a staff reply itself caused (a
reply written between the resolve and the reopening): that round carries on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from models.store.inbox.tables import InboxCsat, InboxEntry, InboxItem, ItemResolution
from models.store.inbox.types import WAITING

PERCENTILES = (0.5, 0.9)
ALL = None  # the team key of the row over every team


@dataclass(frozen=True, slots=True)
class Span:
    """One week, as UTC times: [start, end); ``current``: the week is in progress and ``end``
    is now (so "open" and "overdue" are the queue's own, as it stands)."""

    start: datetime
    end: datetime
    current: bool = False


@dataclass(frozen=True, slots=True)
class TeamCounts:
    """One team's items: created in the week, resolved in it, open and overdue at its end."""

    team: str
    new: int
    resolved: int
    open: int
    overdue: int


@dataclass(frozen=True, slots=True)
class Durations:
    """Seconds from an item's creation to an event in the week, for one team (None: all)."""

    team: str | None
    count: int
    median: float
    p90: float


@dataclass(frozen=True, slots=True)
class CsatCounts:
    """Satisfaction answers given in the week, per team: asked, answered, satisfied (4 or 5)."""

    team: str
    asked: int
    answered: int
    satisfied: int


@dataclass(frozen=True, slots=True)
class Waiting:
    """An item still unresolved at the week's end."""

    id: int
    team: str
    topic: str
    channel: str
    created_at: datetime


def _in(column: Any, span: Span) -> ColumnElement[bool]:
    return and_(column >= span.start, column < span.end)


def open_at_end(span: Span) -> ColumnElement[bool]:
    """Created before the week ended and not resolved then: no resolve before the end that
    stood at the end (a later reopening does not undo it)."""
    i, r = InboxItem, ItemResolution
    stood = exists().where(
        r.item_id == i.id,
        r.resolved_at < span.end,
        or_(r.reopened_at.is_(None), r.reopened_at >= span.end),
    )
    return and_(i.created_at < span.end, ~stood)


def overdue_at_end(span: Span) -> ColumnElement[bool]:
    """Of the items open at the end: past their due time then (and, while the week is in
    progress, waiting for staff now, as the queue's overdue view counts them)."""
    i = InboxItem
    late = i.due_at < span.end
    return and_(late, i.status.in_(WAITING)) if span.current else late


def resolved_in(span: Span) -> Any:
    """The items resolved in the week (their ids; an item resolved twice appears twice)."""
    r = ItemResolution
    return select(r.item_id).where(_in(r.resolved_at, span))


def csat_answered_in(span: Span) -> Any:
    """The items whose satisfaction question was answered in the week (their ids)."""
    c = InboxCsat
    return select(c.item_id).where(_in(c.answered_at, span), c.score.is_not(None))


def responded_in(span: Span) -> Any:
    """The items whose round was first answered in the week (their ids)."""
    f = first_responses(span)
    return select(f.c.item_id)


def _one(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def counts(conn: Connection, span: Span) -> list[TeamCounts]:
    """New, resolved, open and overdue items per team (teams with none of them left out):
    three grouped counts, each read through an index on its own time column (resolved: the
    week's resolutions, under the team the item had when resolved)."""
    i, r, still = InboxItem, ItemResolution, open_at_end(span)
    per: dict[str, list[int]] = {}
    for slot, query in (
        (0, select(i.team, func.count()).where(_in(i.created_at, span)).group_by(i.team)),
        (1, select(r.team, func.count()).where(_in(r.resolved_at, span)).group_by(r.team)),
        (2, select(i.team, func.count(), _one(overdue_at_end(span))).where(still).group_by(i.team)),
    ):
        for team, *found in conn.execute(query):
            per.setdefault(str(team), [0, 0, 0, 0])[slot : slot + len(found)] = found
    return [TeamCounts(t, *(int(v) for v in per[t])) for t in sorted(per)]


def seconds(dialect: str, start: Any, end: Any) -> ColumnElement[float]:
    """``end - start`` in seconds, in the database."""
    if dialect == "postgresql":
        return cast(func.extract("epoch", end - start), Float)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def round_start(reply: Any) -> ColumnElement[Any]:
    """When the round a reply belongs to began: the item's last reopening at or before the reply
    that no staff reply caused, else the item's creation (read by item through indexes)."""
    r, other, i = ItemResolution, aliased(InboxEntry), InboxItem
    by_staff = exists().where(
        other.item_id == r.item_id,
        other.kind == "reply",
        other.created_at >= r.resolved_at,
        other.created_at <= r.reopened_at,
    )
    reopened = (
        select(func.max(r.reopened_at))
        .where(r.item_id == reply.item_id, r.reopened_at <= reply.created_at, ~by_staff)
        .scalar_subquery()
    )
    created = select(i.created_at).where(i.id == reply.item_id).scalar_subquery()
    return func.coalesce(reopened, created)


def first_responses(span: Span, *, staff: bool = False) -> Any:
    """(item_id, team, started, answered) for each reply in the week that was its round's first:
    the week's replies by the (kind, created_at) index, each kept when no reply of the same item
    came before it in its round (``staff``: with the staff_id of whoever wrote it)."""
    e, i = InboxEntry, InboxItem
    week = (
        select(
            e.id.label("id"),
            e.item_id.label("item_id"),
            e.created_at.label("answered"),
            round_start(e).label("started"),
            e.staff_id.label("staff_id"),
        )
        .where(e.kind == "reply", _in(e.created_at, span))
        .subquery("week_replies")
    )
    earlier = aliased(InboxEntry)
    before = exists().where(
        earlier.item_id == week.c.item_id,
        earlier.kind == "reply",
        earlier.created_at >= week.c.started,
        or_(
            earlier.created_at < week.c.answered,
            and_(earlier.created_at == week.c.answered, earlier.id < week.c.id),
        ),
    )
    columns = [week.c.item_id, i.team.label("team"), week.c.started, week.c.answered]
    return (
        select(*columns, *([week.c.staff_id] if staff else []))
        .join(i, i.id == week.c.item_id)
        .where(~before)
        .subquery("first_responses")
    )


def _durations(dialect: str, span: Span, event: str) -> Any:
    """(team, seconds) for every first response or resolution in the week, plus each again
    under the NULL team (the figure over all teams)."""
    took: Any
    if event == "resolved":
        r = ItemResolution
        took = seconds(dialect, r.opened_at, r.resolved_at)
        base = select(r.team.label("team"), took.label("d")).where(_in(r.resolved_at, span))
        every = select(null().label("team"), took.label("d")).where(_in(r.resolved_at, span))
    else:
        f = first_responses(span)
        took = seconds(dialect, f.c.started, f.c.answered)
        base = select(f.c.team.label("team"), took.label("d"))
        every = select(null().label("team"), took.label("d"))
    return union_all(base, every).subquery("durations")


def durations(conn: Connection, span: Span, event: str) -> list[Durations]:
    """Median and 90th percentile seconds from a round's start to its first response
    ("first_response") or to its resolution ("resolved"), per team and over all teams (team
    None)."""
    if event not in ("first_response", "resolved"):
        raise ValueError(f"no such queue event: {event!r}")
    d = _durations(conn.dialect.name, span, event)
    if conn.dialect.name == "postgresql":
        marks = [func.percentile_cont(p).within_group(d.c.d) for p in PERCENTILES]
        query = select(d.c.team, func.count(), *marks).group_by(d.c.team)
    else:
        query = _ranked_percentiles(d)
    rows = conn.execute(query).all()
    found = [Durations(_team(t), int(n), float(m), float(p)) for t, n, m, p in rows]
    return sorted(found, key=lambda r: (r.team is not None, r.team or ""))


def _team(value: object) -> str | None:
    return None if value is None else str(value)


def _ranked_percentiles(d: Any) -> Any:
    """percentile_cont without the function: each duration's 0-based rank in its team, then
    the two ranks around p·(n-1) weighted by how far between them the percentile falls."""
    ranked = select(
        d.c.team,
        d.c.d,
        (func.row_number().over(partition_by=d.c.team, order_by=d.c.d) - 1).label("i"),
        func.count().over(partition_by=d.c.team).label("n"),
    ).subquery("ranked")
    marks = [_interpolated(ranked, p) for p in PERCENTILES]
    return select(ranked.c.team, ranked.c.n, *marks).group_by(ranked.c.team, ranked.c.n)


def _interpolated(ranked: Any, p: float) -> Any:
    at = literal(p, Float) * (ranked.c.n - 1)
    low = cast(at, Integer)
    part = at - low
    weight = case(
        (ranked.c.i == low, 1.0 - part),
        (ranked.c.i == low + 1, part),
        else_=0.0,
    )
    return func.sum(ranked.c.d * weight)


def csat(conn: Connection, span: Span) -> list[CsatCounts]:
    """Satisfaction questions asked, answered and answered 4 or 5 in the week, per team."""
    c, i = InboxCsat, InboxItem
    answered = and_(_in(c.answered_at, span), c.score.is_not(None))  # as csat_answered_in
    query = (
        select(
            i.team, _one(_in(c.asked_at, span)), _one(answered), _one(and_(answered, c.score >= 4))
        )
        .join(i, i.id == c.item_id)
        .where(or_(_in(c.asked_at, span), _in(c.answered_at, span)))
        .group_by(i.team)
        .order_by(i.team)
    )
    return [CsatCounts(str(t), int(a), int(n), int(s)) for t, a, n, s in conn.execute(query)]


def oldest_negative(conn: Connection, span: Span, limit: int) -> list[Waiting]:
    """The longest-waiting negative items still unresolved at the week's end."""
    i = InboxItem
    query = (
        select(i.id, i.team, i.topic, i.channel, i.created_at)
        .where(open_at_end(span), i.sentiment == "negative")
        .order_by(i.created_at, i.id)
        .limit(limit)
    )
    return [
        Waiting(int(n), str(t), str(tp), str(ch), at) for n, t, tp, ch, at in conn.execute(query)
    ]
