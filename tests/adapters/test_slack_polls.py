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
from tests.fakes.slack import Call, FakeSlack
from tests.fakes.slack_driver import event_envelope
from tests.harness import RunningBot


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


async def post_poll(
    bot: RunningBot, fake: FakeSlack, kind: str, question: str, **extra: Any
) -> tuple[int, Call]:
    """Create a poll for #library, send it, and wait for its chat.postMessage."""
    poll_id = await bot.store.create_poll(
        targets=[Target("slack", "C01LIBRARY")],
        options=standard_options(kind, []),
        question=question,
        kind=kind,
        **extra,
    )
    await polls.send(bot.store, poll_id, bot.app.delivery.wake)
    [call] = await fake.wait_for_calls("chat.postMessage")
    return poll_id, call


def click(posted: dict[str, Any], button: int, user: str, hook: str) -> dict[str, Any]:
    """A block_actions payload for a click on one of the poll's buttons; ``hook`` is its
    response_url (``FakeSlack.hook()``)."""
    body = copy.deepcopy(payload("block_actions"))
    body["response_url"] = hook
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
        poll_id, call = await post_poll(
            bot, fake, "yes_no", "Should the library open on Sunday mornings?"
        )
        posted = call.args
        labels = [
            e["text"]["text"]
            for b in posted["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
        ]
        assert labels == ["Yes", "No"]

        once = click(posted, 0, "U0ANN", fake.hook())
        for _ in range(10):  # one click, delivered ten times
            assert (await driver.post_action(once)).status_code == 200
        assert (await driver.post_action(click(posted, 1, "U0BEN", fake.hook()))).status_code == 200
        changed = click(posted, 0, "U0BEN", fake.hook())
        assert (await driver.post_action(changed)).status_code == 200

        async def counted() -> bool:
            r = await polls.results(bot.store, poll_id)
            return {o.key: o.count for o in r.options} == {"yes": 2, "no": 0}

        await bot.wait_for(counted, what="two yes votes")
        await fake.wait_for(lambda: _answered(fake, changed, "Your answer: Yes"))  # privately
        await polls.close(bot.store, poll_id, bot.app.delivery.wake)
        [closed] = await fake.wait_for_calls("chat.update")  # the buttons are taken away
        assert closed.args["ts"] == call.answer["ts"] and closed.args["blocks"] == []
        assert polls.CLOSED_POLL in str(closed.args["text"])
        # A click from a copy of the message still on someone's screen is answered, not counted.
        late = click(posted, 1, "U0CAT", fake.hook())
        assert (await driver.post_action(late)).status_code == 200
        await fake.wait_for(lambda: _answered(fake, late, polls.CLOSED_TEXT))
        assert (await polls.results(bot.store, poll_id)).responses == 2
        assert not fake.calls_to("chat.postEphemeral")  # every tap was answered through its hook


async def test_a_tap_whose_response_url_no_longer_works_is_answered_with_an_ephemeral_post(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    async with slack_bot(make_settings(database_url=sqlite_url), http_adapter(fake)) as (
        bot,
        driver,
    ):
        _, call = await post_poll(bot, fake, "csat", "How was your visit today?")
        expired = click(call.args, 4, "U0ANN", fake.hook())
        fake.expire_hooks()  # Slack's 30 minutes have passed (the outbox was retrying, say)
        elsewhere = click(call.args, 3, "U0BEN", "https://hooks.example.org/actions/T0/1/x")

        for tap in (expired, elsewhere):
            assert (await driver.post_action(tap)).status_code == 200
        await fake.wait_for(lambda: _told(fake, "U0ANN", "Your answer: 5"))
        await fake.wait_for(lambda: _told(fake, "U0BEN", "Your answer: 4"))
        [refused] = fake.calls_to("response_url", ok_only=False)  # a host not Slack's: not tried
        assert refused.status == 404 and refused.token in expired["response_url"]


async def test_a_low_answer_is_followed_up_and_the_reply_after_a_restart_is_linked_to_it(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    settings = make_settings(database_url=sqlite_url)
    follow_up = "Sorry to hear that. What could we do better?"
    async with slack_bot(settings, http_adapter(fake)) as (bot, driver):
        poll_id, call = await post_poll(
            bot, fake, "yes_no", "Did you find what you came for?", follow_up=follow_up
        )
        no = click(call.args, 1, "U0ANN", fake.hook())
        assert (await driver.post_action(no)).status_code == 200
        [_, asked] = await fake.wait_for_calls("chat.postMessage", count=2)
        assert asked.args["text"] == follow_up and asked.args["channel"] == "C01LIBRARY"

    # The bot restarts; Ann answers the question, Ben votes, and Ann's tap arrives once more.
    async with slack_bot(settings, http_adapter(fake)) as (bot, driver):
        answer = {
            "type": "message",
            "channel": "C01LIBRARY",
            "channel_type": "channel",
            "user": "U0ANN",
            "text": "The book was not on the shelf the catalogue said.",
            "ts": "1763859000.000100",
            "thread_ts": asked.answer["ts"],
            "event_ts": "1763859000.000100",
        }
        assert (
            await driver.post_event(event_envelope(answer, event_id="Ev0ANN1"))
        ).status_code == 200
        assert (
            await driver.post_action(click(call.args, 0, "U0BEN", fake.hook()))
        ).status_code == 200
        assert (await driver.post_action(no)).status_code == 200

        async def linked() -> bool:
            r = await polls.results(bot.store, poll_id)
            return (r.responses, r.follow_ups) == (2, 1)

        await bot.wait_for(linked, what="two answers and Ann's comment linked to hers")
        r = await polls.results(bot.store, poll_id)
        assert {o.key: o.count for o in r.options} == {"yes": 1, "no": 1}
        texts = [c.args["text"] for c in fake.calls_to("chat.postMessage")]
        assert texts.count(follow_up) == 1  # asked once, for all the redeliveries


def _answered(fake: FakeSlack, tap: dict[str, Any], text: str) -> bool:
    """Whether the tap's response_url got an ephemeral answer containing ``text``."""
    return any(
        c.token in tap["response_url"]
        and c.args.get("response_type") == "ephemeral"
        and c.args.get("replace_original") is False
        and text in str(c.args.get("text"))
        for c in fake.calls_to("response_url")
    )


def _told(fake: FakeSlack, user: str, text: str) -> bool:
    """Whether ``user`` got an ephemeral message (chat.postEphemeral) containing ``text``."""
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
        poll_id, call = await post_poll(
            bot, fake, "yes_no", "Should the library open on Sunday mornings?", live_results=True
        )
        await bot.wait_for(lambda: _all_sent(bot), what="the poll post to be marked sent")
        for user in ("U0ANN", "U0BEN", "U0CAT"):
            tap = click(call.args, 0 if user != "U0CAT" else 1, user, fake.hook())
            await driver.post_action(tap)

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
