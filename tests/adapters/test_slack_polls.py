"""A poll on Slack through the real SDK: Block Kit buttons out, signed button clicks in."""

from __future__ import annotations

import copy
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from config.settings import Settings
from handlers import polls
from handlers.poll_kinds import standard_options
from models.store.polls import Target
from tests.adapters.test_slack_http import http_adapter, payload, slack_bot
from tests.fakes.slack import FakeSlack


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


def click(posted: dict[str, Any], button: int, user: str) -> dict[str, Any]:
    """A block_actions payload for a click on one of the poll's buttons."""
    body = copy.deepcopy(payload("block_actions"))
    actions = next(b for b in posted["blocks"] if b["type"] == "actions")
    element = actions["elements"][button]
    body["user"] = {
        "id": user,
        "username": user.lower(),
        "name": user.lower(),
        "team_id": "T0FAKE001",
    }
    body["channel"] = {"id": posted["channel"], "name": "library-feedback"}
    body["container"] = {
        "type": "message",
        "message_ts": "1763856700.000900",
        "channel_id": posted["channel"],
    }
    body["message"]["blocks"] = posted["blocks"]
    body["actions"] = [
        {**element, "block_id": actions["block_id"], "action_ts": f"{time.time():.6f}"}
    ]
    return body


async def test_slack_buttons_vote_change_and_close(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    async with slack_bot(make_settings(database_url=sqlite_url), http_adapter(fake)) as (
        bot,
        driver,
    ):
        poll_id = await bot.store.create_poll(
            targets=[Target("slack", "C01LIBRARY")],
            options=standard_options("yes_no", []),
            question="Should the library open on Sunday mornings?",
            kind="yes_no",
        )
        await polls.send(bot.store, poll_id, bot.app.delivery.wake)
        [call] = await fake.wait_for_calls("chat.postMessage")
        posted = call.args
        labels = [
            e["text"]["text"]
            for b in posted["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
        ]
        assert labels == ["Yes", "No"]

        once = click(posted, 0, "U0ANN")
        for _ in range(3):  # one click, delivered three times
            assert (await driver.post_action(once)).status_code == 200
        assert (await driver.post_action(click(posted, 1, "U0BEN"))).status_code == 200
        assert (await driver.post_action(click(posted, 0, "U0BEN"))).status_code == 200  # changed

        async def counted() -> bool:
            r = await polls.results(bot.store, poll_id)
            return {o.key: o.count for o in r.options} == {"yes": 2, "no": 0}

        await bot.wait_for(counted, what="two yes votes")
        await fake.wait_for(lambda: _told(fake, "U0BEN", "Your answer: Yes"))  # privately
        await polls.close(bot.store, poll_id, bot.app.delivery.wake)
        assert (await driver.post_action(click(posted, 1, "U0CAT"))).status_code == 200
        await fake.wait_for(lambda: _told(fake, "U0CAT", polls.CLOSED_TEXT))
        assert (await polls.results(bot.store, poll_id)).responses == 2


def _told(fake: FakeSlack, user: str, text: str) -> bool:
    """Whether ``user`` got an ephemeral message containing ``text``."""
    calls = fake.calls_to("chat.postEphemeral")
    return any(c.args.get("user") == user and text in str(c.args.get("text")) for c in calls)
