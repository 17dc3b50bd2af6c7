"""X, through real tweepy and FakeX: a DM is answered by DM and its satisfaction question is
answered by typing a number; a public mention is answered with a reply tweet, and no survey."""

from __future__ import annotations

from tests.fakes.chat import Chat
from tests.support.queue_scenario import PRINTER, answered, csat, queued_item, reply_entry, staff

STUDENT = "2200000000000000002"


async def test_a_dm_is_answered_by_dm_and_rated_by_typing_a_number(chat: Chat, db_url: str) -> None:
    bot = await chat.start("x", database_url=db_url)
    student = chat.on("x", user_id=STUDENT, dm=True)
    await student.says(PRINTER)
    item = await queued_item(bot)
    ann = await staff(bot)
    text = "Sorry, we will refund you at the desk."
    await bot.app.inbox.reply(ann, item.id, text)
    await reply_entry(bot, item.id, "sent")
    reply = await chat.expect_reply(student, contains=text)
    assert reply.how == "dm" and reply.raw["dm_conversation_id"] == student.conversation

    await bot.app.inbox.resolve(ann, [item.id])
    question = await chat.expect_reply(student, contains="How satisfied", how="dm")
    assert "Reply with a number" in question.text
    await student.says("4")
    await answered(bot, item.id, 4)
    assert (await csat(bot, item.id)).staff_id == ann.id
    view = await bot.store.inbox.item(item_id=item.id)
    assert view is not None and view.row.status == "resolved"  # the "4" did not reopen it
    assert chat.x.created_tweets() == []


async def test_a_mention_is_answered_with_a_reply_tweet_and_no_public_survey(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await chat.start("x", database_url=sqlite_url)
    student = chat.on("x", user_id=STUDENT)
    tweet = await student.says("is the wifi down on level 3?")
    item = await queued_item(bot)
    ann = await staff(bot)
    await bot.app.inbox.reply(ann, item.id, "It is back now, sorry about that.")
    await reply_entry(bot, item.id, "sent")
    reply = await chat.expect_reply(student, contains="back now", how="reply")
    assert reply.raw["referenced_tweets"][0]["id"] == tweet.platform_id
    await bot.app.inbox.resolve(ann, [item.id])
    assert await csat(bot, item.id) is None
