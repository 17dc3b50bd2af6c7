"""The poll schedule run by two processes at once: each poll opens once and closes once, and
its posts and results go out once per channel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection

from bot.adapters.catalog import CAPABILITIES
from bot.events import utcnow
from handlers.polls.schedule import PollScheduler
from handlers.polls.service import Polls
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.polls.definitions import Target
from models.store.tables import OutboxItem
from tests.fakes.wording import shipped_wording

ZONE = ZoneInfo("Europe/London")


@pytest.fixture
async def stores(db_url: str) -> AsyncIterator[tuple[Store, Store]]:
    await upgrade_async(db_url)
    async with Store.open(db_url) as first, Store.open(db_url) as second:
        yield first, second


def texts(conn: Connection) -> list[tuple[str, str]]:
    rows = conn.execute(select(OutboxItem.channel, OutboxItem.payload))
    return sorted((channel, str(payload["text"]).split("\n")[0]) for channel, payload in rows)


async def test_two_schedulers_open_and_close_each_poll_once(
    stores: tuple[Store, Store],
) -> None:
    now = utcnow()
    poll_id = await stores[0].polls.create(
        targets=[Target("slack", "C1"), Target("telegram", "-100"), Target("widget", "")],
        options=[("yes", "Yes"), ("no", "No")],
        question="Open on Sundays?",
        kind="yes_no",
        anonymous=True,
        post_results=True,
        status="scheduled",
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=1),
    )
    schedulers = [
        PollScheduler(
            s,
            Polls(s, CAPABILITIES, lambda: None, wording=shipped_wording()),
            quiet_hours=None,
            zone=ZONE,
        )
        for s in stores
    ]
    opened = await asyncio.gather(*(s.pass_at(now) for s in schedulers * 3))
    assert sorted(o for o, _ in opened) == [[]] * 5 + [[poll_id]]
    later = now + timedelta(hours=2)
    closed = await asyncio.gather(*(s.pass_at(later) for s in schedulers * 3))
    assert sorted(c for _, c in closed) == [[]] * 5 + [[poll_id]]
    assert await stores[1].read(texts) == [
        ("slack", "Open on Sundays?"),
        (
            "slack",
            "You said — Open on Sundays? (0 answers): no answers. Thank you for taking part.",
        ),
        ("telegram", "Open on Sundays?"),
        (
            "telegram",
            "You said — Open on Sundays? (0 answers): no answers. Thank you for taking part.",
        ),
    ]
