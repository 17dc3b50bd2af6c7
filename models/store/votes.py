"""Votes: one per poll per person, the latest answer counting; follow-up answers; tallies.

What a vote *means* (which option keys a tap or a native answer stands for) is decided by the
caller's ``Choose`` function (handlers/poll_answers.py); this module only applies it, atomically.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.events import poll_id_of, poll_ref, utcnow
from models.store.poll_posts import posted_poll
from models.store.poll_tables import Vote
from models.store.polls import PollView, get
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


def cast(conn: Connection, msg: Any, cache: dict[Any, Any], choose: Choose) -> Cast:
    """Apply a stored vote event (a messages row) to its poll: a person's latest answer replaces
    the earlier. ``cache`` (one per batch) keeps polls and native poll ids already looked up."""
    message_id = msg.id
    ref = str((msg.vote or {}).get("poll_ref", ""))
    poll_id, native = poll_id_of(ref), False
    if poll_id is None:
        key = f"native:{msg.channel}:{ref}"
        if key not in cache:
            cache[key] = posted_poll(conn, msg.channel, ref)
        poll_id, native = cache[key], True
    if poll_id is not None and poll_id not in cache:
        cache[poll_id] = get(conn, poll_id)
    poll = cache.get(poll_id) if poll_id is not None else None
    if poll is None or msg.contact_id is None:
        return Cast(Outcome.UNKNOWN)
    if poll.status != "open":
        return Cast(Outcome.CLOSED, poll)
    raw = [str(o) for o in msg.vote["options"]]

    def before() -> tuple[str, ...]:
        query = select(Vote.options).where(_key(poll.id, msg.contact_id))
        return tuple(conn.execute(query).scalar_one_or_none() or ())

    return _upsert(conn, poll, msg, message_id, choose(poll, raw, native, before))


def _upsert(
    conn: Connection,
    poll: PollView,
    msg: Any,
    message_id: int,
    chosen: tuple[str, ...],
) -> Cast:
    """Make this the person's answer unless a later one is already in: one atomic upsert, so
    concurrent workers (PostgreSQL) and redeliveries in any order settle on the latest vote."""
    row = {
        "poll_id": poll.id,
        "contact_id": msg.contact_id,
        "options": list(chosen),
        "message_id": message_id,
        "voted_at": msg.occurred_at,
        "channel": msg.channel,
    }
    vote_id = conn.execute(_upsert_statement(conn.dialect.name), row).scalar_one_or_none()
    if vote_id is None:  # a later answer was already counted
        current = conn.execute(
            select(Vote.id, Vote.options).where(_key(poll.id, msg.contact_id))
        ).one()
        return Cast(Outcome.COUNTED, poll, tuple(current.options), current.id)
    return Cast(Outcome.COUNTED if chosen else Outcome.RETRACTED, poll, chosen, int(vote_id))


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
    ).returning(Vote.id)


def cast_many(conn: Connection, message_ids: list[int], choose: Choose) -> list[Cast]:
    """``cast`` for each stored vote event, in order, in one transaction (one read of them)."""
    columns = (Message.id, Message.vote, Message.contact_id, Message.channel, Message.occurred_at)
    rows = {r.id: r for r in conn.execute(select(*columns).where(Message.id.in_(message_ids)))}
    cache: dict[Any, Any] = {}
    casts = [cast(conn, rows[m], cache, choose) for m in message_ids]
    return [
        replace(c, reply_hook=hook) if (hook := (rows[m].vote or {}).get("reply_hook")) else c
        for m, c in zip(message_ids, casts, strict=True)
    ]


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
