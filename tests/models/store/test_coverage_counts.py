"""Coverage counts on SQLite and PostgreSQL read each message's newest classifier topic from
``messages.newest_topic`` (kept by ``classifications.save``): after a reclassification, a staff
relabel and an erasure they still equal the counts worked out from the raw rows, the newest
classification of each message by id; a segment by topic counts what the digest's labels
say (a relabel, else the newest verdict); and migration 0030 fills the column from what was
stored before it."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from bot.events import Channel
from models.classification import Classification as Verdict
from models.store import Store
from models.store.digest.figures import Window, labelled
from models.store.migrate import alembic_config, upgrade_async
from models.store.people.coverage import Heard
from models.store.reach.segment import Segment
from models.store.rights.scope import Who
from models.store.tables import Classification, Contact, Correction, Message
from tests.support.events import message

KEY = b"coverage-counts-key"
SINCE = datetime(2000, 1, 1, tzinfo=UTC)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=KEY) as s:
        yield s


def _verdict(topic: str) -> Verdict:
    return Verdict("neutral", {}, topic, 0.7, "v1")


def _from_raw_rows(conn: Connection, since: datetime, until: datetime) -> Heard:
    """The counts as the definition has them, worked out in Python from every stored row."""
    newest: dict[int, tuple[int, str]] = {}
    for cid, mid, topic in conn.execute(
        select(Classification.id, Classification.message_id, Classification.topic)
    ):
        if mid not in newest or cid > newest[mid][0]:
            newest[mid] = (cid, topic)
    group = {i: g or "" for i, g in conn.execute(select(Contact.id, Contact.customer_group))}
    people, channels, topics = defaultdict(set), defaultdict(set), defaultdict(set)
    wrote = select(Message.id, Message.contact_id, Message.channel, Message.occurred_at).where(
        Message.direction == "in", Message.kind == "message", Message.contact_id.is_not(None)
    )
    for mid, who, channel, at in conn.execute(wrote):
        if not since <= at < until:
            continue
        g = group[who]
        people[g].add(who)
        channels[(g, channel)].add(who)
        topics[(g, newest[mid][1] if mid in newest else "")].add(who)

    def sizes(found: dict) -> dict:  # type: ignore[type-arg]
        return {k: len(v) for k, v in found.items()}

    return Heard(sizes(people), sizes(channels), sizes(topics))


async def _check(store: Store) -> Heard:
    until = datetime.now(UTC) + timedelta(minutes=1)
    heard = await store.people.heard(since=SINCE, until=until, topics=True)
    assert heard == await store.read(_from_raw_rows, SINCE, until)
    return heard


async def _newest_topics(store: Store) -> dict[int, str | None]:
    query = select(Message.id, Message.newest_topic)
    return dict(await store.read(lambda c: [tuple(r) for r in c.execute(query)]))


async def test_counts_follow_reclassification_relabels_and_erasure(store: Store) -> None:
    events = [
        message("the printers jam", pid="a1", sender="U1"),
        message("wifi drops", pid="a2", sender="U1"),
        message("wifi drops too", pid="b1", sender="U2"),
        message("not yet read", pid="c1", sender="U3"),
        message("books overdue", pid="t1", sender="55", chat="55", channel=Channel.TELEGRAM),
    ]
    a1, a2, b1, c1, t1 = (r.message_id for r in await store.messages.record(events=events))
    writers = select(Message.contact_id).where(Message.id.in_([a1, b1]))
    students = await store.read(lambda c: [int(i) for i in c.execute(writers).scalars()])
    await store.people.place(contact_ids=students, group="undergraduate", source="import")
    await store.classifications.save(
        verdicts=[(a1, _verdict("printing")), (a2, _verdict("wifi")), (b1, _verdict("wifi"))]
    )
    await store.classifications.save(verdicts=[(t1, _verdict("loans"))])
    heard = await _check(store)
    assert heard.topics[("undergraduate", "wifi")] == 2
    assert ("", "") in heard.topics  # U3's message, not yet classified

    # reclassified (the newest verdict counts; two in one call: the later one)
    await store.classifications.save(verdicts=[(a2, _verdict("printing"))])
    await store.classifications.save(verdicts=[(b1, _verdict("noise")), (b1, _verdict("access"))])
    await store.classifications.save(verdicts=[(c1, _verdict("wifi"))])
    assert await _newest_topics(store) == {
        a1: "printing",
        a2: "printing",
        b1: "access",
        c1: "wifi",
        t1: "loans",
    }
    heard = await _check(store)
    assert heard.topics[("undergraduate", "printing")] == 1
    assert ("undergraduate", "wifi") not in heard.topics

    # a staff relabel is the segment's business; coverage counts the classifier's topic
    relabel = insert(Correction).values(
        message_id=a1, field="topic", value="wifi", staff="lead", created_at=datetime.now(UTC)
    )
    await store.people._durable.write(lambda c: c.execute(relabel))
    assert heard == await _check(store)

    # an erased person keeps the aggregate counts (their group link goes)
    await store.rights.erase_person(who=Who(channel="slack", user="U1"), actor="test")
    after = await _check(store)
    assert sum(after.people.values()) == sum(heard.people.values())


async def test_migration_0030_fills_the_newest_topic_from_stored_classifications(
    db_url: str,
) -> None:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=KEY) as store:
        events = [message("one", pid="m1", sender="U1"), message("two", pid="m2", sender="U2")]
        m1, m2 = (r.message_id for r in await store.messages.record(events=events))
        await store.classifications.save(verdicts=[(m1, _verdict("wifi")), (m2, _verdict("x"))])
        await store.classifications.save(verdicts=[(m1, _verdict("printing"))])
    await asyncio.to_thread(command.downgrade, alembic_config(db_url), "0029")
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=KEY) as store:
        assert await _newest_topics(store) == {m1: "printing", m2: "x"}
        await _check(store)


def _raised_by_labels(conn: Connection, topics: tuple[str, ...], since: datetime) -> int:
    """Who raised one of ``topics`` by the digest's labels (a relabel, else the classifier's
    newest verdict): the definition the segment's index seeks must agree with."""
    until = datetime.now(UTC) + timedelta(minutes=1)
    lab = labelled(Window((since,), until), 1, conn.dialect.name)
    writers = select(lab.c.contact_id).where(lab.c.topic.in_(topics)).distinct().subquery()
    return int(conn.execute(select(func.count()).select_from(writers)).scalar_one())


