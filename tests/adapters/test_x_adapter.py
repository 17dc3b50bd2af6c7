"""X adapter through the real tweepy AsyncClient against FakeX (OAuth 1.0a verified)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from oauthlib.oauth1 import Client as OAuthClient  # type: ignore[import-untyped]

from bot.adapters.x import XAdapter, XKeys
from bot.adapters.x.poll import DM_CURSOR, MENTIONS_CURSOR
from bot.adapters.x.translate import dm_address
from bot.backoff import Backoff
from bot.channel import ChannelState, SendError
from bot.events import Address, Channel, OutboundMessage, PollPost
from tests.fakes.cursors import MemoryCursors
from tests.fakes.waiting import wait_until
from tests.fakes.x import FakeX
from tests.fakes.x.helpers import RecordingSink, adapter_for


@pytest.fixture
async def fake() -> AsyncIterator[FakeX]:
    async with FakeX() as server:
        yield server


@pytest.fixture
async def running(fake: FakeX) -> AsyncIterator[tuple[XAdapter, RecordingSink]]:
    adapter, sink = adapter_for(fake), RecordingSink()
    await adapter.start(sink)
    await wait_until(lambda: adapter.state is ChannelState.UP, what="UP")
    yield adapter, sink
    await adapter.stop()


def _replied_to(tweet: dict[str, object]) -> object:
    refs = tweet.get("referenced_tweets") or [{}]
    return refs[0].get("id")  # type: ignore[index]


async def test_mention_is_stored_and_answered_with_a_reply_tweet(
    fake: FakeX, running: tuple[XAdapter, RecordingSink]
) -> None:
    adapter, sink = running
    tweet = fake.mention("@uni_library the 3rd floor printers are down")
    await wait_until(lambda: tweet["id"] in sink.stored, what="mention stored")
    event = sink.stored[tweet["id"]]
    assert event.text == "the 3rd floor printers are down" and event.reply_ref == tweet["id"]
    reply = OutboundMessage(
        address=event.address, text="Thanks, we are on it.", reply_ref=event.reply_ref
    )
    posted = await adapter.send(reply)
    (sent,) = fake.created_tweets()
    assert sent["id"] == posted and _replied_to(sent) == tweet["id"]
    assert sent["text"] == "@student_a Thanks, we are on it."
    assert sent["conversation_id"] == event.address.chat


async def test_dm_is_stored_and_answered_with_a_dm(
    fake: FakeX, running: tuple[XAdapter, RecordingSink]
) -> None:
    adapter, sink = running
    dm = fake.dm("Is the library open on Sunday?", sender_id="2200000000000000009")
    await wait_until(lambda: dm["id"] in sink.stored, what="DM stored")
    event = sink.stored[dm["id"]]
    posted = await adapter.send(OutboundMessage(address=event.address, text="Yes, 10:00-18:00."))
    (sent,) = fake.sent_dms()
    assert sent["id"] == posted and sent["dm_conversation_id"] == event.address.chat
    assert sent["text"] == "Yes, 10:00-18:00."
    assert fake.calls_to("POST", "/2/dm_conversations/with/2200000000000000009/messages")
    await wait_until(lambda: len(fake.calls_to("GET", "/2/dm_events")) >= 3, what="more polls")
    assert list(sink.stored) == [dm["id"]], "the bot's own DM must not come back in"


async def test_a_mention_returned_by_ten_polls_is_stored_once(
    fake: FakeX, running: tuple[XAdapter, RecordingSink]
) -> None:
    _, sink = running
    fake.ignore_since_id = True
    tweet = fake.mention("@uni_library hello")
    start = len(fake.calls_to("GET", "/2/users/"))
    await wait_until(lambda: len(fake.calls_to("GET", "/2/users/")) >= start + 10, what="10 polls")
    assert [e.platform_id for e in sink.received] == [tweet["id"]]


async def test_long_reply_becomes_a_thread(
    fake: FakeX, running: tuple[XAdapter, RecordingSink]
) -> None:
    adapter, sink = running
    tweet = fake.mention("@uni_library why is the cafe closed?")
    await wait_until(lambda: tweet["id"] in sink.stored)
    event = sink.stored[tweet["id"]]
    text = " ".join(
        f"Part {n} of our answer explains the cafe refit in some detail." for n in range(12)
    )
    await adapter.send(OutboundMessage(address=event.address, text=text, reply_ref=tweet["id"]))
    thread = fake.created_tweets()
    assert len(thread) == 3
    assert [_replied_to(t) for t in thread] == [tweet["id"], thread[0]["id"], thread[1]["id"]]
    assert " ".join(t["text"] for t in thread).split()[1:] == text.split()


async def test_429_on_send_is_delivered_once_after_the_reset(
    fake: FakeX, running: tuple[XAdapter, RecordingSink]
) -> None:
    adapter, sink = running
    tweet = fake.mention("@uni_library wifi?")
    await wait_until(lambda: tweet["id"] in sink.stored)
    fake.inject(429, method="POST", path="/2/tweets")
    event = sink.stored[tweet["id"]]
    await adapter.send(
        OutboundMessage(address=event.address, text="Fixed now.", reply_ref=tweet["id"])
    )
    assert [c.status for c in fake.calls_to("POST", "/2/tweets")] == [429, 201]
    assert len(fake.created_tweets()) == 1


async def test_429_with_a_far_reset_goes_back_to_the_outbox(
    fake: FakeX, running: tuple[XAdapter, RecordingSink]
) -> None:
    adapter, sink = running
    dm = fake.dm("hi")
    await wait_until(lambda: dm["id"] in sink.stored)
    fake.inject(429, method="POST", reset=int(time.time()) + 120)
    with pytest.raises(SendError) as caught:
        await adapter.send(OutboundMessage(address=sink.stored[dm["id"]].address, text="hello"))
    assert caught.value.retry_after is not None and 110 <= caught.value.retry_after <= 122
    assert not caught.value.permanent and fake.sent_dms() == []


async def test_429_without_reset_header_never_loops(fake: FakeX) -> None:
    adapter, sink = adapter_for(fake, backoff=Backoff(0.1, 1.0)), RecordingSink()
    await adapter.start(sink)
    await wait_until(lambda: adapter.state is ChannelState.UP)
    fake.inject(429, times=1000, reset=False)
    started, before = time.monotonic(), len(fake.calls)
    dm_address = OutboundMessage(address=_dm_address(), text="hi")
    with pytest.raises(SendError) as caught:
        await adapter.send(dm_address)
    assert caught.value.retry_after == 60.0
    await asyncio.sleep(0.6)
    polls = len(fake.calls) - before - 1
    await adapter.stop()
    assert time.monotonic() - started < 2 and polls <= 5, f"{polls} calls in 0.6 s"


async def test_429_with_a_past_reset_every_time_backs_off(fake: FakeX) -> None:
    adapter, sink = adapter_for(fake, backoff=Backoff(0.1, 1.0)), RecordingSink()
    fake.inject(429, times=1000, path="/2/users/me")
    await adapter.start(sink)
    await asyncio.sleep(0.6)
    await adapter.stop()
    assert len(fake.calls) <= 6


def _dm_address() -> Address:
    return dm_address("1500000000000000001-2200000000000000002", "2200000000000000002")


async def test_5xx_reconnects_with_backoff_and_carries_on(fake: FakeX) -> None:
    adapter, sink = adapter_for(fake, backoff=Backoff(0.1, 0.2)), RecordingSink()
    fake.inject(503, times=2, path="/2/users/me")
    await adapter.start(sink)
    await wait_until(lambda: adapter.state is ChannelState.RECONNECTING, what="RECONNECTING")
    await wait_until(lambda: adapter.state is ChannelState.UP, what="UP")
    assert [c.status for c in fake.calls_to("GET", "/2/users/me")] == [503, 503, 200]
    fake.inject(500, times=2, path="/2/users/")
    tweet = fake.mention("@uni_library during the outage")
    await wait_until(lambda: adapter.state is ChannelState.RECONNECTING, what="RECONNECTING again")
    await wait_until(lambda: tweet["id"] in sink.stored, what="stored after the outage")
    await wait_until(lambda: adapter.state is ChannelState.UP, what="UP again")
    await adapter.stop()


async def test_rejected_credentials_mark_down_with_one_log_line(
    fake: FakeX, caplog: pytest.LogCaptureFixture
) -> None:
    keys = XKeys(fake.keys.consumer_key, "wrong-secret", fake.keys.access_token, "x")
    adapter = adapter_for(fake, keys=keys, backoff=Backoff(0.01, 0.02))
    with caplog.at_level(logging.WARNING, logger="bot.adapters.x"):
        await adapter.start(RecordingSink())
        await wait_until(lambda: len(fake.calls_to("GET", "/2/users/me")) >= 3, what="retries")
    assert adapter.state is ChannelState.DOWN and "FEEDBOT_X_CONSUMER_KEY" in adapter.detail
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "FEEDBOT_X_ACCESS_TOKEN_SECRET" in lines[0].getMessage()
    assert {c.status for c in fake.calls_to("GET", "/2/users/me")} == {401}
    await adapter.stop()
    assert adapter.state.value == "stopped"


async def test_restart_resumes_from_the_cursors_without_gaps_or_duplicates(fake: FakeX) -> None:
    cursors = MemoryCursors()
    first, sink1 = adapter_for(fake, cursors), RecordingSink()
    await first.start(sink1)
    before = [fake.mention(f"@uni_library m{n}")["id"] for n in range(3)] + [fake.dm("d0")["id"]]
    await wait_until(lambda: set(before) <= set(sink1.stored), what="first batch")
    await first.stop()
    during = [fake.mention(f"@uni_library m{n}")["id"] for n in range(3, 6)] + [fake.dm("d1")["id"]]
    second, sink2 = adapter_for(fake, cursors), RecordingSink()
    await second.start(sink2)
    await wait_until(lambda: set(during) <= set(sink2.stored), what="second batch")
    await asyncio.sleep(0.1)
    await second.stop()
    assert [e.platform_id for e in sink1.received] == before[:3] + before[3:]
    assert sorted(e.platform_id for e in sink2.received) == sorted(during)
    assert cursors.values == {MENTIONS_CURSOR: during[2], DM_CURSOR: during[3]}


async def test_cursor_moves_only_after_the_sink_stored_the_events(fake: FakeX) -> None:
    cursors = MemoryCursors()
    ids = [fake.mention(f"@uni_library n{n}")["id"] for n in range(3)]
    adapter, sink = adapter_for(fake, cursors), RecordingSink(fail_on={ids[1]})
    await adapter.start(sink)
    await wait_until(lambda: set(ids) <= set(sink.stored), what="all stored")
    await adapter.stop()
    assert [w for w in cursors.writes if w[0] == MENTIONS_CURSOR] == [(MENTIONS_CURSOR, ids[2])]
    received = [e.platform_id for e in sink.received]
    assert received.count(ids[0]) == 2 and received.count(ids[1]) == 1, "the round was retried"


async def test_first_start_skips_the_old_backlog(fake: FakeX) -> None:
    old = fake.mention("@uni_library from last year")
    old["created_at"] = "2025-01-01T00:00:00.000Z"
    cursors = MemoryCursors()
    adapter, sink = adapter_for(fake, cursors), RecordingSink()
    await adapter.start(sink)
    await wait_until(lambda: adapter.state is ChannelState.UP)
    burst = [fake.mention(f"@uni_library today {n}")["id"] for n in range(150)]
    await wait_until(lambda: cursors.values.get(MENTIONS_CURSOR) == burst[-1], what="cursor")
    await adapter.stop()
    assert list(sink.stored) == burst
    first_poll = fake.calls_to("GET", f"/2/users/{fake.me}/mentions")[0]
    assert "start_time" in first_poll.query and "since_id" not in first_poll.query


async def test_native_poll_and_its_counts(
    fake: FakeX, running: tuple[XAdapter, RecordingSink]
) -> None:
    adapter, _ = running
    question = "What should we fix first?"
    address = Address(channel=Channel.X, chat="")
    native = PollPost(question=question, options=("Quieter", "Warmer", "More sockets"))
    poll = OutboundMessage(address=address, text=question, poll=native)
    tweet_id = await adapter.send(poll)
    fake.vote(tweet_id, "Warmer", 3)
    assert await adapter.poll_counts(tweet_id) == {"Quieter": 0, "Warmer": 3, "More sockets": 0}


async def test_stop_leaves_no_task_or_session(fake: FakeX) -> None:
    adapter = adapter_for(fake)
    await adapter.start(RecordingSink())
    await wait_until(lambda: adapter.state is ChannelState.UP)
    await adapter.stop()
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "x-adapter"]
    reads = len(fake.calls_to("GET", f"/2/users/{fake.me}/mentions"))
    await adapter.send(OutboundMessage(address=_dm_address(), text="late"))  # a one-off client
    assert [e["text"] for e in fake.sent_dms()] == ["late"]
    assert len(fake.calls_to("GET", f"/2/users/{fake.me}/mentions")) == reads


async def test_an_adapter_that_never_polled_sends_and_reads_counts(fake: FakeX) -> None:
    """A standby process (another holds X's polling lease) still sends and reads counts."""
    adapter = adapter_for(fake)
    question = "Open on Sundays?"
    native = PollPost(question=question, options=("Yes", "No"))
    poll = OutboundMessage(address=Address(channel=Channel.X, chat=""), text=question, poll=native)
    tweet_id = await adapter.send(poll)
    fake.vote(tweet_id, "Yes", 2)
    assert await adapter.poll_counts(tweet_id) == {"Yes": 2, "No": 0}
    assert adapter.state is ChannelState.STOPPED
    assert [c.path for c in fake.calls] == ["/2/tweets", f"/2/tweets/{tweet_id}"]
    fake.inject(403, method="POST", path="/2/tweets")
    with pytest.raises(SendError) as refused:  # failures still reach the outbox as SendError
        await adapter.send(poll)
    assert refused.value.permanent


async def test_a_thread_interrupted_by_429_resumes_without_repeating_parts(
    fake: FakeX, running: tuple[XAdapter, RecordingSink]
) -> None:
    adapter, sink = running
    tweet = fake.mention("@uni_library tell me everything")
    await wait_until(lambda: tweet["id"] in sink.stored)
    text = " ".join(f"Sentence {n} of a long and careful answer about fines." for n in range(10))
    address = sink.stored[tweet["id"]].address
    message = OutboundMessage(address=address, text=text, reply_ref=tweet["id"])
    fake.inject(429, method="POST", path="/2/tweets", reset=int(time.time()) + 60, skip=1)
    with pytest.raises(SendError) as caught:
        await adapter.send(message)
    assert caught.value.retry_after is not None and len(fake.created_tweets()) == 1
    posted = await adapter.send(message)  # the outbox's retry: carries on from part two
    thread = fake.created_tweets()
    assert [c.status for c in fake.calls_to("POST", "/2/tweets")] == [201, 429, 201]
    assert posted == thread[0]["id"] and _replied_to(thread[1]) == thread[0]["id"]
    assert " ".join(t["text"] for t in thread).split()[1:] == text.split()


async def test_access_refused_marks_down_without_a_hot_loop(
    fake: FakeX, caplog: pytest.LogCaptureFixture
) -> None:
    adapter = adapter_for(fake, backoff=Backoff(0.1, 1.0))
    fake.inject(403, times=1000, path="/2/users/" + fake.me)
    with caplog.at_level(logging.WARNING, logger="bot.adapters.x"):
        await adapter.start(RecordingSink())
        await wait_until(lambda: adapter.state is ChannelState.DOWN, what="DOWN")
        await asyncio.sleep(0.5)
    await adapter.stop()
    assert len(fake.calls_to("GET", "/2/users/" + fake.me)) <= 5
    assert [r.getMessage() for r in caplog.records] == [
        "x: access refused (403); check the X app's access level for mentions and DMs"
    ]


async def test_unreachable_host_reconnects_and_start_never_raises() -> None:
    adapter = XAdapter(
        XKeys("ck", "cs", "1-at", "ats"),
        MemoryCursors(),
        api_url="http://127.0.0.1:9",
        poll_interval_s=0.02,
        backoff=Backoff(0.05, 0.1),
    )
    await adapter.start(RecordingSink())
    await wait_until(lambda: adapter.state is ChannelState.RECONNECTING, what="RECONNECTING")
    assert "ClientConnectorError" in adapter.detail
    await adapter.stop()


async def test_a_burst_of_dms_is_paged_through_and_an_idle_poll_reads_one_small_page(
    fake: FakeX, running: tuple[XAdapter, RecordingSink]
) -> None:
    _, sink = running
    first = [fake.dm(f"first {n}", sender_id=f"23000000000000000{n:02d}")["id"] for n in range(30)]
    await wait_until(lambda: set(first) <= set(sink.stored), what="first burst")
    second = [
        fake.dm(f"second {n}", sender_id=f"24000000000000000{n:02d}")["id"] for n in range(30)
    ]
    await wait_until(lambda: set(second) <= set(sink.stored), what="second burst")
    assert [e.platform_id for e in sink.received] == first + second
    before = len(fake.calls_to("GET", "/2/dm_events"))
    await wait_until(lambda: len(fake.calls_to("GET", "/2/dm_events")) >= before + 3)
    assert {c.query["max_results"] for c in fake.calls_to("GET", "/2/dm_events")[before:]} == {"5"}


@pytest.mark.parametrize(
    ("signed_on", "status"), [("https://api.twitter.com", 200), ("local", 401)]
)
async def test_fake_checks_the_signature_against_the_original_x_url(
    fake: FakeX, signed_on: str, status: int
) -> None:
    keys = fake.keys
    client = OAuthClient(
        keys.consumer_key, keys.consumer_secret, keys.access_token, keys.access_token_secret
    )
    base = fake.url if signed_on == "local" else signed_on
    _, headers, _ = client.sign(base + "/2/users/me", "GET")
    async with aiohttp.ClientSession() as session:
        async with session.get(fake.url + "/2/users/me", headers=headers) as response:
            assert response.status == status
