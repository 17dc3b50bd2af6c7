"""A targeted poll to "postgraduates who raised e_resources since 1 October" reaches exactly
them on their channels, leaves out (and reports) an opted-out and a capped person, and sends
nothing to people whose only conversation the bot may not start one in (a Slack channel, a
public X mention, an ended widget session); the cap skips a person asked twice this week on
every channel; a dry run sends nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.events import Channel, ConversationKind, utcnow
from handlers.reach.spec import SendRefused, SendSpec
from models.store import Store
from models.store.migrate import upgrade_async
from models.store.polls.definitions import Target
from models.store.reach.sends import PEOPLE
from models.store.tables import AuditEntry, Conversation, Message, OutboxItem
from tests.reach.world import OCT_1, World, sends

D, W = ConversationKind.DIRECT, ConversationKind.WIDGET
POSTGRADS = ("postgraduate_taught", "postgraduate_research")


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    await upgrade_async(db_url)
    async with Store.open(db_url, pseudonym_key=b"sends-test") as store:
        w = World(store)
        await w.person("ana", channel=Channel.TELEGRAM, chat="101", kind=D)
        ben_session = await w.widget_session()
        await w.person("ben", channel=Channel.WIDGET, chat=ben_session, kind=W, group=POSTGRADS[0])
        cai = await w.person("cai", channel=Channel.SLACK, chat="D0CAI", kind=D)
        await store.opt_outs.choose(contact_id=cai, opted_out=True)
        dee = await w.person("dee", channel=Channel.TELEGRAM, chat="104", kind=D)
        for _ in range(2):
            await store.reach.record(contact_ids=[dee], kind="poll", ref="earlier", at=utcnow())
        await w.person("eve", channel=Channel.SLACK, chat="C0LIBRARY", kind=ConversationKind.GROUP)
        await w.person("fay", channel=Channel.X, chat="", kind=ConversationKind.PUBLIC)
        await w.person("gus", channel=Channel.TELEGRAM, chat="107", kind=D, group="undergraduate")
        await w.person("hal", channel=Channel.TELEGRAM, chat="108", kind=D, topic="other")
        await w.person("ivy", channel=Channel.TELEGRAM, chat="109", kind=D, days_ago=100)
        await w.person("jon", channel=Channel.WIDGET, chat="ended-session-jon", kind=W)
        yield w


async def _poll(store: Store, status: str = "open") -> int:
    return await store.polls.create(
        targets=[Target("widget")],
        options=[("yes", "Yes"), ("no", "No")],
        question="Would a list of e-journals that work off campus help?",
        kind="yes_no",
        status=status,
    )


def _spec(poll_id: int, **more: object) -> SendSpec:
    return SendSpec(
        poll_id=poll_id, groups=POSTGRADS, topics=("e_resources",), raised_since=OCT_1, **more
    )  # type: ignore[arg-type]


async def _sent(store: Store) -> list[tuple[str, str, str]]:
    """(channel, chat, text) of every queued targeted send."""
    query = (
        select(OutboxItem.channel, Conversation.chat, Message.text)
        .join(Message, Message.id == OutboxItem.message_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.author.like("feedbot:send:%"))
        .order_by(OutboxItem.id)
    )
    return [tuple(r) for r in await store.read(lambda c: c.execute(query).all())]  # type: ignore[misc]


async def test_the_dry_run_counts_per_channel_and_says_who_was_left_out_and_why(
    world: World,
) -> None:
    use = sends(world.store)
    report = await use.preview(_spec(await _poll(world.store)), by=None)
    assert report.told == {"telegram": 1, "widget": 1}
    assert report.left_out == {"opted_out": 1, "unreachable": 3, "capped": 1, "sampled_out": 0}
    assert report.left_out_by_channel["unreachable"] == {"slack": 1, "x": 1, "widget": 1}
    assert report.left_out_by_channel["capped"] == {"telegram": 1}
    assert await _sent(world.store) == []  # a dry run queues nothing


async def test_the_poll_reaches_exactly_them_on_their_channels_once(world: World) -> None:
    store, ids = world.store, world.ids
    poll_id = await _poll(store, status="draft")
    report = await sends(store).send(_spec(poll_id), by=None)
    assert report.told == {"telegram": 1, "widget": 1} and report.send_id is not None
    sent = await _sent(store)
    assert sorted((ch, chat) for ch, chat, _ in sent) == sorted(
        [("telegram", "101"), ("widget", (await _chat(store, ids["ben"])))]
    )
    assert all("e-journals" in text for _, _, text in sent)
    asked = await store.reach.asked_since(since=utcnow() - timedelta(days=1))
    assert {c for c in asked if asked[c] and c != ids["dee"]} == {ids["ana"], ids["ben"]}
    poll = await store.polls.get(poll_id=poll_id)
    assert poll is not None and Target("telegram", PEOPLE, 1) in poll.targets  # votes count
    assert poll.status == "open"  # a draft sent this way is opened
    audit = await store.read(
        lambda c: c.execute(select(AuditEntry.detail).where(AuditEntry.action == "send")).all()
    )
    assert [a.detail["told"] for a in audit] == [{"telegram": 1, "widget": 1}]


async def test_a_person_asked_twice_this_week_is_skipped_on_every_channel(world: World) -> None:
    store, ids = world.store, world.ids
    for name in ("ana", "ben"):
        for _ in range(2):
            await store.reach.record(contact_ids=[ids[name]], kind="csat", ref="x", at=utcnow())
    report = await sends(store, cap=2).send(_spec(await _poll(store)), by=None)
    assert report.told == {}
    assert report.left_out["capped"] == 3
    assert report.left_out_by_channel["capped"] == {"telegram": 2, "widget": 1}
    assert await _sent(store) == []
    uncapped = await sends(store, cap=0).preview(_spec(await _poll(store)), by=None)
    assert uncapped.told == {"telegram": 2, "widget": 1}  # cap 0: no cap


async def test_a_sample_sends_to_a_share_and_reports_the_rest(world: World) -> None:
    spec = SendSpec(text="A short survey is coming", channels=("telegram",), sample=0.5, seed=3)
    report = await sends(world.store, cap=0).preview(spec, by=None)
    # ana, dee, gus, hal, ivy wrote on Telegram in direct chats: half of the 5, rounded
    assert sum(report.told.values()) == 2 and report.left_out["sampled_out"] == 3


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        (SendSpec(), "either --poll"),
        (SendSpec(poll_id=1, text="both"), "either --poll"),
        (SendSpec(text="hi", groups=("wizards",)), "unknown group 'wizards'"),
        (SendSpec(text="hi", channels=("fax",)), "unknown channel 'fax'"),
        (SendSpec(text="hi", topics=("parking",)), "unknown topic 'parking'"),
        (SendSpec(text="hi", sample=0), "--sample"),
        (SendSpec(text="hi", themes=("7",)), "unknown theme '7'"),
        (SendSpec(poll_id=999), "no poll 999"),
        (SendSpec(text="hi", silent_since=datetime(2099, 1, 1, tzinfo=UTC)), "in the future"),
    ],
)
async def test_bad_sends_are_refused_with_a_reason(world: World, spec: SendSpec, says: str) -> None:
    with pytest.raises(SendRefused, match=says):
        await sends(world.store).send(spec, by=None)
    assert await _sent(world.store) == []


async def _chat(store: Store, contact_id: int) -> str:
    query = (
        select(Conversation.chat)
        .join(Message, Message.conversation_id == Conversation.id)
        .where(Message.contact_id == contact_id)
    )
    return str(await store.read(lambda c: c.execute(query).scalars().first()))
