"""A poll opens once and closes once however many callers race, with its posts queued in the
same transaction (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from bot.events import Address, Channel, ConversationKind, OutboundMessage, utcnow
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.polls.definitions import Target
from models.store.tables import OutboxItem


@pytest.fixture
async def stores(db_url: str) -> AsyncIterator[tuple[Store, Store]]:
    """Two stores on one database, as two processes have."""
    await upgrade_async(db_url)
    async with Store.open(db_url) as first, Store.open(db_url) as second:
        yield first, second


def post(text: str) -> OutboundMessage:
    address = Address(Channel.SLACK, chat="C1", kind=ConversationKind.GROUP)
    return OutboundMessage(address=address, text=text)


def queued(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(OutboxItem)).scalar_one())


async def new_poll(store: Store, **fields: object) -> int:
    return await store.polls.create(
        targets=[Target("slack", "C1")],
        options=[("yes", "Yes"), ("no", "No")],
        question="Open on Sundays?",
        kind="yes_no",
        **fields,
    )


async def test_racing_closes_close_once_and_post_once(stores: tuple[Store, Store]) -> None:
    poll_id = await new_poll(stores[0], status="open", repeat_days=7, closes_at=utcnow())
    closes = [
        s.poll_claims.close(poll_id=poll_id, messages=[post("You said")], author="test")
        for s in stores * 5
    ]
    assert sorted(await asyncio.gather(*closes)) == [False] * 9 + [True]
    assert await stores[0].read(queued) == 1
    polls = await stores[1].polls.all()
    assert sorted(p.status for p in polls) == ["closed", "scheduled"]  # the next run, once


async def test_an_opening_claims_only_from_the_states_named(stores: tuple[Store, Store]) -> None:
    first, second = stores
    poll_id = await new_poll(first, status="scheduled", opens_at=utcnow() - timedelta(minutes=1))
    opens = [
        s.poll_claims.open(
            poll_id=poll_id, from_=("scheduled",), messages=[post("Q")], author="test"
        )
        for s in stores * 5
    ]
    assert sorted(await asyncio.gather(*opens)) == [False] * 9 + [True]
    assert await first.read(queued) == 1
    again = await second.poll_claims.open(
        poll_id=poll_id, from_=("draft", "scheduled", "open"), messages=[post("Q")], author="t"
    )
    assert again  # a person sending an open poll again posts it again, as before
    assert await first.poll_claims.close(poll_id=poll_id, messages=[], author="test")
    assert not await second.poll_claims.open(
        poll_id=poll_id, from_=("draft", "scheduled", "open"), messages=[post("Q")], author="t"
    )
    assert await first.read(queued) == 2
