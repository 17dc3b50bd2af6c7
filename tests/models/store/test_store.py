"""The store on SQLite and PostgreSQL: idempotence, pseudonyms, outbox, cursors."""

from __future__ import annotations

from datetime import UTC, timedelta

from sqlalchemy import select

from bot.events import Address, Channel, OutboundMessage, utcnow
from models.classification import Classification
from models.store import Store
from models.store.outbox.outcomes import Settled
from models.store.tables import Contact, ContactAddress, Conversation
from tests.support.events import message, vote


async def test_recording_is_idempotent_within_and_across_batches(store: Store) -> None:
    first = await store.messages.record(
        events=[message(pid="a"), message(pid="b"), message(pid="a")]
    )
    again = await store.messages.record(events=[message(pid="b"), message(pid="c")])
    assert [r.duplicate for r in first] == [False, False, True]
    assert first[0].message_id == first[2].message_id
    assert [r.duplicate for r in again] == [True, False]
    assert again[0].message_id == first[1].message_id
    assert len(await store.messages.find()) == 3


async def test_the_same_platform_id_on_two_channels_is_two_messages(store: Store) -> None:
    results = await store.messages.record(
        events=[message(pid="1"), message(pid="1", channel=Channel.TELEGRAM)]
    )
    assert [r.duplicate for r in results] == [False, False]


async def test_contacts_are_pseudonymous_and_the_address_is_kept_apart(store: Store) -> None:
    await store.messages.record(
        events=[message(pid="a", sender="U999"), message(pid="b", sender="U999")]
    )
    contacts = await store.read(lambda c: c.execute(select(Contact.pseudonym)).scalars().all())
    addresses = await store.read(
        lambda c: c.execute(select(ContactAddress.platform_user_id)).scalars().all()
    )
    assert len(contacts) == 1 and "U999" not in contacts[0]
    assert addresses == ["U999"]


async def test_a_thread_is_its_own_conversation(store: Store) -> None:
    await store.messages.record(
        events=[message(pid="a"), message(pid="b", thread="1700.1"), message(pid="c")]
    )
    rows = await store.read(
        lambda c: [tuple(r) for r in c.execute(select(Conversation.chat, Conversation.thread))]
    )
    assert sorted(rows) == [("C42", ""), ("C42", "1700.1")]


async def test_times_are_timezone_aware_utc(store: Store) -> None:
    await store.messages.record(events=[message()])
    [m] = await store.messages.find()
    assert m.created_at.tzinfo is not None and m.created_at.utcoffset() == timedelta(0)


async def test_votes_are_stored_with_their_options(store: Store) -> None:
    [r] = await store.messages.record(events=[vote(options=("1", "3"))])
    [pending] = await store.processing.claim(limit=5, lease=timedelta(seconds=30), max_attempts=3)
    assert (pending.message_id, pending.kind) == (r.message_id, "vote")


async def test_claimed_events_are_leased_then_released_when_done(store: Store) -> None:
    await store.messages.record(events=[message(pid="a"), message(pid="b")])
    claimed = await store.processing.claim(limit=5, lease=timedelta(seconds=30), max_attempts=3)
    assert len(claimed) == 2
    assert await store.processing.claim(limit=5, lease=timedelta(seconds=30), max_attempts=3) == []
    await store.processing.done(ids=[claimed[0].message_id])
    await store.processing.failed(message_id=claimed[1].message_id, error="boom", retry_at=utcnow())
    [again] = await store.processing.claim(limit=5, lease=timedelta(seconds=30), max_attempts=3)
    assert (again.message_id, again.attempts) == (claimed[1].message_id, 2)


async def test_classifications_newest_wins(store: Store) -> None:
    [r] = await store.messages.record(events=[message()])
    old = Classification("negative", {"negative": 0.9}, "printing", 0.8, "v1")
    new = Classification("neutral", {"neutral": 0.7}, "printing", 0.9, "v2")
    await store.classifications.save(verdicts=[(r.message_id, old)])
    await store.classifications.save(verdicts=[(r.message_id, new)])
    [m] = await store.messages.find()
    assert (m.sentiment, m.topic) == ("neutral", "printing")
    assert await store.messages.count() == 1
    batches = [b async for b in store.messages.texts(batch=1)]
    assert batches == [[(r.message_id, message().text)]]


