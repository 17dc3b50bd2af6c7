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
from tests.harness import RunningBot


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
        [closed] = await fake.wait_for_calls("chat.update")  # the buttons are taken away
        assert closed.args["ts"] == call.answer["ts"] and closed.args["blocks"] == []
        assert polls.CLOSED_POLL in str(closed.args["text"])
        # A click from a copy of the message still on someone's screen is answered, not counted.
        assert (await driver.post_action(click(posted, 1, "U0CAT"))).status_code == 200
        await fake.wait_for(lambda: _told(fake, "U0CAT", polls.CLOSED_TEXT))
        assert (await polls.results(bot.store, poll_id)).responses == 2


def _told(fake: FakeSlack, user: str, text: str) -> bool:
    """Whether ``user`` got an ephemeral message containing ``text``."""
    calls = fake.calls_to("chat.postEphemeral")
    return any(c.args.get("user") == user and text in str(c.args.get("text")) for c in calls)


async def test_live_results_edit_the_poll_message_when_votes_change(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    from handlers import live_tally

    async with slack_bot(make_settings(database_url=sqlite_url), http_adapter(fake)) as (
        bot,
        driver,
    ):
        poll_id = await bot.store.create_poll(
            targets=[Target("slack", "C01LIBRARY")],
            options=standard_options("yes_no", []),
            question="Should the library open on Sunday mornings?",
            kind="yes_no",
            live_results=True,
        )
        await polls.send(bot.store, poll_id, bot.app.delivery.wake)
        [call] = await fake.wait_for_calls("chat.postMessage")
        await bot.wait_for(lambda: _all_sent(bot), what="the poll post to be marked sent")
        for user in ("U0ANN", "U0BEN", "U0CAT"):
            await driver.post_action(click(call.args, 0 if user != "U0CAT" else 1, user))

        async def three() -> bool:
            return (await polls.results(bot.store, poll_id)).responses == 3

        await bot.wait_for(three, what="three votes")
        assert await live_tally.refresh(bot.store, bot.app.delivery.wake) == 1
        assert await live_tally.refresh(bot.store, bot.app.delivery.wake) == 0  # nothing new
        [edit] = await fake.wait_for_calls("chat.update")
        first = min(await bot.store.outbox_items(), key=lambda o: o.id)  # the poll post
        assert edit.args["ts"] == first.platform_message_id  # the edit is of that message
        assert "So far (3 answers): Yes 66.7% · No 33.3%" in str(edit.args["text"])


async def _all_sent(bot: RunningBot) -> bool:
    return all(o.status == "sent" for o in await bot.store.outbox_items())
