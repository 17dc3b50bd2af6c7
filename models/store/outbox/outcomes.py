"""What became of sends: each outcome recorded on its outbox item, and a sent poll's post
remembered (where it can be answered and closed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Boolean, Integer, bindparam, func, select, update
from sqlalchemy.engine import Connection

from bot.events import Channel, OutboundMessage, poll_id_of, utcnow
from models.store.outbox.message_json import from_payload
from models.store.polls.tables import PollPosting
from models.store.tables import OutboxItem
from models.store.upsert import insert_ignore


@dataclass(frozen=True, slots=True)
class Settled:
    """What became of one send: ``sent`` (with the platform's id), ``retry`` at a time, or
    ``failed`` for good (it stays visible in the metrics and the CLI). ``unsure`` counts the
    attempts so far whose outcome is unknown; ``maybe_twice``: it was sent after one of them
    that could not be checked, so the person may have it twice."""

    item_id: int
    status: Literal["sent", "retry", "failed"]
    platform_message_id: str = ""
    error: str = ""
    retry_at: datetime | None = None
    unsure: int | None = None
    maybe_twice: bool = False


def settle(conn: Connection, outcomes: list[Settled]) -> None:
    """Record a batch of sends, one statement per kind of outcome; each attempt is over."""
    now, by = utcnow(), bindparam("item", type_=Integer)
    over = {
        "sending_at": None,
        "unsure": func.coalesce(bindparam("unsure", type_=Integer), OutboxItem.unsure),
        "maybe_twice": OutboxItem.maybe_twice | bindparam("twice", type_=Boolean),
    }
    stmt = update(OutboxItem).where(OutboxItem.id == by).values(over)
    sent = _params(outcomes, "sent", pid=lambda o: o.platform_message_id)
    if sent:
        values = {"status": "sent", "sent_at": now, "last_error": ""}
        conn.execute(stmt.values(**values, platform_message_id=bindparam("pid")), sent)
        posted = [o.item_id for o in outcomes if o.status == "sent" and o.platform_message_id]
        record_poll_posts(conn, posted, now=now)
    retry = _params(outcomes, "retry", error=_error, at=lambda o: o.retry_at)
    if retry:
        conn.execute(
            stmt.values(last_error=bindparam("error"), next_attempt_at=bindparam("at")), retry
        )
    failed = _params(outcomes, "failed", error=_error)
    if failed:
        conn.execute(stmt.values(status="failed", last_error=bindparam("error")), failed)


def _params(
    outcomes: list[Settled], status: str, **more: Callable[[Settled], object]
) -> list[dict[str, object]]:
    """Statement parameters for the outcomes of one kind (unsure None: left as it is)."""
    return [
        {"item": o.item_id, "unsure": o.unsure, "twice": o.maybe_twice}
        | {k: f(o) for k, f in more.items()}
        for o in outcomes
        if o.status == status
    ]


def _error(outcome: Settled) -> str:
    return outcome.error[:2000]


def record_poll_posts(conn: Connection, item_ids: list[int], *, now: datetime) -> None:
    """Each sent item that asks a poll (not an edit) becomes a row of poll_posts, once (one
    with no platform id is found by no one: a private answer, most sends, is not read back)."""
    if not item_ids:
        return
    rows = conn.execute(
        select(OutboxItem.channel, OutboxItem.message_id, OutboxItem.payload)
        .add_columns(OutboxItem.platform_message_id)
        .where(OutboxItem.id.in_(item_ids), OutboxItem.edit_key.is_(None))
    )
    posts = []
    for channel, message_id, payload, platform_id in rows.all():
        message = from_payload(Channel(channel), payload)
        poll_id = poll_id_of(message.poll_ref)
        if poll_id is not None and platform_id:
            posts.append(
                {
                    "poll_id": poll_id,
                    "channel": channel,
                    "chat": message.address.chat,
                    "platform_message_id": platform_id,
                    "style": answer_style(message),
                    "message_id": message_id,
                    "posted_at": now,
                }
            )
    if posts:
        conn.execute(insert_ignore(conn.dialect.name, PollPosting), posts)


def answer_style(message: OutboundMessage) -> str:
    """How a poll post is answered: natively, by its buttons, or by a numbered reply."""
    if message.poll is not None:
        return "native"
    return "buttons" if message.buttons else "reply"
