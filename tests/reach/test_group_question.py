"""The once-only questions in the store: one per occasion (consent first, then the optional
group question), each asked at most once ever (a skipped question stays asked), never to an
opted-out person, held back by the contact cap, never in reply to an answer to one of them,
the group question only while the person's group is unknown; its wording in the person's
language with "prefer not to say". On SQLite and PostgreSQL. (Answers, through a real
platform: test_group_question_chat.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, event, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.adapters.catalog import CAPABILITIES
from bot.events import Address, Channel, ConversationKind, utcnow
from config.groups import CustomerGroups
from handlers.reach.once import ConsentQuestion, GroupQuestion
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.outbox.outcomes import Settled
from models.store.polls import definitions as polls
from models.store.polls.tables import PollTarget
from models.store.reach.questions import Asking
from models.store.reach.tables import GroupQuestion as Asked
from models.store.reach.tables import ReengageConsent
from models.store.tables import Contact, Message
from tests.fakes.waiting import wait_until
from tests.fakes.wording import shipped_wording
from tests.reach.world import World, answer_own_question

D = ConversationKind.DIRECT
WEEK = (2, timedelta(days=7))
WORDING = shipped_wording()
CONSENT = ConsentQuestion(WORDING, CAPABILITIES)
GROUP = GroupQuestion(WORDING, CAPABILITIES, CustomerGroups())
BOTH = (CONSENT, GROUP)


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"group-question-test") as store:
        w = World(store)
        for n, name in enumerate(("kim", "lee", "mo")):
            await w.person(name, channel=Channel.TELEGRAM, chat=f"30{n}", kind=D, group=None)
        yield w


def _where(chat: str) -> Address:
    return Address(Channel.TELEGRAM, chat=chat, kind=D)


async def _ask(w: World, name: str, chat: str, answering: int | None = None) -> str | None:
    asking = Asking(w.ids[name], _where(chat), "en", answering)
    asked = await w.store.reach.ask_once_many(people=[asking], asks=BOTH, cap=WEEK)
    return asked.get(w.ids[name])


async def _queued(store: Store, contact_id: int) -> list[str]:
    """The texts queued into this person's conversation by the bot."""
    theirs = select(Message.conversation_id).where(Message.contact_id == contact_id)
    query = (
        select(Message.text)
        .where(Message.direction == "out", Message.conversation_id.in_(theirs))
        .order_by(Message.id)
    )
    return [str(t) for t in await store.read(lambda c: c.execute(query).scalars().all())]


async def _group(store: Store, contact_id: int) -> tuple[str | None, str | None]:
    query = select(Contact.customer_group, Contact.group_source).where(Contact.id == contact_id)
    row = await store.read(lambda c: c.execute(query).one())
    return row[0], row[1]


async def test_one_question_per_occasion_each_once_ever(world: World) -> None:
    store, kim = world.store, world.ids["kim"]
    assert await _ask(world, "kim", "300") == "consent"
    assert len(await _queued(store, kim)) == 1  # not both at the same moment
    answer = await answer_own_question(store, ReengageConsent, kim, "yes")
    assert await _ask(world, "kim", "300", answering=answer) is None  # not in reply to it
    assert await _ask(world, "kim", "300") == "group"  # the next occasion
    group_text = WORDING.text("reach.group_question")
    assert group_text in (await _queued(store, kim))[-1]
    await answer_own_question(store, Asked, kim, "prefer_not")  # skipped
    assert await store.reach.group_answers(message_ids=[answer]) == {kim: "prefer_not"}
    assert await _ask(world, "kim", "300") is None  # never again, though skipped
    assert await _group(store, kim) == (None, None)
    asked = await store.reach.asked_since(since=utcnow() - timedelta(hours=1), contact_ids=[kim])
    assert asked == {kim: 2}  # each counted towards the cap


async def test_not_to_an_opted_out_person_nor_past_the_cap(world: World) -> None:
    store, lee, mo = world.store, world.ids["lee"], world.ids["mo"]
    await store.opt_outs.choose(contact_id=lee, opted_out=True)
    assert await _ask(world, "lee", "301") is None
    await store.reach.record(contact_ids=[mo, mo], kind="poll", ref="p", at=utcnow())
    assert await _ask(world, "mo", "302") is None  # two asks this week already
    assert await _queued(store, lee) == await _queued(store, mo) == []
    rows = await store.read(lambda c: c.execute(select(Asked.contact_id)).scalars().all())
    assert rows == []  # not remembered as asked: asked on a later occasion within the cap


async def test_not_asked_when_a_stronger_source_placed_them(world: World) -> None:
    store, kim = world.store, world.ids["kim"]
    await _ask(world, "kim", "300")  # consent first
    await store.people.place(contact_ids=[kim], group="public", source="entry")
    assert await _ask(world, "kim", "300") is None  # group known: no group question


