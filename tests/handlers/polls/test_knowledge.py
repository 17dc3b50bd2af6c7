"""What we already know about a question, on SQLite and PostgreSQL: earlier polls on a similar
question with their results; recent messages on the subject with their sentiment (the
in-process matrix topped up by id, the window bounded); who on the chosen channels was asked
lately; leads only; no classifier, no comparison (and no crash)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.events import Address, Channel, ConversationKind, EventKind, InboundEvent
from handlers.inbox.roles import Actor, Forbidden
from handlers.polls.knowledge import Knowledge
from handlers.polls.recent_vectors import RecentVectors
from models.store import Store
from models.store.polls.definitions import Target
from models.store.rights.scope import Who
from models.store.tables import Message
from tests.fakes.embedder import EmbeddingClassifier

LEAD = Actor(id=1, role="lead")


async def said(
    store: Store, texts: list[str], *, first: int = 0, ago: timedelta | None = None
) -> list[int]:
    """Store widget messages (received ``ago`` back), classified and embedded by the fake."""
    events = [
        InboundEvent(
            channel=Channel.WIDGET,
            platform_id=f"m-{first + n}",
            kind=EventKind.MESSAGE,
            sender=f"person-{first + n}",
            address=Address(Channel.WIDGET, chat=f"s-{first + n}", kind=ConversationKind.DIRECT),
            text=text,
        )
        for n, text in enumerate(texts)
    ]
    ids = [r.message_id for r in await store.messages.record(events=events)]
    verdicts = await EmbeddingClassifier().classify(texts)
    await store.classifications.save(verdicts=list(zip(ids, verdicts, strict=True)))
    if ago is not None:
        back = datetime.now(UTC) - ago
        moved = update(Message).where(Message.id.in_(ids)).values(received_at=back)
        await store._db.write(lambda conn: conn.execute(moved))
    return ids


async def test_an_earlier_poll_and_recent_messages_on_the_subject(store: Store) -> None:
    month_ago = datetime.now(UTC) - timedelta(days=30)
    wifi_poll = await store.polls.create(
        targets=[Target("widget")], options=[("yes", "Yes"), ("no", "No")],
        question="Is the wifi in the library good enough?", kind="yes_no", status="closed",
        opens_at=month_ago,
    )  # fmt: skip
    await store.polls.create(
        targets=[Target("widget")], options=[("yes", "Yes"), ("no", "No")],
        question="Would you come on Sunday mornings?", kind="yes_no",
    )  # fmt: skip
    await store.polls.save_counts(poll_id=wifi_poll, channel="x", counts={"yes": 1, "no": 3})
    old = await said(store, ["wifi broken again"], ago=timedelta(weeks=10))
    recent = await said(store, ["the wifi is awful", "wifi fine today, thanks"], first=10)
    await said(store, ["the printer is broken"], first=20)
    recent_vectors = RecentVectors(store)
    knowledge = Knowledge(store, EmbeddingClassifier(), recent_vectors)
    now = datetime.now(UTC)
    known = await knowledge.about(LEAD, "Are you happy with the library wifi?", ["widget"], now)
    assert [p.results.poll_id for p in known.polls] == [wifi_poll]
    assert known.polls[0].results.responses == 4 and known.polls[0].asked_on == month_ago.date()
    assert known.related is not None and known.related.count == 2
    assert known.related.sentiments == {"negative": 1, "positive": 1}
    assert sorted(q.message_id for q in known.related.quotes) == sorted(recent)
    assert old[0] not in [q.message_id for q in await knowledge.messages(LEAD, "wifi", now)]
    assert known.asked.people == 4 and known.asked.asked == 0
    more = await said(store, ["no wifi on floor 3"], first=30)
    again = await knowledge.about(LEAD, "Are you happy with the library wifi?", ["widget"], now)
    assert again.related is not None and again.related.count == 3  # topped up by id
    listed = await knowledge.messages(LEAD, "library wifi", now)
    assert {q.message_id for q in listed} == {*recent, *more}
    assert recent_vectors.rows == 4  # the ten-week-old message is outside the window
    await store.rights.erase_person(who=Who(channel="widget", user="person-30"), actor="test")
    erased = await knowledge.about(LEAD, "Are you happy with the library wifi?", ["widget"], now)
    assert erased.related is not None and erased.related.count == 2  # never shown or counted
    assert more[0] not in [q.message_id for q in await knowledge.messages(LEAD, "wifi", now)]


async def test_leads_only_and_no_classifier_no_comparison(store: Store) -> None:
    await said(store, ["the wifi is awful"])
    asked = await store.messages.find(limit=1)
    contact = asked[0].contact_id
    assert contact is not None
    await store.reach.record(contact_ids=[contact], kind="poll", at=datetime.now(UTC))
    blind = Knowledge(store, None, RecentVectors(store))
    known = await blind.about(LEAD, "Is the wifi good?", ["widget"], datetime.now(UTC))
    assert not known.can_compare and not known.anything
    assert (known.asked.asked, known.asked.people) == (1, 1)
    assert await blind.messages(LEAD, "wifi", datetime.now(UTC)) == []
    with pytest.raises(Forbidden):
        await blind.about(Actor(id=2, role="agent"), "wifi", ["widget"], datetime.now(UTC))
