"""Migration 0009: poll posts get their own table, backfilled from outbox rows already sent in
the old JSON format; a pending old-format edit gets its edit key; old rows still send."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from alembic import command
from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from bot.events import Address, Button, Channel, ConversationKind, OutboundMessage, PollPost
from models.store import Store
from models.store.migrate import alembic_config, upgrade_async
from models.store.outbox.outcomes import Settled
from models.store.polls.definitions import Target
from models.store.polls.tables import PollPosting
from models.store.tables import OutboxItem

GROUP = ConversationKind.GROUP


def v1(message: OutboundMessage, kind: str, meta: dict[str, str]) -> dict[str, object]:
    """The payload an older bot wrote for this message."""
    a = message.address
    return {
        "address": {"chat": a.chat, "thread": a.thread, "kind": a.kind.value, "extra": {}},
        "text": message.text,
        "buttons": [[b.label, b.value] for b in message.buttons],
        "reply_ref": message.reply_ref,
        "kind": kind,
        "meta": meta,
    }


async def _queue_old_rows(store: Store, poll_id: int) -> None:
    """Three sent poll posts (buttons, native, a reply prompt), a sent plain reply, and a
    pending edit, all rewritten into the version-1 format."""
    ref = f"fbpoll-{poll_id}"
    slack = Address(Channel.SLACK, chat="C1", kind=GROUP)
    telegram = Address(Channel.TELEGRAM, chat="-100", kind=GROUP)
    x = Address(Channel.X, chat="", kind=ConversationKind.PUBLIC)
    yes = (Button("Yes", f"{ref}:y"), Button("No", f"{ref}:n"))
    rows = [
        (OutboundMessage(address=slack, text="Q?", buttons=yes), "poll", {"poll_ref": ref}, "17.1"),
        (
            OutboundMessage(address=telegram, text="Q?", buttons=(Button("Yes", "y"),)),
            "poll",
            {"poll_ref": ref, "native": "true", "multiple": "false"},
            "tg-poll-9",
        ),
        (OutboundMessage(address=x, text="Reply 1 or 2"), "text", {"poll_ref": ref}, "1800"),
        (OutboundMessage(address=slack, text="Thanks"), "text", {}, "17.2"),
    ]
    await store.outbox.enqueue_many(messages=[m for m, *_ in rows], author="test")
    items = await store.outbox.claim(limit=10, lease=timedelta(seconds=30))
    await store.outbox.settle(
        outcomes=[
            Settled(i.id, "sent", platform_message_id=r[3])
            for i, r in zip(items, rows, strict=True)
        ]
    )
    edit = OutboundMessage(address=slack, text="Q? 1 answer", buttons=yes)
    await store.outbox.enqueue(message=edit, author="test")

    def rewrite(conn: Connection) -> None:
        ids = conn.execute(select(OutboxItem.id).order_by(OutboxItem.id)).scalars().all()
        payloads = [v1(m, kind, meta) for m, kind, meta, _ in rows]
        payloads.append(v1(edit, "poll", {"poll_ref": ref, "edit_ref": "17.1"}))
        for item_id, payload in zip(ids, payloads, strict=True):
            conn.execute(update(OutboxItem).where(OutboxItem.id == item_id).values(payload=payload))

    await store._db.write(rewrite)  # writing rows as an older bot did


async def test_old_sent_posts_are_backfilled_and_an_old_pending_edit_still_sends(
    db_url: str,
) -> None:
    await upgrade_async(db_url)
    async with Store.open(db_url) as store:
        poll_id = await store.polls.create(
            targets=[Target("slack", "C1"), Target("telegram", "-100"), Target("x")],
            options=[("y", "Yes"), ("n", "No")],
            question="Q?",
            kind="yes_no",
            status="open",
        )
        await _queue_old_rows(store, poll_id)
    await asyncio.to_thread(command.downgrade, alembic_config(db_url), "0008")
    await upgrade_async(db_url)
    async with Store.open(db_url) as store:
        posts = await store.read(
            lambda c: [
                (r.channel, r.chat, r.platform_message_id, r.style, r.poll_id)
                for r in c.execute(select(PollPosting).order_by(PollPosting.id))
            ]
        )
        assert sorted(posts) == [
            ("slack", "C1", "17.1", "buttons", poll_id),
            ("telegram", "-100", "tg-poll-9", "native", poll_id),
            ("x", "", "1800", "reply", poll_id),
        ]
        assert await store.polls.posted_as(channel="x", platform_id="1800") == poll_id
        assert await store.polls.posts(channel="slack") == [(poll_id, "C1", "17.1")]
        [pending] = await store.outbox.claim(limit=10, lease=timedelta(seconds=30))
        assert (pending.message.edit_of, pending.message.poll_ref) == ("17.1", f"fbpoll-{poll_id}")
        newer = OutboundMessage(
            address=pending.message.address, text="Q? 2 answers", edit_of="17.1"
        )
        await store.outbox.enqueue(
            message=newer, author="test"
        )  # supersedes the old row by its backfilled key
        statuses = await store.read(
            lambda c: c.execute(
                select(OutboxItem.status).where(OutboxItem.id == pending.id)
            ).scalar_one()
        )
        assert statuses == "superseded"


async def test_a_settled_new_post_is_recorded_once_edits_never(db_url: str) -> None:
    await upgrade_async(db_url)
    async with Store.open(db_url) as store:
        poll_id = await store.polls.create(
            targets=[Target("telegram", "-100")],
            options=[("1", "A"), ("2", "B")],
            question="Pick",
            kind="single",
            status="open",
        )
        address = Address(Channel.TELEGRAM, chat="-100", kind=GROUP)
        ref = f"fbpoll-{poll_id}"
        native = OutboundMessage(
            address=address, text="Pick", poll_ref=ref, poll=PollPost("Pick", ("A", "B"))
        )
        closing = OutboundMessage(address=address, text="closed", poll_ref=ref, edit_of="p-1")
        await store.outbox.enqueue_many(messages=[native, closing], author="test")
        items = await store.outbox.claim(limit=10, lease=timedelta(seconds=30))
        await store.outbox.settle(
            outcomes=[Settled(i.id, "sent", platform_message_id="p-1") for i in items]
        )
        await store.outbox.settle(
            outcomes=[Settled(items[0].id, "sent", platform_message_id="p-1")]
        )
        assert await store.polls.posts(channel="telegram") == [(poll_id, "-100", "p-1")]
        assert await store.polls.native_posts(channel="telegram") == [(poll_id, "p-1")]
