"""A poll's opening and closing, each claimed in the database (``store.poll_claims``): the
status moves only from the states named (``UPDATE ... WHERE status IN ... RETURNING``), and in
the same transaction the posts it causes are queued. Of two processes (or a scheduler and a
person at the CLI) acting on one poll, exactly one moves it and posts; a crash undoes both."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import update
from sqlalchemy.engine import Connection

from bot.events import OutboundMessage
from models.store.jobs import cursors
from models.store.outbox import queue as outbox
from models.store.polls import definitions as polls
from models.store.polls.tables import Poll
from models.store.runner import Runner

CLOSABLE = ("draft", "scheduled", "open")
"""A poll in any of these states can be closed (a closed one cannot close again)."""


def advance(conn: Connection, poll_id: int, *, from_: Collection[str], to: str) -> bool:
    """Move the poll to ``to`` if it is in one of ``from_``; True for the caller that did."""
    moved = conn.execute(
        update(Poll)
        .where(Poll.id == poll_id, Poll.status.in_(list(from_)))
        .values(status=to)
        .returning(Poll.id)
    )
    return moved.first() is not None


def open_posting(
    conn: Connection,
    poll_id: int,
    *,
    from_: Collection[str],
    messages: list[OutboundMessage],
    author: str,
    audit_as: str = "",
) -> bool:
    """Open the poll and queue its posts, if it was in one of ``from_`` (audited as
    ``audit_as``, a member of staff who sent it, if given)."""
    if not advance(conn, poll_id, from_=from_, to="open"):
        return False
    outbox.enqueue_many(conn, messages, author=author)
    if audit_as:
        detail = {"posts": len(messages)}
        cursors.audit(
            conn, actor=audit_as, action="poll.send", subject=f"poll:{poll_id}", detail=detail
        )
    return True


def close_posting(
    conn: Connection, poll_id: int, *, messages: list[OutboundMessage], author: str
) -> bool:
    """Close the poll, schedule its next run (a recurring poll) and queue the closing posts,
    unless it is closed already."""
    if not advance(conn, poll_id, from_=CLOSABLE, to="closed"):
        return False
    polls.repeat(conn, poll_id)
    outbox.enqueue_many(conn, messages, author=author)
    return True


class PollClaims:
    """Opening and closing polls, once each, keyword-only."""

    def __init__(self, runner: Runner) -> None:
        self._db = runner

    async def open(
        self,
        *,
        poll_id: int,
        from_: Collection[str],
        messages: list[OutboundMessage],
        author: str,
        audit_as: str = "",
    ) -> bool:
        """Open the poll from one of ``from_`` and queue ``messages``; False if it was not."""
        return await self._db.write(
            open_posting, poll_id, from_=from_, messages=messages, author=author, audit_as=audit_as
        )

    async def close(self, *, poll_id: int, messages: list[OutboundMessage], author: str) -> bool:
        """Close the poll and queue ``messages``; False when it was closed already."""
        return await self._db.write(close_posting, poll_id, messages=messages, author=author)
