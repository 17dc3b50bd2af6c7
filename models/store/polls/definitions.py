"""Polls in the store: definitions, targets, schedules and repeats (votes are in votes.py,
where polls were posted in posts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.jobs import cursors
from models.store.polls.personal import not_personal
from models.store.polls.tables import Poll, PollTarget


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
    even_in_quiet: bool = False
    created_at: datetime | None = None

    def label(self, key: str) -> str:
        """The label shown for an option key."""
        return dict(self.options).get(key, key)


def create(
    conn: Connection,
    *,
    targets: list[Target],
    options: list[tuple[str, str]],
    question: str,
    kind: str,
    status: str = "draft",
    follow_up: str = "",
    anonymous: bool = False,
    live_results: bool = False,
    post_results: bool = False,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    repeat_days: int | None = None,
    even_in_quiet: bool = False,
    author: str = "",
) -> int:
    """Store a new poll (status draft, or scheduled when it opens later); returns its id.
    ``author`` (``staff:<id>``): audited in the same transaction."""
    row = {
        "question": question,
        "kind": kind,
        "status": status,
        "follow_up": follow_up,
        "anonymous": anonymous,
        "live_results": live_results,
        "post_results": post_results,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "repeat_days": repeat_days,
        "even_in_quiet": even_in_quiet,
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
    if author:
        detail = {"question": question[:200], "kind": kind, "status": status}
        cursors.audit(
            conn, actor=author, action="poll.create", subject=f"poll:{poll_id}", detail=detail
        )
    return poll_id


def open_many(
    conn: Connection,
    *,
    targets: list[Target],
    options: list[tuple[str, str]],
    question: str,
    kind: str,
) -> list[int]:
    """Store one open poll per target, all asking the same (a once-only question put to many
    people at once, each in their own conversation), with two statements; their ids, in the
    targets' order."""
    if not targets:
        return []
    now, labelled = utcnow(), [{"key": k, "label": v} for k, v in options]
    row = {"question": question, "kind": kind, "status": "open", "options": labelled}
    returning = insert(Poll).returning(Poll.id, sort_by_parameter_order=True)
    stored = conn.execute(returning, [{**row, "created_at": now} for _ in targets])
    ids = [int(i) for i in stored.scalars()]
    rows = [
        {"poll_id": i, "channel": t.channel, "chat": t.chat, "audience_size": t.audience_size}
        for i, t in zip(ids, targets, strict=True)
    ]
    conn.execute(insert(PollTarget), rows)
    return ids


def drop(conn: Connection, poll_ids: list[int]) -> None:
    """Delete these polls with their targets (stored, then found not to be needed)."""
    if poll_ids:
        conn.execute(delete(PollTarget).where(PollTarget.poll_id.in_(poll_ids)))
        conn.execute(delete(Poll).where(Poll.id.in_(poll_ids)))


def get(conn: Connection, poll_id: int) -> PollView | None:
    """One poll with its targets."""
    poll = conn.execute(select(Poll).where(Poll.id == poll_id)).first()
    if poll is None:
        return None
    targets = conn.execute(
        select(PollTarget).where(PollTarget.poll_id == poll_id).order_by(PollTarget.id)
    )
    return _view(poll._mapping, [t._mapping for t in targets])


def all_polls(conn: Connection, *, personal: bool = False) -> list[PollView]:
    """Every poll, newest first, with two statements; not the polls that ask one person each
    (the once-only and satisfaction questions) unless ``personal``."""
    polls, targets = select(Poll).order_by(Poll.id.desc()), select(PollTarget)
    if not personal:
        polls = polls.where(not_personal(Poll.id))
        targets = targets.where(not_personal(PollTarget.poll_id))
    by_poll: dict[int, list[Any]] = {}
    for t in conn.execute(targets.order_by(PollTarget.id)):
        by_poll.setdefault(int(t.poll_id), []).append(t._mapping)
    return [_view(p._mapping, by_poll.get(int(p.id), [])) for p in conn.execute(polls)]


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
        even_in_quiet=p["even_in_quiet"],
        created_at=p["created_at"],
    )


def set_status(conn: Connection, poll_id: int, status: str) -> None:
    """Open, close or reschedule a poll."""
    conn.execute(update(Poll).where(Poll.id == poll_id).values(status=status))


def hold_until(conn: Connection, poll_id: int, opens_at: datetime, author: str) -> bool:
    """Schedule a draft or scheduled poll to open at ``opens_at``; audited. False if it was
    in neither state (opened or closed meanwhile)."""
    moved = conn.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.status.in_(["draft", "scheduled"]))
        .values(status="scheduled", opens_at=opens_at)
        .returning(Poll.id)
    ).first()
    if moved is not None:
        detail = {"opens_at": opens_at.isoformat(), "why": "quiet period"}
        cursors.audit(
            conn, actor=author, action="poll.hold", subject=f"poll:{poll_id}", detail=detail
        )
    return moved is not None


def due(conn: Connection, *, now: datetime) -> tuple[list[int], list[int]]:
    """Scheduled polls whose opening time has come, and open polls whose closing time has."""
    to_open = select(Poll.id).where(Poll.status == "scheduled", Poll.opens_at <= now)
    to_close = select(Poll.id).where(Poll.status == "open", Poll.closes_at <= now)
    return list(conn.execute(to_open).scalars()), list(conn.execute(to_close).scalars())


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


def repeat(conn: Connection, poll_id: int) -> int | None:
    """Schedule the next run of a recurring poll, ``repeat_days`` later; its id (or None)."""
    poll = get(conn, poll_id)
    if poll is None or not poll.repeat_days or poll.closes_at is None:
        return None
    step = timedelta(days=poll.repeat_days)
    opens = (poll.opens_at or poll.closes_at - step) + step
    return create(
        conn,
        targets=poll.targets,
        options=poll.options,
        question=poll.question,
        kind=poll.kind,
        anonymous=poll.anonymous,
        live_results=poll.live_results,
        follow_up=poll.follow_up,
        post_results=poll.post_results,
        repeat_days=poll.repeat_days,
        even_in_quiet=poll.even_in_quiet,
        status="scheduled",
        opens_at=opens,
        closes_at=poll.closes_at + step,
    )
