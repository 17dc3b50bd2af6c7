"""The Telegram adapter through real PTB 22.8 against FakeTelegram: long polling and sending."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram.adapter import CURSOR
from bot.backoff import Backoff
from bot.channel import ChannelState, SendError
from bot.events import Address, Button, Channel, OutboundMessage, PollPost
from tests.fakes import telegram_payloads as tp
from tests.fakes.cursors import MemoryCursors
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_store import MemorySink
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.asyncio
FAST = Backoff(base=0.02, cap=0.2)


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def make_adapter(
    fake: FakeTelegram, cursors: MemoryCursors, token: str | None = None
) -> TelegramAdapter:
    return TelegramAdapter(
        token=token or fake.token, api_url=fake.url, cursors=cursors, poll_timeout=2, backoff=FAST
    )


@pytest_asyncio.fixture
async def running(fake: FakeTelegram) -> AsyncIterator[tuple[TelegramAdapter, MemorySink]]:
    adapter, sink = make_adapter(fake, MemoryCursors()), MemorySink()
    await adapter.start(sink)
    await wait_until(lambda: adapter.state is ChannelState.UP)
    yield adapter, sink
    await adapter.stop()


async def test_message_in_is_stored_and_the_reply_goes_to_the_same_chat(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    adapter, sink = running
    await fake.push(tp.message_update("Where can I print?", message_id=17))
    await wait_until(lambda: "5550001:17" in sink.stored)
    event = sink.stored["5550001:17"]
    reply = OutboundMessage(
        address=event.address, text="Thanks, we read every message.", reply_ref=event.reply_ref
    )
    ref = await adapter.send(reply)
    [call] = fake.calls_to("sendMessage")
    assert call.params["chat_id"] == "5550001"
    assert call.params["text"] == "Thanks, we read every message."
    assert call.params["reply_parameters"]["message_id"] == 17
    assert ref == "5550001:1001"
    assert [c.method for c in fake.calls][:2] == ["getMe", "deleteWebhook"]


async def test_reply_in_a_forum_topic_goes_to_the_topic(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    adapter, sink = running
    chat = tp.group_chat(forum=True)
    await fake.push(tp.message_update("Quiet please", message_id=9, chat=chat, topic=4402))
    await wait_until(lambda: len(sink.stored) == 1)
    event = next(iter(sink.stored.values()))
    await adapter.send(
        OutboundMessage(address=event.address, text="On it.", reply_ref=event.reply_ref)
    )
    [call] = fake.calls_to("sendMessage")
    assert call.params["chat_id"] == "-1001234567890"
    assert call.params["message_thread_id"] == "4402"


async def test_the_same_update_ten_times_is_stored_once(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    _, sink = running
    update = tp.message_update("Once only", message_id=33)
    await fake.push(*({"update_id": 500, **update} for _ in range(10)))
    await wait_until(lambda: sink.deliveries == 10)
    assert list(sink.stored) == ["5550001:33"]
    await wait_until(lambda: fake.pending == 0)


async def test_votes_edits_and_retractions_flow_in(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    _, sink = running
    ids = await fake.push(
        tp.edited_update("edited", message_id=17),
        tp.callback_update("poll:12:4", query_id="q-1"),
        tp.poll_answer_update([1]),
        tp.poll_answer_update([]),
    )
    await wait_until(lambda: len(sink.stored) == 4)
    assert set(sink.stored) == {f"update:{i}" for i in ids}
    await wait_until(lambda: len(fake.calls_to("answerCallbackQuery")) == 1)
    assert fake.calls_to("answerCallbackQuery")[0].params["callback_query_id"] == "q-1"


async def test_buttons_go_on_the_last_part_of_a_long_text(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    adapter, _ = running
    address = Address(channel=Channel.TELEGRAM, chat="5550001")
    text = "First part. " * 400 + "\n\n" + "Second part. " * 100
    await adapter.send(
        OutboundMessage(address=address, text=text, buttons=(Button("Yes", "p:1:y"),))
    )
    calls = fake.calls_to("sendMessage")
    assert len(calls) == 2
    assert "reply_markup" not in calls[0].params
    assert calls[1].params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "p:1:y"


async def test_native_poll_returns_the_poll_id(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    adapter, _ = running
    address = Address(channel=Channel.TELEGRAM, chat="5550001")
    poll_id = await adapter.send(
        OutboundMessage(
            address=address,
            text="How was it?",
            poll=PollPost(question="How was it?", options=("Good", "Bad")),
        )
    )
    [call] = fake.calls_to("sendPoll")
    assert call.params["is_anonymous"] is False
    assert poll_id == "poll-1001"


async def test_429_on_send_is_delivered_once_after_retry_after(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    adapter, _ = running
    fake.fail_next(1, status=429, retry_after=1, methods={"sendMessage"})
    address = Address(channel=Channel.TELEGRAM, chat="5550001")
    await adapter.send(OutboundMessage(address=address, text="hello"))
    attempts = fake.calls_to("sendMessage", ok=False)
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0
    assert len(fake.calls_to("sendMessage")) == 1


async def test_a_long_flood_wait_goes_back_to_the_outbox(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    adapter, _ = running
    fake.fail_next(1, status=429, retry_after=120, methods={"sendMessage"})
    address = Address(channel=Channel.TELEGRAM, chat="5550001")
    started = time.monotonic()
    with pytest.raises(SendError) as info:
        await adapter.send(OutboundMessage(address=address, text="hello"))
    assert info.value.retry_after == 120
    assert time.monotonic() - started < 1
    assert fake.calls_to("sendMessage") == []


async def test_refused_sends_are_permanent(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    adapter, _ = running
    fake.fail_next(1, status=403, methods={"sendMessage"})
    with pytest.raises(SendError) as info:
        await adapter.send(
            OutboundMessage(address=Address(channel=Channel.TELEGRAM, chat="1"), text="hi")
        )
    assert info.value.permanent


async def test_5xx_and_getupdates_failures_reconnect_and_carry_on(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    adapter, sink = running
    fake.fail_next(4, status=502, methods={"getUpdates"})
    await fake.push(tp.message_update("first", message_id=1))
    await wait_until(lambda: adapter.state is ChannelState.RECONNECTING)
    assert "502" in adapter.detail or "Bad Gateway" in adapter.detail
    await wait_until(lambda: adapter.state is ChannelState.UP and "5550001:1" in sink.stored)
    await fake.push(tp.message_update("second", message_id=2))
    await wait_until(lambda: "5550001:2" in sink.stored)


async def test_platform_down_at_start_then_up(fake: FakeTelegram) -> None:
    fake.fail_next(3, status=500, methods={"getMe"})
    adapter, sink = make_adapter(fake, MemoryCursors()), MemorySink()
    await adapter.start(sink)
    await wait_until(lambda: adapter.state is ChannelState.RECONNECTING)
    await wait_until(lambda: adapter.state is ChannelState.UP)
    await fake.push(tp.message_update("hello", message_id=3))
    await wait_until(lambda: "5550001:3" in sink.stored)
    await adapter.stop()
    assert adapter.state is ChannelState.STOPPED


async def test_store_failure_redelivers_the_batch(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    adapter, sink = running
    sink.fail = True
    await fake.push(tp.message_update("kept", message_id=4))
    await wait_until(lambda: adapter.state is ChannelState.RECONNECTING)
    sink.fail = False
    await wait_until(lambda: "5550001:4" in sink.stored and adapter.state is ChannelState.UP)


async def test_an_update_the_store_refuses_is_skipped_not_fetched_for_ever(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    adapter, sink = running
    sink.refuse.add("5550001:5")
    await fake.push(tp.message_update("refused", message_id=5))
    await fake.push(tp.message_update("next", message_id=6))
    await wait_until(lambda: "5550001:6" in sink.stored and fake.pending == 0)
    assert list(sink.stored) == ["5550001:6"] and adapter.state is ChannelState.UP


async def test_updates_ptb_cannot_read_are_skipped_and_polling_goes_on(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    adapter, sink = running
    await fake.push({"message": 5}, tp.message_update("between", message_id=7), {"message": []})
    await wait_until(lambda: "5550001:7" in sink.stored and fake.pending == 0)
    await fake.push(tp.message_update("after", message_id=8))
    await wait_until(lambda: "5550001:8" in sink.stored and fake.pending == 0)
    assert list(sink.stored) == ["5550001:7", "5550001:8"] and adapter.state is ChannelState.UP


async def test_bad_token_marks_the_channel_down_naming_the_setting(
    fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.adapters.telegram")
    adapter = make_adapter(fake, MemoryCursors(), token="999:wrong")
    await adapter.start(MemorySink())  # must not raise
    await wait_until(lambda: adapter.state is ChannelState.DOWN)
    assert "FEEDBOT_TELEGRAM_TOKEN" in adapter.detail
    lines = [r.getMessage() for r in caplog.records if "FEEDBOT_TELEGRAM_TOKEN" in r.getMessage()]
    assert len(lines) == 1 and "999:wrong" not in lines[0]
    with pytest.raises(SendError):
        await adapter.send(
            OutboundMessage(address=Address(channel=Channel.TELEGRAM, chat="1"), text="x")
        )
    before = set(asyncio.all_tasks())
    await adapter.stop()
    assert adapter.state is ChannelState.STOPPED
    assert not [t for t in asyncio.all_tasks() - before if not t.done()]


async def test_token_revoked_while_running_goes_down_then_recovers(
    fake: FakeTelegram, running: tuple[TelegramAdapter, MemorySink]
) -> None:
    adapter, sink = running
    real, fake.token = fake.token, "revoked"
    await wait_until(lambda: adapter.state is ChannelState.DOWN)
    fake.token = real
    await wait_until(lambda: adapter.state is ChannelState.UP)
    await fake.push(tp.message_update("back again", message_id=8))
    await wait_until(lambda: "5550001:8" in sink.stored)


async def test_restart_mid_stream_has_no_gaps_and_no_duplicates(fake: FakeTelegram) -> None:
    cursors, sink = MemoryCursors(), MemorySink()

    async def produce() -> None:
        for i in range(1, 301):
            await fake.push(tp.message_update(f"m{i}", message_id=i))
            if i % 5 == 0:
                await asyncio.sleep(0.005)

    producer = asyncio.create_task(produce())
    first = make_adapter(fake, cursors)
    await first.start(sink)
    await wait_until(lambda: len(sink.stored) >= 60)
    await first.stop()
    stopped_at = len(sink.stored)
    second = make_adapter(fake, cursors)
    await second.start(sink)
    await producer
    await wait_until(lambda: len(sink.stored) == 300)
    await second.stop()
    assert stopped_at < 300, "the restart happened mid-stream"
    assert set(sink.stored) == {f"5550001:{i}" for i in range(1, 301)}
    assert sink.deliveries == 300
    assert cursors.values[CURSOR] == "301"
