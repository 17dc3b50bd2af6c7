"""store.embeddings and store.reach on SQLite and PostgreSQL: each message's embedding is stored
with its classification and read back by message or by week, and erased with the person; the
contact ledger counts how often each person was asked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import numpy as np
import pytest

from bot.events import utcnow
from models.classification import Classification
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.rights.scope import Who
from tests.support.events import message

KEY = b"embeddings-test-key"


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=KEY) as s:
        yield s


def _verdict(vector: list[float] | None) -> Classification:
    embedding = None if vector is None else np.asarray(vector, dtype=np.float32)
    return Classification("neutral", {}, "other", 0.5, "v1", embedding=embedding)


async def test_embeddings_are_kept_with_classifications_and_read_back(store: Store) -> None:
    texts = ("the top-up page fails", "printing credit will not load", "ok")
    recorded = await store.messages.record(
        events=[message(t, pid=f"e-{i}") for i, t in enumerate(texts)]
    )
    a, b, c = (r.message_id for r in recorded)
    await store.classifications.save(
        verdicts=[
            (a, _verdict([0.6, 0.8, 0.0])),
            (b, _verdict([0.0, 0.6, 0.8])),
            (c, _verdict(None)),
        ]
    )
    ids, vectors = await store.embeddings.of_messages(message_ids=[c, b, a])
    assert ids == [a, b]  # the one read as unsure has none
    assert vectors.dtype == np.float32 and vectors.shape == (2, 3)
    assert np.allclose(vectors, [[0.6, 0.8, 0.0], [0.0, 0.6, 0.8]], atol=1e-3)  # float16 kept
    now = utcnow()
    week, _ = await store.embeddings.received_between(
        since=now - timedelta(days=7), until=now + timedelta(minutes=1)
    )
    assert week == [a, b]
    assert (
        await store.embeddings.received_between(
            since=now + timedelta(minutes=1), until=now + timedelta(days=1)
        )
    )[0] == []
    await store.classifications.save(verdicts=[(a, _verdict([1.0, 0.0, 0.0]))])  # reclassified
    _, again = await store.embeddings.of_messages(message_ids=[a])
    assert np.allclose(again, [[1.0, 0.0, 0.0]])


async def test_a_persons_embeddings_are_erased_with_them(store: Store) -> None:
    [r] = await store.messages.record(events=[message("my own words", pid="erase-1")])
    await store.classifications.save(verdicts=[(r.message_id, _verdict([0.0, 1.0]))])
    await store.rights.erase_person(who=Who(channel="slack", user="U123"), actor="test")
    assert (await store.embeddings.of_messages(message_ids=[r.message_id]))[0] == []


async def test_the_ledger_counts_contacts_per_person_since_a_time(store: Store) -> None:
    recorded = await store.messages.record(
        events=[message("hi", pid="l-1"), message("hello", pid="l-2", sender="U999")]
    )
    views = {m.id: m.contact_id for m in await store.messages.find()}
    one, two = (views[r.message_id] for r in recorded)
    assert one is not None and two is not None and one != two
    now = utcnow()
    await store.reach.record(
        contact_ids=[one, two], kind="poll", ref="7", at=now - timedelta(days=10)
    )
    await store.reach.record(contact_ids=[one], kind="csat", at=now)
    assert await store.reach.asked_since(since=now - timedelta(days=14)) == {one: 2, two: 1}
    assert await store.reach.asked_since(since=now - timedelta(days=7), contact_ids=[one, two]) == {
        one: 1
    }
    with pytest.raises(ValueError, match="unknown contact kind"):
        await store.reach.record(contact_ids=[one], kind="spam", at=now)
