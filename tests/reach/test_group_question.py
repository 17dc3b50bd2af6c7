"""The once-only questions in the store: one per occasion (consent first, then the optional
group question), each asked at most once ever (a skipped question stays asked), never to an
opted-out person, held back by the contact cap, never in reply to an answer to one of them,
the group question only while the person's group is unknown; its wording in the person's
language with "prefer not to say". On SQLite and PostgreSQL. (Answers, through a real
platform: test_group_question_chat.py.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from bot.adapters.catalog import CAPABILITIES
from bot.events import Address, Channel, ConversationKind, utcnow
from config.groups import CustomerGroups
from handlers.reach.once import ConsentQuestion, GroupQuestion
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.polls.tables import Vote
from models.store.reach.tables import GroupQuestion as Asked
from models.store.reach.tables import ReengageConsent
from models.store.tables import Contact, Message
from tests.fakes.wording import shipped_wording
from tests.reach.world import World

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
    return await w.store.reach.ask_once(
        contact_id=w.ids[name],
        address=_where(chat),
        asks=BOTH,
        language="en",
        cap=WEEK,
        answering=answering,
    )


async def _queued(store: Store, contact_id: int) -> list[str]:
    """The texts queued into this person's conversation by the bot."""
    theirs = select(Message.conversation_id).where(Message.contact_id == contact_id)
    query = (
        select(Message.text)
        .where(Message.direction == "out", Message.conversation_id.in_(theirs))
        .order_by(Message.id)
    )
    return [str(t) for t in await store.read(lambda c: c.execute(query).scalars().all())]


async def _vote(store: Store, contact_id: int, topic: str, option: str) -> int:
    """The person's vote on their own question (as the tally stores it); its message id."""
    table = Asked if topic == "group" else ReengageConsent
    query = select(table.poll_id).where(table.contact_id == contact_id)
    poll_id = await store.read(lambda c: c.execute(query).scalar_one())
    message_id = await store.read(
        lambda c: c.execute(select(Message.id).where(Message.contact_id == contact_id)).scalar()
    )
    row = {
        "poll_id": poll_id,
        "contact_id": contact_id,
        "channel": "telegram",
        "options": [option],
        "message_id": message_id,
        "voted_at": utcnow(),
    }
    await store._db.write(lambda c: c.execute(insert(Vote).values(row)))
    return int(message_id)


async def _group(store: Store, contact_id: int) -> tuple[str | None, str | None]:
    query = select(Contact.customer_group, Contact.group_source).where(Contact.id == contact_id)
    row = await store.read(lambda c: c.execute(query).one())
    return row[0], row[1]


async def test_one_question_per_occasion_each_once_ever(world: World) -> None:
    store, kim = world.store, world.ids["kim"]
    assert await _ask(world, "kim", "300") == "consent"
    assert len(await _queued(store, kim)) == 1  # not both at the same moment
    answer = await _vote(store, kim, "consent", "yes")
    assert await _ask(world, "kim", "300", answering=answer) is None  # not in reply to it
    assert await _ask(world, "kim", "300") == "group"  # the next occasion
    group_text = WORDING.text("reach.group_question")
    assert group_text in (await _queued(store, kim))[-1]
    await _vote(store, kim, "group", "prefer_not")  # skipped
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
