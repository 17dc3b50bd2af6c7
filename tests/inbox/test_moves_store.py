"""Moving and splitting queue items in the store, on SQLite and PostgreSQL: a topic correction
moves the item unless a lead pinned its team, a move keeps the due time and is audited, a split
gives messages an item of their own, and the person's later messages join the item they
answer (else their most recently active open item)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.events import utcnow
from models.store import Store
from models.store.inbox.moves import SplitOff
from models.store.inbox.tables import InboxEntry
from models.store.inbox.types import InboxError
from models.store.tables import AuditEntry, Correction, OutboxItem
from tests.support.events import message
from tests.support.queue import add_staff, stored


async def says(store: Store, text: str, pid: str, replies_to: str = "") -> tuple[int, int]:
    """The person writes (needs a person); (message id, the item it joined)."""
    incoming = replace(await stored(store, message(text, pid=pid)), replies_to=replies_to)
    [routed] = await store.inbox.route(incoming=[incoming])
    assert routed.item_id is not None
    return incoming.message_id, routed.item_id


async def audits(store: Store, action: str) -> list[tuple[str, str, dict[str, Any]]]:
    query = (
        select(AuditEntry.actor, AuditEntry.subject, AuditEntry.detail)
        .where(AuditEntry.action == action)
        .order_by(AuditEntry.id)
    )
    return await store.read(lambda c: [(r[0], r[1], dict(r[2])) for r in c.execute(query)])


async def team(store: Store, item_id: int) -> tuple[str, bool]:
    item = await store.inbox.item(item_id=item_id)
    assert item is not None
    return item.row.team, item.team_manual


async def test_a_topic_correction_moves_the_item_to_the_topics_team(store: Store) -> None:
    message_id, item_id = await says(store, "the radiator by the door is broken", "1")
    ann = await add_staff(store, "ann@lib.ac.uk")
    due = (await store.inbox.item(item_id=item_id)).row.due_at  # type: ignore[union-attr]
    moved = await store.inbox.relabel(
        item_id=item_id,
        actor_id=ann,
        field="topic",
        value="building_and_facilities",
        message_id=message_id,
        team="estates",
    )
    assert moved is not None and (moved.from_team, moved.to_team) == ("it_services", "estates")
    item = await store.inbox.item(item_id=item_id)
    assert item is not None
    assert (item.row.team, item.row.topic, item.row.due_at) == (
        "estates",
        "building_and_facilities",
        due,
    )
    [(actor, subject, detail)] = await audits(store, "move")
    assert (actor, subject) == (f"staff:{ann}", f"item:{item_id}")
    assert detail["summary"] == "moved from it_services to estates"
    assert detail["by"] == "correction"
    fixes = select(Correction.message_id, Correction.value)
    assert await store.read(lambda c: list(c.execute(fixes))) == [
        (message_id, "building_and_facilities")
    ]  # still a correction for `train topics`


async def test_a_correction_leaves_a_team_a_lead_set_by_hand(store: Store) -> None:
    message_id, item_id = await says(store, "the wifi is down", "1")
    lead = await add_staff(store, "lee@lib.ac.uk", role="lead")
    await store.inbox.assign(item_ids=[item_id], actor_id=lead, team="customer_engagement")
    assert await team(store, item_id) == ("customer_engagement", True)
    moved = await store.inbox.relabel(
        item_id=item_id,
        actor_id=lead,
        field="topic",
        value="building_and_facilities",
        message_id=message_id,
        team="estates",
    )
    assert moved is None
    assert await team(store, item_id) == ("customer_engagement", True)
    assert await audits(store, "move") == []


async def test_a_move_keeps_the_due_time_is_audited_and_refuses_a_stale_page(store: Store) -> None:
    _, item_id = await says(store, "the wifi is down", "1")
    ann = await add_staff(store, "ann@lib.ac.uk")
    before = await store.inbox.item(item_id=item_id)
    assert before is not None
    done = await store.inbox.move(
        item_id=item_id, actor_id=ann, from_team="it_services", to_team="estates", pin=False
    )
    assert (done.from_team, done.to_team) == ("it_services", "estates")
    after = await store.inbox.item(item_id=item_id)
    assert after is not None
    assert (after.row.team, after.row.due_at, after.row.priority) == (
        "estates",
        before.row.due_at,
        before.row.priority,
    )
    with pytest.raises(InboxError, match="now with estates"):  # moved meanwhile by someone else
        await store.inbox.move(
            item_id=item_id,
            actor_id=ann,
            from_team="it_services",
            to_team="library_services",
            pin=False,
        )
    with pytest.raises(InboxError, match="already with estates"):
        await store.inbox.move(
            item_id=item_id, actor_id=ann, from_team="estates", to_team="estates", pin=False
        )
    [(_, _, detail)] = await audits(store, "move")
    assert detail["summary"] == "moved from it_services to estates" and detail["by"] == "staff"


async def split_off(store: Store, item_id: int, message_ids: list[int], actor: int) -> int:
    off = SplitOff("estates", "building_and_facilities", "high", utcnow() + timedelta(hours=3))
    return await store.inbox.split(
        item_id=item_id, actor_id=actor, message_ids=message_ids, off=off
    )


async def test_a_split_gives_messages_an_item_of_their_own(store: Store) -> None:
    first, item_id = await says(store, "the wifi is down", "1")
    heating, same = await says(store, "also the heating is off on floor 3", "2")
    assert same == item_id
    ann = await add_staff(store, "ann@lib.ac.uk")
    new_id = await split_off(store, item_id, [heating], ann)
    old, new = await store.inbox.item(item_id=item_id), await store.inbox.item(item_id=new_id)
    assert old is not None and new is not None
    assert (new.row.team, new.row.topic, new.row.priority, new.row.status) == (
        "estates",
        "building_and_facilities",
        "high",
        "new",
    )
    assert new.row.text == "also the heating is off on floor 3"
    assert (old.row.team, old.row.text) == ("it_services", "the wifi is down")
    page = await store.inbox.page(item_id=new_id)
    assert page is not None
    assert page.item_of == {first: item_id, heating: new_id}
    assert [e.message_id for e in page.splittable()] == [heating]
    [(_, subject, detail)] = await audits(store, "split")
    assert (subject, detail["to_item"], detail["message_ids"]) == (
        f"item:{item_id}",
        new_id,
        [heating],
    )
    [(_, subject, detail)] = await audits(store, "split_from")
    assert (subject, detail["from_item"], detail["team"]) == (f"item:{new_id}", item_id, "estates")


async def test_a_split_needs_some_of_this_items_messages_and_leaves_it_one(store: Store) -> None:
    first, item_id = await says(store, "the wifi is down", "1")
    second, _ = await says(store, "and the heating", "2")
    ann = await add_staff(store, "ann@lib.ac.uk")
    with pytest.raises(InboxError, match="leave at least one"):
        await split_off(store, item_id, [first, second], ann)
    with pytest.raises(InboxError, match="choose messages"):
        await split_off(store, item_id, [second + 1000], ann)
    with pytest.raises(InboxError, match="choose messages"):
        await split_off(store, item_id, [], ann)
    assert await audits(store, "split") == []


async def test_later_messages_join_the_item_they_answer_else_the_latest_open_one(
    store: Store,
) -> None:
    _, item_id = await says(store, "the wifi is down", "1")
    heating, _ = await says(store, "also the heating is off", "2")
    ann = await add_staff(store, "ann@lib.ac.uk")
    new_id = await split_off(store, item_id, [heating], ann)
    # no reply-to: the most recently active open item (the heating one, written last)
    _, joined = await says(store, "it is freezing in here", "3")
    assert joined == new_id
    # a reply to their wifi message joins the wifi item
    _, joined = await says(store, "still no wifi", "4", replies_to="1")
    assert joined == item_id
    # a reply to a staff reply sent on the heating item joins the heating item
    reply = await store.inbox.reply(item_id=new_id, actor_id=ann, text="Estates are on it")
    await sent_as(store, reply, "S-99")
    _, joined = await says(store, "thanks, when?", "5", replies_to="S-99")
    assert joined == new_id
    # a reply naming a message that is not theirs (or unknown) falls back to the rule
    _, joined = await says(store, "hello?", "6", replies_to="nope")
    assert joined == new_id


async def sent_as(store: Store, entry_id: int, platform_id: str) -> None:
    """The outbox sent a staff reply and the platform named it ``platform_id``."""
    outbox = select(InboxEntry.outbox_id).where(InboxEntry.id == entry_id).scalar_subquery()
    sent = (
        update(OutboxItem)
        .where(OutboxItem.id == outbox)
        .values(status="sent", platform_message_id=platform_id)
    )
    await store.inbox._db.write(lambda c: c.execute(sent))


async def test_when_all_are_resolved_a_new_message_reopens_the_latest(store: Store) -> None:
    _, item_id = await says(store, "the wifi is down", "1")
    heating, _ = await says(store, "also the heating is off", "2")
    ann = await add_staff(store, "ann@lib.ac.uk")
    new_id = await split_off(store, item_id, [heating], ann)
    await store.inbox.resolve(item_ids=[item_id, new_id], actor_id=ann)
    _, joined = await says(store, "the heating is off again", "3")
    assert joined == new_id
    reopened = await store.inbox.item(item_id=new_id)
    assert reopened is not None and reopened.row.status == "new"
    still = await store.inbox.item(item_id=item_id)
    assert still is not None and still.row.status == "resolved"


async def test_of_two_concurrent_splits_of_one_message_exactly_one_wins(store: Store) -> None:
    _, item_id = await says(store, "the wifi is down", "1")
    heating, _ = await says(store, "also the heating is off", "2")
    ann = await add_staff(store, "ann@lib.ac.uk")
    bo = await add_staff(store, "bo@lib.ac.uk")
    results = await asyncio.gather(
        split_off(store, item_id, [heating], ann),
        split_off(store, item_id, [heating], bo),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, int)]
    lost = [r for r in results if isinstance(r, InboxError)]
    assert len(won) == 1 and len(lost) == 1, results
    page = await store.inbox.page(item_id=won[0])
    assert page is not None and page.item_of[heating] == won[0]
    assert len(await audits(store, "split")) == 1
