"""Slack sending: threads, splitting, buttons, edits, and 429/5xx through the SDK and the outbox."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.client import trusted_hook
from bot.channel import SendError
from bot.events import Address, Button, Channel, ConversationKind, OutboundMessage
from config.settings import Settings
from tests.fakes.running import running_bot
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_driver import SlackDriver
from tests.fakes.waiting import wait_until

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
THREAD = Address(Channel.SLACK, "C01LIBRARY", "1763856100.000200", ConversationKind.PUBLIC)
PAYLOADS = Path(__file__).parent / "payloads" / "slack"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


def adapter_for(fake: FakeSlack, *, max_rate_limit_wait_s: float = 5.0) -> SlackAdapter:
    return SlackAdapter(
        bot_token=fake.identity.bot_token,
        signing_secret=SECRET,
        api_url=fake.api_url,
        max_backoff_s=0.05,
        max_rate_limit_wait_s=max_rate_limit_wait_s,
    )


async def deliver_dm(bot_url: str) -> None:
    """One signed DM event into the bot, which the spine acknowledges through the outbox."""
    driver = SlackDriver(f"{bot_url}/slack/events", SECRET)
    body = json.loads((PAYLOADS / "message_im.json").read_text())
    try:
        assert (await driver.post_event(body)).status_code == 200
    finally:
        await driver.aclose()


async def test_429_is_retried_by_the_sdk_after_retry_after_and_delivered_once(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    fake.fail_next(429, 1, retry_after=1, methods=("chat.postMessage",))
    async with running_bot(
        make_settings(database_url=sqlite_url), adapters=[adapter_for(fake)]
    ) as bot:
        await deliver_dm(bot.url)
        [delivered] = await fake.wait_for_calls("chat.postMessage", within=10)
        [limited] = [c for c in fake.calls if c.status == 429]
        assert delivered.at - limited.at >= 1.0
        assert len(fake.calls_to("chat.postMessage", ok_only=False)) == 2
        await wait_until(_outbox_sent(bot), what="outbox item sent")


async def test_a_long_429_goes_back_to_the_outbox_which_waits_and_delivers_once(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    fake.fail_next(429, 1, retry_after=1, methods=("chat.postMessage",))
    adapter = adapter_for(fake, max_rate_limit_wait_s=0.5)
    async with running_bot(make_settings(database_url=sqlite_url), adapters=[adapter]) as bot:
        await deliver_dm(bot.url)
        [delivered] = await fake.wait_for_calls("chat.postMessage", within=10)
        [limited] = [c for c in fake.calls if c.status == 429]
        assert delivered.at - limited.at >= 1.0
        await wait_until(_outbox_sent(bot), what="outbox item sent")
        [item] = await bot.store.outbox.items()
        assert (item.status, item.attempts, item.platform_message_id) == (
            "sent",
            2,
            delivered_ts(fake),
        )


async def test_429_with_a_long_wait_raises_send_error_at_once(fake: FakeSlack) -> None:
    fake.fail_next(429, 1, retry_after=30)
    with pytest.raises(SendError) as raised:
        await adapter_for(fake).send(OutboundMessage(THREAD, "hello"))
    assert raised.value.retry_after == 30 and not raised.value.permanent
    assert len(fake.calls) == 1


async def test_5xx_is_a_transient_send_error_and_the_next_send_works(fake: FakeSlack) -> None:
    adapter = adapter_for(fake)
    fake.fail_next(502, 1)
    with pytest.raises(SendError) as raised:
        await adapter.send(OutboundMessage(THREAD, "hello"))
    assert not raised.value.permanent and raised.value.retry_after is None
    assert await adapter.send(OutboundMessage(THREAD, "hello")) == delivered_ts(fake)


async def test_unknown_channel_is_permanent(fake: FakeSlack) -> None:
    with pytest.raises(SendError) as raised:
        await adapter_for(fake).send(OutboundMessage(Address(Channel.SLACK, ""), "hello"))
    assert raised.value.permanent


async def test_unreachable_platform_is_a_transient_send_error(fake: FakeSlack) -> None:
    adapter = adapter_for(fake)
    await fake.__aexit__()
    with pytest.raises(SendError) as raised:
        await adapter.send(OutboundMessage(THREAD, "hello"))
    assert not raised.value.permanent


async def test_long_text_goes_out_in_order_in_the_thread(fake: FakeSlack) -> None:
    text = "\n\n".join(f"Paragraph {i}. " + "Plenty of words here. " * 900 for i in range(5))
    ts = await adapter_for(fake).send(OutboundMessage(THREAD, text, reply_ref="1763856100.000200"))
    calls = fake.calls_to("chat.postMessage")
    assert len(calls) == 3 and ts == delivered_ts(fake)
    assert all(
        len(c.args["text"]) <= 40_000 and c.args["thread_ts"] == THREAD.thread for c in calls
    )
    assert [c.args["text"][:11] for c in calls] == ["Paragraph 0", "Paragraph 2", "Paragraph 4"]


async def test_buttons_are_sent_as_block_kit_and_edits_use_chat_update(fake: FakeSlack) -> None:
    adapter = adapter_for(fake)
    poll = OutboundMessage(
        THREAD,
        "How was today?",
        (Button("Good", "good"), Button("Bad", "bad")),
        poll_ref="poll:7",
    )
    ts = await adapter.send(poll)
    [posted] = fake.calls_to("chat.postMessage")
    assert posted.args["blocks"][1]["block_id"] == "poll:7"
    assert [b["value"] for b in posted.args["blocks"][1]["elements"]] == ["good", "bad"]
    tally = OutboundMessage(THREAD, "Good 3 · Bad 1", poll.buttons, poll_ref="poll:7", edit_of=ts)
    assert await adapter.send(tally) == ts
    [updated] = fake.calls_to("chat.update")
    assert (updated.args["ts"], updated.args["text"], updated.args["channel"]) == (
        ts,
        "Good 3 · Bad 1",
        "C01LIBRARY",
    )


async def test_a_user_id_address_opens_a_dm_first(fake: FakeSlack) -> None:
    await adapter_for(fake).send(
        OutboundMessage(Address(Channel.SLACK, "U01STUDNT"), "You said, we did.")
    )
    [opened] = fake.calls_to("conversations.open")
    [posted] = fake.calls_to("chat.postMessage")
    assert opened.args["users"] == "U01STUDNT" and posted.args["channel"] == "D01STUDNT"


def delivered_ts(fake: FakeSlack) -> str:
    """The ts the fake gave the newest successful chat.postMessage."""
    return str(_answers(fake)[-1])


def _answers(fake: FakeSlack) -> list[Any]:
    return [c.answer.get("ts") for c in fake.calls_to("chat.postMessage")]


def _outbox_sent(bot: Any) -> Callable[[], Any]:
    async def check() -> bool:
        return [i.status for i in await bot.store.outbox.items()] == ["sent"]

    return check


async def test_ephemeral_confirmation_goes_only_to_the_voter(fake: FakeSlack) -> None:
    message = OutboundMessage(THREAD, "Thanks, your vote counts.", private_to="U01STUDNT")
    ts = await adapter_for(fake).send(message)
    [posted] = fake.calls_to("chat.postEphemeral")
    assert (posted.args["user"], posted.args["thread_ts"]) == ("U01STUDNT", THREAD.thread)
    assert ts == posted.answer["message_ts"] and fake.calls_to("chat.postMessage") == []


def test_only_response_urls_on_slacks_hooks_host_or_the_configured_api_host_are_followed() -> None:
    api = "http://127.0.0.1:8123/api/"
    assert trusted_hook("https://hooks.slack.com/actions/T0/1/abc", "https://slack.com/api/")
    assert trusted_hook("http://127.0.0.1:8123/actions/T0/1/abc", api)  # a local stand-in
    for url in (
        "http://hooks.slack.com/actions/T0/1/abc",  # not https
        "https://hooks.slack.com.evil.example/actions/T0/1/abc",
        "https://intranet.library.ac.uk/admin",
        "http://127.0.0.1:9999/actions/T0/1/abc",  # another port
        "not a url",
    ):
        assert not trusted_hook(url, api), url