async def test_outbox_lifecycle(store: Store) -> None:
    await store.messages.record(events=[message()])
    reply = OutboundMessage(address=Address(Channel.SLACK, chat="C42"), text="On it.")
    await store.outbox.enqueue(message=reply, author="staff:ann")
    [item] = await store.outbox.claim(limit=5, lease=timedelta(seconds=30))
    assert item.message.text == "On it." and item.message.address.chat == "C42"
    await store.outbox.settle(
        outcomes=[Settled(item.id, "retry", error="429", retry_at=utcnow() - timedelta(seconds=1))]
    )
    [item] = await store.outbox.claim(limit=5, lease=timedelta(seconds=30))
    assert item.attempts == 2
    await store.outbox.settle(outcomes=[Settled(item.id, "failed", error="gone")])
    assert await store.outbox.counts() == {"failed": 1}
    [view] = await store.outbox.items(status="failed")
    assert (view.last_error, view.text) == ("gone", "On it.")


async def test_a_batch_of_sends_is_settled_together(store: Store) -> None:
    replies = [
        OutboundMessage(address=Address(Channel.SLACK, chat="C42"), text=f"Reply {i}")
        for i in range(3)
    ]
    ids = await store.outbox.enqueue_many(messages=replies, author="feedbot")
    assert len(set(ids)) == 3
    items = await store.outbox.claim(limit=5, lease=timedelta(seconds=30))
    assert [i.message.text for i in items] == ["Reply 0", "Reply 1", "Reply 2"]
    later = utcnow() + timedelta(minutes=5)
    await store.outbox.settle(
        outcomes=[
            Settled(items[0].id, "sent", platform_message_id="1700000000.000100"),
            Settled(items[1].id, "retry", error="429", retry_at=later),
            Settled(items[2].id, "failed", error="channel_not_found"),
        ]
    )
    assert await store.outbox.counts() == {"sent": 1, "pending": 1, "failed": 1}
    [sent] = await store.outbox.items(status="sent")
    assert sent.platform_message_id == "1700000000.000100"
    assert await store.outbox.claim(limit=5, lease=timedelta(seconds=30)) == []


async def test_of_two_edits_to_one_message_queued_together_only_the_newest_is_sent(
    store: Store,
) -> None:
    address = Address(Channel.SLACK, chat="C42")
    edits = [OutboundMessage(address=address, text=f"Tally {n}", edit_of="1700.1") for n in (1, 2)]
    await store.outbox.enqueue_many(messages=edits, author="feedbot:poll")
    [item] = await store.outbox.claim(limit=5, lease=timedelta(seconds=30))
    assert item.message.text == "Tally 2"
    assert await store.outbox.counts() == {"pending": 1, "superseded": 1}


async def test_cursors_are_durable_and_updatable(store: Store) -> None:
    assert await store.cursors.get(name="x.since_id") is None
    await store.cursors.set(name="x.since_id", value="100")
    await store.cursors.set(name="x.since_id", value="250")
    assert await store.cursors.get(name="x.since_id") == "250"


async def test_acknowledge_once_per_window(store: Store) -> None:
    await store.messages.record(events=[message()])
    [p] = await store.processing.claim(limit=1, lease=timedelta(seconds=30), max_attempts=3)
    conv = [p.conversation_id, p.conversation_id]
    assert await store.processing.acknowledge_first(ids=conv, every=timedelta(hours=24)) == {
        p.conversation_id
    }
    assert await store.processing.acknowledge_first(ids=conv, every=timedelta(hours=24)) == set()
    assert await store.processing.acknowledge_first(ids=conv, every=timedelta(0)) == {
        p.conversation_id
    }
    assert utcnow().tzinfo is UTC
