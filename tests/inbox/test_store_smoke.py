"""The queue store on SQLite and PostgreSQL: routing, claim, reply, page."""

from __future__ import annotations

from models.store import Store
from models.store.inbox.types import QueueFilter
from tests.support.queue import add_staff, queued


async def test_route_claim_reply_page(store: Store) -> None:
    first = await queued(store, pid="a")
    again = await queued(store, "still down", pid="b")
    assert (first.outcome, again.outcome, again.item_id) == ("created", "joined", first.item_id)
    assert first.item_id is not None
    ann = await add_staff(store, "ann@lib.ac.uk")
    assert (await store.inbox.claim(item_id=first.item_id, actor_id=ann)).won
    await store.inbox.reply(item_id=first.item_id, actor_id=ann, text="On it")
    await store.inbox.note(item_id=first.item_id, actor_id=ann, text="router 3")
    [row] = await store.inbox.listing(filter=QueueFilter())
    assert (row.status, row.assignee, row.text) == ("pending", "Ann", "still down")
    page = await store.inbox.page(item_id=first.item_id)
    assert page is not None
    assert [e.kind for e in page.entries] == ["person", "person", "reply", "note"]
    assert page.entries[2].delivery == "pending"
