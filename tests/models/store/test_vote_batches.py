"""Casting a batch of votes (SQLite and PostgreSQL): worked out in order, written at once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.events import poll_id_of, poll_ref, utcnow
from handlers.polls.answers import chosen
from models.store import Store
from models.store.polls.definitions import Target
from models.store.polls.votes import Outcome
from tests.support.events import vote


@pytest.fixture
def vote_writes() -> Iterator[list[str]]:
    """The statements that write the votes table, as sent to the database."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO VOTES"):
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    yield seen
    event.remove(Engine, "before_cursor_execute", note)


async def multi_poll(store: Store) -> str:
    poll_id = await store.polls.create(
        targets=[Target("slack", "C1")],
        options=[("a", "A"), ("b", "B"), ("c", "C")],
        question="Which days?",
        kind="multi",
        status="open",
    )
    return poll_ref(poll_id)


async def test_a_batch_applies_each_persons_taps_in_order_with_one_write(
    store: Store, vote_writes: list[str]
) -> None:
    ref, now = await multi_poll(store), utcnow()

    def tap(pid: str, sender: str, key: str, minutes: int) -> Any:
        event = vote(pid=pid, sender=sender, options=(f"{ref}:{key}",))
        return replace(
            event,
            vote=replace(event.vote, poll_ref=ref),
            occurred_at=now + timedelta(minutes=minutes),
        )

    taps = [
        tap("1", "U1", "a", 1),
        tap("2", "U1", "b", 2),
        tap("3", "U1", "a", 3),  # takes "a" back
        tap("4", "U2", "c", 5),
        tap("5", "U2", "a", 4),  # older than U2's "c": the later answer stands
        tap("6", "U3", "b", 1),
        tap("7", "U3", "b", 2),  # takes "b" back: nothing left
    ]
    recorded = await store.messages.record(events=taps)
    casts = await store.polls.cast(message_ids=[r.message_id for r in recorded], choose=chosen)
    assert [c.options for c in casts] == [("a",), ("a", "b"), ("b",), ("c",), ("c",), ("b",), ()]
    assert [c.outcome for c in casts][-1] == Outcome.RETRACTED
    assert len({c.vote_id for c in casts}) == 3
    assert len(vote_writes) == 1
    again = await store.polls.cast(message_ids=[recorded[0].message_id], choose=chosen)
    assert again[0].options == ("b",) and again[0].vote_id == casts[0].vote_id


async def test_a_tap_applied_once_is_not_applied_again(store: Store) -> None:
    """A retried batch (the processor failed after casting) must not toggle an option twice:
    the tap that took "a" back, cast again, leaves the answer as it was and says so."""
    ref = await multi_poll(store)
    taps = [
        replace(vote(pid=pid, sender="U1", options=(f"{ref}:{key}",)), occurred_at=utcnow())
        for pid, key in (("1", "a"), ("2", "b"), ("3", "a"))
    ]
    taps = [replace(t, vote=replace(t.vote, poll_ref=ref)) for t in taps]
    recorded = await store.messages.record(events=taps)
    ids = [r.message_id for r in recorded]
    first = await store.polls.cast(message_ids=ids, choose=chosen)
    again = await store.polls.cast(message_ids=ids[2:], choose=chosen)
    assert first[-1].options == ("b",)
    assert again[0].options == ("b",) and again[0].vote_id == first[-1].vote_id
    assert await store.polls.votes(poll_id=poll_id_of(ref) or 0) == [("telegram", ["b"])]


async def test_votes_recorded_with_their_meaning_are_counted_in_the_same_transaction(
    store: Store,
) -> None:
    """Recording with ``count_votes`` counts the new votes at once; casting them afterwards
    (as the processor does, to answer the voter) counts nothing twice, and a duplicate
    delivery of a tap counts nothing at all."""
    ref = await multi_poll(store)
    taps = [
        replace(vote(pid=pid, sender=who, options=(f"{ref}:{key}",)), occurred_at=utcnow())
        for pid, who, key in (("1", "U1", "a"), ("2", "U2", "b"), ("3", "U1", "c"))
    ]
    taps = [replace(t, vote=replace(t.vote, poll_ref=ref)) for t in taps]
    recorded = await store.messages.record(events=taps, count_votes=chosen)
    poll_id = poll_id_of(ref) or 0
    assert sorted(await store.polls.votes(poll_id=poll_id)) == [
        ("telegram", ["a", "c"]),
        ("telegram", ["b"]),
    ]
    await store.messages.record(events=taps[:1], count_votes=chosen)  # Slack retried a tap
    casts = await store.polls.cast(message_ids=[r.message_id for r in recorded], choose=chosen)
    assert [c.options for c in casts] == [("a", "c"), ("b",), ("a", "c")]
    assert [c.outcome for c in casts] == [Outcome.COUNTED] * 3
    assert sorted(await store.polls.votes(poll_id=poll_id)) == [
        ("telegram", ["a", "c"]),
        ("telegram", ["b"]),
    ]