async def test_a_segment_by_topic_counts_relabels_and_the_newest_verdict(store: Store) -> None:
    events = [message(f"text {i}", pid=f"s{i}", sender=f"U{i}") for i in range(6)]
    ids = [r.message_id for r in await store.messages.record(events=events)]
    await store.classifications.save(
        verdicts=[
            (m, _verdict(t))
            for m, t in zip(ids[:5], ("wifi", "wifi", "printing", "wifi", "access"), strict=True)
        ]
    )
    await store.classifications.save(verdicts=[(ids[1], _verdict("printing"))])  # out of wifi
    fixes = [(ids[2], "wifi"), (ids[3], "wifi"), (ids[3], "loans"), (ids[5], "wifi")]
    for mid, value in fixes:  # in, in then out again, and an unclassified one relabelled
        relabel = insert(Correction).values(
            message_id=mid, field="topic", value=value, staff="lead", created_at=datetime.now(UTC)
        )
        await store.people._durable.write(lambda c, r=relabel: c.execute(r))
    until = datetime.now(UTC) + timedelta(minutes=1)
    expected = {("wifi",): 3, ("printing",): 1, ("loans",): 1, ("wifi", "access"): 4}
    for topics, n in expected.items():
        assert await store.reach.count(segment=Segment(topics=topics), until=until) == n
        assert await store.read(_raised_by_labels, topics, SINCE) == n
    later = Segment(topics=("wifi",), raised_since=until)
    assert await store.reach.count(segment=later, until=until + timedelta(minutes=1)) == 0
