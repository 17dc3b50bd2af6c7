"""X, through real tweepy and FakeX: a DM is answered by DM and its satisfaction question is
answered by typing a number; a public mention is answered with a reply tweet, and no survey."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from config.settings import Settings
from tests.adapters.test_x_scenarios import bot_with_x
from tests.fakes.x import FakeX
from tests.inbox.scenario import PRINTER, answered, csat, queued_item, reply_entry, staff

STUDENT = "2200000000000000002"


@pytest.fixture
async def fake() -> AsyncIterator[FakeX]:
    async with FakeX() as server:
        yield server


def dms(fake: FakeX, text: str) -> list[dict[str, Any]]:
    return [d for d in fake.sent_dms() if text in d["text"]]


async def test_a_dm_is_answered_by_dm_and_rated_by_typing_a_number(
    db_url: str, make_settings: Callable[..., Settings], fake: FakeX
) -> None:
    async with bot_with_x(make_settings(database_url=db_url), fake) as (bot, _):
        dm = fake.dm(PRINTER, sender_id=STUDENT)
        item = await queued_item(bot)
        ann = await staff(bot)
        await bot.app.inbox.reply(ann, item.id, "Sorry, we will refund you at the desk.")
        await reply_entry(bot, item.id, "sent")
        [reply] = dms(fake, "refund")
        assert reply["dm_conversation_id"] == dm["dm_conversation_id"]

        await bot.app.inbox.resolve(ann, [item.id])
        await bot.wait_for(lambda: _true(dms(fake, "How satisfied")), what="CSAT DM")
        [question] = dms(fake, "How satisfied")
        assert "Reply with a number" in question["text"]
        fake.dm("4", sender_id=STUDENT)
        await answered(bot, item.id, 4)
        assert (await csat(bot, item.id)).staff_id == ann.id
        view = await bot.store.inbox.item(item_id=item.id)
        assert view is not None and view.row.status == "resolved"  # the "4" did not reopen it
        assert fake.created_tweets() == []


async def test_a_mention_is_answered_with_a_reply_tweet_and_no_public_survey(
    sqlite_url: str, make_settings: Callable[..., Settings], fake: FakeX
) -> None:
    async with bot_with_x(make_settings(database_url=sqlite_url), fake) as (bot, _):
        tweet = fake.mention("@uni_library is the wifi down on level 3?")
        item = await queued_item(bot)
        ann = await staff(bot)
        await bot.app.inbox.reply(ann, item.id, "It is back now, sorry about that.")
        await reply_entry(bot, item.id, "sent")
        [reply] = [t for t in fake.created_tweets() if "back now" in t["text"]]
        assert reply["referenced_tweets"][0]["id"] == tweet["id"]
        await bot.app.inbox.resolve(ann, [item.id])
        assert await csat(bot, item.id) is None


async def _true(value: object) -> bool:
    return bool(value)
