"""Votes: one per poll per person, the latest answer counting; follow-up answers; tallies.

What a vote *means* (which option keys a tap or a native answer stands for) is decided by the
caller's ``Choose`` function (handlers/polls/answers.py); this module only applies it, atomically.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.events import EventKind, InboundEvent, poll_id_of, poll_ref, utcnow
from models.store.inbound.record import Recorded, record_rows
from models.store.polls.definitions import PollView, get
from models.store.polls.posts import posted_poll
from models.store.polls.tables import Vote
from models.store.tables import Contact, Message

Choose = Callable[[PollView, Sequence[str], bool, Callable[[], tuple[str, ...]]], tuple[str, ...]]
"""(poll, the vote's raw options, whether they are native positions, the person's current
answer when asked) → the option keys the vote stands for."""


class Outcome(enum.StrEnum):
    """What became of a vote."""

    COUNTED = "counted"
    RETRACTED = "retracted"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Cast:
    """The result of casting one stored vote event."""

    outcome: Outcome
    poll: PollView | None = None
    options: tuple[str, ...] = ()
    vote_id: int = 0
    reply_hook: str = ""
    """Where the voter can be answered privately, if the platform gave a way (Slack)."""


def _key(poll_id: int, contact_id: int) -> Any:
    """The one vote a person may have in a poll."""
    return (Vote.poll_id == poll_id) & (Vote.contact_id == contact_id)


@functools.cache
def _upsert_statement(dialect: str) -> Any:
    """INSERT ... ON CONFLICT (poll, person) DO UPDATE, where the later vote wins; built once."""
    module: Any = sqlite if dialect == "sqlite" else postgresql
    stmt = module.insert(Vote)
    new = {c: getattr(stmt.excluded, c) for c in ("options", "message_id", "voted_at", "channel")}
    later_wins = Vote.voted_at <= stmt.excluded.voted_at
    return stmt.on_conflict_do_update(
        index_elements=["poll_id", "contact_id"], set_=new, where=later_wins
    ).returning(Vote.id, Vote.poll_id, Vote.contact_id)


def _poll_of(conn: Connection, msg: Any, cache: dict[Any, Any]) -> tuple[PollView | None, bool]:
    """The poll a stored vote event answers, and whether it names native positions; ``cache``
    (one per batch) keeps polls and native poll ids already looked up."""
    ref = str((msg.vote or {}).get("poll_ref", ""))
    poll_id, native = poll_id_of(ref), False
    if poll_id is None:
        key = f"native:{msg.channel}:{ref}"
        if key not in cache:
            cache[key] = posted_poll(conn, msg.channel, ref)
        poll_id, native = cache[key], True
    if poll_id is not None and poll_id not in cache:
        cache[poll_id] = get(conn, poll_id)
    return (cache.get(poll_id) if poll_id is not None else None), native


@dataclass(slots=True)
class _Held:
    """A person's answer to a poll as this batch leaves it: the row to write, if it changed."""

    options: tuple[str, ...]
    voted_at: Any
    row: dict[str, Any] | None = None


def _current(conn: Connection, keys: set[tuple[int, int]]) -> dict[tuple[int, int], Any]:
    """The stored votes for these (poll, person) pairs, in one read."""
    if not keys:
        return {}
    polls, people = {p for p, _ in keys}, {c for _, c in keys}
    query = select(Vote.id, Vote.poll_id, Vote.contact_id, Vote.options, Vote.voted_at).where(
        Vote.poll_id.in_(polls), Vote.contact_id.in_(people)
    )
    found = {(r.poll_id, r.contact_id): r for r in conn.execute(query)}
    return {k: r for k, r in found.items() if k in keys}


def cast_many(conn: Connection, message_ids: list[int], choose: Choose) -> list[Cast]:
    """Apply stored vote events to their polls, in order, in one transaction: a person's latest
    answer replaces the earlier. One read of the events and of the votes they touch, the answers
    worked out in order here, then one upsert for every answer that changed.

    Each event is applied once: what became of it is kept on its row, and an event applied
    before (on arrival, or by a batch that failed after it) is answered from there, so a retried
    tap on a multi-choice poll never toggles its option twice."""
    return _cast_rows(conn, _event_rows(conn, message_ids), message_ids, choose)


def _event_rows(conn: Connection, message_ids: list[int]) -> dict[int, Any]:
    """The stored vote events, by id."""
    columns = (Message.id, Message.vote, Message.contact_id, Message.channel, Message.occurred_at)
    return {r.id: r for r in conn.execute(select(*columns).where(Message.id.in_(message_ids)))}


def _cast_rows(
    conn: Connection, rows: dict[int, Any], message_ids: list[int], choose: Choose
) -> list[Cast]:
    """``cast_many`` over event rows already in hand."""
    cache: dict[Any, Any] = {}
    polls = {m: _poll_of(conn, rows[m], cache) for m in message_ids}
    before = {m: c for m in message_ids if (c := _kept(rows[m], polls[m][0])) is not None}
    before = _as_now(conn, rows, before)
    fresh = [m for m in message_ids if m not in before]
    casts = before | dict(zip(fresh, _apply_all(conn, rows, polls, fresh, choose), strict=True))
    _keep(conn, rows, {m: casts[m] for m in fresh})
    hooks = {m: (rows[m].vote or {}).get("reply_hook", "") for m in message_ids}
    return [replace(casts[m], reply_hook=hooks[m]) if hooks[m] else casts[m] for m in message_ids]


