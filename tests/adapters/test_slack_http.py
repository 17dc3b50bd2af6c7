"""Slack HTTP mode through the whole bot: signed Events API posts in, Web API calls out."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from slack_bolt.middleware.request_verification.async_request_verification import (
    AsyncRequestVerification,
)

from bot.adapters.slack import from_settings
from bot.channel import ChannelState
from config.settings import Settings, SettingsError
from tests.fakes.chat import Chat, Heard
from tests.fakes.cursors import MemoryCursors
from tests.fakes.slack_driver import SlackDriver
from tests.fakes.waiting import wait_until

PAYLOADS = Path(__file__).parent / "payloads" / "slack"


def payload(name: str) -> dict[str, Any]:
    """A recorded Slack request body."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return data


async def inbound(chat: Chat) -> list[Any]:
    """Inbound Slack messages the store kept."""
    return [m for m in await chat.store.messages.find(channel="slack") if m.direction == "in"]


def driver(chat: Chat) -> SlackDriver:
    """Signed posts to the running bot's /slack/events (for bodies no person would send)."""
    assert chat.slack_driver is not None
    return chat.slack_driver


async def test_message_stored_once_with_contact_and_acknowledged_in_thread(
    chat: Chat, db_url: str
) -> None:
    await chat.start("slack", database_url=db_url)
    ann = chat.on("slack", user="U01STUDNT", where="C01LIBRARY")
    said = await ann.says(
        "<@U0BOT0001> can we have longer opening hours during exams?", mentioning_the_bot=True
    )
    assert said.status == 200  # both deliveries, app_mention and message, answered 200
    ack = await chat.expect_reply(ann, how="reply")
    [stored] = await inbound(chat)
    assert stored.platform_id == said.platform_id
    assert stored.text == "can we have longer opening hours during exams?"
    assert stored.contact_id is not None
    ts = said.platform_id.partition(":")[2]
    conversation = await chat.store.messages.conversation_at(
        channel="slack", chat="C01LIBRARY", thread=ts
    )
    assert conversation == stored.conversation_id
    assert (ack.raw.args["channel"], ack.raw.args["thread_ts"]) == ("C01LIBRARY", ts)
    assert ack.raw.token == chat.slack.identity.bot_token
    assert len(chat.slack.calls_to("chat.postMessage")) == 1


async def test_a_recorded_mention_and_its_message_twin_are_stored_once(
    chat: Chat, db_url: str
) -> None:
    await chat.start("slack", database_url=db_url)
    first = await driver(chat).post_event(payload("app_mention"))
    twin = await driver(chat).post_event(payload("message_channel_mention"))
    assert (first.status_code, twin.status_code) == (200, 200)
    [stored] = await inbound(chat)
    assert stored.platform_id == "C01LIBRARY:1763856100.000200"
    assert stored.text == "can we have longer opening hours during exams?"


async def test_dm_is_acknowledged_plainly_in_the_dm(chat: Chat, sqlite_url: str) -> None:
    await chat.start("slack", database_url=sqlite_url)
    ann = chat.on("slack", where="D01DSTUD1")
    assert (
        await ann.says("The silent study room on floor 3 is freezing &amp; the wifi drops")
    ).status == 200
    ack = await chat.expect_reply(ann, how="post")
    assert ack.raw.args["channel"] == "D01DSTUD1" and "thread_ts" not in ack.raw.args
    [stored] = await inbound(chat)
    assert stored.text == "The silent study room on floor 3 is freezing & the wifi drops"


