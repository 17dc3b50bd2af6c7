"""The queue store on SQLite and PostgreSQL: one item per person per conversation, reopen,
concurrent claims, audit in the same transaction, snooze, relabel, paging, counts."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select

from bot.events import utcnow
from models.store import Store
from models.store.inbox.tables import ItemResolution
from models.store.inbox.types import InboxError, NoSuchItem, QueueFilter
from models.store.tables import AuditEntry, Correction
from tests.support.events import message
from tests.support.queue import add_staff, queued, stored


async def audit_rows(store: Store) -> list[tuple[str, str, str]]:
    query = select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject).order_by(AuditEntry.id)
    return await store.read(lambda c: [(r[0], r[1], r[2]) for r in c.execute(query)])


async def test_each_person_has_one_item_per_conversation(store: Store) -> None:
    a = await queued(store, pid="1", sender="U1")
    b = await queued(store, "me too", pid="2", sender="U2")
    a2 = await queued(store, "any news?", pid="3", sender="U1")
    assert a2.item_id == a.item_id != b.item_id
    assert await store.inbox.count(filter=QueueFilter()) == 2


async def test_a_message_that_needs_no_one_starts_no_item(store: Store) -> None:
    incoming = replace(await stored(store, message("thanks!", pid="t")), needs_person=False)
    [routed] = await store.inbox.route(incoming=[incoming])
    assert (routed.outcome, routed.item_id) == ("skipped", None)


async def test_routing_the_same_message_twice_changes_nothing(store: Store) -> None:
    incoming = await stored(store, message(pid="r"))
    [first] = await store.inbox.route(incoming=[incoming])
    [again] = await store.inbox.route(incoming=[incoming])
    assert (first.outcome, again.outcome, again.item_id) == ("created", "seen", first.item_id)


async def test_a_message_after_resolve_reopens_the_same_item(store: Store) -> None:
    first = await queued(store, pid="1")
    assert first.item_id is not None
    ann = await add_staff(store, "ann@lib.ac.uk")
    await store.inbox.claim(item_id=first.item_id, actor_id=ann)
    await store.inbox.reply(item_id=first.item_id, actor_id=ann, text="Fixed now")
    assert await store.inbox.resolve(item_ids=[first.item_id], actor_id=ann) == [first.item_id]
    thanks = replace(await stored(store, message("thanks!", pid="2")), needs_person=False)
    [skipped] = await store.inbox.route(incoming=[thanks])
    again = await queued(store, "it broke again", pid="3")
    assert (skipped.outcome, again.outcome, again.item_id) == ("skipped", "reopened", first.item_id)
    item = await store.inbox.item(item_id=first.item_id)
    assert item is not None
    assert (item.row.status, item.row.assignee, item.reopened) == ("open", "Ann", 1)
    assert item.row.resolved_at is None and item.row.text == "it broke again"


async def resolutions(store: Store, item_id: int) -> list[tuple[object, ...]]:
    r = ItemResolution
    query = select(r.team, r.opened_at, r.resolved_at, r.reopened_at).where(r.item_id == item_id)
    return await store.read(lambda c: [tuple(row) for row in c.execute(query.order_by(r.id))])


async def test_every_resolve_is_kept_when_the_item_is_reopened(store: Store) -> None:
    """Each resolve leaves a row; a message, a staff reopen or a reply on the resolved item
    closes it (and the next round starts then); a second resolve adds a row."""
    first = await queued(store, pid="1")
    item_id = first.item_id
    assert item_id is not None
    ann = await add_staff(store, "ann@lib.ac.uk")
    created = (await store.inbox.item(item_id=item_id)).row.created_at  # type: ignore[union-attr]
    await store.inbox.resolve(item_ids=[item_id], actor_id=ann)
    await store.inbox.resolve(item_ids=[item_id], actor_id=ann)  # already resolved: no new row
    [(team, opened, resolved, reopened)] = await resolutions(store, item_id)
    assert (team, opened, reopened) == ("it_services", created, None) and resolved >= created
    await queued(store, "it broke again", pid="2")  # the person writes: reopened
    due = utcnow() + timedelta(hours=4)
    rounds = [await resolutions(store, item_id)]
    for reopen in (
        lambda: store.inbox.reopen(item_id=item_id, actor_id=ann, due_at=due, reason="csat"),
        lambda: store.inbox.reply(item_id=item_id, actor_id=ann, text="One more thing"),
    ):
        await store.inbox.resolve(item_ids=[item_id], actor_id=ann)
        await reopen()
        rounds.append(await resolutions(store, item_id))
    final = rounds[-1]
    assert [len(r) for r in rounds] == [1, 2, 3]
    assert all(row[3] is not None for row in final)  # every resolve was undone, none lost
    for earlier, later in pairwise(final):
        assert later[1] == earlier[3]  # a round starts when the last one was reopened
    await store.inbox.resolve(item_ids=[item_id], actor_id=ann)
    assert [row[3] is None for row in await resolutions(store, item_id)] == [False] * 3 + [True]


async def test_concurrent_claims_one_wins_the_others_are_told(db_url: str, store: Store) -> None:
    item = (await queued(store)).item_id
    assert item is not None
    staff = [await add_staff(store, f"s{n}@lib.ac.uk") for n in range(6)]
    async with Store.open(db_url, pseudonym_key=b"k" * 32) as other:
        stores = [store, other] * 3
        claims = [
            s.inbox.claim(item_id=item, actor_id=who) for s, who in zip(stores, staff, strict=True)
        ]
        results = await asyncio.gather(*claims)
    winners = [who for who, r in zip(staff, results, strict=True) if r.won]
    assert len(winners) == 1
    assert {r.assignee_id for r in results} == {winners[0]}
    assert all(r.assignee == f"S{staff.index(winners[0])}" for r in results)
    assert [a for a in await audit_rows(store) if a[1] == "claim"] == [
        (f"staff:{winners[0]}", "claim", f"item:{item}")
    ]


async def test_a_failed_action_writes_no_audit(store: Store) -> None:
    item = (await queued(store)).item_id
    assert item is not None
    lead = await add_staff(store, "lead@lib.ac.uk", role="lead")
    with pytest.raises(InboxError):
        await store.inbox.assign(item_ids=[item], actor_id=lead, staff_id=9999)
    with pytest.raises(NoSuchItem):
        await store.inbox.note(item_id=9999, actor_id=lead, text="x")
    assert await audit_rows(store) == []


async def test_every_action_is_audited_with_actor_and_subject(store: Store) -> None:
    item = (await queued(store)).item_id
    assert item is not None
    ann, bob = await add_staff(store, "ann@lib.ac.uk"), await add_staff(store, "bob@lib.ac.uk")
    later = utcnow() + timedelta(hours=1)
    inbox = store.inbox
    await inbox.claim(item_id=item, actor_id=ann)
    await inbox.unclaim(item_id=item, actor_id=ann)
    await inbox.assign(item_ids=[item], actor_id=ann, staff_id=bob, team="estates")
    await inbox.set_priority(item_id=item, actor_id=bob, priority="high", due_at=later)
    await inbox.note(item_id=item, actor_id=bob, text="router 3")
    await inbox.snooze(item_id=item, actor_id=bob, until=later)
    await inbox.reply(item_id=item, actor_id=bob, text="Sorted")
    await inbox.resolve(item_ids=[item], actor_id=bob)
    await inbox.reopen(item_id=item, actor_id=bob, due_at=later)
    actions = [a[1] for a in await audit_rows(store)]
    assert actions == [
        "claim", "unclaim", "assign", "priority", "note", "snooze", "reply", "resolve", "reopen"
    ]  # fmt: skip


async def test_actions_from_slack_say_so_in_their_audit_detail(store: Store) -> None:
    item = (await queued(store)).item_id
    assert item is not None
    ann = await add_staff(store, "ann@lib.ac.uk")
    inbox = store.inbox
    await inbox.claim(item_id=item, actor_id=ann, via="slack")
    await inbox.note(item_id=item, actor_id=ann, text="router 3", via="slack")
    await inbox.reply(item_id=item, actor_id=ann, text="Sorted", via="slack")
    await inbox.resolve(item_ids=[item], actor_id=ann, via="slack")
    await inbox.reopen(item_id=item, actor_id=ann, due_at=utcnow() + timedelta(hours=1))
    await inbox.note(item_id=item, actor_id=ann, text="from the web inbox")
    query = select(AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.id)
    rows = await store.read(lambda c: [(r[0], dict(r[1] or {})) for r in c.execute(query)])
    mine = [(a, d.get("via")) for a, d in rows if a != "csat_asked"]
    assert mine == [
        ("claim", "slack"), ("note", "slack"), ("reply", "slack"), ("resolve", "slack"),
        ("reopen", None), ("note", None),
    ]  # fmt: skip
    assert rows[1][1]["entry_id"] and rows[2][1]["outbox_id"]  # the detail is kept, not replaced


async def test_snoozed_items_wake_when_their_time_comes(store: Store) -> None:
    item = (await queued(store)).item_id
    assert item is not None
    ann = await add_staff(store, "ann@lib.ac.uk")
    soon = utcnow() + timedelta(minutes=5)
    await store.inbox.snooze(item_id=item, actor_id=ann, until=soon)
    assert await store.inbox.wake_snoozed(now=utcnow()) == []
    assert await store.inbox.wake_snoozed(now=soon + timedelta(seconds=1)) == [item]
    [row] = await store.inbox.listing(filter=QueueFilter())
    assert (row.status, row.snoozed_until) == ("new", None)


async def test_a_relabel_is_a_correction_that_train_topics_reads(store: Store) -> None:
    routed = await queued(store, "the lift is broken", pid="l")
    assert routed.item_id is not None
    ann = await add_staff(store, "ann@lib.ac.uk")
    await store.inbox.relabel(
        item_id=routed.item_id, actor_id=ann, field="topic", value="accessibility",
        message_id=routed.message_id,
    )  # fmt: skip
    assert await store.classifications.topic_corrections() == [
        ("the lift is broken", "accessibility")
    ]
    staff = await store.read(lambda c: c.execute(select(Correction.staff)).scalar_one())
    item = await store.inbox.item(item_id=routed.item_id)
    assert staff == f"staff:{ann}" and item is not None and item.row.topic == "accessibility"


async def test_the_item_page_is_paged_and_keeps_notes_in_their_place(store: Store) -> None:
    for n in range(7):
        await queued(store, f"message {n}", pid=f"p{n}")
    item = (await queued(store, "message 7", pid="p7")).item_id
    assert item is not None
    ann = await add_staff(store, "ann@lib.ac.uk")
    await store.inbox.note(item_id=item, actor_id=ann, text="newest note")
    newest = await store.inbox.page(item_id=item, limit=3)
    assert newest is not None and newest.older is not None
    assert [e.text for e in newest.entries] == [
        "message 5",
        "message 6",
        "message 7",
        "newest note",
    ]
    older = await store.inbox.page(item_id=item, before=newest.older, limit=5)
    assert older is not None and older.older is None
    assert [e.text for e in older.entries] == [f"message {n}" for n in range(5)]


async def test_views_and_counts(store: Store) -> None:
    a = (await queued(store, pid="1", sender="U1")).item_id
    b = (await queued(store, pid="2", sender="U2")).item_id
    assert a is not None and b is not None
    ann = await add_staff(store, "ann@lib.ac.uk")
    await store.inbox.claim(item_id=a, actor_id=ann)
    late = utcnow() + timedelta(days=2)
    counts = await store.inbox.counts(staff_id=ann, now=late)
    assert (counts["all"], counts["mine"], counts["unassigned"], counts["overdue"]) == (2, 1, 1, 2)
    assert (counts["new"], counts["open"]) == (1, 1)
    mine = await store.inbox.listing(filter=QueueFilter(assignee_id=ann))
    assert [r.id for r in mine] == [a] and mine[0].overdue(late)
    assert await store.inbox.facets(column="team") == {"it_services": 2}
