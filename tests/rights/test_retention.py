"""Retention with the clock set forward: old texts become a marker, silent people's addresses
and closed items' notes go, counts and poll results stay; a dry run changes nothing; the daily
job runs once however many processes share the database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.events import utcnow
from handlers.retention import RetentionJob, cutoff
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.rights.retention import EXPIRED
from models.store.tables import Message
from tests.rights.world import NEEDLES, TEXTS, build, figures
from tests.support import scan

KEY = b"k" * 32


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=KEY) as s:
        yield s


def forward(days: int) -> timedelta:
    return timedelta(days=days)


async def test_a_dry_run_counts_and_changes_nothing(store: Store) -> None:
    await build(store)
    before = await store.read(scan.find, NEEDLES)
    limit = cutoff(utcnow() + forward(400), 365)
    assert limit is not None
    found = await store.rights.retention(cutoff=limit, dry_run=True)
    assert (found.texts, found.addresses, found.notes, found.replies) == (found.texts, 3, 1, 1)
    assert found.texts >= 3
    assert await store.read(scan.find, NEEDLES) == before


async def test_old_texts_become_a_marker_and_the_counts_stay(store: Store) -> None:
    world = await build(store)
    stats, votes = await store.read(figures(store)), await store.polls.votes(poll_id=world.poll_id)
    limit = cutoff(utcnow() + forward(400), 365)
    assert limit is not None
    done = await store.rights.retention(cutoff=limit, dry_run=False)
    query = select(Message.text).where(Message.kind == "message", Message.direction == "in")
    texts = await store.read(lambda c: set(c.execute(query).scalars()))
    assert texts == {EXPIRED}
    assert await store.read(figures(store)) == stats
    assert await store.polls.votes(poll_id=world.poll_id) == votes
    left = {(t, n) for t, _, n in await store.read(scan.find, TEXTS)}
    assert left == {("outbox", TEXTS[2]), ("outbox", TEXTS[4])}  # still to be sent: kept
    again = await store.rights.retention(cutoff=limit, dry_run=True)
    assert (again.texts, again.addresses, again.notes, again.replies) == (0, 0, 0, 0)
    assert done.texts > 0


async def test_nothing_within_the_period_is_touched(store: Store) -> None:
    await build(store)
    before = await store.read(scan.find, NEEDLES)
    limit = cutoff(utcnow(), 365)
    assert limit is not None and cutoff(utcnow(), 0) is None
    found = await store.rights.retention(cutoff=limit, dry_run=False)
    assert (found.texts, found.addresses, found.notes) == (0, 0, 0)
    assert await store.read(scan.find, NEEDLES) == before


async def test_the_daily_job_runs_once_across_processes(store: Store, db_url: str) -> None:
    await build(store)
    later = utcnow() + forward(400)
    async with Store.open(db_url, pseudonym_key=KEY) as other:
        jobs = [RetentionJob(s, days=365) for s in (store, other)]
        results = await asyncio.gather(*(j.run_at(later) for j in jobs))
        assert sorted(r is not None for r in results) == [False, True]
        assert await jobs[1].run_at(later) is None
    tomorrow = RetentionJob(store, days=365)
    assert await tomorrow.run_at(later + forward(1)) is not None
    assert await RetentionJob(store, days=0).run_at(later + forward(9)) is None
