"""The group commit: one event the store refuses costs only its own caller, on both databases."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy import text

from bot.channel import Receipt
from bot.events import Address, Channel, InboundEvent, poll_ref
from bot.storable import Unstorable
from handlers.metrics import Metrics
from handlers.polls.answers import chosen
from handlers.record import Recorder
from models.store import Store
from models.store.polls.definitions import Target
from tests.support.events import message, vote


def raw_bad_events() -> dict[str, InboundEvent]:
    """Events no translator would hand over: each can break a shared transaction."""
    base = message(pid="bad")
    return {
        "surrogate text": dataclasses.replace(base, platform_id="b1", text="hi \udce9"),
        "surrogate name": dataclasses.replace(base, platform_id="b2", sender_name="\ud83d"),
        "surrogate chat": dataclasses.replace(
            base, platform_id="b3", address=Address(Channel.SLACK, "C\udfff")
        ),
        "naive time": dataclasses.replace(base, platform_id="b5", occurred_at=datetime(2025, 1, 1)),
    }


def postgres_only_bad_events() -> dict[str, InboundEvent]:
    """Events SQLite keeps but PostgreSQL refuses (NUL, VARCHAR(255) lengths)."""
    base = message(pid="bad")
    return {
        "NUL text": dataclasses.replace(base, platform_id="p1", text="a\x00b"),
        "NUL sender": dataclasses.replace(base, platform_id="p2", sender="U\x00"),
        "long id": dataclasses.replace(base, platform_id="p" * 300),
        "long thread": dataclasses.replace(
            base, platform_id="p4", address=Address(Channel.SLACK, "C1", thread="t" * 300)
        ),
    }


@pytest.fixture
async def recorder(store: Store) -> AsyncIterator[tuple[Recorder, Metrics]]:
    metrics = Metrics()
    recorder = Recorder(store, metrics, max_batch=64)
    recorder.start()
    yield recorder, metrics
    await recorder.stop()


def not_stored(metrics: Metrics, reason: str) -> float:
    value = metrics.registry.get_sample_value(
        "feedbot_events_not_stored_total", {"channel": "slack", "reason": reason}
    )
    return value or 0.0


async def test_refused_events_fail_alone_and_the_rest_are_stored_once(
    store: Store, recorder: tuple[Recorder, Metrics], caplog: pytest.LogCaptureFixture
) -> None:
    rec, metrics = recorder
    bad = raw_bad_events()
    kept_by_sqlite = postgres_only_bad_events()
    if store.dialect == "postgresql":
        bad |= kept_by_sqlite
        kept_by_sqlite = {}
    good = [message(f"message {i}", pid=f"g{i}", sender=f"U{i % 7}") for i in range(150)]
    mixed = good[:50] + list(bad.values()) + good[50:] + list(kept_by_sqlite.values())
    with caplog.at_level(logging.WARNING, logger="handlers.record"):
        results = await asyncio.gather(*(rec.record(e) for e in mixed), return_exceptions=True)
    outcome = dict(zip((e.platform_id for e in mixed), results, strict=True))
    assert all(isinstance(outcome[e.platform_id], Unstorable) for e in bad.values()), outcome
    assert all(
        isinstance(r, Receipt) and not r.duplicate
        for e, r in zip(mixed, results, strict=True)
        if e.platform_id not in {b.platform_id for b in bad.values()}
    )
    stored = [m.platform_id for m in await store.messages.find(limit=10_000)]
    assert sorted(stored) == sorted(e.platform_id for e in good + list(kept_by_sqlite.values()))
    assert not_stored(metrics, "unstorable") == len(bad)
    lines = [r for r in caplog.records if "not stored" in r.getMessage()]
    assert len(lines) == len(bad) and not any(r.exc_info for r in lines)


async def test_a_broken_store_is_not_the_sender_s_fault(
    store: Store, recorder: tuple[Recorder, Metrics]
) -> None:
    rec, metrics = recorder

    def break_store(conn: object) -> None:
        conn.execute(text("ALTER TABLE messages RENAME TO messages_gone"))  # type: ignore[attr-defined]
        conn.commit()  # type: ignore[attr-defined]

    await store.read(break_store)
    results = await asyncio.gather(
        *(rec.record(message(pid=f"m{i}")) for i in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, Exception) and not isinstance(r, Unstorable) for r in results)
    assert not_stored(metrics, "store_error") == 3


async def test_votes_are_counted_as_they_are_stored_and_stored_even_when_counting_fails(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """With ``count_votes`` a tap is in the results once its caller has its receipt; a batch
    whose counting fails is stored without it (nothing lost), for the processor to count."""
    poll_id = await store.polls.create(
        targets=[Target("telegram", "777")],
        options=[("yes", "Yes"), ("no", "No")],
        question="Open later?",
        kind="yesno",
        status="open",
    )
    ref = poll_ref(poll_id)

    def tap(pid: str, who: str, key: str) -> InboundEvent:
        event = vote(pid=pid, sender=who, options=(f"{ref}:{key}",))
        assert event.vote is not None
        return dataclasses.replace(event, vote=dataclasses.replace(event.vote, poll_ref=ref))

    def broken(*_: object) -> tuple[str, ...]:
        raise RuntimeError("meaning unknown")

    for count_votes, pids in ((chosen, ("t1", "t2")), (broken, ("t3", "t4"))):
        rec = Recorder(store, Metrics(), max_batch=64, count_votes=count_votes)
        rec.start()
        with caplog.at_level(logging.WARNING, logger="handlers.record"):
            receipts = await asyncio.gather(*(rec.record(tap(p, p, "yes")) for p in pids))
        await rec.stop()
        assert all(isinstance(r, Receipt) and not r.duplicate for r in receipts)
    assert sorted(await store.polls.votes(poll_id=poll_id)) == [("telegram", ["yes"])] * 2
    assert "counting on arrival failed" in caplog.text
    stored = [m.id for m in await store.messages.find(kinds=("vote",), limit=10)]
    casts = await store.polls.cast(message_ids=sorted(stored), choose=chosen)
    assert [c.options for c in casts] == [("yes",)] * 4
    assert len(await store.polls.votes(poll_id=poll_id)) == 4
