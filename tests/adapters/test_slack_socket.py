"""Slack Socket Mode through the whole bot: envelopes over FakeSlack's WebSocket, acks recorded."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.slack import SlackAdapter
from bot.channel import ChannelState
from config.settings import Settings
from tests.fakes.running import RunningBot, running_bot
from tests.fakes.slack import FakeSlack
from tests.fakes.waiting import wait_until

PAYLOADS = Path(__file__).parent / "payloads" / "slack"


def payload(name: str) -> dict[str, Any]:
    """A recorded Slack request body."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return data


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


def socket_adapter(fake: FakeSlack, app_token: str | None = None) -> SlackAdapter:
    """A Socket Mode adapter (no signing secret needed) with test-sized timers."""
    return SlackAdapter(
        bot_token=fake.identity.bot_token,
        app_token=app_token or fake.identity.app_token,
        api_url=fake.api_url,
        ping_interval_s=0.5,
        max_backoff_s=0.05,
    )


async def inbound(bot: RunningBot) -> list[Any]:
    return [
        m
        for m in await bot.store.messages.find(channel="slack", newest_first=False)
        if m.direction == "in"
    ]


def state_is(adapter: SlackAdapter, state: ChannelState) -> Callable[[], Any]:
    async def check() -> bool:
        return adapter.state is state

    return check


async def test_socket_message_is_acked_stored_once_and_acknowledged(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    adapter = socket_adapter(fake)
    assert adapter.routes() == []
    async with running_bot(make_settings(database_url=db_url), adapters=[adapter]) as bot:
        await wait_until(state_is(adapter, ChannelState.UP), what="socket mode up")
        envelopes = [await fake.push(payload("message_im"), retry_attempt=n) for n in range(3)]
        for envelope_id in envelopes:
            assert (await fake.wait_for_ack(envelope_id))["envelope_id"] == envelope_id
        [stored] = await inbound(bot)
        assert stored.platform_id == "D01DSTUD1:1763856000.000100" and stored.contact_id is not None
        [ack] = await fake.wait_for_calls("chat.postMessage")
        assert ack.args["channel"] == "D01DSTUD1" and "thread_ts" not in ack.args


@pytest.mark.parametrize("drop", ["close", "disconnect_message", "abrupt"])
async def test_a_dropped_socket_reconnects_and_carries_on(
    drop: str,
    sqlite_url: str,
    make_settings: Callable[..., Settings],
    fake: FakeSlack,
) -> None:
    adapter = socket_adapter(fake)
    async with running_bot(make_settings(database_url=sqlite_url), adapters=[adapter]) as bot:
        await wait_until(state_is(adapter, ChannelState.UP), what="socket mode up")
        await fake.wait_for_ack(await fake.push(payload("app_mention")))
        await fake.drop_sockets(
            disconnect_message=drop == "disconnect_message", abrupt=drop == "abrupt"
        )
        await wait_until(lambda: fake.connections >= 2, within=10)
        # a socket that is being replaced may take an envelope with it: Slack sends it again
        await fake.deliver(payload("message_thread_reply"))
        stored = await inbound(bot)
        assert [m.platform_id for m in stored] == [
            "C01LIBRARY:1763856100.000200",
            "C01LIBRARY:1763856200.000300",
        ]
        assert adapter.state is ChannelState.UP


async def test_button_press_over_the_socket_is_a_vote(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    adapter = socket_adapter(fake)
    async with running_bot(make_settings(database_url=sqlite_url), adapters=[adapter]) as bot:
        await wait_until(state_is(adapter, ChannelState.UP), what="socket mode up")
        await fake.wait_for_ack(await fake.push(payload("block_actions_dm"), kind="interactive"))
        [vote] = await inbound(bot)
        assert vote.kind == "vote"


async def test_own_messages_over_the_socket_are_acked_and_ignored(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    adapter = socket_adapter(fake)
    async with running_bot(make_settings(database_url=sqlite_url), adapters=[adapter]) as bot:
        await wait_until(state_is(adapter, ChannelState.UP), what="socket mode up")
        await fake.wait_for_ack(await fake.push(payload("message_own_bot")))
        assert await inbound(bot) == []


async def test_rejected_app_token_marks_the_channel_down_and_names_the_setting(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    adapter = socket_adapter(fake, app_token="xapp-revoked")
    async with running_bot(make_settings(database_url=sqlite_url), adapters=[adapter]):
        await wait_until(state_is(adapter, ChannelState.DOWN), what="slack down")
        assert "FEEDBOT_SLACK_APP_TOKEN" in adapter.detail
        assert fake.connections == 0
    assert adapter.state is ChannelState.STOPPED
