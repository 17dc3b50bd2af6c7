"""Polls on X through tweepy and FakeX: a native poll read back as counts, or a numbered reply."""

from __future__ import annotations

from datetime import timedelta

from bot.adapters.x import XAdapter
from bot.events import Channel
from handlers.polls import service as polls
from handlers.polls.counts import PollCountReader
from handlers.polls.kinds import standard_options
from models.store.polls.definitions import Target
from tests.fakes.chat import Chat, Heard
from tests.fakes.waiting import wait_until


async def send_poll(chat: Chat, kind: str, question: str) -> tuple[int, Heard]:
    """Create a poll for X, send it, and return it with the tweet it went out as."""
    poll_id = await chat.store.polls.create(
        targets=[Target("x", "")],
        options=standard_options(kind, []),
        question=question,
        kind=kind,
    )
    await chat.bot.app.polls.send(poll_id)

    async def sent() -> bool:
        return any(o.status == "sent" for o in await chat.store.outbox.items())

    await wait_until(sent, what="the poll tweet")
    items = await chat.store.outbox.items()
    tweet_id = next(o.platform_message_id for o in items if o.status == "sent")
    [tweet] = [h for h in await chat.on("x").heard() if h.ref == tweet_id]
    return poll_id, tweet


async def test_a_native_x_poll_is_read_back_as_aggregate_counts(
    chat: Chat, sqlite_url: str
) -> None:
    await chat.start("x", database_url=sqlite_url)
    poll_id, tweet = await send_poll(chat, "yes_no", "Should the Library open on Sunday mornings?")
    assert tweet.how == "poll" and tweet.options[0] == "Yes"
    await chat.on("x").taps("Yes", times=7)
    await chat.on("x").taps("No", times=3)
    adapter = chat.adapters["x"]
    assert isinstance(adapter, XAdapter)
    reader = PollCountReader(
        chat.store, Channel.X, adapter.poll_counts, adapter.capabilities, every=timedelta(minutes=5)
    )
    assert await reader.read_all() == 1
    r = await polls.results(chat.store, poll_id)
    assert (r.responses, r.aggregate_only, r.by_channel) == (10, ["x"], {"x": {"yes": 7, "no": 3}})
    assert [o.percent for o in r.options] == [70.0, 30.0]


async def test_an_nps_poll_on_x_is_answered_by_replying_a_number(
    chat: Chat, sqlite_url: str
) -> None:
    await chat.start("x", database_url=sqlite_url)
    poll_id, tweet = await send_poll(chat, "nps", "How likely are you to recommend the Library?")
    assert "Reply with a number from 0 to 10." in tweet.text
    await chat.on("x").says("9, great staff", replying_to=tweet)
    await chat.on("x", user_id="2200000000000000009", username="student_z").says(
        "3", replying_to=tweet
    )
    await chat.on("x", user_id="2200000000000000010", username="student_q").says(
        "when do you open?", replying_to=tweet
    )

    async def counted() -> bool:
        return (await polls.results(chat.store, poll_id)).responses == 2

    await wait_until(counted, what="two numbered replies counted")
    r = await polls.results(chat.store, poll_id)
    question = [m for m in await chat.store.messages.find(channel="x") if "open?" in m.text]
    assert {o.key: o.count for o in r.options if o.count} == {"9": 1, "3": 1}
    assert (r.nps, r.aggregate_only) == (0.0, [])
    assert len(question) == 1 and question[0].kind == "message"  # not a vote: still a question
