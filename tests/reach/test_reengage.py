""" "We miss you": an opted-in person silent for N days gets one message, once; a person who did
not opt in gets none; the consent question is asked once, in the person's language; joining
and leaving the panel by a word. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.adapters.catalog import CAPABILITIES
from bot.events import Address, Channel, ConversationKind, utcnow
from handlers.digest.reengaged import Reengaged, reengaged
from handlers.reach.once import ConsentQuestion
from handlers.reach.reengage import Reengagement
from handlers.reach.spec import SendSpec
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.reach.tables import ReengageConsent
from models.store.rights.scope import Who
from models.store.tables import Message
from tests.fakes.wording import shipped_wording
from tests.reach.world import World, answer_own_question, sends

D = ConversationKind.DIRECT


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"reengage-test") as store:
        w = World(store)
        await w.person("kim", channel=Channel.TELEGRAM, chat="201", kind=D, days_ago=100)
        await w.person("lee", channel=Channel.TELEGRAM, chat="202", kind=D, days_ago=100)
        await w.person("mo", channel=Channel.TELEGRAM, chat="203", kind=D, days_ago=2)
        yield w


async def _consent(store: Store, contact_id: int, chat: str, answer: str, lang: str) -> None:
    """Ask the question (as the step does), then record the person's answer."""
    ask = ConsentQuestion(shipped_wording(), CAPABILITIES)
    where = Address(Channel.TELEGRAM, chat=chat, kind=D)
    assert await store.reach.ask_consent(
        contact_id=contact_id, address=where, ask=ask, language=lang
    )
    assert not await store.reach.ask_consent(  # once
        contact_id=contact_id, address=where, ask=ask, language=lang
    )
    await answer_own_question(store, ReengageConsent, contact_id, answer, ago=timedelta(days=99))


async def _texts(store: Store, chat_contact: int) -> list[str]:
    query = (
        select(Message.text)
        .where(Message.direction == "out", Message.author.like("feedbot:%"))
        .where(
            Message.conversation_id.in_(
                select(Message.conversation_id).where(Message.contact_id == chat_contact)
            )
        )
        .order_by(Message.id)
    )
    return [str(t) for t in await store.read(lambda c: c.execute(query).scalars().all())]


async def test_an_opted_in_silent_person_gets_one_message_once(world: World) -> None:
    store, ids = world.store, world.ids
    await _consent(store, ids["kim"], "201", "yes", "cy")
    await _consent(store, ids["mo"], "203", "yes", "en")  # said yes, but wrote 2 days ago
    job = Reengagement(
        store,
        sends(store, language="cy"),  # as the store remembers Welsh for them
        wording=shipped_wording(),
        silent=timedelta(days=90),
        every=timedelta(days=180),
    )
    report = await job.pass_at(utcnow())
    assert report is not None and report.told == {"telegram": 1}
    kim = await _texts(store, ids["kim"])
    welsh = shipped_wording().text("reach.reengage_intro", "cy")
    assert any(welsh in t for t in kim)  # in their language
    assert shipped_wording().text("reach.consent_question", "cy") in kim[0]
    assert await job.pass_at(utcnow()) is None  # once a period
    asked = await store.reach.asked_since(since=utcnow() - timedelta(days=1))
    # the consent question counts too: kim was asked it and re-engaged, mo (not silent) only
    # asked it, lee (never asked) nothing
    assert asked == {ids["kim"]: 2, ids["mo"]: 1}
    assert await _texts(store, ids["lee"]) == []
    assert await reengaged(store, utcnow()) == Reengaged(asked=1, came_back=0)
    await world.person("kim", channel=Channel.TELEGRAM, chat="201", kind=D, days_ago=0)
    assert await reengaged(store, utcnow()) == Reengaged(asked=1, came_back=1)  # the digest's


async def test_a_person_who_said_no_gets_nothing(world: World) -> None:
    store, ids = world.store, world.ids
    await _consent(store, ids["lee"], "202", "no", "en")
    job = Reengagement(
        store,
        sends(store),
        wording=shipped_wording(),
        silent=timedelta(days=90),
        every=timedelta(days=180),
    )
    assert await job.pass_at(utcnow()) is None
    assert await store.reach.consented() == []


async def test_joining_and_leaving_the_panel(world: World) -> None:
    store, ids = world.store, world.ids
    assert await store.reach.join_panel(contact_id=ids["kim"], via="keyword")
    assert not await store.reach.join_panel(contact_id=ids["kim"], via="widget")
    await store.reach.join_panel(contact_id=ids["mo"], via="poll")
    assert await store.reach.panel_by_group() == {"postgraduate_research": 2}
    members = await store.reach.panel_members()
    assert [g for g, _, _ in members] == ["postgraduate_research"] * 2
    report = await sends(store).preview(
        SendSpec(text="Panel meeting", panel=True),
        by=None,
    )
    assert report.told == {"telegram": 2}
    assert await store.reach.leave_panel(contact_id=ids["kim"])
    assert not await store.reach.leave_panel(contact_id=ids["kim"])
    assert len(await store.reach.panel_members()) == 1


async def test_panel_and_consent_are_exported_and_erased(world: World) -> None:
    store, ids = world.store, world.ids
    await _consent(store, ids["kim"], "201", "yes", "en")
    await store.reach.join_panel(contact_id=ids["kim"], via="keyword")
    who = Who(channel="telegram", user="kim")
    doc = await store.rights.export_person(who=who, actor="test")
    part = doc["reaching_out"]
    assert [p["via"] for p in part["panel"]] == ["keyword"]
    assert [c["answer"] for c in part["contact_again"]] == ["yes"]
    await store.rights.erase_person(who=who, actor="test")
    assert await store.reach.panel_members() == []
    assert await store.reach.consented() == []
