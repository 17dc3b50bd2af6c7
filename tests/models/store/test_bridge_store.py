"""store.bridge on SQLite and PostgreSQL: a card per item, its ts recorded when its post
settles, edits superseding waiting edits, and staff actions acted on once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.events import Address, Channel, ConversationKind, OutboundMessage, utcnow
from models.store import Store
from models.store.bridge.once import Repeated
from models.store.inbox.types import NoSuchItem
from models.store.migrate import upgrade_async
from models.store.outbox.outcomes import Settled
from tests.support.queue import queued

STAFF = Address(Channel.SLACK, chat="C0STAFF01", kind=ConversationKind.GROUP)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    await upgrade_async(db_url)
    async with Store.open(db_url) as s:
        yield s


def card(text: str, edit_of: str = "") -> OutboundMessage:
    return OutboundMessage(address=STAFF, text=text, edit_of=edit_of, staff_card=True)


async def send_all(store: Store, *, ts: str = "1700000000.000100") -> list[Settled]:
    """Lease what is due and settle it as sent (ts for each)."""
    due = await store.outbox.claim(limit=100, lease=timedelta(seconds=60))
    outcomes = [Settled(d.id, "sent", platform_message_id=ts) for d in due]
    await store.outbox.settle(outcomes=outcomes)
    return outcomes


async def test_a_card_is_posted_once_and_its_ts_is_kept_when_the_post_settles(store: Store) -> None:
    routed = await queued(store)
    assert routed.item_id is not None
    item_id = routed.item_id
    assert await store.bridge.post(item_id=item_id, message=card("first"), shown="a")
    assert not await store.bridge.post(item_id=item_id, message=card("again"), shown="b")
    waiting = await store.bridge.card(item_id=item_id)
    assert waiting is not None and (waiting.ts, waiting.post_status) == ("", "pending")

    [sent] = await send_all(store)
    found = await store.bridge.card(item_id=item_id)
    assert found is not None and (found.ts, found.shown) == ("1700000000.000100", "a")
    assert await store.bridge.cards_posted(outbox_ids=[sent.item_id]) == [item_id]
    assert await store.bridge.item_at(chat="C0STAFF01", ts=found.ts) == item_id
    assert await store.bridge.item_at(chat="C0OTHER01", ts=found.ts) is None


async def test_an_edit_supersedes_a_waiting_edit_of_the_same_card(store: Store) -> None:
    routed = await queued(store)
    assert routed.item_id is not None
    await store.bridge.post(item_id=routed.item_id, message=card("first"), shown="a")
    await send_all(store, ts="1700000000.000200")
    for n, text in enumerate(("claimed", "resolved")):
        edit = card(text, edit_of="1700000000.000200")
        await store.bridge.edit(item_id=routed.item_id, message=edit, shown=str(n))
    due = await store.outbox.claim(limit=100, lease=timedelta(seconds=60))
    assert [d.message.text for d in due] == ["resolved"]
    found = await store.bridge.card(item_id=routed.item_id)
    assert found is not None and found.shown == "1"


async def test_an_action_is_acted_on_once_even_when_redelivered_at_the_same_time(
    store: Store,
) -> None:
    key = "press:claim:1:U1:2"
    firsts = await asyncio.gather(*(store.bridge.first_time(key=key) for _ in range(6)))
    assert sorted(firsts) == [False] * 5 + [True]
    await store.bridge.forget(key="press:claim:1:U1:2")
    assert await store.bridge.first_time(key="press:claim:1:U1:2")


async def test_a_slack_user_maps_to_the_account_linked_to_it(store: Store) -> None:
    await store.staff.add(
        email="ann@lib.ac.uk", name="Ann", role="lead", team="", password_hash="", actor="t"
    )
    assert await store.bridge.staff_by_slack(slack_user_id="U0ANN0001") is None
    await store.staff.link_slack(email="ann@lib.ac.uk", slack_user_id="U0ANN0001", actor="t")
    found = await store.bridge.staff_by_slack(slack_user_id="U0ANN0001")
    assert found is not None and (found.email, found.role) == ("ann@lib.ac.uk", "lead")
    assert await store.bridge.staff_by_slack(slack_user_id="") is None


async def test_cards_that_fell_behind_are_found(store: Store) -> None:
    since = utcnow() - timedelta(hours=1)
    routed = await queued(store)
    assert routed.item_id is not None
    item_id = routed.item_id
    assert await store.bridge.behind(since=since) == [item_id]  # no card yet
    await store.bridge.post(item_id=item_id, message=card("first"), shown="a")
    assert await store.bridge.behind(since=since) == []  # on its way
    await send_all(store)
    assert await store.bridge.behind(since=since) == []
    staff = await store.staff.add(
        email="ann@lib.ac.uk", name="Ann", role="agent", team="", password_hash="", actor="t"
    )
    await store.inbox.claim(item_id=item_id, actor_id=staff.id)  # and no edit was queued
    assert await store.bridge.behind(since=since) == [item_id]
    await store.bridge.synced(item_id=item_id)
    assert await store.bridge.behind(since=since) == []


async def test_a_reply_with_a_key_is_done_once_and_a_failed_one_leaves_no_mark(
    store: Store,
) -> None:
    routed = await queued(store)
    assert routed.item_id is not None
    staff = await store.staff.add(
        email="ann@lib.ac.uk", name="Ann", role="agent", team="", password_hash="", actor="t"
    )
    key = "submit:V0001"
    await store.inbox.reply(item_id=routed.item_id, actor_id=staff.id, text="hi", once=key)
    with pytest.raises(Repeated):
        await store.inbox.reply(item_id=routed.item_id, actor_id=staff.id, text="hi", once=key)
    assert (await store.outbox.counts()).get("pending") == 1
    with pytest.raises(NoSuchItem):
        await store.inbox.note(item_id=999, actor_id=staff.id, text="x", once="thread:C:1")
    assert await store.bridge.first_time(key="thread:C:1")  # the failed note left no mark
