"""A hand-built history for digest tests: nine weeks across channels, topics and a clock change,
stored through the store's own ingress, with the expected figures computed here by plain loops."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent
from handlers.digest.build import DigestConfig
from handlers.digest.service import Digests
from models.classification import Classification
from models.store import Store
from models.store.polls.tables import Poll, Vote
from models.store.tables import Message

LONDON = ZoneInfo("Europe/London")
WEEK = "2026-W44"  # Mon 26 Oct - Sun 1 Nov 2026; clocks went back on Sun 25 Oct
CHANNELS = {"slack": "C1", "telegram": "-100200", "widget": "", "x": "dm-1"}
TOPICS = ("printing", "opening hours", "wifi", "loans", "unsure")
MOODS = ("negative", "neutral", "positive")
GROUPS = {"telegram:-100200": "students", "slack": "staff", "widget": "public"}


def digests_of(store: Store, config: DigestConfig | None = None) -> Digests:
    """The Library's digests over ``store`` (London time and GROUPS unless ``config`` says)."""
    config = config or DigestConfig(zone=LONDON, groups=GROUPS)
    return Digests(store, config, library="The Library", base_url="https://lib.example")


@dataclass(frozen=True)
class Row:
    """One stored message as the test knows it."""

    at: datetime
    channel: str
    sender: str
    topic: str
    mood: str
    confidence: float
    text: str

    @property
    def week(self) -> str:
        """Its ISO week in London, computed without the code under test."""
        year, week, _ = self.at.astimezone(LONDON).isocalendar()
        return f"{year}-W{week:02d}"


def history(seed: int = 7) -> list[Row]:
    """Random weekly traffic from W36 to W45, plus messages on each awkward boundary."""
    rng, rows = random.Random(seed), []
    start = datetime(2026, 8, 31, tzinfo=UTC)
    for n in range(700):
        at = start + timedelta(minutes=rng.randrange(10 * 7 * 24 * 60))
        channel = rng.choice(list(CHANNELS))
        topic = (
            rng.choice(TOPICS[1:])
            if at < datetime(2026, 10, 26, tzinfo=UTC)
            else rng.choice(TOPICS)
        )
        rows.append(_row(rng, at, channel, topic, n))
    for n, stamp in enumerate(BOUNDARIES):
        rows.append(_row(rng, stamp, "slack", "wifi", 1000 + n))
    for n in range(25):  # printing is rising this week
        at = datetime(2026, 10, 27, 10, tzinfo=UTC) + timedelta(hours=5 * n)
        rows.append(_row(rng, at, rng.choice(list(CHANNELS)), "printing", 2000 + n))
    return rows


BOUNDARIES = (
    datetime(2026, 10, 18, 22, 30, tzinfo=UTC),  # Sun 18 Oct 23:30 BST: W42
    datetime(2026, 10, 18, 23, 30, tzinfo=UTC),  # Mon 19 Oct 00:30 BST: W43
    datetime(2026, 10, 25, 23, 30, tzinfo=UTC),  # Sun 25 Oct 23:30 GMT: W43
    datetime(2026, 10, 26, 0, 10, tzinfo=UTC),  # Mon 26 Oct 00:10 GMT: W44
    datetime(2026, 11, 1, 23, 59, tzinfo=UTC),  # Sun 1 Nov 23:59 GMT: W44
    datetime(2026, 11, 2, 0, 0, tzinfo=UTC),  # Mon 2 Nov 00:00 GMT: W45
)


def _row(rng: random.Random, at: datetime, channel: str, topic: str, n: int) -> Row:
    text = f"message {n} about {topic}"
    if n % 9 == 0:
        text += " - write to jo.bloggs@uni.ac.uk or @jo_b, student s1234567, 07700 900123"
    sender = f"p{rng.randrange(40)}"
    return Row(at, channel, sender, topic, rng.choice(MOODS), rng.choice((0.5, 0.8, 0.95)), text)


def event(row: Row, n: int) -> InboundEvent:
    """The row as an adapter would hand it in."""
    channel = Channel(row.channel)
    chat = CHANNELS[row.channel] or f"session-{row.sender}"
    kind = ConversationKind.WIDGET if channel is Channel.WIDGET else ConversationKind.GROUP
    return InboundEvent(
        channel=channel,
        platform_id=f"fx-{n}",
        kind=EventKind.MESSAGE,
        sender=row.sender,
        address=Address(channel, chat=chat, kind=kind),
        text=row.text,
        occurred_at=row.at,
    )


async def store_history(store: Store, rows: list[Row]) -> list[int]:
    """Record and classify every row (an older, different verdict first for some); return ids."""
    recorded = await store.messages.record(events=[event(r, n) for n, r in enumerate(rows)])
    ids = [r.message_id for r in recorded]
    stale = [
        (i, _verdict("wifi", "positive", 0.99))
        for i, r in zip(ids, rows, strict=True)
        if r.topic == "loans"
    ]
    await store.classifications.save(verdicts=stale)
    await store.classifications.save(
        verdicts=[
            (i, _verdict(r.topic, r.mood, r.confidence)) for i, r in zip(ids, rows, strict=True)
        ]
    )
    return ids


def _verdict(topic: str, mood: str, confidence: float) -> Classification:
    scores = {m: (0.8 if m == mood else 0.1) for m in MOODS}
    return Classification(mood, scores, topic, confidence, "test-model")


def weeks_before(week: str, n: int) -> list[str]:
    """``week`` and the n weeks before it, newest first (computed from calendar dates)."""
    year, num = int(week[:4]), int(week[6:])
    monday = datetime.fromisocalendar(year, num, 1)
    found = []
    for ago in range(n + 1):
        y, w, _ = (monday - timedelta(weeks=ago)).isocalendar()
        found.append(f"{y}-W{w:02d}")
    return found


def count_by(rows: list[Row], *keys: str) -> Counter[tuple[object, ...]]:
    """Counts of rows by attribute values."""
    return Counter(tuple(getattr(r, k) for k in keys) for r in rows)


async def satisfaction_poll(store: Store) -> int:
    """A satisfaction poll opened in W44, answered by three people (5, 4, 3) and taken back by a
    fourth; returns its id."""
    return await store._db.write(_poll)


def _poll(conn: Connection) -> int:
    """A satisfaction poll of W44 answered 5, 4 and 3 (and one vote taken back)."""
    opened = datetime(2026, 10, 27, 9, tzinfo=UTC)
    options = [{"key": str(n), "label": str(n)} for n in range(1, 6)]
    row = {"question": "How was the new study space?", "kind": "csat", "options": options}
    row |= {"status": "open", "opens_at": opened, "created_at": opened}
    poll_id = int(conn.execute(insert(Poll).values(**row).returning(Poll.id)).scalar_one())
    voters = conn.execute(
        select(Message.id, Message.contact_id, Message.channel)
        .where(Message.direction == "in")
        .order_by(Message.id)
        .limit(4)
    ).all()
    for n, (message_id, contact_id, channel) in enumerate(voters):
        chosen = [] if n == 3 else [str(5 - n)]  # 5, 4, 3 and one taken back
        at = opened + timedelta(hours=n + 1)
        vote = {"poll_id": poll_id, "contact_id": contact_id, "channel": channel}
        conn.execute(
            insert(Vote).values(**vote, options=chosen, message_id=message_id, voted_at=at)
        )
    return poll_id
