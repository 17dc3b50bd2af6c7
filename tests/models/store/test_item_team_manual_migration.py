"""Migration 0023 on a database with a queue in it: items keep their replies, notes and
resolutions (SQLite rebuilds inbox_items without its children noticing), each routed message is
linked to its item, and a downgrade gives a split item's notes back to the person's first item."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from alembic import command
from sqlalchemy import func, select

from bot.events import utcnow
from models.store import Store
from models.store.inbox.moves import SplitOff
from models.store.inbox.tables import InboxEntry, InboxItem, ItemMessage, ItemResolution
from models.store.migrate import alembic_config, upgrade_async
from tests.support.queue import add_staff, queued


async def counts(store: Store) -> tuple[int, ...]:
    tables = (InboxItem, InboxEntry, ItemResolution, ItemMessage)
    queries = [select(func.count()).select_from(t) for t in tables]
    return tuple(await store.read(lambda c: [c.execute(q).scalar_one() for q in queries]))


async def test_the_queue_survives_the_migration_both_ways(db_url: str) -> None:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"k" * 32) as store:
        first = (await queued(store, "the wifi is down", pid="1")).item_id
        again = await queued(store, "and the heating", pid="2")
        other = (await queued(store, "hello", pid="3", sender="U9")).item_id
        assert first and other and again.item_id == first
        ann = await add_staff(store, "ann@lib.ac.uk")
        await store.inbox.reply(item_id=first, actor_id=ann, text="Looking into it")
        await store.inbox.resolve(item_ids=[other], actor_id=ann)
        off = SplitOff(
            "estates", "building_and_facilities", "normal", utcnow() + timedelta(hours=1)
        )
        split = await store.inbox.split(
            item_id=first, actor_id=ann, message_ids=[again.message_id], off=off
        )
        await store.inbox.note(item_id=split, actor_id=ann, text="estates know")
        assert await counts(store) == (3, 2, 1, 3)
    await asyncio.to_thread(command.downgrade, alembic_config(db_url), "0022")
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"k" * 32) as store:
        assert await counts(store) == (2, 2, 1, 3)  # the split item folded back into the first
        page = await store.inbox.page(item_id=first)
        assert page is not None
        assert {e.kind for e in page.entries} >= {"reply", "note"}
        assert set(page.item_of.values()) == {first}
        item = await store.inbox.item(item_id=first)
        assert item is not None and not item.team_manual
        await queued(store, "still down", pid="4")  # routing goes on as before
        assert await counts(store) == (2, 2, 1, 4)
