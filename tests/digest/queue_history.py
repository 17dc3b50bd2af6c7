"""A hand-built queue history for the digest's queue section: items across the October clock
change, with their first responses, resolutions, due times and CSAT answers, stored with plain
inserts (each resolved item with its resolution row); and the expected figures computed here by
plain loops and numpy's percentiles."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from models.store import Store
from models.store.inbox.tables import (
    InboxCsat,
    InboxEntry,
    InboxItem,
    ItemResolution,
    StaffUser,
)
from models.store.inbox.types import Incoming
from models.store.polls.tables import Poll
from models.store.tables import Message
from tests.support.digest_fixture import LONDON

TEAMS = ("it", "estates", "")
MOODS = ("negative", "neutral", "positive")
FIRST = datetime(2026, 10, 12, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    """One queue item as the test knows it."""

    team: str
    sentiment: str
    created: datetime
    responded: datetime | None
    resolved: datetime | None
    due: datetime
    asked: datetime | None = None
    answered: datetime | None = None
    score: int | None = None


def week_of(at: datetime | None) -> str:
    """ISO week in London, without the code under test."""
    if at is None:
        return ""
    year, week, _ = at.astimezone(LONDON).isocalendar()
    return f"{year}-W{week:02d}"


def items(seed: int = 11, n: int = 80) -> list[Item]:
    """Random items over four weeks, then a few on the W43 / W44 / W45 boundaries."""
    rng, found = random.Random(seed), []
    for _ in range(n):
        created = FIRST + timedelta(minutes=rng.randrange(4 * 7 * 24 * 60))
        found.append(_random(rng, created))
    edge = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)  # Sun 25 Oct 23:30 GMT: W43
    found += [
        Item("it", "negative", edge, None, None, edge + timedelta(hours=8)),
        Item(
            "it",
            "negative",
            edge + timedelta(minutes=40),
            edge + timedelta(hours=1),
            None,
            edge + timedelta(days=9),
        ),  # Mon 00:10 GMT: W44
        Item(
            "estates",
            "negative",
            edge - timedelta(days=7),
            edge,
            datetime(2026, 11, 2, tzinfo=UTC),
            edge,
        ),  # resolved Mon 2 Nov 00:00: W45, so open at the end of W44
        Item(
            "estates",
            "neutral",
            edge,
            edge + timedelta(hours=2),
            datetime(2026, 11, 1, 23, 59, tzinfo=UTC),
            edge + timedelta(hours=30),
            datetime(2026, 11, 1, 23, 59, tzinfo=UTC),
            datetime(2026, 11, 2, 0, 5, tzinfo=UTC),
            5,
        ),  # asked in W44, answered in W45
    ]
    return found


def _random(rng: random.Random, created: datetime) -> Item:
    responded = created + timedelta(minutes=rng.randrange(10, 3000)) if rng.random() < 0.8 else None
    resolved = None
    if responded and rng.random() < 0.7:
        resolved = responded + timedelta(minutes=rng.randrange(5, 6000))
    asked = answered = score = None
    if resolved and rng.random() < 0.6:
        asked = resolved
        if rng.random() < 0.7:
            answered, score = asked + timedelta(minutes=rng.randrange(1, 600)), rng.randint(1, 5)
    due = created + timedelta(hours=rng.choice((4, 24, 48)))
    team, mood = rng.choice(TEAMS), rng.choice(MOODS)
    return Item(team, mood, created, responded, resolved, due, asked, answered, score)


async def store_items(store: Store, found: list[Item]) -> list[int]:
    """Insert the items (each on its own conversation and person from the stored history)."""
    return await store._db.write(lambda conn: _insert(conn, found))


def _insert(conn: Connection, found: list[Item]) -> list[int]:
    pairs = conn.execute(
        select(func.min(Message.id), Message.conversation_id, Message.contact_id, Message.channel)
        .where(Message.direction == "in")
        .group_by(Message.conversation_id, Message.contact_id, Message.channel)
        .order_by(func.min(Message.id))
    ).all()
    assert len(pairs) >= len(found), "the message history has too few conversations"
    ids = []
    for item, (message, conversation, contact, channel) in zip(found, pairs, strict=False):
        ids.append(_item(conn, item, message, conversation, contact, channel))
    return ids


def _item(
    conn: Connection, it: Item, message: int, conversation: int, contact: int, ch: str
) -> int:
    row = {
        "conversation_id": conversation,
        "contact_id": contact,
        "channel": ch,
        "status": "resolved" if it.resolved else ("open" if it.responded else "new"),
        "team": it.team,
        "priority": "normal",
        "topic": "printing",
        "sentiment": it.sentiment,
        "first_message_id": message,
        "last_message_id": message,
        "last_message_at": it.created,
        "clock_from": it.created,
        "due_at": it.due,
        "first_response_at": it.responded,
        "resolved_at": it.resolved,
        "created_at": it.created,
        "updated_at": it.created,
    }
    item_id = int(
        conn.execute(insert(InboxItem).values(**row).returning(InboxItem.id)).scalar_one()
    )
    if it.responded:  # the staff reply the first response is
        reply = {"item_id": item_id, "kind": "reply", "text": "On it.", "created_at": it.responded}
        conn.execute(insert(InboxEntry).values(**reply))
    if it.resolved:
        done = {"item_id": item_id, "team": it.team, "opened_at": it.created}
        conn.execute(insert(ItemResolution).values(**done, resolved_at=it.resolved))
    if it.asked:
        poll = {"question": "How did we do?", "kind": "csat", "options": [], "status": "open"}
        poll |= {"opens_at": it.asked, "created_at": it.asked}  # not one of the week's polls
        poll_id = conn.execute(insert(Poll).values(**poll).returning(Poll.id)).scalar_one()
        csat = {"item_id": item_id, "poll_id": poll_id, "score": it.score, "asked_at": it.asked}
        conn.execute(insert(InboxCsat).values(**csat, answered_at=it.answered))
    return item_id


async def add_staff(store: Store) -> int:
    """A member of staff to resolve and reopen items."""
    row = {"email": "ann@lib.example", "name": "Ann", "role": "lead", "created_at": FIRST}
    stmt = insert(StaffUser).values(**row).returning(StaffUser.id)
    return await store._db.write(lambda conn: int(conn.execute(stmt).scalar_one()))


def percentile(values: list[float], p: float) -> float:
    """percentile_cont's answer, by numpy's linear method."""
    return float(numpy.percentile(values, 100 * p, method="linear"))


async def person_returns(store: Store, item_id: int, at: datetime) -> Incoming | None:
    """The item's person writing again (their next stored message in its conversation, routed
    as needing a person), or None when they wrote nothing after it."""

    def read(conn: Connection) -> Incoming | None:
        item = conn.execute(select(InboxItem).where(InboxItem.id == item_id)).one()
        later = conn.execute(
            select(func.min(Message.id)).where(
                Message.conversation_id == item.conversation_id,
                Message.contact_id == item.contact_id,
                Message.direction == "in",
                Message.id > item.last_message_id,
            )
        ).scalar_one()
        if later is None:
            return None
        return Incoming(
            message_id=int(later),
            conversation_id=item.conversation_id,
            contact_id=item.contact_id,
            channel=item.channel,
            needs_person=True,
            team=item.team,
            priority="normal",
            due_at=at + timedelta(days=1),
            topic=item.topic,
            sentiment=item.sentiment,
            at=at,
        )

    return await store._db.read(read)