def record_counting(
    conn: Connection, events: Sequence[InboundEvent], *, key: bytes, choose: Choose
) -> list[Recorded]:
    """Store events (``record_events``) and, in the same transaction, count the votes among the
    new ones: a tap is in the results by the time the platform is answered."""
    recorded, rows = record_rows(conn, events, key=key)
    votes = {
        r.message_id: SimpleNamespace(**row, id=r.message_id)
        for r, row in zip(recorded, rows, strict=True)
        if row["kind"] == EventKind.VOTE.value and not r.duplicate
    }
    if votes:
        _cast_rows(conn, votes, list(votes), choose)
    return recorded


def _apply_all(
    conn: Connection,
    rows: dict[int, Any],
    polls: dict[int, tuple[PollView | None, bool]],
    message_ids: list[int],
    choose: Choose,
) -> list[Cast]:
    """Apply events not applied before, in order."""
    keys = {
        (p.id, rows[m].contact_id) for m in message_ids if (p := polls[m][0]) and rows[m].contact_id
    }
    stored = _current(conn, keys)
    held = {k: _Held(tuple(r.options or ()), r.voted_at) for k, r in stored.items()}
    results = [(polls[m][0], *_apply(rows[m], *polls[m], held, choose)) for m in message_ids]
    written = _write(conn, held)
    lost = {k for k, h in held.items() if h.row is not None} - written.keys()
    ids = {k: int(r.id) for k, r in stored.items()} | written
    return [
        _reread(conn, p, k)
        if k in lost
        else Cast(o, p if k or o is Outcome.CLOSED else None, opts, ids[k] if k else 0)
        for p, o, opts, k in results
    ]


def _kept(msg: Any, poll: PollView | None) -> Cast | None:
    """What became of an event applied before, from its row (the answer itself is read as it
    stands now, ``_as_now``); None if it was not applied."""
    kept = (msg.vote or {}).get("cast")
    if not isinstance(kept, str):
        return None
    outcome = Outcome(kept)
    return Cast(outcome, poll if outcome is not Outcome.UNKNOWN else None)


def _as_now(conn: Connection, rows: dict[int, Any], casts: dict[int, Cast]) -> dict[int, Cast]:
    """Events applied before, each with the person's answer and vote as they stand now (a later
    vote may have replaced it), as a first application says of an event older than the answer."""
    keys = {
        m: (c.poll.id, rows[m].contact_id)
        for m, c in casts.items()
        if c.poll is not None and c.outcome in (Outcome.COUNTED, Outcome.RETRACTED)
    }
    now = _current(conn, set(keys.values()))
    for m, k in keys.items():
        if (row := now.get(k)) is not None:
            options = tuple(row.options or ())
            outcome = Outcome.COUNTED if options else Outcome.RETRACTED
            casts[m] = replace(casts[m], outcome=outcome, options=options, vote_id=int(row.id))
    return casts


def _keep(conn: Connection, rows: dict[int, Any], casts: dict[int, Cast]) -> None:
    """Keep on each event's row what became of it (its outcome), in one statement."""
    kept = [
        {"m_id": m, "m_vote": rows[m].vote | {"cast": c.outcome.value}}
        for m, c in casts.items()
        if rows[m].vote
    ]
    if kept:
        stmt = (
            update(Message).where(Message.id == bindparam("m_id")).values(vote=bindparam("m_vote"))
        )
        conn.execute(stmt, kept)


def _apply(
    msg: Any, poll: PollView | None, native: bool, held: dict[Any, _Held], choose: Choose
) -> tuple[Outcome, tuple[str, ...], tuple[int, int] | None]:
    """Work out one vote against the answers held so far (which it may replace, the later vote
    winning): its outcome, the answer that stands, and the (poll, person) it is about."""
    if poll is None or msg.contact_id is None:
        return Outcome.UNKNOWN, (), None
    if poll.status != "open":
        return Outcome.CLOSED, (), None
    key = (poll.id, msg.contact_id)
    was = held.get(key)
    raw = [str(o) for o in msg.vote["options"]]
    picked = choose(poll, raw, native, functools.partial(tuple, was.options if was else ()))
    if was is not None and was.voted_at > msg.occurred_at:  # a later answer was already counted
        return Outcome.COUNTED, was.options, key
    row = {"poll_id": poll.id, "contact_id": msg.contact_id, "options": list(picked)}
    row |= {"message_id": msg.id, "voted_at": msg.occurred_at, "channel": msg.channel}
    held[key] = _Held(picked, msg.occurred_at, row)
    return (Outcome.COUNTED if picked else Outcome.RETRACTED), picked, key


