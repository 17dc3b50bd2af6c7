"""Named leases on SQLite and PostgreSQL: one holder at a time, renewed, lapsing, given up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.events import utcnow
from models.store import Store
from models.store.migrate import upgrade_async

TTL = timedelta(seconds=30)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url) as s:
        yield s


async def test_one_holder_until_it_lapses_then_another(store: Store) -> None:
    now, leases = utcnow(), store.leases
    assert await leases.acquire(name="job.a", holder="p1", now=now, ttl=TTL)
    assert not await leases.acquire(name="job.a", holder="p2", now=now + TTL / 2, ttl=TTL)
    assert await leases.acquire(name="job.a", holder="p1", now=now + TTL / 2, ttl=TTL)  # renewed
    assert not await leases.acquire(name="job.a", holder="p2", now=now + TTL, ttl=TTL)
    held = await leases.held(name="job.a")
    assert held is not None and (held.holder, held.lease_until) == ("p1", now + TTL * 1.5)
    assert held.acquired_at == now  # renewing keeps the time it was first taken
    later = now + TTL * 2
    assert await leases.acquire(name="job.a", holder="p2", now=later, ttl=TTL)  # lapsed: taken
    assert not await leases.acquire(name="job.a", holder="p1", now=later, ttl=TTL)
    taken = await leases.held(name="job.a")
    assert taken is not None and (taken.holder, taken.acquired_at) == ("p2", later)


async def test_names_are_independent_and_a_release_frees_at_once(store: Store) -> None:
    now, leases = utcnow(), store.leases
    assert await leases.acquire(name="job.a", holder="p1", now=now, ttl=TTL)
    assert await leases.acquire(name="job.b", holder="p2", now=now, ttl=TTL)
    assert not await leases.release(name="job.a", holder="p2", now=now)  # not p2's to give up
    assert not await leases.acquire(name="job.a", holder="p2", now=now, ttl=TTL)
    assert await leases.release(name="job.a", holder="p1", now=now)
    assert await leases.acquire(name="job.a", holder="p2", now=now, ttl=TTL)
    assert await leases.held(name="job.c") is None


async def test_of_many_processes_racing_for_one_lease_exactly_one_wins(db_url: str) -> None:
    await upgrade_async(db_url)
    now = utcnow()
    async with Store.open(db_url) as first, Store.open(db_url) as second:
        for n, at in enumerate((now, now + TTL * 2, now + TTL * 4)):  # free, then lapsed twice
            name = "connection.telegram"
            tries = [
                s.leases.acquire(name=name, holder=f"p{n}-{i}", now=at, ttl=TTL)
                for i, s in enumerate([first, second] * 8)
            ]
            won = await asyncio.gather(*tries)
            assert won.count(True) == 1, f"round {n}: {won}"
