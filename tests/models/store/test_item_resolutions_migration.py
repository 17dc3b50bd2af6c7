"""Migration 0017: item_resolutions is backfilled with one open resolve per item resolved now
(its round from the item's creation); items reopened or never resolved get none."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import select

from models.store import Store
from models.store.inbox.tables import InboxItem, ItemResolution
from models.store.migrate import alembic_config, upgrade_async
from tests.support.queue import add_staff, queued


async def test_resolved_items_are_backfilled(db_url: str) -> None:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"k" * 32) as store:
        done, back, waiting = [
            (await queued(store, f"help {n}", pid=str(n), sender=f"U{n}")).item_id for n in range(3)
        ]
        assert done and back and waiting
        ann = await add_staff(store, "ann@lib.ac.uk")
        await store.inbox.resolve(item_ids=[done, back], actor_id=ann)
        await queued(store, "still broken", pid="9", sender="U1")  # reopens `back`
    await asyncio.to_thread(command.downgrade, alembic_config(db_url), "0009")
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"k" * 32) as store:
        i, r = InboxItem, ItemResolution
        item = select(i.id, i.team, i.created_at, i.resolved_at).where(i.id == done)
        rows = select(r.item_id, r.team, r.opened_at, r.resolved_at, r.reopened_at)
        found = await store.read(lambda c: [tuple(x) for x in c.execute(rows.order_by(r.id))])
        [expected] = await store.read(lambda c: [tuple(x) for x in c.execute(item)])
        assert found == [(*expected, None)]
        await store.inbox.resolve(item_ids=[back], actor_id=ann)  # writes go on as before
        assert len(await store.read(lambda c: c.execute(rows).all())) == 2
