"""Slack, through real slack-bolt and FakeSlack: replies go to the DM, or to the thread the
student wrote in; the satisfaction question comes with buttons."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from config.settings import Settings
from tests.adapters.test_slack_http import http_adapter, payload, slack_bot
from tests.adapters.test_slack_polls import click
from tests.fakes.slack import Call, FakeSlack
from tests.inbox.scenario import answered, csat, queued_item, reply_entry, staff


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


def posts(fake: FakeSlack, text: str) -> list[Call]:
    return [c for c in fake.calls_to("chat.postMessage") if text in str(c.args.get("text"))]


async def test_dm_reply_and_satisfaction_buttons(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    async with slack_bot(make_settings(database_url=db_url), http_adapter(fake)) as (bot, drv):
        assert (await drv.post_event(payload("message_im"))).status_code == 200
        item = await queued_item(bot)
        ann = await staff(bot)
        await bot.app.inbox.reply(ann, item.id, "We have turned the heating up on floor 3.")
        await reply_entry(bot, item.id, "sent")
        [reply] = posts(fake, "heating")
        assert reply.args["channel"] == "D01DSTUD1" and reply.token == fake.identity.bot_token

        await bot.app.inbox.resolve(ann, [item.id])
        await fake.wait_for(lambda: bool(posts(fake, "How satisfied")))
        [question] = posts(fake, "How satisfied")
        assert question.args["channel"] == "D01DSTUD1"
        tap = click(question.args, 4, "U01STUDNT", fake.hook())
        assert (await drv.post_action(tap)).status_code == 200
        await answered(bot, item.id, 5)
        assert (await csat(bot, item.id)).staff_id == ann.id


async def test_a_channel_mention_is_answered_in_its_thread_without_a_public_survey(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeSlack
) -> None:
    async with slack_bot(make_settings(database_url=sqlite_url), http_adapter(fake)) as (
        bot,
        drv,
    ):
        assert (await drv.post_event(payload("app_mention"))).status_code == 200
        item = await queued_item(bot)  # a question, so it needs a person even in a channel
        ann = await staff(bot)
        await bot.app.inbox.reply(ann, item.id, "Yes, from 1 May we open until midnight.")
        await reply_entry(bot, item.id, "sent")
        [reply] = posts(fake, "midnight")
        assert (reply.args["channel"], reply.args["thread_ts"]) == (
            "C01LIBRARY",
            "1763856100.000200",
        )
        await bot.app.inbox.resolve(ann, [item.id])
        assert await csat(bot, item.id) is None  # a public channel: no satisfaction question
