"""A person known on two linked channels, with everything the bot can hold about them, and a
second person who must be left alone."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.events import (
    Address,
    Channel,
    ConversationKind,
    EventKind,
    InboundEvent,
    OutboundMessage,
    Vote,
    poll_ref,
)
from handlers.polls.answers import chosen
from models.classification import Classification
from models.store import Store
from models.store.migrate import upgrade
from models.store.polls.definitions import Target
from models.store.rights.scope import Who
from models.store.tables import Classification as Verdict
from models.store.tables import Message
from tests.support.cli import base_env
from tests.support.queue import add_staff, stored

SAM_TG, SAM_SLACK, ALEX = "5550001", "U0SAMSLACK", "U0ALEXSLACK"
TEXTS = (
    "SAMTEXT-tg the scanner ate my thesis",
    "SAMTEXT-slack wifi dead in room 4",
    "SAMTEXT-reply sorry Sam, fixed now",
    "SAMTEXT-note Sam seems upset",
    "SAMTEXT-out your card is ready Sam",
)
NEEDLES = (*TEXTS, SAM_TG, SAM_SLACK, "Sam Saunders")
CLI_KEY = "cli-test-pseudonym-key"  # the key tests.support.cli.base_env gives the CLI


@dataclass(frozen=True)
class World:
    """Ids of what the world holds."""

    poll_id: int
    csat_poll_id: int
    item_id: int
    pending_message_id: int


class Ask:
    """A satisfaction question in any conversation (the handlers' own one needs adapters)."""

    question = "How did we do?"
    options = [(str(n), str(n)) for n in range(1, 6)]
    cap = None

    def allowed(self, address: Address) -> bool:
        return True

    def message(self, poll_id: int, address: Address, language: str) -> OutboundMessage:
        return OutboundMessage(address=address, text=self.question, poll_ref=poll_ref(poll_id))


def sam_on_telegram() -> Who:
    return Who(channel="telegram", user=SAM_TG)


def _tg(text: str, pid: str, vote: Vote | None = None) -> InboundEvent:
    address = Address(Channel.TELEGRAM, chat=SAM_TG, kind=ConversationKind.DIRECT)
    kind = EventKind.VOTE if vote else EventKind.MESSAGE
    return InboundEvent(
        channel=Channel.TELEGRAM,
        platform_id=f"{SAM_TG}:{pid}",
        kind=kind,
        sender=SAM_TG,
        sender_name="Sam Saunders",
        address=address,
        text=text,
        reply_ref=pid,
        vote=vote,
    )


def _slack(text: str, pid: str, sender: str, vote: Vote | None = None) -> InboundEvent:
    address = Address(Channel.SLACK, chat="C42", kind=ConversationKind.GROUP)
    kind = EventKind.VOTE if vote else EventKind.MESSAGE
    return InboundEvent(
        channel=Channel.SLACK,
        platform_id=pid,
        kind=kind,
        sender=sender,
        sender_name="Sam Saunders" if sender == SAM_SLACK else "Alex",
        address=address,
        text=text,
        reply_ref=pid,
        vote=vote,
    )


async def build(store: Store) -> World:
    """Sam on Telegram (DM, a poll answer, a message waiting to go out) and on Slack (a queue
    item with a reply, a note, a CSAT answer), linked; Alex on Slack."""
    await store.messages.record(events=[_tg(TEXTS[0], "11")])
    poll_id = await store.polls.create(
        targets=[Target("telegram", SAM_TG)],
        options=[("1", "Yes"), ("2", "No")],
        question="Open the library later?",
        kind="choice",
        status="open",
    )
    await _votes(store, [_tg("", "12", Vote(poll_ref(poll_id), ("2",)))])
    await store.messages.record(events=[_slack("Alex: the lift is broken", "EvAlex1", ALEX)])
    incoming = await stored(store, _slack(TEXTS[1], "EvSam1", SAM_SLACK))
    [routed] = await store.inbox.route(incoming=[incoming])
    assert routed.item_id is not None
    item_id = routed.item_id
    ann = await add_staff(store, "ann@lib.ac.uk")
    await store.inbox.reply(item_id=item_id, actor_id=ann, text=TEXTS[2])
    await store.inbox.note(item_id=item_id, actor_id=ann, text=TEXTS[3])
    await store.inbox.resolve(item_ids=[item_id], actor_id=ann, ask=Ask())
    csat = await store.read(lambda c: c.execute(select(func.max(Message.id))).scalar())
    csat_poll = await _csat_poll(store, item_id)
    [answer] = await _votes(
        store, [_slack("", "EvSam2", SAM_SLACK, Vote(poll_ref(csat_poll), ("5",)))]
    )
    await store.inbox.record_csat(message_ids=[answer])
    pending = await store.outbox.enqueue(
        message=OutboundMessage(
            address=Address(Channel.TELEGRAM, chat=SAM_TG, kind=ConversationKind.DIRECT),
            text=TEXTS[4],
        ),
        author="feedbot",
    )
    await store.cursors.set(name=f"telegram.poll.{poll_id}", value=f"{SAM_TG}:77")
    await _classify(store)
    await store.rights.link(
        a=sam_on_telegram(), b=Who(channel="slack", user=SAM_SLACK), actor="cli"
    )
    assert csat
    return World(poll_id, csat_poll, item_id, pending)


async def _votes(store: Store, events: list[InboundEvent]) -> list[int]:
    receipts = await store.messages.record(events=events)
    ids = [r.message_id for r in receipts]
    await store.polls.cast(message_ids=ids, choose=chosen)
    return ids


async def _csat_poll(store: Store, item_id: int) -> int:
    from models.store.inbox.tables import InboxCsat

    query = select(InboxCsat.poll_id).where(InboxCsat.item_id == item_id)
    return int(await store.read(lambda c: c.execute(query).scalar_one()))


async def _classify(store: Store) -> None:
    ids = await store.read(
        lambda c: list(
            c.execute(
                select(Message.id).where(Message.direction == "in", Message.kind == "message")
            ).scalars()
        )
    )
    verdict = Classification("negative", {"negative": 0.9}, "printing", 0.8, "test-1")
    await store.classifications.save(verdicts=[(i, verdict) for i in ids])


def figures(store: Store) -> Callable[[Any], Any]:
    """What a digest counts: messages per channel, kind, direction, label and day."""

    def read(conn: Any) -> list[tuple[Any, ...]]:
        query = (
            select(
                Message.channel,
                Message.kind,
                Message.direction,
                Verdict.sentiment,
                Verdict.topic,
                func.date(Message.occurred_at),
                func.count(),
            )
            .outerjoin(Verdict, Verdict.message_id == Message.id)
            .group_by(
                Message.channel,
                Message.kind,
                Message.direction,
                Verdict.sentiment,
                Verdict.topic,
                func.date(Message.occurred_at),
            )
            .order_by(Message.channel, Message.kind, Message.direction, Verdict.topic)
        )
        return [tuple(r) for r in conn.execute(query)]

    return read


def filled(tmp_path: Path) -> dict[str, str | None]:
    """A migrated SQLite file holding the world, and the CLI's environment for it."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'feedbot.db'}"
    upgrade(url)

    async def write() -> None:
        async with Store.open(url, pseudonym_key=CLI_KEY.encode()) as store:
            await build(store)

    asyncio.run(write())
    return base_env(tmp_path, database_url=url)


def later(days: int) -> timedelta:
    return timedelta(days=days)