def test_the_question_in_welsh_with_prefer_not_to_say() -> None:
    welsh = GROUP.message(7, _where("300"), "cy")
    assert welsh.text == WORDING.text("reach.group_question", "cy")
    labels = [b.label for b in welsh.buttons]
    assert labels[0] == WORDING.text("groups.undergraduate", "cy")
    assert labels[-1] == WORDING.text("reach.group_prefer_not", "cy")
    assert [b.value.rsplit(":", 1)[1] for b in welsh.buttons][-1] == "prefer_not"
    assert len(GROUP.options) == 10 and GROUP.options[-1][0] == "prefer_not"
    on_x = GROUP.message(7, Address(Channel.X, chat="9", kind=D), "en")
    assert not on_x.buttons and "10 = Prefer not to say" in on_x.text  # reply with a number


async def test_a_batch_of_new_voters_one_question_each_in_one_write(world: World) -> None:
    store, ids = world.store, world.ids
    for n, name in enumerate(("ola", "pat")):
        await world.person(name, channel=Channel.TELEGRAM, chat=f"31{n}", kind=D, group=None)
    await store.opt_outs.choose(contact_id=ids["ola"], opted_out=True)
    await store.reach.record(contact_ids=[ids["pat"]] * 2, kind="poll", ref="p", at=utcnow())
    chats = {"kim": "300", "lee": "301", "mo": "302", "ola": "310", "pat": "311"}
    batch = [Asking(ids[name], _where(chat), "en") for name, chat in chats.items()]
    commits: list[object] = []
    listener = lambda conn: commits.append(conn)  # noqa: E731 - counts every transaction
    event.listen(Engine, "commit", listener)
    try:
        asked = await store.reach.ask_once_many(people=batch, asks=[CONSENT], cap=WEEK)
    finally:
        event.remove(Engine, "commit", listener)
    new = [ids["kim"], ids["lee"], ids["mo"]]
    assert asked == dict.fromkeys(new, "consent") and len(commits) == 1  # one write for all
    for name, contact_id in ids.items():
        assert len(await _queued(store, contact_id)) == (1 if contact_id in new else 0), name
    rows = await store.read(lambda c: c.execute(select(ReengageConsent.contact_id)).all())
    assert sorted(r[0] for r in rows) == sorted(new)  # each remembered with a poll of their own
    assert await store.reach.ask_once_many(people=batch, asks=[CONSENT], cap=WEEK) == {}
    assert [len(await _queued(store, c)) for c in new] == [1, 1, 1]  # nothing new the second time


async def test_sent_questions_are_no_work_for_the_live_tally(world: World) -> None:
    """Each question asked is an open poll's button post once sent; the live-tally pass (every
    15 s) looks only at polls showing live results, so it reads none of them."""
    store = world.store
    batch = [Asking(world.ids[n], _where(c), "en") for n, c in (("kim", "300"), ("lee", "301"))]
    assert len(await store.reach.ask_once_many(people=batch, asks=BOTH)) == 2
    items = await store.outbox.claim(limit=10, lease=timedelta(seconds=60))
    sent = [
        Settled(i.id, "sent", platform_message_id=f"{i.message.address.chat}:{i.id}") for i in items
    ]
    await store.outbox.settle(outcomes=sent)
    buttons = ("buttons",)
    assert len(await store.polls.posts(channel="telegram", styles=buttons)) == 2
    assert await store.polls.posts(channel="telegram", styles=buttons, live=True) == []


async def test_asked_by_another_process_meanwhile_is_not_asked_again(
    world: World, db_url: str
) -> None:
    """Two bots on one PostgreSQL database both read kim as never asked: the second's write
    waits on the first's, then asks her nothing (nor the next question) and keeps no poll for
    her; lee, in the same batch, is asked."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has a single writer: its read and write cannot interleave")
    store, kim, lee = world.store, world.ids["kim"], world.ids["lee"]
    batch = [Asking(kim, _where("300"), "en"), Asking(lee, _where("301"), "en")]
    other = create_async_engine(db_url)
    try:
        async with other.begin() as conn:  # the other bot, mid-way through asking kim
            await conn.run_sync(_asked_elsewhere, kim)
            ours = asyncio.create_task(store.reach.ask_once_many(people=batch, asks=BOTH))
            await wait_until(lambda: _waiting(other), what="our write waiting on the other's")
        assert await ours == {lee: "consent"}
    finally:
        await other.dispose()
    assert await _queued(store, kim) == [] and len(await _queued(store, lee)) == 1
    targets = await store.read(lambda c: c.execute(select(PollTarget.chat)).scalars().all())
    assert sorted(targets) == ["300", "301"]  # the other bot's poll for kim, ours for lee


def _asked_elsewhere(conn: Connection, contact_id: int) -> None:
    [poll_id] = polls.open_many(
        conn, targets=[polls.Target("telegram", "300")], options=[], question="q", kind="yes_no"
    )
    row = {"contact_id": contact_id, "poll_id": poll_id, "asked_at": utcnow()}
    conn.execute(insert(ReengageConsent).values(row))


async def _waiting(engine: AsyncEngine) -> bool:
    """Whether some transaction waits for a lock (ours, on the other's uncommitted row)."""
    async with engine.connect() as conn:
        waiting = await conn.execute(text("SELECT count(*) FROM pg_locks WHERE NOT granted"))
        return bool(waiting.scalar_one())
