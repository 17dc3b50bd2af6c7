"""Polls on X through tweepy and FakeX: a native poll read back as counts, or a numbered reply."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from bot.events import Channel
from config.settings import Settings
from handlers import polls
from handlers.poll_counts import PollCountReader
from handlers.poll_kinds import standard_options
from models.store.polls import Target
from tests.adapters.test_x_scenarios import bot_with_x
from tests.fakes.running import RunningBot
from tests.fakes.waiting import wait_until
from tests.fakes.x import FakeX


@pytest.fixture
async def fake() -> AsyncIterator[FakeX]:
    async with FakeX() as server:
        yield server


async def posted(bot: RunningBot) -> str:
    """The id of the tweet the poll went out as."""

    async def sent() -> bool:
        return any(o.status == "sent" for o in await bot.store.outbox_items())

    await wait_until(sent, what="the poll tweet")
    return next(o.platform_message_id for o in await bot.store.outbox_items() if o.status == "sent")


async def test_a_native_x_poll_is_read_back_as_aggregate_counts(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeX
) -> None:
    async with bot_with_x(make_settings(database_url=sqlite_url), fake) as (bot, adapter):
        poll_id = await bot.store.create_poll(
            targets=[Target("x", "")],
            options=standard_options("yes_no", []),
            question="Should the Library open on Sunday mornings?",
            kind="yes_no",
        )
        await polls.send(bot.store, poll_id, bot.app.delivery.wake)
        tweet_id = await posted(bot)
        tweet = fake.state.tweets[tweet_id]
        assert fake.state.polls[tweet["attachments"]["poll_ids"][0]]["options"][0]["label"] == "Yes"
        fake.vote(tweet_id, "Yes", 7)
        fake.vote(tweet_id, "No", 3)
        reader = PollCountReader(bot.store, Channel.X, adapter.poll_counts, interval_s=300)
        await reader.run_once()
        r = await polls.results(bot.store, poll_id)
    assert (r.responses, r.aggregate_only, r.by_channel) == (10, ["x"], {"x": {"yes": 7, "no": 3}})
    assert [o.percent for o in r.options] == [70.0, 30.0]


async def test_an_nps_poll_on_x_is_answered_by_replying_a_number(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeX
) -> None:
    async with bot_with_x(make_settings(database_url=sqlite_url), fake) as (bot, _):
        poll_id = await bot.store.create_poll(
            targets=[Target("x", "")],
            options=standard_options("nps", []),
            question="How likely are you to recommend the Library?",
            kind="nps",
        )
        await polls.send(bot.store, poll_id, bot.app.delivery.wake)
        tweet_id = await posted(bot)
        assert "Reply with a number from 0 to 10." in fake.state.tweets[tweet_id]["text"]
        fake.mention("@uni_library 9, great staff", in_reply_to=tweet_id)
        fake.mention(
            "@uni_library 3",
            author_id="2200000000000000009",
            username="student_z",
            in_reply_to=tweet_id,
        )
        fake.mention(
            "@uni_library when do you open?",
            author_id="2200000000000000010",
            username="student_q",
            in_reply_to=tweet_id,
        )

        async def counted() -> bool:
            return (await polls.results(bot.store, poll_id)).responses == 2

        await wait_until(counted, what="two numbered replies counted")
        r = await polls.results(bot.store, poll_id)
        question = [m for m in await bot.store.messages(channel="x") if "open?" in m.text]
    assert {o.key: o.count for o in r.options if o.count} == {"9": 1, "3": 1}
    assert (r.nps, r.aggregate_only) == (0.0, [])
    assert len(question) == 1 and question[0].kind == "message"  # not a vote: still a question