async def test_the_same_delivery_ten_times_is_stored_once(chat: Chat, db_url: str) -> None:
    await chat.start("slack", database_url=db_url)
    ann = chat.on("slack", where="D01DSTUD1")
    answers = [await ann.says("Is the library open on Sunday?"), *await ann.redelivers(times=9)]
    assert {a.status for a in answers} == {200}
    assert len(await inbound(chat)) == 1
    await chat.expect_reply(ann)
    assert len(chat.slack.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize("forgery", ["bad_signature", "stale_timestamp"])
async def test_forged_requests_are_401_and_nothing_is_stored(
    forgery: str, chat: Chat, sqlite_url: str
) -> None:
    forged: dict[str, Any] = (
        {"secret": "not-the-signing-secret"}
        if forgery == "bad_signature"
        else {"timestamp": int(time.time()) - 600}
    )
    await chat.start("slack", database_url=sqlite_url)
    event = await driver(chat).post_event(payload("message_im"), **forged)
    action = await driver(chat).post_action(payload("block_actions"), **forged)
    assert (event.status_code, action.status_code) == (401, 401)
    assert await chat.store.messages.find() == []
    assert chat.slack.calls_to("chat.postMessage") == []


MALFORMED = [b"{", b"null", b"[1]", b"\xff\xfe", b"payload=%7B", b"payload=null", b'"x"']


async def test_malformed_bodies_are_4xx_signed_or_not_and_nothing_is_stored(
    chat: Chat, sqlite_url: str
) -> None:
    await chat.start("slack", database_url=sqlite_url)
    slack = driver(chat)
    json_type: dict[str, str | bytes] = {"Content-Type": "application/json"}
    unsigned = [
        (await slack.post_raw(b, signed=False, headers=json_type)).status_code for b in MALFORMED
    ]
    signed = [(await slack.post_raw(b, headers=json_type)).status_code for b in MALFORMED]
    assert (unsigned, signed) == ([401] * len(MALFORMED), [400] * len(MALFORMED))
    for stamp in (b"abc", b"", b"1e9", "\u0661\u0662".encode(), b"9" * 40, b"\xff"):
        odd: dict[str, str | bytes] = {"X-Slack-Request-Timestamp": stamp}
        odd["X-Slack-Signature"] = b"v0=\xe9"
        assert (await slack.post_raw(b"{}", signed=False, headers=odd)).status_code == 401
    assert await chat.store.messages.find() == []


async def test_a_body_over_the_cap_is_413_before_it_is_read(chat: Chat, sqlite_url: str) -> None:
    await chat.start("slack", database_url=sqlite_url)
    big = b"{" + b" " * (1024 * 1024) + b"}"
    assert (await driver(chat).post_raw(big, signed=False)).status_code == 413

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(80):
            yield b" " * 16384

    answer = await driver(chat).client.post(driver(chat).url, content=chunks())
    assert answer.status_code == 413


async def test_url_verification_is_answered(chat: Chat, sqlite_url: str) -> None:
    await chat.start("slack", database_url=sqlite_url)
    answer = await driver(chat).post_event(payload("url_verification"))
    assert answer.status_code == 200
    assert answer.json()["challenge"] == payload("url_verification")["challenge"]


async def test_button_press_is_stored_as_a_vote_once(chat: Chat, sqlite_url: str) -> None:
    await chat.start("slack", database_url=sqlite_url)
    answers = [await driver(chat).post_action(payload("block_actions")) for _ in range(3)]
    assert {a.status_code for a in answers} == {200}
    votes = await inbound(chat)
    assert [v.kind for v in votes] == ["vote"]
    assert votes[0].platform_id == "choice_0:1763856700.000900:U01STUDNT:1763856760.123456"


async def test_own_and_system_messages_are_acked_and_ignored(chat: Chat, sqlite_url: str) -> None:
    await chat.start("slack", database_url=sqlite_url)
    for name in (
        "message_own_bot",
        "message_bot_message",
        "channel_join",
        "message_changed_unfurl",
    ):
        assert (await driver(chat).post_event(payload(name))).status_code == 200, name
    assert await chat.store.messages.find() == []


async def test_platform_5xx_delays_then_recovers_and_unstored_events_are_redelivered(
    chat: Chat, sqlite_url: str
) -> None:
    chat.slack.fail_next(503, 50, methods=("auth.test",))
    await chat.start("slack", database_url=sqlite_url)
    adapter, ann = chat.adapters["slack"], chat.on("slack", where="D01DSTUD1")
    await wait_until(lambda: len(chat.slack.calls_to("auth.test", ok_only=False)) >= 2)
    assert adapter.state is ChannelState.RECONNECTING
    refused = await ann.says("The wifi drops on floor 3")
    assert refused.status == 500 and await inbound(chat) == []
    chat.slack.faults.clear()
    await wait_until(lambda: adapter.state is ChannelState.UP, what="slack up again")
    [redelivered] = await ann.redelivers()
    assert redelivered.status == 200 and len(await inbound(chat)) == 1
    await chat.expect_reply(ann)


async def test_rejected_token_marks_the_channel_down_and_names_the_setting(
    chat: Chat, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    await chat.start(
        "slack", database_url=sqlite_url, tweaks={"slack": {"bot_token": "xoxb-revoked"}}
    )
    adapter = chat.adapters["slack"]
    await wait_until(lambda: adapter.state is ChannelState.DOWN, what="slack down")
    assert "FEEDBOT_SLACK_BOT_TOKEN" in adapter.detail
    health = await _healthz(chat.bot.url)
    assert health["channels"]["slack"]["state"] == "down"
    await chat.stop()
    assert adapter.state is ChannelState.STOPPED
    assert [r for r in caplog.records if "FEEDBOT_SLACK_BOT_TOKEN" in r.getMessage()]


async def _healthz(url: str) -> Any:
    async with httpx.AsyncClient(base_url=url) as http:
        return (await http.get("/healthz")).json()


def test_from_settings_picks_the_mode(make_settings: Callable[..., Settings]) -> None:
    cursors = MemoryCursors()
    assert from_settings(make_settings(), cursors) is None
    http = from_settings(make_settings(slack_bot_token="xoxb-1", slack_signing_secret="s"), cursors)
    assert http is not None and not http.socket_mode and len(http.routes()) == 1
    socket = from_settings(
        make_settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1"), cursors
    )
    assert socket is not None and socket.socket_mode and socket.routes() == []
    with pytest.raises(SettingsError, match="FEEDBOT_SLACK_SIGNING_SECRET"):
        from_settings(make_settings(slack_bot_token="xoxb-1"), cursors)


def test_bolt_leaves_the_signature_check_to_the_door(
    make_settings: Callable[..., Settings],
) -> None:
    """The door (the only HTTP way into bolt) checks every request, forged ones are 401 above;
    bolt does not check it again, in either mode (Socket Mode envelopes are never signed)."""
    cursors = MemoryCursors()
    http = from_settings(make_settings(slack_bot_token="xoxb-1", slack_signing_secret="s"), cursors)
    socket = from_settings(
        make_settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1"), cursors
    )
    for adapter in (http, socket):
        assert adapter is not None
        checks = [
            m
            for m in adapter._app._async_middleware_list  # what bolt runs
            if isinstance(m, AsyncRequestVerification)
        ]
        assert checks == []
    assert http is not None
    assert [r.endpoint for r in http.routes()] == [http._door.handle]


async def test_a_slack_outage_leaves_the_other_channels_running(
    chat: Chat, sqlite_url: str
) -> None:
    chat.slack.fail_next(500, 10_000)
    await chat.start("slack", database_url=sqlite_url)
    await wait_until(lambda: len(chat.slack.calls) >= 2)
    assert (await chat.on("widget").says("Hello")).status == 202
    health = await _healthz(chat.bot.url)
    assert health["channels"]["slack"]["state"] == "reconnecting"
    assert health["channels"]["widget"]["state"] == "up"


async def test_restart_mid_stream_has_no_gaps_and_no_duplicates(
    chat: Chat, sqlite_url: str
) -> None:
    await chat.start("slack", database_url=sqlite_url)
    ann = chat.on("slack", where="C01LIBRARY")
    thread = Heard("", "post", ref="1763856100.000200")  # a thread they write notes in
    said = [await ann.says(f"note {i}", replying_to=thread) for i in range(3)]
    await chat.restart()
    [again] = await ann.redelivers(of=said[2])  # the last one was not acknowledged in time
    said += [await ann.says(f"note {i}", replying_to=thread) for i in range(3, 6)]
    assert {s.status for s in [*said, again]} == {200}
    stored = sorted(m.platform_id for m in await inbound(chat))
    assert stored == sorted(s.platform_id for s in said) and len(set(stored)) == 6
