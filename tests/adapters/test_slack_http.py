"""Slack HTTP mode through the whole bot: signed Events API posts in, Web API calls out."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.adapters.base import ChannelState
from bot.adapters.slack import SlackAdapter, from_settings
from bot.adapters.widget import WidgetAdapter
from config.settings import Settings, SettingsError
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_driver import SlackDriver, event_envelope
from tests.harness import RunningBot, running_bot
from tests.web.sessions import new_session

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
PAYLOADS = Path(__file__).parent / "payloads" / "slack"


def payload(name: str) -> dict[str, Any]:
    """A recorded Slack request body."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return data


def http_adapter(fake: FakeSlack, token: str | None = None) -> SlackAdapter:
    """An HTTP-mode adapter pointed at the fake, with test-sized back-off."""
    return SlackAdapter(
        bot_token=token or fake.identity.bot_token,
        signing_secret=SECRET,
        api_url=fake.api_url,
        max_backoff_s=0.05,
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


@asynccontextmanager
async def slack_bot(
    settings: Settings, adapter: SlackAdapter
) -> AsyncIterator[tuple[RunningBot, SlackDriver]]:
    """The whole bot with only the Slack adapter, and a driver posting to its /slack/events."""
    async with running_bot(settings, adapters=[adapter]) as bot:
        driver = SlackDriver(f"{bot.url}/slack/events", SECRET)
        try:
            yield bot, driver
        finally:
            await driver.aclose()


async def inbound(bot: RunningBot) -> list[Any]:
    """Inbound Slack messages the store kept."""
    return [m for m in await bot.store.messages(channel="slack") if m.direction == "in"]


async def test_message_stored_once_with_contact_and_acknowledged_in_thread(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    async with slack_bot(make_settings(database_url=db_url), http_adapter(fake)) as (bot, driver):
        first = await driver.post_event(payload("app_mention"))
        twin = await driver.post_event(payload("message_channel_mention"))
        assert (first.status_code, twin.status_code) == (200, 200)
        [stored] = await inbound(bot)
        assert stored.platform_id == "C01LIBRARY:1763856100.000200"
        assert stored.text == "can we have longer opening hours during exams?"
        assert stored.contact_id is not None
        conversation = await bot.store.conversation_at(
            channel="slack", chat="C01LIBRARY", thread="1763856100.000200"
        )
        assert conversation == stored.conversation_id
        [ack] = await fake.wait_for_calls("chat.postMessage")
        assert (ack.args["channel"], ack.args["thread_ts"]) == ("C01LIBRARY", "1763856100.000200")
        assert ack.token == fake.identity.bot_token


async def test_dm_is_acknowledged_plainly_in_the_dm(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    async with slack_bot(make_settings(database_url=sqlite_url), http_adapter(fake)) as (
        bot,
        driver,
    ):
        assert (await driver.post_event(payload("message_im"))).status_code == 200
        [ack] = await fake.wait_for_calls("chat.postMessage")
        assert ack.args["channel"] == "D01DSTUD1" and "thread_ts" not in ack.args
        [stored] = await inbound(bot)
        assert stored.text == "The silent study room on floor 3 is freezing & the wifi drops"


async def test_the_same_delivery_ten_times_is_stored_once(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    async with slack_bot(make_settings(database_url=db_url), http_adapter(fake)) as (bot, driver):
        answers = [await driver.post_event(payload("message_im"), retry_num=n) for n in range(10)]
        assert {a.status_code for a in answers} == {200}
        assert len(await inbound(bot)) == 1
        await fake.wait_for_calls("chat.postMessage")
        assert len(fake.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize("forgery", ["bad_signature", "stale_timestamp"])
async def test_forged_requests_are_401_and_nothing_is_stored(
    forgery: str, sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    forged: dict[str, Any] = (
        {"secret": "not-the-signing-secret"}
        if forgery == "bad_signature"
        else {"timestamp": int(time.time()) - 600}
    )
    async with slack_bot(make_settings(database_url=sqlite_url), http_adapter(fake)) as (
        bot,
        driver,
    ):
        event = await driver.post_event(payload("message_im"), **forged)
        action = await driver.post_action(payload("block_actions"), **forged)
        assert (event.status_code, action.status_code) == (401, 401)
        assert await bot.store.messages() == []
        assert fake.calls_to("chat.postMessage") == []


async def test_url_verification_is_answered(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    async with slack_bot(make_settings(database_url=sqlite_url), http_adapter(fake)) as (_, driver):
        answer = await driver.post_event(payload("url_verification"))
        assert answer.status_code == 200
        assert answer.json()["challenge"] == payload("url_verification")["challenge"]


async def test_button_press_is_stored_as_a_vote_once(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    async with slack_bot(make_settings(database_url=sqlite_url), http_adapter(fake)) as (
        bot,
        driver,
    ):
        answers = [await driver.post_action(payload("block_actions")) for _ in range(3)]
        assert {a.status_code for a in answers} == {200}
        votes = await inbound(bot)
        assert [v.kind for v in votes] == ["vote"]
        assert votes[0].platform_id == "choice_0:1763856700.000900:U01STUDNT:1763856760.123456"


async def test_own_and_system_messages_are_acked_and_ignored(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    async with slack_bot(make_settings(database_url=sqlite_url), http_adapter(fake)) as (
        bot,
        driver,
    ):
        for name in (
            "message_own_bot",
            "message_bot_message",
            "channel_join",
            "message_changed_unfurl",
        ):
            assert (await driver.post_event(payload(name))).status_code == 200, name
        assert await bot.store.messages() == []


async def test_platform_5xx_delays_then_recovers_and_unstored_events_are_redelivered(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    fake.fail_next(503, 50, methods=("auth.test",))
    adapter = http_adapter(fake)
    async with slack_bot(make_settings(database_url=sqlite_url), adapter) as (bot, driver):
        await fake.wait_for(lambda: len(fake.calls_to("auth.test", ok_only=False)) >= 2)
        assert adapter.state is ChannelState.RECONNECTING
        refused = await driver.post_event(payload("message_im"))
        assert refused.status_code == 500 and await inbound(bot) == []
        fake.faults.clear()
        await bot.wait_for(_is_up(adapter), what="slack up again")
        redelivered = await driver.post_event(
            payload("message_im"), retry_num=1, retry_reason="http_error"
        )
        assert redelivered.status_code == 200 and len(await inbound(bot)) == 1
        await fake.wait_for_calls("chat.postMessage")


async def test_rejected_token_marks_the_channel_down_and_names_the_setting(
    sqlite_url: str,
    make_settings: Callable[..., Settings],
    fake: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    adapter = http_adapter(fake, token="xoxb-revoked")
    async with slack_bot(make_settings(database_url=sqlite_url), adapter) as (bot, _):
        await bot.wait_for(_is_down(adapter), what="slack down")
        assert "FEEDBOT_SLACK_BOT_TOKEN" in adapter.detail
        health = await _healthz(bot)
        assert health["channels"]["slack"]["state"] == "down"
    assert adapter.state is ChannelState.STOPPED
    assert [r for r in caplog.records if "FEEDBOT_SLACK_BOT_TOKEN" in r.getMessage()]


def _is_up(adapter: SlackAdapter) -> Callable[[], Any]:
    async def check() -> bool:
        return adapter.state is ChannelState.UP

    return check


def _is_down(adapter: SlackAdapter) -> Callable[[], Any]:
    async def check() -> bool:
        return adapter.state is ChannelState.DOWN

    return check


async def _healthz(bot: RunningBot) -> Any:
    async with httpx.AsyncClient(base_url=bot.url) as http:
        return (await http.get("/healthz")).json()


class NoCursors:
    """Slack keeps no cursors; from_settings still takes the store's."""

    async def get(self, name: str) -> str | None:
        return None

    async def set(self, name: str, value: str) -> None:
        return None


def test_from_settings_picks_the_mode(make_settings: Callable[..., Settings]) -> None:
    cursors = NoCursors()
    assert from_settings(make_settings(), cursors) is None
    http = from_settings(make_settings(slack_bot_token="xoxb-1", slack_signing_secret="s"), cursors)
    assert http is not None and not http.socket_mode and len(http.routes()) == 1
    socket = from_settings(
        make_settings(slack_bot_token="xoxb-1", slack_app_token="xapp-1"), cursors
    )
    assert socket is not None and socket.socket_mode and socket.routes() == []
    with pytest.raises(SettingsError, match="FEEDBOT_SLACK_SIGNING_SECRET"):
        from_settings(make_settings(slack_bot_token="xoxb-1"), cursors)


async def test_a_slack_outage_leaves_the_other_channels_running(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    fake.fail_next(500, 10_000)
    slack = http_adapter(fake)
    settings = make_settings(database_url=sqlite_url)
    async with running_bot(settings, adapters=[slack, WidgetAdapter()]) as bot:
        await fake.wait_for(lambda: len(fake.calls) >= 2)
        async with httpx.AsyncClient(base_url=bot.url) as http:
            session = await new_session(http)
            widget = {"session": session, "client_id": "client-0001", "text": "Hello"}
            assert (await http.post("/widget/api/messages", json=widget)).status_code == 202
            health = (await http.get("/healthz")).json()
        assert health["channels"]["slack"]["state"] == "reconnecting"
        assert health["channels"]["widget"]["state"] == "up"


async def test_restart_mid_stream_has_no_gaps_and_no_duplicates(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    bodies = [_reply(i) for i in range(6)]
    settings = make_settings(database_url=sqlite_url)
    async with slack_bot(settings, http_adapter(fake)) as (_, driver):
        for body in bodies[:3]:
            assert (await driver.post_event(body)).status_code == 200
    async with slack_bot(settings, http_adapter(fake)) as (bot, driver):
        for body in bodies[2:]:
            assert (await driver.post_event(body, retry_num=1)).status_code == 200
        stored = sorted(m.platform_id for m in await inbound(bot))
    assert stored == sorted(f"C01LIBRARY:1763857{i:03d}.000100" for i in range(6))


def _reply(i: int) -> dict[str, Any]:
    """The i-th thread reply in one channel thread, as an Events API body."""
    ts = f"1763857{i:03d}.000100"
    event = {
        "type": "message",
        "channel": "C01LIBRARY",
        "channel_type": "channel",
        "user": "U01STUDNT",
        "text": f"note {i}",
        "ts": ts,
        "thread_ts": "1763856100.000200",
        "event_ts": ts,
    }
    return event_envelope(event, event_id=f"Ev0RST{i:05d}")
