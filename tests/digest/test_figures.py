"""The digest's figures for a hand-built history, against numbers computed here by plain loops
(on SQLite and PostgreSQL), with week boundaries across the October clock change."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import insert

from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent, Vote, poll_ref
from handlers.digest.build import DigestConfig, build_digest
from handlers.digest.model import Digest
from handlers.digest.week import IsoWeek
from handlers.polls.answers import chosen
from models.store import Store
from models.store.polls.definitions import Target
from models.store.tables import Correction
from tests.support import digest_fixture as fx
from tests.support.asked import asked_consent

RELABELLED = 5  # this fixture row's topic is changed by staff to "loans"


async def _relabel(store: Store, message_id: int, topic: str) -> None:
    row = {"message_id": message_id, "field": "topic", "value": topic, "staff": "staff:1"}
    await store._db.write(
        lambda c: c.execute(insert(Correction).values(**row, created_at=datetime.now(UTC)))
    )


async def _digest(store: Store) -> tuple[Digest, list[fx.Row]]:
    rows = fx.history()
    ids = await fx.store_history(store, rows)
    this_week = [i for i, r in enumerate(rows) if r.week == fx.WEEK]
    target = this_week[RELABELLED]
    await _relabel(store, ids[target], "loans")
    rows[target] = fx.Row(**{**rows[target].__dict__, "topic": "loans", "confidence": 1.0})
    config = DigestConfig(zone=fx.LONDON, groups=fx.GROUPS)
    return await build_digest(store, IsoWeek.parse(fx.WEEK), config), rows


async def test_headline_counts_messages_and_people_per_channel(store: Store) -> None:
    digest, rows = await _digest(store)
    weeks = fx.weeks_before(fx.WEEK, 4)
    messages = fx.count_by(rows, "week", "channel")
    people = Counter((w, c) for w, c, _ in {(r.week, r.channel, r.sender) for r in rows})
    for line in digest.headline[:-1]:
        c = line.channel
        assert line.messages == messages[(weeks[0], c)]
        assert line.people == people[(weeks[0], c)]
        assert line.last_week == messages[(weeks[1], c)]
        assert line.average_4w == round(sum(messages[(w, c)] for w in weeks[1:]) / 4, 2)
        assert line.link == f"/inbox/messages?channel={c}&week={fx.WEEK}"
    total = digest.headline[-1]
    assert (total.channel, total.messages) == ("all", sum(r.week == weeks[0] for r in rows))
    assert total.change_last_week == round(
        100 * (total.messages - total.last_week) / total.last_week, 1
    )


async def test_week_boundaries_follow_london_time_across_the_clock_change(store: Store) -> None:
    digest, rows = await _digest(store)
    assert digest.starts == "2026-10-26T00:00:00+00:00"
    assert digest.ends == "2026-11-02T00:00:00+00:00"
    w43 = next(s for s in digest.sentiment if s.week == "2026-W43")
    assert w43.total == sum(r.week == "2026-W43" for r in rows)  # includes Mon 00:30 BST
    assert [fx.Row.week.fget(r) for r in rows[-31:-25]] == [  # type: ignore[attr-defined]
        "2026-W42",
        "2026-W43",
        "2026-W43",
        "2026-W44",
        "2026-W44",
        "2026-W45",
    ]


async def test_sentiment_shares_for_eight_weeks_and_net_per_topic(store: Store) -> None:
    digest, rows = await _digest(store)
    weeks = list(reversed(fx.weeks_before(fx.WEEK, 7)))
    assert [s.week for s in digest.sentiment] == weeks
    for s in digest.sentiment:
        counts = Counter(r.mood for r in rows if r.week == s.week)
        assert s.counts == {**{m: counts[m] for m in fx.MOODS}, "unsure": counts["unsure"]}
        total = sum(counts[m] for m in fx.MOODS)
        assert s.shares == {m: round(100 * counts[m] / total, 1) for m in fx.MOODS}
    for t in digest.topics:
        mine = [r for r in rows if r.week == fx.WEEK and r.topic == t.topic]
        pos, neg = sum(r.mood == "positive" for r in mine), sum(r.mood == "negative" for r in mine)
        assert t.count == len(mine)
        assert t.net_sentiment == (round(100 * (pos - neg) / len(mine), 1) if mine else None)


async def test_topics_change_and_rising(store: Store) -> None:
    digest, rows = await _digest(store)
    weeks = fx.weeks_before(fx.WEEK, 8)
    counts = fx.count_by(rows, "week", "topic")
    for t in digest.topics:
        history = [counts[(w, t.topic)] for w in weeks[1:]]
        assert t.last_week == history[0]
        assert t.usual == round(sum(history) / 8, 2)
    assert digest.rising == ["printing"]
    assert digest.topics[0].topic == "printing"
    assert digest.topics[0].link == f"/inbox/messages?topic=printing&week={fx.WEEK}"


async def test_quotes_are_confident_scrubbed_and_pseudonymous(store: Store) -> None:
    digest, rows = await _digest(store)
    top = [t.topic for t in digest.topics if t.topic != "unsure"][:3]
    assert {q.topic for q in digest.quotes} == set(top)
    for topic in top:
        quotes = [q for q in digest.quotes if q.topic == topic]
        confident = [
            r for r in rows if r.week == fx.WEEK and r.topic == topic and r.confidence >= 0.7
        ]
        assert len(quotes) == min(3, len(confident))
    text = " ".join(q.text for q in digest.quotes)
    assert "@" not in text and "s1234567" not in text and "07700" not in text
    assert all(q.who.startswith("Person ") and "p" not in q.who[7:] for q in digest.quotes)
    assert all(q.link.startswith("/inbox/messages?message=") for q in digest.quotes)


async def test_customer_groups_and_quiet_channels(store: Store) -> None:
    digest, rows = await _digest(store)
    group_of = {"telegram": "students", "slack": "staff", "widget": "public", "x": "unknown"}
    counts = Counter(group_of[r.channel] for r in rows if r.week == fx.WEEK)
    assert {g.group: g.messages for g in digest.groups} == dict(counts)
    assert {c.group for c in digest.channels} == set(fx.CHANNELS)


async def test_polls_of_the_week_with_answers_per_channel_and_csat(store: Store) -> None:
    closes = datetime(2026, 10, 30, 12, tzinfo=UTC)
    poll_id = await store.polls.create(
        targets=[Target("telegram", "-100200"), Target("slack", "C1")],
        options=[(str(n), str(n)) for n in range(1, 6)],
        question="How was the help desk?",
        kind="csat",
        status="open",
        closes_at=closes,
    )
    answers = [
        ("telegram", "a", "5"),
        ("telegram", "b", "4"),
        ("slack", "c", "2"),
        ("slack", "d", "5"),
    ]
    recorded = await store.messages.record(
        events=[_vote(poll_id, *a, n) for n, a in enumerate(answers)]
    )
    await store.polls.cast(message_ids=[r.message_id for r in recorded], choose=chosen)
    digest = await build_digest(store, IsoWeek.parse(fx.WEEK), DigestConfig(zone=fx.LONDON))
    [poll] = digest.polls
    assert (poll.question, poll.responses, poll.csat) == ("How was the help desk?", 4, 75.0)
    assert poll.answers == {"telegram": {"5": 1, "4": 1}, "slack": {"2": 1, "5": 1}}
    assert [t.team for t in digest.queue.teams] == ["all"] and digest.queue.waiting == []
    assert not digest.empty


async def test_the_consent_question_polls_are_not_in_the_poll_section(store: Store) -> None:
    await asked_consent(
        store, people=50, yes=30, no=10, voted_at=datetime(2026, 10, 28, tzinfo=UTC)
    )
    closes = datetime(2026, 10, 30, 12, tzinfo=UTC)
    await store.polls.create(
        targets=[Target("widget")],
        options=[("yes", "Yes"), ("no", "No")],
        question="Open on Sundays?",
        kind="yes_no",
        status="open",
        closes_at=closes,
    )
    digest = await build_digest(store, IsoWeek.parse(fx.WEEK), DigestConfig(zone=fx.LONDON))
    assert [p.question for p in digest.polls] == ["Open on Sundays?"]


async def test_an_empty_week_is_marked_empty(store: Store) -> None:
    digest = await build_digest(store, IsoWeek.parse(fx.WEEK), DigestConfig(zone=fx.LONDON))
    assert digest.empty and digest.headline[-1].messages == 0


def _vote(poll_id: int, channel: str, sender: str, key: str, n: int) -> InboundEvent:
    address = Address(Channel(channel), chat="c", kind=ConversationKind.GROUP)
    return InboundEvent(
        channel=Channel(channel),
        platform_id=f"vote-{n}",
        kind=EventKind.VOTE,
        sender=sender,
        address=address,
        vote=Vote(poll_ref(poll_id), (key,)),
    )
