"""Polls in the store: definitions, targets, votes (one per poll per person) and tallies."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from bot.events import poll_id_of, poll_ref, utcnow
from models.store.poll_tables import Poll, PollAggregate, PollPosting, PollTarget, Vote
from models.store.tables import Contact, Message


@dataclass(frozen=True, slots=True)
class Target:
    """Where a poll goes: a channel and chat ("" for the widget), and the audience size if known."""

    channel: str
    chat: str = ""
    audience_size: int | None = None


@dataclass(frozen=True, slots=True)
class PollView:
    """A poll as the CLI and the handlers see it."""

    id: int
    question: str
    kind: str
    options: list[tuple[str, str]]
    status: str
    anonymous: bool
    live_results: bool
    follow_up: str
    post_results: bool
    opens_at: datetime | None
    closes_at: datetime | None
    targets: list[Target]
    repeat_days: int | None = None

    def label(self, key: str) -> str:
        """The label shown for an option key."""
        return dict(self.options).get(key, key)


def create(
    conn: Connection, *, targets: list[Target], options: list[tuple[str, str]], **fields: Any
) -> int:
    """Store a new poll (status draft, or scheduled when it opens later); returns its id."""
    row = {
        **fields,
        "options": [{"key": k, "label": v} for k, v in options],
        "created_at": utcnow(),
    }
    poll_id = int(conn.execute(insert(Poll).values(**row).returning(Poll.id)).scalar_one())
    conn.execute(
        insert(PollTarget),
        [
            {
                "poll_id": poll_id,
                "channel": t.channel,
                "chat": t.chat,
                "audience_size": t.audience_size,
            }
            for t in targets
        ],
    )
    return poll_id


def get(conn: Connection, poll_id: int) -> PollView | None:
    """One poll with its targets."""
    poll = conn.execute(select(Poll).where(Poll.id == poll_id)).first()
    if poll is None:
        return None
    targets = conn.execute(
        select(PollTarget).where(PollTarget.poll_id == poll_id).order_by(PollTarget.id)
    )
    return _view(poll._mapping, [t._mapping for t in targets])


def all_polls(conn: Connection) -> list[PollView]:
    """Every poll, newest first."""
    ids = conn.execute(select(Poll.id).order_by(Poll.id.desc())).scalars().all()
    return [v for v in (get(conn, i) for i in ids) if v is not None]


def _view(p: Any, targets: list[Any]) -> PollView:
    return PollView(
        id=p["id"],
        question=p["question"],
        kind=p["kind"],
        options=[(o["key"], o["label"]) for o in p["options"]],
        status=p["status"],
        anonymous=p["anonymous"],
        live_results=p["live_results"],
        follow_up=p["follow_up"],
        post_results=p["post_results"],
        opens_at=p["opens_at"],
        closes_at=p["closes_at"],
        targets=[Target(t["channel"], t["chat"], t["audience_size"]) for t in targets],
        repeat_days=p["repeat_days"],
    )


def set_status(conn: Connection, poll_id: int, status: str) -> None:
    """Open, close or reschedule a poll."""
    conn.execute(update(Poll).where(Poll.id == poll_id).values(status=status))


def due(conn: Connection, *, now: datetime) -> tuple[list[int], list[int]]:
    """Scheduled polls whose opening time has come, and open polls whose closing time has."""
    to_open = select(Poll.id).where(Poll.status == "scheduled", Poll.opens_at <= now)
    to_close = select(Poll.id).where(Poll.status == "open", Poll.closes_at <= now)
    return list(conn.execute(to_open).scalars()), list(conn.execute(to_close).scalars())


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


def posted_poll(conn: Connection, channel: str, ref: str) -> int | None:
    """The poll we posted as this platform message or native poll id (Telegram poll id, X tweet)."""
    return conn.execute(
        select(PollPosting.poll_id).where(
            PollPosting.channel == channel, PollPosting.platform_message_id == ref
        )
    ).scalar_one_or_none()


def cast(conn: Connection, msg: Any, cache: dict[Any, Any]) -> Cast:
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
    chosen = _by_position(poll, raw) if native else _chosen(poll, raw)
    return _upsert(conn, poll, msg, message_id, chosen, replace=native)


def _chosen(poll: PollView, raw: list[str]) -> tuple[str, ...]:
    """Option keys from a vote, accepting "ref:key" values and dropping unknown keys."""
    keys = {k for k, _ in poll.options}
    return tuple(dict.fromkeys(o.rpartition(":")[2] for o in raw if o.rpartition(":")[2] in keys))


def _by_position(poll: PollView, raw: list[str]) -> tuple[str, ...]:
    """Option keys from a native poll's answer, which gives option positions."""
    picked = [int(o) for o in raw if o.isdigit() and int(o) < len(poll.options)]
    return tuple(poll.options[i][0] for i in picked)


