"""Slack, through real slack-bolt and FakeSlack: replies go to the DM, or to the thread the
student wrote in; the satisfaction question comes with buttons."""

from __future__ import annotations

from tests.fakes.chat import Chat
from tests.support.queue_scenario import answered, csat, queued_item, reply_entry, staff

DM = "D01DSTUD1"


async def test_dm_reply_and_satisfaction_buttons(chat: Chat, db_url: str) -> None:
    bot = await chat.start("slack", database_url=db_url)
    student = chat.on("slack", where=DM)
    said = await student.says("The silent study room on floor 3 is freezing &amp; the wifi drops")
    assert said.status == 200
    item = await queued_item(bot)
    ann = await staff(bot)
    text = "We have turned the heating up on floor 3."
    await bot.app.inbox.reply(ann, item.id, text)
    await reply_entry(bot, item.id, "sent")
    reply = await chat.expect_reply(student, contains=text, how="post")
    assert reply.raw.args["channel"] == DM and reply.raw.token == chat.slack.identity.bot_token

    await bot.app.inbox.resolve(ann, [item.id])
    question = await chat.expect_reply(student, contains="How satisfied")
    assert question.raw.args["channel"] == DM and len(question.options) == 5
    assert (await student.taps("5 Excellent")).status == 200
    await answered(bot, item.id, 5)
    assert (await csat(bot, item.id)).staff_id == ann.id


async def test_a_channel_mention_is_answered_in_its_thread_without_a_public_survey(
    chat: Chat, sqlite_url: str
) -> None:
    bot = await chat.start("slack", database_url=sqlite_url)
    student = chat.on("slack")
    asked = "can we have longer opening hours during exams?"
    said = await student.says(
        f"<@{chat.slack.identity.bot_user_id}> {asked}", mentioning_the_bot=True
    )
    assert said.status == 200
    item = await queued_item(bot)  # a question, so it needs a person even in a channel
    ann = await staff(bot)
    await bot.app.inbox.reply(ann, item.id, "Yes, from 1 May we open until midnight.")
    await reply_entry(bot, item.id, "sent")
    reply = await chat.expect_reply(student, contains="midnight", how="reply")
    where, ts = said.platform_id.split(":")
    assert (reply.raw.args["channel"], reply.raw.args["thread_ts"]) == (where, ts)
    assert where == "C01LIBRARY"
    await bot.app.inbox.resolve(ann, [item.id])
    assert await csat(bot, item.id) is None  # a public channel: no satisfaction question
