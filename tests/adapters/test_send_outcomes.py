"""Through the real Slack SDK against FakeSlack: a send that never reached Slack is "not
delivered", one that Slack took but answered too late is "outcome unknown" (and the SDK does not
resend it by itself), and a post is found again by the send key in its message metadata."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.adapters.slack import SlackAdapter
from bot.channel import SendError
from bot.events import Address, Channel, ConversationKind, OutboundMessage, utcnow
from tests.fakes.process import free_port
from tests.fakes.slack import FakeSlack

THREAD = Address(Channel.SLACK, "C01LIBRARY", "1763856100.000200", ConversationKind.PUBLIC)
DM = Address(Channel.SLACK, "D01DSTUD1", "", ConversationKind.DIRECT)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


def adapter_for(api_url: str, token: str = "xoxb-fake-bot-token") -> SlackAdapter:
    return SlackAdapter(bot_token=token, api_url=api_url, send_timeout_s=1)


async def test_a_refused_connection_is_not_delivered() -> None:
    adapter = adapter_for(f"http://127.0.0.1:{free_port()}/api/")
    with pytest.raises(SendError) as raised:
        await adapter.send(OutboundMessage(DM, "hello", send_key="outbox-1"))
    assert not raised.value.unknown and not raised.value.permanent


async def test_an_answer_that_comes_too_late_leaves_the_outcome_unknown(fake: FakeSlack) -> None:
    fake.hang_next(2)
    with pytest.raises(SendError) as raised:
        await adapter_for(fake.api_url).send(OutboundMessage(DM, "hello", send_key="outbox-1"))
    assert raised.value.unknown
    assert len(fake.calls_to("chat.postMessage", ok_only=False)) == 1  # no resend by the SDK
    assert [m["text"] for m in fake.history.in_channel("D01DSTUD1")] == ["hello"]


async def test_a_connection_dropped_mid_answer_leaves_the_outcome_unknown(
    fake: FakeSlack,
) -> None:
    fake.drop_next()
    with pytest.raises(SendError) as raised:
        await adapter_for(fake.api_url).send(OutboundMessage(DM, "hello", send_key="outbox-1"))
    assert raised.value.unknown
    assert len(fake.calls_to("chat.postMessage", ok_only=False)) == 1  # no resend by the SDK


async def test_a_post_is_found_by_its_send_key_in_a_thread_and_in_a_channel(
    fake: FakeSlack,
) -> None:
    adapter, since = adapter_for(fake.api_url), utcnow() - timedelta(seconds=1)
    in_thread = OutboundMessage(THREAD, "in the thread", send_key="outbox-7")
    direct = OutboundMessage(DM, "in the DM", send_key="outbox-8")
    ts = [await adapter.send(m) for m in (in_thread, direct)]
    assert [await adapter.look_up(m, since=since) for m in (in_thread, direct)] == ts
    assert fake.calls_to("conversations.replies")[0].args["ts"] == THREAD.thread
    never = OutboundMessage(DM, "never sent", send_key="outbox-9")
    assert await adapter.look_up(never, since=since) == ""


async def test_private_posts_and_edits_cannot_be_looked_for(fake: FakeSlack) -> None:
    adapter = adapter_for(fake.api_url)
    assert not adapter.can_look_up(OutboundMessage(THREAD, "x", private_to="U1", send_key="k"))
    assert not adapter.can_look_up(OutboundMessage(THREAD, "x", edit_of="1.2", send_key="k"))
    assert adapter.can_look_up(OutboundMessage(THREAD, "x", send_key="k"))


async def test_without_access_to_the_history_the_look_up_cannot_tell(fake: FakeSlack) -> None:
    fake.fail_next(200, methods=("conversations.history",), error="missing_scope")
    adapter = adapter_for(fake.api_url)
    message = OutboundMessage(DM, "hello", send_key="outbox-1")
    assert await adapter.look_up(message, since=utcnow()) is None
