"""Where polls were posted (one row per platform message, written when the send settles) and
the totals platforms report for their native polls."""

from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from bot.events import utcnow
from models.store.polls.tables import Poll, PollAggregate, PollPosting


def posted_poll(conn: Connection, channel: str, ref: str) -> int | None:
    """The poll we posted as this platform message or native poll id (Telegram poll id, X tweet)."""
    return conn.execute(
        select(PollPosting.poll_id).where(
            PollPosting.channel == channel, PollPosting.platform_message_id == ref
        )
    ).scalar_one_or_none()


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
    conn: Connection,
    channel: str,
    *,
    styles: tuple[str, ...] = ("buttons", "native"),
    poll_id: int | None = None,
    live: bool = False,
) -> list[tuple[int, str, str]]:
    """(poll id, chat, platform id) of every poll post on a channel for a poll still open (or
    for this one poll) that is answered in one of these styles (by default in the post itself,
    not by a reply); ``live``: only polls that show their results as they come in."""
    query = (
        select(PollPosting.poll_id, PollPosting.chat, PollPosting.platform_message_id)
        .join(Poll, Poll.id == PollPosting.poll_id)
        .where(PollPosting.channel == channel, PollPosting.style.in_(styles))
        .order_by(PollPosting.id)
    )
    if poll_id is None:
        query = query.where(Poll.status == "open")
    else:
        query = query.where(PollPosting.poll_id == poll_id)
    if live:
        query = query.where(Poll.live_results.is_(True))
    rows = conn.execute(query)
    return [(int(p), str(c), str(i)) for p, c, i in rows.all()]