def _upsert(
    conn: Connection,
    poll: PollView,
    msg: Any,
    message_id: int,
    chosen: tuple[str, ...],
    *,
    replace: bool = False,
) -> Cast:
    """Make this the person's answer unless a later one is already in: one atomic upsert, so
    concurrent workers (PostgreSQL) and redeliveries in any order settle on the latest vote."""
    if poll.kind == "multi" and not replace and len(chosen) == 1:
        query = select(Vote.options).where(_key(poll.id, msg.contact_id))
        before = conn.execute(query).scalar_one_or_none()
        chosen = _toggle(tuple(before or ()), chosen[0])
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


def _toggle(current: tuple[str, ...], key: str) -> tuple[str, ...]:
    return tuple(k for k in current if k != key) if key in current else (*current, key)


def cast_many(conn: Connection, message_ids: list[int]) -> list[Cast]:
    """``cast`` for each stored vote event, in order, in one transaction (one read of them)."""
    columns = (Message.id, Message.vote, Message.contact_id, Message.channel, Message.occurred_at)
    rows = {r.id: r for r in conn.execute(select(*columns).where(Message.id.in_(message_ids)))}
    cache: dict[Any, Any] = {}
    casts = [cast(conn, rows[m], cache) for m in message_ids]
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


def follow_up_count(conn: Connection, poll_id: int) -> int:
    """How many follow-up answers were linked to this poll's votes."""
    stmt = select(func.count()).where(
        Vote.poll_id == poll_id, Vote.follow_up_message_id.is_not(None)
    )
    return int(conn.execute(stmt).scalar_one())


def open_for(conn: Connection, channel: str, chat: str = "") -> list[PollView]:
    """Open polls for everyone on this channel, and those for this one chat (a widget session's
    satisfaction question) when ``chat`` is given."""
    ids = conn.execute(
        select(Poll.id)
        .join(PollTarget, PollTarget.poll_id == Poll.id)
        .where(
            Poll.status == "open",
            PollTarget.channel == channel,
            PollTarget.chat.in_(["", chat] if chat else [""]),
        )
        .order_by(Poll.id)
    ).scalars()
    return [v for v in (get(conn, i) for i in ids) if v is not None]


def votes_of(conn: Connection, pseudonym: str) -> dict[int, list[str]]:
    """A person's current answers, by poll id."""
    rows = conn.execute(
        select(Vote.poll_id, Vote.options)
        .join(Contact, Contact.id == Vote.contact_id)
        .where(Contact.pseudonym == pseudonym)
    )
    return {int(p): list(o) for p, o in rows.all()}


def save_aggregates(conn: Connection, poll_id: int, channel: str, counts: dict[str, int]) -> None:
    """Replace a channel's reported counts for a poll."""
    conn.execute(
        delete(PollAggregate).where(
            PollAggregate.poll_id == poll_id, PollAggregate.channel == channel
        )
    )
    now = utcnow()
    rows = [
        {"poll_id": poll_id, "channel": channel, "option_key": k, "count": n, "read_at": now}
        for k, n in counts.items()
    ]
    if rows:
        conn.execute(insert(PollAggregate), rows)


def aggregates(conn: Connection, poll_id: int) -> dict[str, dict[str, int]]:
    """Reported counts by channel and option key."""
    rows = conn.execute(
        select(PollAggregate.channel, PollAggregate.option_key, PollAggregate.count).where(
            PollAggregate.poll_id == poll_id
        )
    )
    found: dict[str, dict[str, int]] = {}
    for channel, key, count in rows.all():
        found.setdefault(channel, {})[key] = int(count)
    return found


def native_posts(conn: Connection, channel: str) -> list[tuple[int, str]]:
    """(poll id, platform id) of every native poll posted on a channel for a poll still open."""
    return [(p, platform_id) for p, _, platform_id in posts(conn, channel, styles=("native",))]


def posts(
    conn: Connection, channel: str, *, styles: tuple[str, ...] = ("buttons", "native")
) -> list[tuple[int, str, str]]:
    """(poll id, chat, platform id) of every poll post on a channel for a poll still open that
    is answered in one of these styles (by default in the post itself, not by a reply)."""
    rows = conn.execute(
        select(PollPosting.poll_id, PollPosting.chat, PollPosting.platform_message_id)
        .join(Poll, Poll.id == PollPosting.poll_id)
        .where(PollPosting.channel == channel, PollPosting.style.in_(styles), Poll.status == "open")
        .order_by(PollPosting.id)
    )
    return [(int(p), str(c), str(i)) for p, c, i in rows.all()]


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


def repeat(conn: Connection, poll_id: int) -> int | None:
    """Schedule the next run of a recurring poll, ``repeat_days`` later; its id (or None)."""
    poll = get(conn, poll_id)
    if poll is None or not poll.repeat_days or poll.closes_at is None:
        return None
    step = timedelta(days=poll.repeat_days)
    opens = (poll.opens_at or poll.closes_at - step) + step
    fields = {
        "question": poll.question,
        "kind": poll.kind,
        "anonymous": poll.anonymous,
        "live_results": poll.live_results,
        "follow_up": poll.follow_up,
        "post_results": poll.post_results,
        "repeat_days": poll.repeat_days,
        "status": "scheduled",
        "opens_at": opens,
        "closes_at": poll.closes_at + step,
    }
    return create(conn, targets=poll.targets, options=poll.options, **fields)
