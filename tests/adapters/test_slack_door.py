"""The events door takes a button press itself: stored before the empty 200, a 500 when it
could not be stored, and no need of bolt's per-request set-up (so not of auth.test either);
every other signed body still goes to bolt."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.events_door import button_press
from bot.events import EventKind, InboundEvent
from tests.fakes.slack_driver import SlackDriver

SECRET = "door-signing-secret-0123456789abcdef"
PAYLOADS = Path(__file__).parent / "payloads" / "slack"
UNREACHABLE_API = "http://127.0.0.1:9/api/"
"""No Slack answers here: bolt's authorize (auth.test) cannot succeed."""


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text())
    return data


class Sink:
    """Stands in for the recorder: keeps what it is given, once ``open`` lets it through."""

    def __init__(self) -> None:
        self.stored: list[InboundEvent] = []
        self.open = asyncio.Event()
        self.open.set()
        self.refuse = False

    async def __call__(self, event: InboundEvent) -> None:
        await self.open.wait()
        if self.refuse:
            raise OSError("disk full")
        self.stored.append(event)


@pytest.fixture
async def door() -> AsyncIterator[tuple[SlackDriver, Sink]]:
    adapter = SlackAdapter(bot_token="xoxb-1", signing_secret=SECRET, api_url=UNREACHABLE_API)
    sink = Sink()
    await adapter.start(sink)  # type: ignore[arg-type] # the sink's receipt is not read
    app = Starlette(routes=list(adapter.routes()))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://door")
    try:
        yield SlackDriver("http://door/slack/events", SECRET, client=client), sink
    finally:
        await client.aclose()
        await adapter.stop()


async def test_a_press_is_answered_only_once_it_is_stored(
    door: tuple[SlackDriver, Sink],
) -> None:
    driver, sink = door
    sink.open.clear()
    answer = asyncio.create_task(driver.post_action(payload("block_actions")))
    await asyncio.sleep(0.05)
    assert not answer.done() and sink.stored == []
    sink.open.set()
    assert (await answer).status_code == 200
    [vote] = sink.stored
    assert vote.kind is EventKind.VOTE and vote.sender == "U01STUDNT"


async def test_a_press_is_taken_without_bolt_even_before_auth_test_answers(
    door: tuple[SlackDriver, Sink],
) -> None:
    """Bolt authorizes every request it dispatches (auth.test, unreachable here: 500); a press
    needs nothing of the bot's identity, so it is stored while a message still is refused."""
    driver, sink = door
    event = await driver.post_event(payload("message_im"))
    press = await driver.post_action(payload("block_actions"))
    assert (event.status_code, press.status_code) == (500, 200)
    assert [e.kind for e in sink.stored] == [EventKind.VOTE]


async def test_a_press_that_cannot_be_stored_is_a_500(
    door: tuple[SlackDriver, Sink], caplog: pytest.LogCaptureFixture
) -> None:
    driver, sink = door
    sink.refuse = True
    with caplog.at_level(logging.ERROR):
        answer = await driver.post_action(payload("block_actions"))
    assert answer.status_code == 500 and sink.stored == []
    assert any("button press could not be taken" in r.getMessage() for r in caplog.records)


async def test_a_forged_press_is_401_and_never_reaches_the_sink(
    door: tuple[SlackDriver, Sink],
) -> None:
    driver, sink = door
    forged = await driver.post_action(payload("block_actions"), secret="not-the-secret")
    assert forged.status_code == 401 and sink.stored == []


def test_only_what_bolts_action_listener_takes_is_a_press() -> None:
    press = payload("block_actions")
    assert button_press(json.dumps(press)) == press
    for other in (
        {**press, "type": "view_submission"},
        {**press, "actions": []},
        {**press, "actions": [{"action_id": 7}]},
        {**press, "actions": "vote:1"},
        {key: value for key, value in press.items() if key != "actions"},
    ):
        assert button_press(json.dumps(other)) is None
    for junk in ("{", "[1]", "null", '"block_actions"'):
        assert button_press(junk) is None


async def test_an_interaction_that_is_not_a_press_still_goes_to_bolt(
    door: tuple[SlackDriver, Sink],
) -> None:
    """A block_actions body without an action is bolt's to answer (its authorize, unreachable
    here, refuses it), and nothing is stored."""
    driver, sink = door
    answer = await driver.post_action({**payload("block_actions"), "actions": []})
    assert answer.status_code == 500 and sink.stored == []