def _write(conn: Connection, held: dict[tuple[int, int], _Held]) -> dict[tuple[int, int], int]:
    """One upsert of every changed answer, where the later vote wins (concurrent workers on
    PostgreSQL settle on the latest too); the vote ids of the rows it wrote. Rows go in key
    order, so two transactions writing the same people's votes (batches recorded side by side,
    and the processor) wait for each other instead of deadlocking."""
    changed = [h.row for _, h in sorted(held.items()) if h.row is not None]
    if not changed:
        return {}
    done = conn.execute(_upsert_statement(conn.dialect.name), changed)
    return {(r.poll_id, r.contact_id): int(r.id) for r in done}


def _reread(conn: Connection, poll: PollView | None, key: tuple[int, int]) -> Cast:
    """The answer a concurrent worker counted meanwhile, which a later vote of theirs won."""
    current = conn.execute(select(Vote.id, Vote.options).where(_key(*key))).one()
    return Cast(Outcome.COUNTED, poll, tuple(current.options), current.id)


def ask_follow_ups(conn: Connection, vote_ids: list[int]) -> set[int]:
    """Mark the votes whose follow-up question has not gone out yet; returns those."""
    due = conn.execute(
        select(Vote.id).where(Vote.id.in_(vote_ids), Vote.follow_up_asked_at.is_(None))
    ).scalars()
    fresh = set(due)
    if fresh:
        conn.execute(update(Vote).where(Vote.id.in_(fresh)).values(follow_up_asked_at=utcnow()))
    return fresh


def link_follow_ups(conn: Connection, pairs: list[tuple[int, int]], *, window: timedelta) -> None:
    """``link_follow_up`` for each (contact id, message id) whose person owes a follow-up answer
    (one query finds them; most messages follow no poll)."""
    contacts = {c for c, _ in pairs}
    waiting = set(
        conn.execute(
            select(Vote.contact_id).where(
                Vote.contact_id.in_(contacts),
                Vote.follow_up_asked_at >= utcnow() - window,
                Vote.follow_up_message_id.is_(None),
            )
        ).scalars()
    )
    for contact_id, message_id in pairs:
        if contact_id in waiting:
            link_follow_up(conn, contact_id=contact_id, message_id=message_id, window=window)


def link_follow_up(
    conn: Connection, *, contact_id: int, message_id: int, window: timedelta
) -> int | None:
    """Attach a person's message to their latest vote awaiting a follow-up answer; the vote id."""
    since = utcnow() - window
    vote_id = conn.execute(
        select(Vote.id)
        .where(Vote.contact_id == contact_id, Vote.follow_up_asked_at >= since)
        .where(Vote.follow_up_message_id.is_(None))
        .order_by(Vote.follow_up_asked_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if vote_id is not None:
        conn.execute(update(Vote).where(Vote.id == vote_id).values(follow_up_message_id=message_id))
    return vote_id


def tally(conn: Connection, poll_id: int) -> list[tuple[str, list[str]]]:
    """(channel, options) for every current, non-retracted vote."""
    rows = conn.execute(select(Vote.channel, Vote.options).where(Vote.poll_id == poll_id))
    return [(c, list(o)) for c, o in rows.all() if o]


def web_origins(conn: Connection, poll_id: int) -> list[str]:
    """For each current widget vote, the network address it came from as kept (a keyed hash;
    "" for votes recorded before addresses were kept)."""
    rows = conn.execute(
        select(Vote.options, Message.vote)
        .join(Message, Message.id == Vote.message_id)
        .where(Vote.poll_id == poll_id, Vote.channel == "widget")
    )
    return [str((vote or {}).get("origin", "")) for options, vote in rows.all() if options]


def follow_up_count(conn: Connection, poll_id: int) -> int:
    """How many follow-up answers were linked to this poll's votes."""
    stmt = select(func.count()).where(
        Vote.poll_id == poll_id, Vote.follow_up_message_id.is_not(None)
    )
    return int(conn.execute(stmt).scalar_one())


def votes_of(conn: Connection, pseudonym: str) -> dict[int, list[str]]:
    """A person's current answers, by poll id."""
    rows = conn.execute(
        select(Vote.poll_id, Vote.options)
        .join(Contact, Contact.id == Vote.contact_id)
        .where(Contact.pseudonym == pseudonym)
    )
    return {int(p): list(o) for p, o in rows.all()}


def vote_mark(conn: Connection, poll_id: int) -> str:
    """A value that changes whenever the poll's votes do (for refreshing a live tally)."""
    row = conn.execute(
        select(func.count(), func.max(Vote.voted_at)).where(Vote.poll_id == poll_id)
    ).one()
    return f"{row[0]}:{row[1]}"


def as_vote(conn: Connection, message_id: int, *, poll_id: int, keys: list[str]) -> None:
    """Turn a stored reply (\"3\") into a vote for the poll it answers."""
    conn.execute(
        update(Message)
        .where(Message.id == message_id)
        .values(kind="vote", vote={"poll_ref": poll_ref(poll_id), "options": keys})
    )
