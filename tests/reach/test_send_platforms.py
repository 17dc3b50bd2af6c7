"""A targeted poll through the real SDKs against the fake platforms: the Telegram user who
wrote to the bot in a private chat gets it as Telegram's own poll and their answer counts; the
widget visitor whose session is open sees it in their conversation; the Slack user who wrote
only in a channel gets nothing (no cold direct messages); a person who said "stop" gets
nothing; "join the panel" joins and is confirmed."""

from __future__ import annotations

from sqlalchemy import select

from bot.adapters.catalog import CAPABILITIES
from bot.wiring import reach
from bot.wiring.basics import Said
from handlers.reach.spec import SendSpec
from handlers.speaking import Fixed
from models.store.polls.definitions import Target
from models.store.polls.tables import Vote
from tests.fakes.chat import Chat
from tests.fakes.classifier import KeywordClassifier
from tests.fakes.waiting import wait_until
from tests.fakes.wording import shipped_wording

QUESTION = "Would a second printer on level 2 help?"


async def test_the_poll_goes_only_where_the_platform_allows(chat: Chat, db_url: str) -> None:
    await chat.start(
        "telegram",
        "slack",
        database_url=db_url,
        classifier=KeywordClassifier(),
        poll_quiet_hours="",
    )
    dm = chat.on("telegram", user_id=5550101, first="Ana")
    stopped = chat.on("telegram", user_id=5550102, first="Cai")
    channel = chat.on("slack", user="U0EVE", where="C01LIBRARY")
    visitor = chat.on("widget")
    for person in (dm, stopped, channel, visitor):
        await person.says("The printer on level 2 is broken again")
    await stopped.says("STOP")
    await chat.expect_reply(stopped, contains="no more messages")
    bot = chat.bot.app
    use = reach.sends(
        bot.settings, bot.library, Said(shipped_wording(), Fixed()), bot.store,
        CAPABILITIES, wake_outbox=bot.delivery.wake,
    )  # fmt: skip
    spec = SendSpec(text="x", topics=("printing_and_scanning",))

    async def all_labelled() -> bool:
        return (await use.preview(spec, by=None)).told == {"telegram": 1, "widget": 1}

    await wait_until(all_labelled, within=20, what="the four messages labelled")
    poll_id = await bot.store.polls.create(
        targets=[Target("widget")],
        options=[("yes", "Yes"), ("no", "No")],
        question=QUESTION,
        kind="yes_no",
        status="open",
    )
    report = await use.send(SendSpec(poll_id=poll_id, topics=("printing_and_scanning",)), by=None)
    assert report.told == {"telegram": 1, "widget": 1}
    assert report.left_out == {"opted_out": 1, "unreachable": 1, "capped": 0, "sampled_out": 0}
    await chat.expect_reply(dm, contains=QUESTION)
    await chat.expect_reply(visitor, contains=QUESTION)
    await dm.taps("Yes")

    async def counted() -> bool:
        votes = select(Vote.options).where(Vote.poll_id == poll_id)
        return await bot.store.read(lambda c: c.execute(votes).scalars().all()) == [["yes"]]

    await wait_until(counted, what="Ana's answer counted")
    assert not [h for h in await channel.heard() if QUESTION in h.text]
    assert not [h for h in await stopped.heard() if QUESTION in h.text]
    assert (await bot.store.reach.tally(send_id=report.send_id or 0))["answered"] == 1
    await dm.says("join the panel")
    await chat.expect_reply(dm, contains="advisory panel")
    assert len(await bot.store.reach.panel_members()) == 1
